#!/bin/sh
# harden.sh - peers, messages, secrets and files (docs/reliability.md, issue 16)
#
#   config mode   koppelctl warns, as the daemons do, about a configuration
#                 file every user may read
#   curve stop    with koppel.curve and tcp endpoints every daemon stops on
#                 SIGTERM with exit 0 (the CURVE key check is joined, not
#                 left to abort the process), and a fatal exit (a second
#                 fetcher, its port taken) is exit 1; while 20 raw connections hold
#                 half a ZMTP greeting, koppelctl status is answered at once
#   plain tcp     a tcp endpoint without CURVE is refused at start, with a
#                 message that says why and what to set
#   forgeries     on loopback tcp with insecure_tcp_loopback, as another
#                 local user could: a forged "booked" outcome for a pending
#                 order is refused (it stays pending, then is booked for
#                 real), and a forged matched message for an order the shop
#                 does not have is dropped (nothing posted to snelstart-sim);
#                 every real order is booked exactly once
#   memory        a peer floods the booker's matched socket with messages as
#                 large as LIMIT_MESSAGE_BYTES allows: the booker's peak
#                 memory (VmHWM) stays under LIMIT_DAEMON_BYTES (256 MiB)
#   flood         500 frames of garbage on the fetcher's outcomes socket are
#                 one warning in its log, not 500; a garbage request on the
#                 control socket gets an error reply at once
# Usage: tests/e2e/harden.sh [BIN]. Prints PASS/FAIL lines; exit 1 on a failure.

BIN=${1:-build/bin}
PEER=${PEER:-$(dirname "$BIN")/tests/koppel-peer}
. tests/e2e/lib.sh
trap e2e_stop EXIT INT TERM
ROOT=${HARDEN_ROOT:-/tmp/koppel-harden.$$}
passed=0
failed=0


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
    grep -q "is door iedere gebruiker te lezen maar bevat wachtwoorden en sleutels: chmod 0640" \
        "$E2E_DIR/ctl.err" || { echo "harden: koppelctl said nothing:"; cat "$E2E_DIR/ctl.err"; return 1; }
    chmod 0640 "$CFG"
    "$BIN/koppelctl" --config "$CFG" profiles > /dev/null 2> "$E2E_DIR/ctl.err"
    ! grep -q "door iedere gebruiker te lezen" "$E2E_DIR/ctl.err"
}

# matcher_port - a loopback port P of four digits: the matcher's control
# endpoint is "tcp://127.0.0.1:P%s", so instance 1 listens on P1, which lies
# (as free_port's do) below the kernel's range for outgoing connections
matcher_port() {
    while :; do
        p=$(( 2000 + $(od -An -N2 -tu2 /dev/urandom | tr -d ' ') % 1200 ))
        if ! ss -ltn "sport = :${p}1" | grep -q LISTEN; then
            echo $p
            return
        fi
    done
}

# tcp_endpoints [curve] - every endpoint on a loopback tcp port; with curve,
# a key pair of koppelctl keygen's
tcp_endpoints() {
    eps=""
    for e in jobs events orders matched outcomes scheduler_control fetcher_control \
             matcher_control booker_control; do
        case $e in matcher_control) port="$(matcher_port)%s" ;; *) port=$(free_port) ;; esac
        eps="$eps $e = \"tcp://127.0.0.1:$port\";"
    done
    sed -i "s|^    state_dir = .*|&\n    endpoints = { $eps };|" "$CFG"
    if [ "$1" = curve ]; then
        "$BIN/koppelctl" keygen | sed -n '/^curve = {/,/^};/p' > "$E2E_DIR/curve"
        sed -i "/^    endpoints = /r $E2E_DIR/curve" "$CFG"
    fi
    sed -n 's/.*matched = "\(tcp:[^"]*\)".*/\1/p' "$CFG" > "$E2E_DIR/matched.ep"
}

