#!/bin/sh
# credit.sh - refunds after booking become credit notes, each booked once
#
#   sh tests/e2e/credit.sh BIN
#
# globecharge-sim serves 20 orders; koppel books them. Then two booked
# orders are cancelled in the shop (a later status and modified, within
# late_window) and one that was never booked (a dead letter) too, and the
# booker is killed with SIGKILL as soon as it posted the first credit note
# (its ledger entry left at "posting"; snelstart-sim also loses the answers
# to a third of the bookings it stores). Checks, against snelstart-sim's
# own records:
#   - each cancelled booked order has exactly one credit note N-C1, on the
#     relatie of its booking, that mirrors the booking to the cent
#     (factuurbedrag, every regel and btw line negated) and balances;
#   - the dead letter's cancellation books nothing and is in the
#     information log;
#   - another run of the import changes nothing;
#   - a WooCommerce order refunded in full after booking (status refunded,
#     read again by its later modification) gets its credit note the same way;
#   - a WooCommerce order refunded in part twice (woocommerce-sim's POST
#     /_sim/orders/ID/refunds) gets N-C1 with only the refunded line and the
#     shipping, then N-C2 with the other line, exact to the cent, once each,
#     also with the fetcher SIGKILLed after it stored N-C2; refunded in
#     full at last, N-C3 credits what the two left.
# Prints one PASS or FAIL line; the exit status says which.

BIN=${1:-build/bin}
. tests/e2e/lib.sh
trap e2e_stop EXIT INT TERM

# shop_order N - order N as order.cgi serves it (logged in through shop_page)
shop_order() {
    shop_page 1 >/dev/null || return 1
    curl -s -b "$E2E_DIR/cookies" "$GC_URL/order.cgi?number=$1"
}

# cancel N - the shop cancels order N: status cancelled, modified later
cancel() {
    shop_order "$1" | sed -e "s/status=\"\(paid\|open\)\" modified=\"[^\"]*\"/status=\"cancelled\" modified=\"2026-12-01T10:00:00Z\"/" \
        | curl -sf -X PUT --data-binary @- "$GC_URL/_sim/orders" >/dev/null
}

# credit_rows [N] - the fetcher's credit notes (of order N): number, seq, state
credit_rows() {
    sqlite3 "$E2E_DIR/state/fetcher.db" "SELECT number, credit, state FROM orders WHERE
        credit > 0 AND number = COALESCE(${1:-NULL}, number) ORDER BY number, credit"
}

# wait_rows N ROWS SECONDS - until order N's credit notes are ROWS (one line)
wait_rows() {
    i=0
    until [ "$(credit_rows "$1" | tr '\n' ' ')" = "$2" ]; do
        i=$((i + 1))
        [ $i -gt $(($3 * 5)) ] && { echo "e2e: after ${3}s the credit notes of $1 are:";
                                    credit_rows "$1"; return 1; }
        sleep 0.2
    done
}

# wait_credits N SECONDS - until N credit notes are booked or dead
wait_credits() {
    i=0
    until [ "$(sqlite3 "$E2E_DIR/state/fetcher.db" "SELECT COUNT(*) FROM orders
              WHERE credit > 0 AND state IN ('booked', 'dead')")" -ge "$1" ]; do
        i=$((i + 1))
        [ $i -gt $(($2 * 5)) ] && { echo "e2e: after ${2}s the credit notes are:"; credit_rows;
                                    return 1; }
        sleep 0.2
    done
}

