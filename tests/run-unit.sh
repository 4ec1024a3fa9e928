#!/bin/sh
# run-unit.sh - run every cmocka unit test program given, from the repo
# root, and print one closing line "N passed, N failed". With VALGRIND set
# (a valgrind command line) each program runs under it.
passed=0
failed=0
for t in "$@"; do
    if $VALGRIND "$t" > "$t.log" 2>&1; then
        passed=$((passed + 1))
    else
        failed=$((failed + 1))
        echo "FAILED: $t (output in $t.log)"
        tail -n 30 "$t.log"
    fi
done
echo "unit: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