# stop_exit PID - SIGTERM, then the exit status into STOP_STATUS (124: still
# running after 10 s, then killed)
stop_exit() {
    kill -TERM "$1"
    i=0
    while kill -0 "$1" 2>/dev/null && [ "$(ps -o stat= -p "$1" | cut -c1)" != Z ]; do
        i=$((i + 1))
        [ $i -gt 100 ] && { kill -9 "$1"; wait "$1"; STOP_STATUS=124; return; }
        sleep 0.1
    done
    wait "$1"
    STOP_STATUS=$?
}

scenario_curve_daemons_stop_cleanly() {
    e2e_setup "$ROOT/curve"
    minimal_config
    tcp_endpoints curve
    start_daemon scheduler
    start_daemon fetcher
    start_daemon matcher --instance 1
    start_daemon booker
    i=0
    while ! "$BIN/koppelctl" --config "$CFG" status >/dev/null 2>&1; do
        i=$((i + 1))
        [ $i -gt 100 ] && { echo "harden: the daemons do not all answer over CURVE";
                            "$BIN/koppelctl" --config "$CFG" status; return 1; }
        sleep 0.1
    done
    # raw connections that stop half-way through the greeting hold nothing up
    ctl_port=$(sed -n 's/.*fetcher_control = "tcp:\/\/127.0.0.1:\([0-9]*\)".*/\1/p' "$CFG")
    partial=""
    for i in $(seq 20); do
        "$PEER" partial 127.0.0.1 "$ctl_port" 5 & partial="$partial $!"
    done
    sleep 0.3
    t0=$(date +%s%N)
    "$BIN/koppelctl" --config "$CFG" status >/dev/null || { echo "harden: no status"; return 1; }
    ms=$(( ($(date +%s%N) - t0) / 1000000 ))
    kill $partial 2>/dev/null
    [ "$ms" -lt 2000 ] || { echo "harden: status took $ms ms beside half-open connections"; return 1; }
    # a fatal exit (its port taken) with the key check running is exit 1, not SIGABRT
    "$BIN/koppel-fetcher" --config "$CFG" > "$E2E_DIR/log/second-fetcher.log" 2>&1
    st=$?
    [ $st -eq 1 ] && grep -q "fatal: .*cannot bind" "$E2E_DIR/log/second-fetcher.log" || {
        echo "harden: a second fetcher exited $st:"; cat "$E2E_DIR/log/second-fetcher.log"; return 1; }
    rc=0
    for d in scheduler fetcher matcher__instance_1 booker; do
        eval "pid=\$PID_$d"
        stop_exit "$pid"
        [ "$STOP_STATUS" = 0 ] || {
            echo "harden: koppel-$d exited $STOP_STATUS on SIGTERM with CURVE"; rc=1; }
    done
    return $rc
}

scenario_flood_is_one_warning_and_garbage_gets_an_answer() {
    e2e_setup "$ROOT/flood"
    minimal_config
    start_daemon fetcher
    i=0
    until [ -S "$E2E_DIR/state/fetcher.ctl" ] && [ -S "$E2E_DIR/state/outcomes.sock" ]; do
        i=$((i + 1)); [ $i -gt 100 ] && { echo "harden: no fetcher"; return 1; }; sleep 0.1
    done
    "$PEER" garbage "ipc://$E2E_DIR/state/outcomes.sock" 500 100 || return 1
    sleep 1
    n=$(grep -c "outcomes socket: dropped a bad message" "$E2E_DIR/log/fetcher.log")
    [ "$n" -le 1 ] || { echo "harden: $n warnings for one flood"; return 1; }
    "$PEER" request "ipc://$E2E_DIR/state/fetcher.ctl" 100 > "$E2E_DIR/reply" || {
        echo "harden: no reply to a garbage request"; return 1; }
    grep -q "^bad request" "$E2E_DIR/reply" || { echo "harden: reply:"; cat "$E2E_DIR/reply"; return 1; }
    [ "$(sed -n 2p "$E2E_DIR/reply")" -lt 1000 ] || { echo "harden: the reply took $(sed -n 2p "$E2E_DIR/reply") ms"; return 1; }
    "$BIN/koppelctl" --config "$CFG" status >/dev/null 2>&1
    [ $? -le 1 ] || return 1
    kill -0 "$PID_fetcher" || { echo "harden: the fetcher died"; return 1; }
}

