#!/bin/sh
# demo.sh - run koppel on its embedded default and show what it did
#
# Starts globecharge-sim with generated orders (half of the customers are
# already relaties in SnelStart), snelstart-sim, and the four daemons with
# config/koppel.cfg.example pointed at the simulators; starts an import,
# waits until every order has an outcome, prints a summary, then starts
# koppel-web and prints its one-time login link (on a terminal it waits for
# Enter before it stops it all).

BIN=${1:-build/bin}
. tests/e2e/lib.sh
trap e2e_stop EXIT INT TERM

e2e_setup "${DEMO_DIR:-/tmp/koppel-demo}"
echo "koppel demo: simulators and daemons in $E2E_DIR"
start_globecharge --generate 40 --seed 2026 --first-number 10423 \
    --export-relaties "$E2E_DIR/relaties.json" --known-fraction 0.5 || exit 1
start_snelstart --relaties "$E2E_DIR/relaties.json" || exit 1
# one order the shop sends with an amount koppel cannot read, to show the dead-letter queue
cat <<XML | curl -s -X PUT --data-binary @- "$GC_URL/_sim/orders" >/dev/null
<?xml version="1.0" encoding="UTF-8"?>
<order xmlns="urn:globecharge:orders:1" number="10470" status="paid" modified="2026-11-02T13:35:00Z">
  <date>2026-11-02T14:31:07+01:00</date><currency>EUR</currency>
  <pricesIncludeVat>true</pricesIncludeVat>
  <payment method="iDEAL" status="paid" reference="x"/>
  <customer><email>p.jansen@example.nl</email></customer>
  <billing><firstName>Piet</firstName><lastName>Jansen</lastName><street>Laan</street>
    <postcode>1234 AB</postcode><city>Zwolle</city><country>NL</country></billing>
  <lines><line><sku>A</sku><description>Kaars</description><quantity>1</quantity>
    <unitPrice>12.10</unitPrice><vatRate>21</vatRate><total>12,10</total></line></lines>
  <vat rate="21" base="10.00" amount="2.10"/><total excl="10.00" vat="2.10" incl="12.10"/>
</order>
XML
write_config 10423
start_pipeline || exit 1
known=$(grep -o '"relatiecode"' "$E2E_DIR/relaties.json" | wc -l)
echo "SnelStart holds $known relaties; the shop holds $(shop_orders | wc -l) paid or open orders"
echo "koppelctl run voorbeeld: $("$BIN/koppelctl" --config "$CFG" run voorbeeld)"
expected=$(shop_orders | wc -l)
wait_done "$expected" 120 || exit 1

echo
echo "== koppelctl status"
"$BIN/koppelctl" --config "$CFG" status
echo
echo "== summary"
read_n=$(sqlite3 "$E2E_DIR/state/fetcher.db" "SELECT COUNT(*) FROM orders WHERE credit = 0")
skipped=$(sqlite3 "$E2E_DIR/state/fetcher.db" "SELECT COUNT(*) FROM orders WHERE state = 'skipped'
          AND credit = 0")
booked=$(booked_factuurnummers | sort -u | wc -l)
new=$(sqlite3 "$E2E_DIR/state/booker.db" "SELECT COUNT(*) FROM relaties_created")
dead=$(sqlite3 "$E2E_DIR/state/fetcher.db" "SELECT COUNT(*) FROM orders WHERE state = 'dead'
       AND credit = 0")
echo "orders read:     $read_n ($skipped cancelled in the shop, not booked)"
echo "booked:          $booked verkoopboekingen in SnelStart"
echo "new relaties:    $new"
echo "dead letters:    $dead"
"$BIN/koppelctl" --config "$CFG" dlq list | sed 's/^/  /'
echo
if check_exactly_once > "$E2E_DIR/check"; then
    echo "every bookable order was booked exactly once"
else
    cat "$E2E_DIR/check"
    echo "demo: NOT every order was booked exactly once" >&2
    exit 1
fi

# the console: koppel-web with a one-time login link (PAM is the login of an
# installed system); it stays up while the demo waits on a terminal
WEB_PORT=${DEMO_WEB_PORT:-8180}
(exec 3<>/dev/tcp/127.0.0.1/$WEB_PORT) 2>/dev/null && WEB_PORT=$(free_port)
"$BIN/koppel-web" --config "$CFG" --listen "127.0.0.1:$WEB_PORT" --one-time-login \
    >"$E2E_DIR/web.out" 2>"$E2E_DIR/log/web.log" &
E2E_PIDS="$E2E_PIDS $!"
i=0
until grep -q "token=" "$E2E_DIR/web.out" 2>/dev/null; do
    i=$((i + 1))
    [ $i -gt 50 ] && { echo "demo: koppel-web does not start:" >&2; cat "$E2E_DIR/log/web.log" >&2; exit 1; }
    sleep 0.1
done
echo
echo "== the console (koppel-web): open this address once to log in"
sed 's/^koppel-web: log in once at /   /' "$E2E_DIR/web.out"
if [ -t 0 ]; then
    echo "   (Enter stops the demo)"
    read -r _
fi
