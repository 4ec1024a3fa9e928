#!/bin/sh
# bootcheck.sh - a slow SnelStart does not hold up the booker's start
#
# Three profiles book into one snelstart-sim that answers every API request
# after DELAY_MS (3 s: --timeout-rate 1). At start the booker checks each
# profile's administration (grootboeken, btw-tarieven, landen, companyInfo,
# vatrates: five requests, 15 s a profile), on its booking workers since
# this test was written; before, it did so before its loop ran and answered
# nothing for 45 s. Profile "drie" has no orders and a grootboek that is not
# in the administration. Checks:
#   - the booker answers koppelctl status while some profile's
#     administration is still being checked (administration_checked false):
#     it did not wait for SnelStart before its loop ran (the seconds from
#     its start to its first answer are printed)
#   - the booker's and the matchers' loop_max_block_ms stay below DELAY_MS:
#     no SnelStart request is made on their loops (the matchers fill their
#     indexes meanwhile, each page of relaties read on a thread)
#   - the check's warning for drie is logged as before ("profile drie:
#     instelling ..."), and every profile ends checked
#   - every order of een and twee booked exactly once (0 lost, 0 duplicates)
# Usage: tests/e2e/bootcheck.sh [BIN]. Prints PASS/FAIL lines; exit 1 on a failure.

BIN=${1:-build/bin}
. tests/e2e/lib.sh
DIR=${E2E_ROOT:-/tmp/koppel-bootcheck.$$}
DELAY_MS=${DELAY_MS:-3000}
trap e2e_stop EXIT INT TERM
failed=0

# fail TEXT - one failed check
fail() {
    echo "  $1"
    failed=1
}

# booker_status - the booker's part of koppelctl status --json, or nothing
# when it did not answer within koppelctl's second; the whole in status.json
booker_status() {
    timeout 5 "$BIN/koppelctl" --config "$CFG" status --json > "$DIR/status.json" 2>/dev/null
    jq -c '.daemons[] | select(.name == "booker" and .profiles != null)' "$DIR/status.json" \
        2>/dev/null
}

e2e_setup "$DIR"
for n in 1 2; do
    start_sim globecharge-sim GC${n}_PORT GC${n}_PID --user winkelier \
        --password geheim-shop-wachtwoord --db "$DIR/shop$n.db" --generate 3 --seed 5$n \
        --first-number ${n}0001 --export-relaties "$DIR/relaties$n.json" || exit 1
done
start_snelstart --relaties "$DIR/relaties1.json" --no-rate-limit --timeout-rate 1 \
    --timeout-ms "$DELAY_MS" || exit 1

# profiles een and twee, each its own shop; drie reads een's shop from past
# its last order and names grootboek 8999, which the administration lacks
GC_URL=http://127.0.0.1:$GC1_PORT
write_config 10001
/usr/bin/python3 - "$CFG" "$GC2_PORT" <<'PY' || exit 1
import re, sys
path, gc2 = sys.argv[1], sys.argv[2]
cfg = open(path).read()
start = cfg.index("profiles = (") + len("profiles = (")
end = cfg.rindex(");")
one = cfg[start:end].rstrip().replace('name = "voorbeeld";', 'name = "een";')
two = one.replace('name = "een";', 'name = "twee";')
two = re.sub(r'url = "http://127\.0\.0\.1:\d+";', 'url = "http://127.0.0.1:%s";' % gc2, two, 1)
two = two.replace("from_order = 10001;", "from_order = 20001;")
three = one.replace('name = "een";', 'name = "drie";')
three = three.replace("from_order = 10001;", "from_order = 19999;")
three = three.replace("hoog = 8000;", "hoog = 8999;", 1)
open(path, "w").write(cfg[:start] + one + "," + two + "," + three + "\n" + cfg[end:])
PY
shop_bookable "$DIR/shop1.db" > "$DIR/good1"
shop_bookable "$DIR/shop2.db" > "$DIR/good2"

start_daemon scheduler
start_daemon fetcher
start_daemon matcher --instance 1
start_daemon matcher --instance 2
t0=$(date +%s%N)
start_daemon booker

# the booker's first answer, and what it says of the checks then
first=""
i=0
while [ $i -lt 1200 ]; do
    first=$(booker_status)
    [ -n "$first" ] && break
    sleep 0.1
    i=$((i + 1))
done
t1=$(date +%s%N)
answered_ms=$(( (t1 - t0) / 1000000 ))
unchecked=$(echo "$first" | jq '[.profiles[] | select(.administration_checked == false)] | length' \
            2>/dev/null)
echo "  the booker's first status answer: ${answered_ms} ms after its start," \
     "administrations not yet checked then: ${unchecked:-unknown} of 3"
[ -n "$first" ] || fail "the booker did not answer koppelctl status in 120 s"
[ "${unchecked:-0}" -gt 0 ] \
    || fail "the booker answered status only after every administration was checked"

ctl run een >/dev/null
ctl run twee >/dev/null
max_block=0 matcher_block=0 checked=0
i=0
while [ $i -lt 240 ]; do
    st=$(booker_status)
    if [ -n "$st" ]; then
        b=$(echo "$st" | jq -r '.loop_max_block_ms // 0')
        [ "$b" -gt "$max_block" ] && max_block=$b
        checked=$(echo "$st" | jq '[.profiles[] | select(.administration_checked)] | length')
    fi
    m=$(jq '[.daemons[] | select(.name == "matcher") | .loop_max_block_ms // 0] | max // 0' \
        "$DIR/status.json" 2>/dev/null)
    [ "${m:-0}" -gt "$matcher_block" ] && matcher_block=$m
    done_n=$(sqlite3 "$DIR/state/fetcher.db" "SELECT COUNT(*) FROM orders WHERE
        state IN ('booked', 'dead') AND credit = 0" 2>/dev/null)
    [ "${done_n:-0}" -ge $(( $(wc -l < "$DIR/good1") + $(wc -l < "$DIR/good2") )) ] \
        && [ "$checked" = 3 ] && break
    [ $((i % 20)) -eq 19 ] && { ctl run een >/dev/null 2>&1; ctl run twee >/dev/null 2>&1; }
    sleep 0.5
    i=$((i + 1))
done
echo "  loop_max_block_ms: booker $max_block, matchers $matcher_block (SnelStart answers" \
     "after $DELAY_MS ms); administrations checked: $checked of 3"
[ "$max_block" -lt "$DELAY_MS" ] || fail "the booker's loop was blocked for $max_block ms"
[ "$matcher_block" -lt "$DELAY_MS" ] || fail "a matcher's loop was blocked for $matcher_block ms"
[ "$checked" = 3 ] || fail "not every profile's administration was checked"
grep -q "profile drie: instelling .*8999" "$DIR/log/booker.log" \
    || fail "the check's warning for drie is not in the booker's log"
for n in 1 2; do
    curl -s "$SS_URL/_sim/verkoopboekingen" | jq -r '.[].factuurnummer' \
        | grep "^${n}0" > "$DIR/booked$n.all"
    profile_booked_once $n "$DIR/good$n" "$DIR/booked$n.all" \
        || fail "profile $n: $lost lost, $dup duplicates"
done
snelstart_valid || failed=1
script_result "a SnelStart that answers after ${DELAY_MS} ms: the booker answers status from its start, checks the administrations on its workers, books every order once"
exit $failed