# check_mirrors NUMBERS... - each order's credit note in snelstart-sim, once,
# the booking negated to the cent, balanced, on the booking's relatie; and
# nothing else credited
check_mirrors() {
    curl -s "$SS_URL/_sim/verkoopboekingen" > "$E2E_DIR/boekingen.json"
    /usr/bin/python3 - "$E2E_DIR/boekingen.json" "$@" <<'PY'
import json, sys
rows = json.load(open(sys.argv[1]))
rows = rows.get("items", rows) if isinstance(rows, dict) else rows
want = sys.argv[2:]
cents = lambda x: round(float(x) * 100)
by_nr = {}
for b in rows:
    by_nr.setdefault(b["factuurnummer"], []).append(b)
credits = sorted(n for n in by_nr if "-C" in n)
if credits != sorted(n + "-C1" for n in want):
    sys.exit("credit notes in SnelStart: %s, expected %s" % (credits, [n + "-C1" for n in want]))
for n in want:
    (o,), c = by_nr[n], by_nr[n + "-C1"]
    if len(c) != 1:
        sys.exit("%s-C1 is in SnelStart %d times" % (n, len(c)))
    c = c[0]
    total = cents(c["factuurbedrag"])
    regels = sum(cents(r["bedrag"]) for r in c["boekingsregels"])
    btw = sum(cents(r["btwBedrag"]) for r in c.get("btw") or [])
    if regels + btw != total:
        sys.exit("%s-C1 does not balance: %d + %d != %d" % (n, regels, btw, total))
    if total != -cents(o["factuurbedrag"]) or total >= 0:
        sys.exit("%s-C1: factuurbedrag %d, the booking's %s" % (n, total, o["factuurbedrag"]))
    mirror = lambda b, s: sorted((r["omschrijving"], s * cents(r["bedrag"]), r["btwSoort"])
                                 for r in b["boekingsregels"])
    if mirror(c, 1) != mirror(o, -1):
        sys.exit("%s-C1's regels do not mirror the booking's: %s / %s"
                 % (n, mirror(c, 1), mirror(o, -1)))
    vat = lambda b, s: sorted((r["btwSoort"], s * cents(r["btwBedrag"])) for r in b.get("btw") or [])
    if vat(c, 1) != vat(o, -1):
        sys.exit("%s-C1's btw does not mirror the booking's" % n)
    if c["klant"]["id"] != o["klant"]["id"]:
        sys.exit("%s-C1 is on another relatie than %s" % (n, n))
    if n not in c["omschrijving"]:
        sys.exit("%s-C1's omschrijving does not name the factuur: %s" % (n, c["omschrijving"]))
    print("  %s-C1: %.2f, %d regels and %d btw lines mirrored, on the relatie of %s"
          % (n, total / 100.0, len(c["boekingsregels"]), len(c.get("btw") or []), n))
PY
}

