#!/bin/sh
# limits.sh - two profiles, one at a low SnelStart rate limit: never blocked
#
# Profile "voorbeeld" books into an administration whose limit is 20 calls
# per minute (time-scaled 12 times: 20 per 5 s, in snelstart-sim and in
# koppel's configuration alike); profile "tweede" into another
# administration without a tight limit. Both shops have a backlog. Checks:
#   - koppelctl status answers within 1 s, asked every second throughout
#   - the booker's status shows voorbeeld waiting (profiles.voorbeeld.
#     waiting_until and waiting_reason "20 per minuut bereikt", or SnelStart's
#     Retry-After when the matchers' index fills pushed the administration
#     over its window), and its activity says "Wacht op SnelStart-limiet tot
#     HH:MM (...)"
#   - tweede's orders are all booked while voorbeeld still has orders waiting
#   - every order of both booked exactly once (0 lost, 0 duplicates)
#   - the booker's loop_max_block_ms stays below 1,000
# Usage: tests/e2e/limits.sh [BIN]. Prints PASS/FAIL lines; exit 1 on a failure.

BIN=${1:-build/bin}
. tests/e2e/lib.sh
DIR=${E2E_ROOT:-/tmp/koppel-limits.$$}
trap e2e_stop EXIT INT TERM
failed=0

# fail TEXT - one failed check
fail() {
    echo "  $1"
    failed=1
}

# booked URL - every factuurnummer a snelstart-sim holds, one a line, sorted
booked() {
    curl -s "$1/_sim/verkoopboekingen" | jq -r '.[].factuurnummer' | sort
}

# pending PROFILE - the profile's orders in fetcher.db not yet booked or dead
pending() {
    sqlite3 "$DIR/state/fetcher.db" "SELECT COUNT(*) FROM orders WHERE profile = '$1'
        AND state NOT IN ('booked', 'dead', 'skipped')" 2>/dev/null
}

e2e_setup "$DIR"
start_sim globecharge-sim GC1_PORT GC1_PID --user winkelier --password geheim-shop-wachtwoord \
    --db "$DIR/shop1.db" --generate 40 --seed 41 --first-number 60001 \
    --export-relaties "$DIR/relaties1.json" --known-fraction 0.5 || exit 1
start_sim globecharge-sim GC2_PORT GC2_PID --user winkelier --password geheim-shop-wachtwoord \
    --db "$DIR/shop2.db" --generate 40 --seed 42 --first-number 70001 \
    --export-relaties "$DIR/relaties2.json" --known-fraction 0.5 || exit 1
for n in 1 2; do
    [ $n = 1 ] && limit="--rate-per-minute 20 --time-scale 12" || limit="--no-rate-limit"
    # shellcheck disable=SC2086
    start_sim snelstart-sim SS${n}_PORT SS${n}_PID --db "$DIR/snelstart$n.db" \
        --grootboeken tests/fixtures/grootboeken.json --spec "$SNELSTART_SPEC" \
        --client-key geheime-client-key --subscription-key geheime-subscription-key \
        --relaties "$DIR/relaties$n.json" $limit || exit 1
done
SS1=http://127.0.0.1:$SS1_PORT
SS2=http://127.0.0.1:$SS2_PORT

# the example's profile twice: voorbeeld at 20 a (scaled) minute, tweede at
# the production limits
GC_URL=http://127.0.0.1:$GC1_PORT
SS_URL=$SS1
write_config 60001
/usr/bin/python3 - "$CFG" "$GC2_PORT" "$SS2" <<'PY' || exit 1
import re, sys
path, gc2, ss2 = sys.argv[1], sys.argv[2], sys.argv[3]
cfg = open(path).read()
start = cfg.index("profiles = (") + len("profiles = (")
end = cfg.rindex(");")
one = cfg[start:end].rstrip()
two = one.replace('name = "voorbeeld";', 'name = "tweede";')
two = re.sub(r'url = "http://127\.0\.0\.1:\d+";', 'url = "http://127.0.0.1:%s";' % gc2, two, 1)
two = re.sub(r'http://127\.0\.0\.1:\d+/(v2|b2b/token)', ss2 + r'/\1', two)
two = two.replace("from_order = 60001;", "from_order = 70001;")
one = one.replace("rate_per_minute = 500;", "rate_per_minute = 20;")
one = one.replace("time_scale = 1;", "time_scale = 12;")
open(path, "w").write(cfg[:start] + one + "," + two + "\n" + cfg[end:])
PY
start_pipeline || exit 1