scenario_plain_tcp_is_refused() {
    e2e_setup "$ROOT/plain"
    minimal_config
    tcp_endpoints
    for d in scheduler fetcher booker; do
        "$BIN/koppel-$d" --config "$CFG" > "$E2E_DIR/log/$d.log" 2>&1 &
        pid=$!
        i=0
        while kill -0 $pid 2>/dev/null; do
            i=$((i + 1))
            [ $i -gt 50 ] && { kill -9 $pid; echo "harden: koppel-$d runs on plain tcp"; return 1; }
            sleep 0.1
        done
        wait $pid
        [ $? -eq 1 ] || { echo "harden: koppel-$d did not exit 1"; return 1; }
        grep -q "fatal: .*koppel.endpoints.jobs = \"tcp://127.0.0.1:[0-9]*\": tcp zonder CURVE-sleutels laat iedereen die de poort bereikt de orders lezen en ze als geboekt melden; zet koppel.curve" \
            "$E2E_DIR/log/$d.log" || { echo "harden: koppel-$d said:"; cat "$E2E_DIR/log/$d.log"; return 1; }
    done
    # insecure_tcp_loopback on an address that is not loopback: refused too
    sed -i 's|jobs = "tcp://127.0.0.1:|jobs = "tcp://0.0.0.0:|' "$CFG"
    sed -i "s|^    state_dir = .*|&\n    insecure_tcp_loopback = true;|" "$CFG"
    "$BIN/koppelctl" --config "$CFG" status > "$E2E_DIR/ctl.out" 2>&1
    [ $? -eq 1 ] && grep -q "insecure_tcp_loopback staat tcp zonder CURVE alleen toe op een loopback-adres" \
        "$E2E_DIR/ctl.out" || { echo "harden: koppelctl said:"; cat "$E2E_DIR/ctl.out"; return 1; }
}

