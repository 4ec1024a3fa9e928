#!/bin/sh
# harden.sh - peers, messages, secrets and files (docs/reliability.md, issue 16)
#
#   config mode   koppelctl warns, as the daemons do, about a configuration
#                 file every user may read
# Usage: tests/e2e/harden.sh [BIN]. Prints PASS/FAIL lines; exit 1 on a failure.

BIN=${1:-build/bin}
. tests/e2e/lib.sh
trap e2e_stop EXIT INT TERM
ROOT=${HARDEN_ROOT:-/tmp/koppel-harden.$$}
passed=0
failed=0

# result NAME STATUS - count and print PASS or FAIL
result() {
    if [ "$2" -eq 0 ]; then
        passed=$((passed + 1))
        echo "PASS $1"
    else
        failed=$((failed + 1))
        echo "FAIL $1 (logs in $E2E_DIR/log)"
        tail -n 5 "$E2E_DIR"/log/*.log 2>/dev/null
    fi
}

# minimal_config - a configuration for the simulators-less checks
minimal_config() {
    GC_URL=https://shop.invalid SS_URL=https://snelstart.invalid
    write_config 1
}

scenario_ctl_warns_about_a_readable_config() {
    e2e_setup "$ROOT/mode"
    minimal_config
    chmod 0644 "$CFG"
    "$BIN/koppelctl" --config "$CFG" profiles > /dev/null 2> "$E2E_DIR/ctl.err"
    grep -q "readable by every user but holds passwords and keys: chmod 0640" \
        "$E2E_DIR/ctl.err" || { echo "harden: koppelctl said nothing:"; cat "$E2E_DIR/ctl.err"; return 1; }
    chmod 0640 "$CFG"
    "$BIN/koppelctl" --config "$CFG" profiles > /dev/null 2> "$E2E_DIR/ctl.err"
    ! grep -q "readable by every user" "$E2E_DIR/ctl.err"
}

scenario_ctl_warns_about_a_readable_config
result "koppelctl warns about a configuration every user may read" $?
e2e_stop

[ "$failed" -eq 0 ] && rm -rf "$ROOT"
echo "harden: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
