#!/bin/sh
# supervised.sh - a large import at SnelStart's production limits, under the
# systemd stand-in, with the operator asking for the status every second
#
#   sh tests/e2e/supervised.sh [BIN] [ORDERS] [TIME_SCALE]     (make supervised)
#
# ORDERS (default 6000) orders of known customers in globecharge-sim;
# snelstart-sim enforces 500 calls a minute and 5,000 an hour, both windows
# TIME_SCALE (default 40) times shorter, and the profile's rate limiter is
# scaled the same way (snelstart.time_scale). More than 5,000 orders means
# the booker reaches the hourly limit and has to wait for the next window.
# The five daemons run under koppel-supervise with the units' watchdog
# (WatchdogSec=30s, real time: it is not scaled). While the import runs,
# `koppelctl status` is asked once a second and its answer time recorded.
#
# Prints one figure a line and passes (exit 0) only when
#   lost: 0, duplicates: 0, watchdog_kills: 0, restarts: 0,
#   status_over_1s: 0 and status_failed: 0
# Everything is bounded: the import gets IMPORT_LIMIT seconds (default 150),
# so the whole run stays under 3 minutes whatever the daemons do.

BIN=${1:-build/bin}
ORDERS=${2:-6000}
SCALE=${3:-40}
IMPORT_LIMIT=${IMPORT_LIMIT:-150}
RESEND_AFTER=600            # resends are for failures, not for a slow, limited run
export RESEND_AFTER
. tests/e2e/lib.sh
trap 'kill $POLL_PID 2>/dev/null; e2e_stop' EXIT
trap 'exit 1' INT TERM
POLL_PID=

# now_ms - milliseconds since the epoch
now_ms() { date +%s%3N; }

# poll_status FILE - ask koppelctl status once a second; a line per answer:
# EPOCH_MS ANSWER_MS EXIT_STATUS
poll_status() {
    while :; do
        t0=$(now_ms)
        "$BIN/koppelctl" --config "$CFG" status >/dev/null 2>&1
        st=$?
        t1=$(now_ms)
        echo "$t0 $((t1 - t0)) $st" >>"$1"
        left=$((1000 - (t1 - t0)))
        [ $left -gt 0 ] && sleep "$(awk "BEGIN { print $left / 1000 }")"
    done
}

e2e_setup "${SUPERVISED_DIR:-/tmp/koppel-supervised.$$}"
start_globecharge --generate "$ORDERS" --seed 31 --first-number 1 \
    --export-relaties "$E2E_DIR/relaties.json" --known-fraction 1 || exit 1
start_snelstart --relaties "$E2E_DIR/relaties.json" --time-scale "$SCALE" || exit 1
write_config 1 email
sed -i -e 's/page_size = 50;/page_size = 100;/' \
    -e "s/time_scale = 1;/time_scale = $SCALE;/" "$CFG"
grep -q "time_scale = $SCALE;" "$CFG" && grep -q "rate_per_minute = 500;" "$CFG" \
    && grep -q "rate_per_hour = 5000;" "$CFG" \
    || { echo "supervised.sh: the example configuration no longer has the production limits"; exit 1; }
SUPERVISE=1 WATCHDOG_SEC=30 start_pipeline || exit 1
expected=$(shop_orders | wc -l)

: >"$E2E_DIR/status-times"
poll_status "$E2E_DIR/status-times" &
POLL_PID=$!
t0=$(now_ms)
"$BIN/koppelctl" --config "$CFG" run voorbeeld >/dev/null || exit 1
wait_done "$expected" "$IMPORT_LIMIT"
done_ok=$?
t1=$(now_ms)
kill $POLL_PID 2>/dev/null
wait $POLL_PID 2>/dev/null
POLL_PID=

check_exactly_once > "$E2E_DIR/counts"
counts_ok=$?
if [ $done_ok -eq 0 ]; then
    cat "$E2E_DIR/counts"
else                        # not lost (they are stored, pending): not booked in time
    sed 's/^lost:/not_booked_in_time:/' "$E2E_DIR/counts"
fi
kills=$(sup_events watchdog-kill)
restarts=$(sup_events restart)
polls=$(wc -l < "$E2E_DIR/status-times")
max_ms=$(awk '$2 > m { m = $2 } END { print m + 0 }' "$E2E_DIR/status-times")
over=$(awk '$2 > 1000 { c++ } END { print c + 0 }' "$E2E_DIR/status-times")
failed=$(awk '$3 != 0 { c++ } END { print c + 0 }' "$E2E_DIR/status-times")
echo "time_scale: $SCALE"
echo "import_s: $(awk "BEGIN { printf \"%.1f\", ($t1 - $t0) / 1000 }")"
echo "import_finished: $([ $done_ok -eq 0 ] && echo yes || echo no)"
echo "http_429: $(curl -s "$SS_URL/_sim/stats" | /usr/bin/python3 -c '
import json, sys
print(sum(v.get("429", 0) for v in json.load(sys.stdin)["requests"].values()))')"
echo "watchdog_kills: $kills"
echo "restarts: $restarts"
awk '$3 == "watchdog-kill" { print "  watchdog kill: " $2 " (" $5 ")" }' "$E2E_DIR/log/events"
echo "status_polls: $polls"
echo "status_max_ms: $max_ms"
echo "status_over_1s: $over"
echo "status_failed: $failed"
if [ $done_ok -eq 0 ] && [ $counts_ok -eq 0 ] && [ "$kills" -eq 0 ] && [ "$restarts" -eq 0 ] \
   && [ "$over" -eq 0 ] && [ "$failed" -eq 0 ] && [ "$polls" -gt 0 ]; then
    echo "PASS supervised: $expected orders at production limits (x$SCALE) under the watchdog"
    rm -rf "$E2E_DIR"
    exit 0
fi
echo "FAIL supervised: logs and events in $E2E_DIR/log"
exit 1
