#!/bin/sh
# run.sh - run.sh BUILD SECONDS NAME...: run each libFuzzer target
# BUILD/fuzz/fuzz_NAME for SECONDS on its seeds (tests/fuzz/corpus/NAME,
# read only) plus what it found before (BUILD/corpus/NAME); print one line
# per target. A crash leaves its input in BUILD/crash-NAME-*.
dir=$1
secs=$2
shift 2
failed=0
for n in "$@"; do
    work=$dir/corpus/$n
    log=$dir/fuzz_$n.log
    mkdir -p "$work"
    if "$dir/fuzz/fuzz_$n" -max_total_time="$secs" -timeout=10 -print_final_stats=1 \
            -artifact_prefix="$dir/crash-$n-" "$work" "tests/fuzz/corpus/$n" > "$log" 2>&1; then
        runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
        cov=$(grep -o 'cov: [0-9]*' "$log" | tail -n 1)
        echo "fuzz $n: ok, $runs runs in ${secs}s, $cov, corpus $(ls "$work" | wc -l) found"
    else
        echo "fuzz $n: FAILED (log $log, input $dir/crash-$n-*)"
        grep -A 30 'ERROR\|property failed\|runtime error' "$log" | head -n 40
        failed=1
    fi
done
exit $failed
