#!/bin/sh
# shard.sh - matchers sharded by profile, killed while the profiles move
#
#   sh tests/e2e/shard.sh BIN [ORDERS] [SECONDS]
#
# Four profiles, each its own shop (ORDERS orders each, default 100, some
# customers known, read 5 at a time from a slow shop so that orders come
# in throughout) and one SnelStart administration; three matchers. For
# SECONDS (default 20) a driver kills one matcher with SIGKILL, kills a
# second one while the first one's profiles move, and then restarts both,
# so that profiles move on every kill and every restart. The heartbeat
# interval is 1 s and resend_after 30 s: only the fetcher's prompt resend
# at a move gets the orders of a killed matcher booked in time. Checks:
#   - every order of every shop booked exactly once (0 lost, 0 duplicates)
#   - the fetcher saw matchers leave and join (its log)
#   - at the end, with the three matchers live: the fetcher's status names
#     the matcher of each profile, the matchers' profiles_served add up to
#     four, and no profile's customer index is held by two matchers
#   - koppelctl status shows the matchers' share in Dutch ("bedient")
# Prints the counts and PASS or FAIL; the exit status says which.

BIN=${1:-build/bin}
ORDERS=${2:-100}
SECONDS_=${3:-20}
. tests/e2e/lib.sh
trap e2e_stop EXIT INT TERM
failed=0

# fail TEXT - one failed check
fail() {
    echo "  $1"
    failed=1
}

# run_all - start a run of every profile
run_all() {
    for p in voorbeeld p2 p3 p4; do
        ctl run $p >/dev/null 2>&1
    done
}

# kill_matcher N - SIGKILL matcher instance N
kill_matcher() {
    eval "pid=\$PID_matcher__instance_$1"
    kill -9 "$pid" 2>/dev/null
    wait "$pid" 2>/dev/null
}

e2e_setup "${SHARD_DIR:-/tmp/koppel-shard}"
for n in 1 2 3 4; do
    start_sim globecharge-sim GC${n}_PORT GC${n}_PID --user winkelier \
        --password geheim-shop-wachtwoord --db "$E2E_DIR/shop$n.db" --generate "$ORDERS" \
        --seed $((60 + n)) --first-number $((700001 + n * 10000)) \
        --export-relaties "$E2E_DIR/relaties$n.json" --known-fraction 0.4 --slow-ms 150 \
        || exit 1
done
start_snelstart --relaties "$E2E_DIR/relaties1.json" --no-rate-limit || exit 1
GC_URL=http://127.0.0.1:$GC1_PORT
RESEND_AFTER=30 write_config 710001
sed -i -e "s/matcher_heartbeat_ms = 3000;/matcher_heartbeat_ms = 1000;/" \
    -e "s/page_size = 50; /page_size = 5; /" "$CFG"
/usr/bin/python3 - "$CFG" "$GC2_PORT" "$GC3_PORT" "$GC4_PORT" <<'PY' || exit 1
import re, sys
path, ports = sys.argv[1], sys.argv[2:]
text = open(path).read()
start = text.index("profiles = (") + len("profiles = (")
end = text.rindex(");")
block = text[start:end].strip()
copies = [block]
for n, port in zip((2, 3, 4), ports):     # each profile reads a shop of its own
    c = block.replace('name = "voorbeeld";', 'name = "p%d";' % n, 1)
    c = re.sub(r"from_order = \d+;", "from_order = %d;" % (700001 + n * 10000), c, count=1)
    c = re.sub(r'url = "http://127\.0\.0\.1:\d+";', 'url = "http://127.0.0.1:%s";' % port, c,
               count=1)
    copies.append(c)
open(path, "w").write(text[:start] + "\n" + ",\n".join(copies) + "\n" + text[end:])
PY
start_pipeline || exit 1
start_daemon matcher --instance 3
run_all