shop_bookable "$DIR/shop1.db" > "$DIR/good1"
shop_bookable "$DIR/shop2.db" > "$DIR/good2"
"$BIN/koppelctl" --config "$CFG" run voorbeeld >/dev/null
"$BIN/koppelctl" --config "$CFG" run tweede >/dev/null

# every second: status within 1 s; what the booker says; who is done
slow=0 waited=0 activity_seen=0 second_done_while_first_waits=0 max_block=0
i=0
while [ $i -lt 120 ]; do
    t0=$(date +%s%N)
    # koppelctl gives each daemon 1 s to answer and exits 1 when one did not
    # (as admin_fill.sh and replay.sh ask); the time to start koppelctl
    # itself on a loaded machine is not the daemons' (timeout: a hang only)
    if ! timeout 10 "$BIN/koppelctl" --config "$CFG" status --json > "$DIR/status.json" 2>&1; then
        slow=$((slow + 1))
        echo "  second $i: koppelctl status did not answer within 1 s"
    fi
    t1=$(date +%s%N)
    booker=$(jq -c '.daemons[] | select(.name == "booker")' "$DIR/status.json" 2>/dev/null)
    if [ -n "$booker" ]; then
        reason=$(echo "$booker" | jq -r '.profiles.voorbeeld.waiting_reason // empty')
        until=$(echo "$booker" | jq -r '.profiles.voorbeeld.waiting_until // empty')
        # its own limit, or SnelStart's Retry-After when the matchers' index
        # fills and the booker together went over the simulator's window
        case $reason in
        "20 per minuut bereikt"|"SnelStart vroeg om te wachten (Retry-After)")
            [ -n "$until" ] && waited=$((waited + 1)) ;;
        esac
        case $(echo "$booker" | jq -r '.activity') in
        "Wacht op SnelStart-limiet tot "[0-2][0-9]:[0-5][0-9]" (20 per minuut bereikt)"|\
        "Wacht op SnelStart-limiet tot "[0-2][0-9]:[0-5][0-9]" (SnelStart vroeg om te wachten (Retry-After))")
            activity_seen=1 ;;
        esac
        b=$(echo "$booker" | jq -r '.loop_max_block_ms // 0')
        [ "$b" -gt "$max_block" ] && max_block=$b
    fi
    p1=$(pending voorbeeld)
    p2=$(pending tweede)
    [ "$p2" = 0 ] && [ "${p1:-0}" -gt 0 ] && [ "$(booked "$SS2" | wc -l)" -gt 0 ] \
        && second_done_while_first_waits=1
    [ "$p1" = 0 ] && [ "$p2" = 0 ] && [ "$(booked "$SS1" | wc -l)" -gt 0 ] && break
    # kick the runs now and then, as the planning would
    [ $((i % 10)) -eq 9 ] && { "$BIN/koppelctl" --config "$CFG" run voorbeeld >/dev/null 2>&1
                               "$BIN/koppelctl" --config "$CFG" run tweede >/dev/null 2>&1; }
    elapsed=$(( (t1 - t0) / 1000000 ))
    [ $elapsed -lt 1000 ] && sleep "0.$(printf '%03d' $((1000 - elapsed)))"
    i=$((i + 1))
done

echo "  seconds: $i, status slower than 1 s: $slow, booker seen waiting: $waited times, loop_max_block_ms: $max_block"
[ "$slow" -eq 0 ] || fail "koppelctl status did not answer within 1 s $slow times"
[ "$waited" -gt 0 ] || fail "the booker's status never showed voorbeeld waiting for its limit"
[ "$activity_seen" = 1 ] || fail "the booker's activity never said \"Wacht op SnelStart-limiet tot ...\""
[ "$second_done_while_first_waits" = 1 ] || fail "tweede was not done while voorbeeld waited"
[ "$max_block" -lt 1000 ] || fail "the booker's loop was blocked for $max_block ms"
for n in 1 2; do
    booked "$(eval echo \$SS$n)" > "$DIR/booked$n.all"
    profile_booked_once $n "$DIR/good$n" "$DIR/booked$n.all" \
        || fail "profile $n: $lost lost, $dup duplicates"
done
snelstart_valid || failed=1
script_result "two profiles, one at a low rate limit: status answers every second, the other is booked meanwhile, nothing lost or doubled"
exit $failed
