#!/bin/sh
# replay.sh - dead letters replayed from a slow shop, off the fetcher's loop
#
#   A shop that takes 300 ms over every answer (globecharge-sim --slow-ms)
#   and nine dead letters: eight orders that were booked (set dead in
#   fetcher.db) and one the shop does not have. While `koppelctl dlq replay
#   --all` reads them (about three seconds), every `koppelctl status`
#   answers within a second, and a replay of one order asked for meanwhile
#   is answered before the --all is: the requests take turns; a reload
#   (SIGHUP) in the middle changes nothing of that. The --all
#   answers per order ("8 opnieuw aangeboden, 1 niet", the missing
#   one "staat niet (meer) in de shop", then dropped: "losgelaten"); the
#   replayed orders are found booked
#   in the booker's ledger, none is booked twice, and the fetcher's
#   loop_max_block_ms stays under 1000.
# Usage: tests/e2e/replay.sh [BIN]. Prints PASS/FAIL lines; exit 1 on a failure.

BIN=${1:-build/bin}
. tests/e2e/lib.sh
DIR=${E2E_ROOT:-/tmp/koppel-replay.$$}
trap e2e_stop EXIT INT TERM

fail() {
    echo "FAIL replay: $*"
    tail -n 5 "$E2E_DIR"/log/*.log
    exit 1
}

e2e_setup "$DIR"
start_globecharge --generate 30 --seed 5 --first-number 7001 --slow-ms 300 \
    --export-relaties "$DIR/relaties.json" --known-fraction 0.5 || fail "globecharge-sim"
start_snelstart --relaties "$DIR/relaties.json" || fail "snelstart-sim"
write_config 7001
start_pipeline || fail "the daemons do not start"
"$BIN/koppelctl" --config "$CFG" run voorbeeld >/dev/null || fail "koppelctl run"
wait_done "$(shop_orders | wc -l)" 60 || fail "the first run is not booked"

sqlite3 "$DIR/state/fetcher.db" ".timeout 5000" "UPDATE orders SET state = 'dead',
    stage = 'booking', reason = 'for the replay test' WHERE number IN (SELECT number
    FROM orders WHERE state = 'booked' ORDER BY number LIMIT 8)" \
    "INSERT INTO orders (profile, number, state, stage, reason, fetched_at, updated_at)
     VALUES ('voorbeeld', 99999, 'dead', 'fetch', 'for the replay test', 0, 0)" \
    || fail "cannot make the dead letters"
ONE=$(sqlite3 "$DIR/state/fetcher.db" "SELECT number FROM orders WHERE state = 'dead'
                                       AND number < 99999 ORDER BY number DESC LIMIT 1")

"$BIN/koppelctl" --config "$CFG" dlq replay --all >"$DIR/all.out" 2>&1 &
ALL=$!
sleep 0.5
"$BIN/koppelctl" --config "$CFG" dlq replay "voorbeeld:$ONE" >"$DIR/one.out" 2>&1 \
    || fail "the replay of one order: $(cat "$DIR/one.out")"
kill -0 $ALL 2>/dev/null || fail "the replay of one order waited for the replay of all"
# a reload while an order is being read: it keeps its source and configuration
kill -HUP $PID_fetcher
slow=0 samples=0
while kill -0 $ALL 2>/dev/null; do
    "$BIN/koppelctl" --config "$CFG" status >/dev/null 2>&1 || slow=$((slow + 1))
    samples=$((samples + 1))
    sleep 0.2
done
wait $ALL
all=$?
[ "$slow" = 0 ] || fail "koppelctl status did not answer within 1 s $slow times during the replay"
grep -q "^1 opnieuw aangeboden, 0 niet$" "$DIR/one.out" || fail "one: $(cat "$DIR/one.out")"
[ "$all" = 1 ] || fail "dlq replay --all exits $all with a dead letter it could not replay"
grep -q "^voorbeeld:99999: niet opnieuw aangeboden: order 99999 staat niet (meer) in de shop; laat hem vallen als hij niet geboekt hoeft te worden$" \
    "$DIR/all.out" || fail "the missing order's reason: $(cat "$DIR/all.out")"
grep -q "^8 opnieuw aangeboden, 1 niet$" "$DIR/all.out" || fail "all: $(cat "$DIR/all.out")"
wait_done "$(shop_orders | wc -l)" 60 || fail "the replayed orders are not booked again"
[ "$("$BIN/koppelctl" --config "$CFG" dlq list --json | grep -o '"id"' | wc -l)" = 1 ] \
    || fail "more than the missing order is left: $("$BIN/koppelctl" --config "$CFG" dlq list)"
# dropping says in Dutch what it did, or that there is no such dead letter
out=$("$BIN/koppelctl" --config "$CFG" dlq drop voorbeeld:88888) \
    && fail "dlq drop of an order not set aside exits 0: $out"
[ "$out" = "staat niet (meer) bij de orders die koppel niet kon boeken (koppelctl dlq list)" ] \
    || fail "dlq drop of an order not set aside: $out"
out=$("$BIN/koppelctl" --config "$CFG" dlq drop voorbeeld:99999) || fail "dlq drop: $out"
[ "$out" = "losgelaten: koppel boekt hem niet" ] || fail "dlq drop: $out"
sqlite3 "$DIR/state/fetcher.db" ".timeout 5000" "DELETE FROM orders WHERE number = 99999"
check_exactly_once >/dev/null || fail "a replayed order was lost or booked twice"
block=$("$BIN/koppelctl" --config "$CFG" status --json \
        | jq '.daemons[] | select(.name == "fetcher") | .loop_max_block_ms')
[ "${block:-1000}" -lt 1000 ] || fail "the fetcher's loop was blocked for $block ms"
echo "PASS replay: 9 dead letters from a slow shop: status answered $samples times within 1 s," \
     "one order's replay answered first, loop_max_block_ms $block, each order booked once"