scenario_credit() {
    e2e_setup "${E2E_ROOT:-/tmp/koppel-credit}"
    start_globecharge --generate 20 --seed 21 --first-number 90001 \
        --export-relaties "$E2E_DIR/relaties.json" --known-fraction 0.5 || return 1
    start_snelstart --relaties "$E2E_DIR/relaties.json" --drop-after-store-rate 0.3 || return 1
    write_config 90001
    start_pipeline || return 1
    "$BIN/koppelctl" --config "$CFG" run voorbeeld >/dev/null || return 1
    wait_done "$(shop_orders | wc -l)" 60 || return 1
    set -- $(sqlite3 "$E2E_DIR/state/fetcher.db" \
             "SELECT number FROM orders WHERE state = 'booked' ORDER BY number LIMIT 2")
    [ $# -eq 2 ] || { echo "e2e: fewer than two orders booked"; return 1; }
    full1=$1 full2=$2
    # an order that was never booked: its dead letter, cancelled too
    dead=$(sqlite3 "$E2E_DIR/state/fetcher.db" "SELECT number FROM orders WHERE state = 'booked'
           ORDER BY number DESC LIMIT 1")
    sqlite3 "$E2E_DIR/state/fetcher.db" "UPDATE orders SET state = 'dead', stage = 'booking',
        reason = 'test' WHERE number = $dead AND credit = 0"
    curl -s "$SS_URL/_sim/verkoopboekingen" | grep -q "\"factuurnummer\": *\"$dead\"" || {
        echo "e2e: order $dead is not in snelstart-sim"; return 1; }
    cancel "$full1" && cancel "$full2" && cancel "$dead" || return 1
    echo "  cancelled in the shop after booking: $full1, $full2; the dead letter $dead"
    "$BIN/koppelctl" --config "$CFG" run voorbeeld >/dev/null || return 1
    # the booker dies as soon as it posted the first credit note, before it
    # could tell the fetcher: its ledger entry left at "posting", as a crash
    # between the POST and the write after it leaves it
    i=0
    until first=$(sqlite3 "$E2E_DIR/state/booker.db" \
                  "SELECT key FROM followups WHERE key LIKE '%-C1' LIMIT 1" 2>/dev/null) \
          && [ -n "$first" ]; do
        i=$((i + 1))
        [ $i -gt 300 ] && { echo "e2e: no credit note reached the booker:"; credit_rows;
                              return 1; }
        sleep 0.1
    done
    kill -9 "$PID_booker"
    wait "$PID_booker" 2>/dev/null
    sqlite3 "$E2E_DIR/state/booker.db" "UPDATE followups SET state = 'posting' WHERE key = '$first'"
    echo "  booker killed with SIGKILL after it posted credit note $first"
    start_daemon booker
    wait_credits 2 60 || return 1
    check_mirrors "$full1" "$full2" || return 1
    [ "$(credit_rows | tr '\n' ' ')" = "$full1|1|booked $full2|1|booked $dead|1|skipped " ] || {
        echo "e2e: the fetcher's credit notes:"; credit_rows; return 1; }
    "$BIN/koppelctl" --config "$CFG" log --extended > "$E2E_DIR/infolog.txt"
    grep -q "Order $dead is geannuleerd in de shop, maar de order zelf is nooit geboekt" \
        "$E2E_DIR/infolog.txt" || { echo "e2e: the information log does not say that $dead is"
                                    " not credited"; tail -5 "$E2E_DIR/infolog.txt"; return 1; }
    grep -q "Creditnota $full1-C1 bij order $full1 geboekt" "$E2E_DIR/infolog.txt" || {
        echo "e2e: the information log does not show credit note $full1-C1"; return 1; }
    echo "  $dead, cancelled after it became a dead letter: no credit note, said in the information log"
    # read again: the cancellations are known, nothing new is booked
    "$BIN/koppelctl" --config "$CFG" run voorbeeld >/dev/null || return 1
    sleep 2
    check_mirrors "$full1" "$full2" >/dev/null || return 1
    [ "$(credit_rows | wc -l)" -eq 3 ] || { credit_rows; return 1; }
    echo "  read again: nothing credited twice"
}

# woo_config - koppel.cfg with one WooCommerce profile
woo_config() {
    cat > "$E2E_DIR/koppel.cfg" <<CFG
koppel = { state_dir = "$E2E_DIR/state"; resend_after = 3; };
profiles = (
$(woo_profile woo "$SS_URL")
);
CFG
    chmod 0600 "$E2E_DIR/koppel.cfg"
    CFG=$E2E_DIR/koppel.cfg
}

# refund_in_full ID [DATE] - WooCommerce refunds order ID as a whole: status
# refunded, a refund of its total, modified later (at DATE)
refund_in_full() {
    curl -s -u ck_koppel:cs_geheim "$WC_URL/wp-json/wc/v3/orders/$1" | /usr/bin/python3 -c '
import json, sys
o = json.load(sys.stdin)
o["status"] = "refunded"
o["date_modified_gmt"] = o["date_modified"] = sys.argv[1]
o["refunds"].append({"id": 99001, "reason": "Retour", "total": "-" + o["total"]})
print(json.dumps(o))' "${2:-2027-01-04T10:00:00}" \
        | curl -sf -X PUT --data-binary @- "$WC_URL/_sim/orders" >/dev/null
}

# refund_part ID DATE LINE:QTY... [shipping] - WooCommerce refunds part of
# order ID (the line items by their position in the order, the shipping in
# full), modified at DATE
refund_part() {
    order=$1 date=$2
    shift 2
    curl -s -u ck_koppel:cs_geheim "$WC_URL/wp-json/wc/v3/orders/$order" \
        | /usr/bin/python3 -c '
import json, sys
o = json.load(sys.stdin)
lines = [{"id": o["line_items"][int(a.split(":")[0])]["id"], "quantity": int(a.split(":")[1])}
         for a in sys.argv[2:] if a != "shipping"]
print(json.dumps({"line_items": lines, "shipping": "shipping" in sys.argv[2:],
                  "reason": "Retour", "date_modified_gmt": sys.argv[1]}))' "$date" "$@" \
        | curl -sf -X POST --data-binary @- "$WC_URL/_sim/orders/$order/refunds" >/dev/null
}

# check_partial ID SEQ LINE:QTY... [shipping] - credit note ID-CSEQ in
# snelstart-sim, once: the refunded lines' share and the shipping, VAT per
# rate as the shop invoices it (base x rate / 100), negated to the cent,
# balanced, on the booking's relatie
check_partial() {
    curl -s "$SS_URL/_sim/verkoopboekingen" > "$E2E_DIR/boekingen.json"
    curl -s -u ck_koppel:cs_geheim "$WC_URL/wp-json/wc/v3/orders/$1" > "$E2E_DIR/order.json"
    /usr/bin/python3 - "$E2E_DIR/boekingen.json" "$E2E_DIR/order.json" "$@" <<'PY'
import json, sys
from decimal import Decimal, ROUND_HALF_UP
rows = json.load(open(sys.argv[1]))
rows = rows.get("items", rows) if isinstance(rows, dict) else rows
o = json.load(open(sys.argv[2]))
n, seq, what = sys.argv[3], sys.argv[4], sys.argv[5:]
cents = lambda x: int((Decimal(str(x)) * 100).to_integral_value(ROUND_HALF_UP))
half = lambda a, b: int((Decimal(a) / Decimal(b)).to_integral_value(ROUND_HALF_UP))
rate = {t["rate_id"]: t["rate_percent"] for t in o["tax_lines"]}
base = {}
for a in what:
    if a == "shipping":
        for s in o["shipping_lines"]:
            r = rate[s["taxes"][0]["id"]]
            base[r] = base.get(r, 0) + cents(s["total"])
        continue
    k, q = map(int, a.split(":"))
    l = o["line_items"][k]
    r = rate[l["taxes"][0]["id"]]
    base[r] = base.get(r, 0) + half(cents(l["subtotal"]) * q, l["quantity"])
vat = {r: half(b * r, 100) for r, b in base.items()}
want = -(sum(base.values()) + sum(vat.values()))
nr = "%s-C%s" % (n, seq)
c = [b for b in rows if b["factuurnummer"] == nr]
(booking,) = [b for b in rows if b["factuurnummer"] == n]
if len(c) != 1:
    sys.exit("%s is in SnelStart %d times" % (nr, len(c)))
c = c[0]
total = cents(c["factuurbedrag"])
regels = sum(cents(r["bedrag"]) for r in c["boekingsregels"])
btw = sum(cents(r["btwBedrag"]) for r in c.get("btw") or [])
if total != want:
    sys.exit("%s: factuurbedrag %d, expected %d" % (nr, total, want))
if regels != -sum(base.values()) or btw != -sum(vat.values()):
    sys.exit("%s: regels %d and btw %d, expected %d and %d"
             % (nr, regels, btw, -sum(base.values()), -sum(vat.values())))
if c["klant"]["id"] != booking["klant"]["id"] or n not in c["omschrijving"]:
    sys.exit("%s is not on the relatie of %s, or does not name it" % (nr, n))
print("  %s: %.2f, only %s, %d regels balanced" % (nr, total / 100.0, " ".join(what),
                                                  len(c["boekingsregels"])))
PY
}

# a WooCommerce order refunded in full after booking: one credit note; one
# refunded in part twice: a credit note of the refunded lines for each
scenario_woo() {
    e2e_setup "${E2E_ROOT:-/tmp/koppel-credit}/woo"
    start_sim woocommerce-sim WC_PORT WC_PID --key ck_koppel --secret cs_geheim \
        --db "$E2E_DIR/woocommerce.db" --generate 12 --seed 23 --first-id 701 \
        --export-relaties "$E2E_DIR/wc-relaties.json" --known-fraction 0.5 || return 1
    WC_URL=http://127.0.0.1:$WC_PORT
    start_snelstart --relaties "$E2E_DIR/wc-relaties.json" || return 1
    woo_config
    start_pipeline || return 1
    "$BIN/koppelctl" --config "$CFG" run woo >/dev/null || return 1
    expected=$(curl -s -o /dev/null -D - -u ck_koppel:cs_geheim \
        "$WC_URL/wp-json/wc/v3/orders?status=processing,completed&per_page=1" \
        | tr -d '\r' | sed -n 's/^[Xx]-[Ww][Pp]-[Tt]otal: *//p')
    wait_done "$expected" 60 || return 1
    id=""
    for n in $(sqlite3 "$E2E_DIR/state/fetcher.db" \
               "SELECT number FROM orders WHERE state = 'booked' ORDER BY number"); do
        curl -s -u ck_koppel:cs_geheim "$WC_URL/wp-json/wc/v3/orders/$n" \
            | grep -q '"refunds": *\[\]' && { id=$n; break; }
    done
    [ -n "$id" ] || { echo "e2e: no booked WooCommerce order without refunds"; return 1; }
    refund_in_full "$id" || return 1
    echo "  woo: order $id refunded in full after booking"
    "$BIN/koppelctl" --config "$CFG" run woo >/dev/null || return 1
    wait_rows "$id" "$id|1|booked " 60 || return 1
    check_mirrors "$id" | sed 's/^  /  woo: /' || return 1
    scenario_woo_partial "$id"
}

# scenario_woo_partial FULL - a booked order without coupon (not FULL)
# refunded in part twice: N-C1 of one line and the shipping, N-C2 of another
scenario_woo_partial() {
    part=$(curl -s -u ck_koppel:cs_geheim "$WC_URL/wp-json/wc/v3/orders?per_page=100" \
        | /usr/bin/python3 -c '
import json, sys
booked = set(sys.argv[1].split())
for o in json.load(sys.stdin):
    if (str(o["id"]) in booked and str(o["id"]) != sys.argv[2] and not o["refunds"]
            and not o["coupon_lines"] and len(o["line_items"]) >= 2 and o["shipping_lines"]):
        print(o["id"]); break' "$(sqlite3 "$E2E_DIR/state/fetcher.db" \
            "SELECT number FROM orders WHERE state = 'booked' AND credit = 0")" "$1")
    [ -n "$part" ] || { echo "e2e: no booked WooCommerce order to refund in part"; return 1; }
    refund_part "$part" 2027-01-05T10:00:00 0:1 shipping || return 1
    "$BIN/koppelctl" --config "$CFG" run woo >/dev/null || return 1
    wait_rows "$part" "$part|1|booked " 60 || return 1
    check_partial "$part" 1 0:1 shipping | sed 's/^  /  woo: /' || return 1
    refund_part "$part" 2027-01-06T10:00:00 1:1 || return 1
    "$BIN/koppelctl" --config "$CFG" run woo >/dev/null || return 1
    # the fetcher dies as soon as it stored the second credit note; started
    # again, it reads the order again and sends what it stored, once
    i=0
    until [ "$(credit_rows "$part" | wc -l)" -eq 2 ]; do
        i=$((i + 1))
        [ $i -gt 300 ] && { echo "e2e: the second refund of $part is not stored"; return 1; }
        sleep 0.1
    done
    kill -9 "$PID_fetcher"
    wait "$PID_fetcher" 2>/dev/null
    echo "  woo: fetcher killed with SIGKILL after it stored $part-C2"
    start_daemon fetcher
    sleep 1
    "$BIN/koppelctl" --config "$CFG" run woo >/dev/null || return 1
    wait_rows "$part" "$part|1|booked $part|2|booked " 60 || return 1
    check_partial "$part" 2 1:1 | sed 's/^  /  woo: /' || return 1
    "$BIN/koppelctl" --config "$CFG" run woo >/dev/null || return 1
    sleep 2
    check_partial "$part" 1 0:1 shipping >/dev/null || return 1
    [ "$(credit_rows "$part" | wc -l)" -eq 2 ] || { credit_rows "$part"; return 1; }
    echo "  woo: read again: nothing credited twice"
    # refunded in full at last: the rest, what the two did not credit
    refund_in_full "$part" 2027-01-07T10:00:00 || return 1
    "$BIN/koppelctl" --config "$CFG" run woo >/dev/null || return 1
    wait_rows "$part" "$part|1|booked $part|2|booked $part|3|booked " 60 || return 1
    check_partial "$part" 3 0:1 1:1 | sed 's/^  /  woo: refunded in full at last: /' || return 1
    /usr/bin/python3 - "$E2E_DIR/boekingen.json" "$part" <<'PY' || return 1
import json, sys
from decimal import Decimal
rows = json.load(open(sys.argv[1]))
rows = rows.get("items", rows) if isinstance(rows, dict) else rows
n = sys.argv[2]
amount = lambda nr: sum(Decimal(str(b["factuurbedrag"])) for b in rows if b["factuurnummer"] == nr)
credited = sum(amount("%s-C%d" % (n, k)) for k in (1, 2, 3))
if credited != -amount(n):
    sys.exit("%s-C1..C3 credit %s, the booking is %s" % (n, credited, amount(n)))
print("  woo: %s-C1, -C2 and -C3 together: %s, the booking negated" % (n, credited))
PY
}

failed_=0
scenario_credit || failed_=1
snelstart_valid || failed_=1
e2e_stop
scenario_woo || failed_=1
snelstart_valid || failed_=1
if [ $failed_ -eq 0 ]; then
    echo "PASS refunds after booking: one credit note each (partial ones of the refunded lines), to the cent, a SIGKILLed booker or fetcher changes nothing"
else
    echo "FAIL refunds after booking (logs in $E2E_DIR/log)"
    tail -n 5 "$E2E_DIR"/log/*.log
fi
exit $failed_
