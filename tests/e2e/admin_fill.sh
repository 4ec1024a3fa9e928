#!/bin/sh
# admin_fill.sh - the matcher answers while it fills a large SQL index
#
#   A profile of type sql whose administration holds 100,000 relaties,
#   served by tds-sim at the pace of a slow network (--slow: about three
#   seconds for the read). Of the two matchers, the one the profile is
#   assigned to fills its index for the profile's first orders; meanwhile
#   every `koppelctl status` answers within a second (it exits 1 when a
#   daemon does not) and shows the fill; afterwards that index holds every
#   relatie and the other matcher holds none, the orders are recognised with it (the
#   customer of one order is among the relaties: existing) and booked once,
#   and neither matcher's loop_max_block_ms reached 1000.
# Usage: tests/e2e/admin_fill.sh [BIN]. Prints PASS/FAIL lines; exit 1 on a failure.

BIN=${1:-build/bin}
. tests/e2e/lib.sh
DIR=${E2E_ROOT:-/tmp/koppel-admin-fill.$$}
RELATIES=${ADMIN_FILL_RELATIES:-100000}
trap e2e_stop EXIT INT TERM

fail() {
    echo "FAIL admin_fill: $*"
    tail -n 5 "$E2E_DIR"/log/*.log
    exit 1
}

e2e_setup "$DIR"
start_globecharge --generate 20 --seed 3 || fail "globecharge-sim"
# the customer of the shop's first order is relatie 1, in SnelStart too (the
# booker books on it); the others are made up
EMAIL=$(shop_page 1 | grep -o '<email>[^<]*</email>' | head -1 | sed 's/<[^>]*>//g')
[ -n "$EMAIL" ] || fail "no e-mail address of a shop order"
ID1=00000000-0000-4000-9000-000000000001
cat >"$DIR/relaties.json" <<JSON
[{"id": "$ID1", "relatiecode": 1001, "relatiesoort": ["Klant"], "naam": "Klant 1 B.V.",
  "email": "$EMAIL", "nonactief": false, "modifiedOn": "2026-08-15T10:00:00"}]
JSON
start_snelstart --relaties "$DIR/relaties.json" || fail "snelstart-sim"
sqlite3 "$DIR/Administratie.sqlite" <<SQL || fail "the administration"
CREATE TABLE tblLand(fldLandID INT, fldCode NVARCHAR(2), fldNaam NVARCHAR(50));
INSERT INTO tblLand VALUES (1, 'NL', 'Nederland');
CREATE TABLE tblRelatie(fldRelatieID NVARCHAR(36), fldRelatieSoort INT, fldRelatiecode INT,
    fldNaam NVARCHAR(50), fldEmail NVARCHAR(100), fldFactuurEmailAdres NVARCHAR(100),
    fldFactuurCcEmailAdres NVARCHAR(100), fldPostcode NVARCHAR(25), fldLandID INT,
    fldBtwNummer NVARCHAR(50), fldKvkNummer NVARCHAR(20), fldNonactief BIT);
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < $RELATIES)
INSERT INTO tblRelatie SELECT printf('00000000-0000-4000-9000-%012d', i), 1, 1000 + i, 'Klant ' || i || ' B.V.',
    CASE i WHEN 1 THEN '$EMAIL' ELSE 'inkoop' || i || '@klant' || (i % 997) || '.example.nl' END,
    NULL, NULL, printf('%04d AB', 1000 + i % 9000), 1, NULL, printf('%08d', 10000000 + i), 0
    FROM n;
CREATE TABLE tblGrootboekFunctie(fldGrootboekFunctieID INT, fldOmschrijving NVARCHAR(50),
    fldRekeningCode NVARCHAR(20));
CREATE TABLE tblGrootboek(fldGrootboekID INT, fldNummer INT, fldOmschrijving NVARCHAR(50),
    fldGrootboekFunctieID INT, fldNonactief BIT);
SQL
"$BIN/tds-sim" --listen 127.0.0.1:0 --db "$DIR/Administratie.sqlite" --user koppel \
    --password 'tds-wachtwoord' --slow 30 >"$DIR/log/tds-sim.log" 2>&1 &
E2E_PIDS="$E2E_PIDS $!"
i=0
until grep -q "listening on" "$DIR/log/tds-sim.log" 2>/dev/null; do
    i=$((i + 1)); [ $i -gt 50 ] && fail "tds-sim does not start"; sleep 0.1
done
TDS=127.0.0.1:$(sed -n 's/.*listening on 127.0.0.1:\([0-9]*\).*/\1/p' "$DIR/log/tds-sim.log")
write_config 1
sed -i "s|type = \"api\";|type = \"sql\"; sql_server = \"$TDS\"; database = \"Administratie\"; sql_user = \"koppel\"; sql_password = \"tds-wachtwoord\"; sql_encryption = \"off\";|" "$CFG"
grep -q 'type = "sql"' "$CFG" || fail "the configuration has no sql profile"
start_pipeline || fail "the daemons do not start"
"$BIN/koppelctl" --config "$CFG" run voorbeeld >/dev/null || fail "koppelctl run"

# every 200 ms: status within a second, until the index is filled
slow=0 seen_filling=0 filled=0 samples=0
while [ $samples -lt 300 ]; do
    if ! "$BIN/koppelctl" --config "$CFG" status --json >"$DIR/status.json" 2>&1; then
        slow=$((slow + 1))
        echo "  koppelctl status did not answer within 1 s (sample $samples)"
    fi
    jq -e '[.daemons[] | select(.name | startswith("matcher")) | .index.voorbeeld.filling]
           | any' "$DIR/status.json" >/dev/null 2>&1 && seen_filling=$((seen_filling + 1))
    filled=$(jq '[.daemons[] | select(.name | startswith("matcher"))
                  | select(.index.voorbeeld.relaties == '"$RELATIES"')] | length' \
             "$DIR/status.json" 2>/dev/null)
    [ "${filled:-0}" = 1 ] && break
    samples=$((samples + 1))
    sleep 0.2
done
[ "$slow" = 0 ] || fail "koppelctl status did not answer within 1 s $slow times during the fill"
[ "$seen_filling" -gt 0 ] || fail "status never showed a matcher filling its index"
[ "${filled:-0}" = 1 ] || fail "no matcher's index holds $RELATIES relaties: $(jq -c \
    '[.daemons[] | select(.name | startswith("matcher")) | .index]' "$DIR/status.json")"
held=$(jq '[.daemons[] | select(.name | startswith("matcher")) | select(.index.voorbeeld)]
           | length' "$DIR/status.json")
[ "$held" = 1 ] || fail "the profile's index is held by $held matchers, not by the one serving it"
wait_done "$(shop_orders | wc -l)" 60 || fail "the orders are not all booked"
check_exactly_once >/dev/null || fail "an order was lost or booked twice"
"$BIN/koppelctl" --config "$CFG" status --json >"$DIR/status.json" || fail "status"
existing=$(jq '[.daemons[] | select(.name | startswith("matcher")) | .counters.existing // 0] | add' \
           "$DIR/status.json")
[ "${existing:-0}" -ge 1 ] || fail "the customer among the relaties was not recognised"
block=$(jq '[.daemons[] | select(.name | startswith("matcher")) | .loop_max_block_ms] | max' \
        "$DIR/status.json")
[ "$block" -lt 1000 ] || fail "a matcher's loop was blocked for $block ms"
echo "PASS admin_fill: $RELATIES relaties from a slow SQL server: status answered" \
     "$samples times within 1 s during the fill, loop_max_block_ms $block, every order booked once"