scenario_forged_outcome_and_matched_are_dropped() {
    e2e_setup "$ROOT/forged"
    start_globecharge --generate 20 --seed 5 --first-number 7001 \
        --export-relaties "$E2E_DIR/relaties.json" --known-fraction 0.5 || return 1
    start_snelstart --relaties "$E2E_DIR/relaties.json" || return 1
    write_config 7001
    tcp_endpoints
    sed -i "s|^    state_dir = .*|&\n    insecure_tcp_loopback = true;|" "$CFG"
    outcomes=$(sed -n 's/.*outcomes = "\(tcp:[^"]*\)".*/\1/p' "$CFG")
    matched=$(sed -n 's/.*matched = "\(tcp:[^"]*\)".*/\1/p' "$CFG")
    # no booker yet: the orders stay pending
    start_daemon scheduler
    start_daemon fetcher
    start_daemon matcher --instance 1
    i=0
    until [ "$("$BIN/koppelctl" --config "$CFG" run voorbeeld 2>/dev/null)" = gestart ]; do
        i=$((i + 1)); [ $i -gt 50 ] && { echo "harden: no run"; return 1; }; sleep 0.1
    done
    i=0
    until victim=$(sqlite3 "$E2E_DIR/state/fetcher.db" "SELECT number FROM orders
                   WHERE state = 'pending' AND attempts > 0 ORDER BY number LIMIT 1") \
          && [ -n "$victim" ]; do
        i=$((i + 1)); [ $i -gt 100 ] && { echo "harden: no order sent"; return 1; }; sleep 0.1
    done
    token=$(sqlite3 "$E2E_DIR/state/fetcher.db" "SELECT token FROM orders WHERE number = $victim")
    # forged outcomes: without a token, and with the right token but no seal
    "$PEER" outcome "$outcomes" voorbeeld "$victim" booked || return 1
    "$PEER" outcome "$outcomes" voorbeeld "$victim" booked "$token" || return 1
    sleep 1
    state=$(sqlite3 "$E2E_DIR/state/fetcher.db" "SELECT state FROM orders WHERE number = $victim")
    [ "$state" = pending ] || { echo "harden: a forged outcome made order $victim $state"; return 1; }
    grep -q "refused an outcome the booker did not seal" "$E2E_DIR/log/fetcher.log" || {
        echo "harden: the fetcher did not log the forged outcome"; return 1; }
    # a forged matched message for an order the shop does not have
    start_daemon booker
    "$PEER" matched "$matched" voorbeeld 999999 || return 1
    "$PEER" matched "$matched" voorbeeld 999998 "$token" 0000000000000000000000000000000000000000000000000000000000000000 || return 1
    wait_done "$(shop_orders | wc -l)" 60 || return 1
    booked_factuurnummers | grep -q '^99999[89]$' && {
        echo "harden: the booker posted a forged order"; return 1; }
    [ "$(grep -c "dropped: the fetcher did not send it" "$E2E_DIR/log/booker.log")" -ge 1 ] || {
        echo "harden: the booker did not log the forged matched message"; return 1; }
    check_exactly_once > "$E2E_DIR/once" || { cat "$E2E_DIR/once"; return 1; }
    snelstart_valid > /dev/null
}

scenario_a_flood_of_large_messages_keeps_the_booker_bounded() {
    e2e_setup "$ROOT/memory"
    # under the sanitizers a 16 MiB order takes seconds to decode and ASan's
    # shadow memory and quarantine are in VmHWM: the bound is not measurable
    case $BIN in *build-san*) echo "  SKIP the booker's peak memory: a sanitizer build"; return 0 ;; esac
    minimal_config
    start_daemon booker
    i=0
    until [ -S "$E2E_DIR/state/matched.sock" ]; do
        i=$((i + 1)); [ $i -gt 100 ] && { echo "harden: no booker"; return 1; }; sleep 0.1
    done
    "$PEER" big-matched "ipc://$E2E_DIR/state/matched.sock" voorbeeld 60 > "$E2E_DIR/peer.out" || {
        echo "harden: the flood was not sent"; return 1; }
    sleep 2
    hwm=$(awk '/^VmHWM:/ { print $2 }' "/proc/$PID_booker/status")
    echo "  booker VmHWM after $(cat "$E2E_DIR/peer.out"): $((hwm / 1024)) MiB"
    kill -0 "$PID_booker" || { echo "harden: the booker died"; return 1; }
    [ "$hwm" -lt $((256 * 1024)) ] || { echo "harden: the booker peaked at $((hwm / 1024)) MiB"; return 1; }
}

scenario_ctl_warns_about_a_readable_config
result "koppelctl warns about a configuration every user may read" $?
e2e_stop
scenario_curve_daemons_stop_cleanly
result "with CURVE every daemon stops on SIGTERM with exit 0; half-open connections hold up no status" $?
e2e_stop
scenario_plain_tcp_is_refused
result "tcp without CURVE is refused at start, and insecure_tcp_loopback only on loopback" $?
e2e_stop
scenario_forged_outcome_and_matched_are_dropped
result "on loopback tcp a forged booked outcome and a forged matched order are dropped; every real order booked once" $?
e2e_stop
scenario_a_flood_of_large_messages_keeps_the_booker_bounded
result "a flood of the largest messages keeps the booker under 256 MiB" $?
e2e_stop
scenario_flood_is_one_warning_and_garbage_gets_an_answer
result "a flood of garbage is one warning; a garbage request gets an error reply at once" $?
e2e_stop

[ "$failed" -eq 0 ] && rm -rf "$ROOT"
echo "harden: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