end=$(( $(date +%s) + SECONDS_ ))
kills=0
round=0
while [ "$(date +%s)" -lt "$end" ]; do
    a=$(( round % 3 + 1 ))
    b=$(( (round + 1) % 3 + 1 ))
    sleep 1.5
    kill_matcher $a                 # its profiles move to the other two
    sleep 0.6
    kill_matcher $b                 # while they move: the last one takes all
    kills=$((kills + 2))
    sleep 1
    start_daemon matcher --instance $a
    sleep 0.4
    start_daemon matcher --instance $b
    run_all
    round=$((round + 1))
done
echo "  shard: $kills matchers killed with SIGKILL in ${SECONDS_}s"

expected=0
: > "$E2E_DIR/bookable"
for n in 1 2 3 4; do
    sqlite3 "$E2E_DIR/shop$n.db" "SELECT number FROM orders WHERE status IN ('paid', 'open')
        AND raw = 0" >> "$E2E_DIR/bookable"
done
sort -o "$E2E_DIR/bookable" "$E2E_DIR/bookable"
expected=$(wc -l < "$E2E_DIR/bookable")
i=0
until wait_done "$expected" 5 2>/dev/null; do
    run_all
    i=$((i + 1))
    [ $i -gt 8 ] && { wait_done "$expected" 1; break; }
done
booked_factuurnummers | sort > "$E2E_DIR/booked.all"
sort -u "$E2E_DIR/booked.all" > "$E2E_DIR/booked"
lost=$(comm -23 "$E2E_DIR/bookable" "$E2E_DIR/booked" | wc -l)
dup=$(( $(wc -l < "$E2E_DIR/booked.all") - $(wc -l < "$E2E_DIR/booked") ))
echo "  orders: $expected booked: $(wc -l < "$E2E_DIR/booked") lost: $lost duplicates: $dup"
[ "$lost" -eq 0 ] && [ "$dup" -eq 0 ] || fail "$lost lost, $dup duplicates"

left=$(grep -c "matcher [0-9] left" "$E2E_DIR/log/fetcher.log")
joined=$(grep -c "matcher [0-9] joined" "$E2E_DIR/log/fetcher.log")
echo "  the fetcher saw matchers leave $left times and join $joined times"
[ "$left" -ge 2 ] && [ "$joined" -ge 5 ] || fail "the matchers did not move profiles"

until_true 5 "the three matchers are not all live" sh -c \
    "'$BIN/koppelctl' --config '$CFG' status --json | jq -e '[.daemons[].matchers // empty
     | keys[]] | length == 3' >/dev/null" || fail "not three matchers live at the end"
ctl status --json > "$E2E_DIR/status.json"
jq -e '[.profiles[].matcher] | map(select(. != null)) | length == 4' "$E2E_DIR/status.json" \
    >/dev/null || fail "koppelctl status does not name the matcher of every profile"
jq -e '[.daemons[].profiles_served // empty] | add == 4' "$E2E_DIR/status.json" >/dev/null \
    || fail "the matchers' profiles_served do not add up to 4"
jq -e '[.daemons[].index // empty | keys[]] | length == (unique | length)' \
    "$E2E_DIR/status.json" >/dev/null || fail "a profile's customer index is held twice"
ctl status > "$E2E_DIR/status.txt"
grep -q "^fetcher  *.*; matchers 1: [0-9]* profiel" "$E2E_DIR/status.txt" \
    && grep -q "^matcher@3  *.*; bedient [0-9]* profiel" "$E2E_DIR/status.txt" \
    || { cat "$E2E_DIR/status.txt"; fail "koppelctl status does not show the matchers' share"; }
snelstart_valid || failed=1
name="matchers sharded by profile: SIGKILLs of matchers while profiles move lose and double nothing, each index held once"
if [ $failed -eq 0 ]; then
    echo "PASS $name"
else
    echo "FAIL $name (logs in $E2E_DIR/log)"
fi
exit $failed
