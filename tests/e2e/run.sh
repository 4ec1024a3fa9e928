#!/bin/sh
# run.sh - koppel's end-to-end tests: the whole pipeline against both simulators
#
#   1. pipeline: generated orders (some customers known, some new) and two
#      broken orders; every good order booked exactly once, the broken ones
#      in the dead-letter queue with a reason naming order and field
#   2. replay: the broken order is fixed in the shop, replayed, booked;
#      a damaged stored order is set aside (stage store) and replayed;
#      dead letters replayed from a slow shop while status answers and a
#      replay of one order is not held up by a replay of all (replay.sh)
#   3. sigkill: each daemon killed with SIGKILL in turn during an import and
#      restarted; every order booked exactly once
#   3a. webhooks: WooCommerce deliveries booked within seconds without a
#      run; a wrong signature refused (401), repeats and out-of-order
#      updates booked once, deliveries lost while the fetcher was down
#      booked by the next run, the fetcher ended between storing and
#      answering loses and doubles nothing, 413 over the body limit
#      (webhook.sh)
#   3b. reload: koppel.cfg read again while running (a grootboek filled in
#      and the dead letter replayed, a bad file refused, a planning change,
#      a new profile), status in Dutch, koppelctl's messages (reload.sh)
#   4. administrations: SQL (tds-sim), Lokaal and MDB (Northwind) profiles
#      recognise customers; discovery and test-connection (admins.sh); a
#      matcher filling 100,000 relaties from a slow SQL server answers
#      status within a second throughout (admin_fill.sh)
#   4a. webhook setup: koppelctl webhooks [--register] and test-connection's
#      check of a WooCommerce profile's webhooks against woocommerce-sim:
#      missing, Read key, registered (twice), disabled after failed
#      deliveries, wrong URL, paused (webhook_setup.sh)
#   4b. TDS clients: FreeTDS's tsql, pymssql and Node's tedious against
#      tds-sim, with and without TLS (tds_clients.sh)
#   4c. web: koppel-web in headless Chromium against the running daemons
#      (tests/web/web.sh, tests/web/test_web.py); make web-screenshots takes
#      docs/web/'s screenshots with it
#   5. chaos, short: 300 orders, random SIGKILLs for 10 s (chaos.sh)
#   5b. shard: four profiles over three matchers, matchers SIGKILLed while
#      their profiles move (shard.sh, about 30 s)
#   6. faults: API, shop, storage and TLS faults (faults.sh, about 40 s)
#   6b. limits: two profiles, one at a low SnelStart rate limit; status
#      answers every second, the other profile is booked while the first
#      waits, the booker's loop is never blocked for a second (limits.sh)
#   6b'. a SnelStart that answers every request after 3 s: the booker
#      answers status from its start while it checks three profiles'
#      administrations on its workers, and books every order once
#      (bootcheck.sh, about 35 s)
#   6c. peers, messages, secrets and files (harden.sh)
#   6d. credit notes: orders cancelled in the shop after booking get one
#      credit note each, the booking mirrored to the cent, also when the
#      booker is SIGKILLed after posting one; a dead letter's cancellation
#      books nothing and is said in the information log; a WooCommerce
#      order refunded in part twice gets N-C1 and N-C2 of the refunded
#      lines and shipping only, also with the fetcher SIGKILLed (credit.sh)
#   7. build: the Makefile's layers hold (layers.sh) and every program
#      answers --version with koppel's version (version.sh)
# Every scenario also fails when snelstart-sim refused a request body of
# koppel's as invalid against SnelStart's OpenAPI file (it prints the count).
#   8. disabled: the example profile as installed (enabled = false) is
#      never run; status and tasks say "uitgeschakeld"
#   9. harness: the daemons under koppel-supervise as systemd runs them
#      (Type=notify, WatchdogSec=5s, Restart=always): READY, STATUS and
#      watchdog pings arrive, 200 orders book with no watchdog kill, a
#      daemon stopped with SIGSTOP is killed with SIGABRT and restarted
# Prints "e2e: N passed, N failed" last.

BIN=${1:-build/bin}
. tests/e2e/lib.sh
trap e2e_stop EXIT INT TERM
passed=0
failed=0
ROOT=${E2E_ROOT:-/tmp/koppel-e2e.$$}

# result NAME STATUS - count and report one scenario; it fails too when koppel
# sent snelstart-sim a body SnelStart's OpenAPI file does not allow
result() {
    snelstart_valid || set -- "$1" 1
    if [ "$2" -eq 0 ]; then
        passed=$((passed + 1))
        echo "PASS $1"
    else
        failed=$((failed + 1))
        echo "FAIL $1 (logs in $E2E_DIR/log)"
        tail -n 5 "$E2E_DIR"/log/*.log
    fi
}

# script NAME TITLE - run tests/e2e/NAME.sh in a folder of its own and count
# it as one scenario, its PASS and FAIL lines shown
script() {
    E2E_ROOT=$ROOT/$1 sh "tests/e2e/$1.sh" "$BIN" > "$ROOT/$1.out" 2>&1
    st=$?
    E2E_DIR=$ROOT/$1
    grep -E "^(PASS|FAIL)" "$ROOT/$1.out" | sed 's/^/  /'
    [ $st -ne 0 ] && tail -20 "$ROOT/$1.out"
    result "$2" $st
}

# broken_orders - two orders the shop sends but koppel cannot read
broken_order() {
    cat <<XML
<?xml version="1.0" encoding="UTF-8"?>
<order xmlns="urn:globecharge:orders:1" number="$1" status="paid" modified="2026-11-02T13:35:00Z">
  <date>2026-11-02T14:31:07+01:00</date>
  <currency>EUR</currency>
  <pricesIncludeVat>true</pricesIncludeVat>
  <payment method="iDEAL" status="paid" reference="x"/>
  <customer><email>kapot@example.nl</email></customer>
  <billing><firstName>Kees</firstName><lastName>Kapot</lastName><street>Laan</street>
    <postcode>1234 AB</postcode><city>Zwolle</city><country>NL</country></billing>
  <lines><line><sku>A</sku><description>Iets</description><quantity>1</quantity>
    <unitPrice>12.10</unitPrice><vatRate>21</vatRate><total>$2</total></line></lines>
  <vat rate="21" base="10.00" amount="2.10"/>
  <total excl="10.00" vat="2.10" incl="12.10"/>
</order>
XML
}

# scenario 1 and 2
scenario_pipeline() {
    e2e_setup "$ROOT/pipeline"
    start_globecharge --generate 60 --seed 7 --first-number 5001 \
        --export-relaties "$E2E_DIR/relaties.json" --known-fraction 0.5 || return 1
    start_snelstart --relaties "$E2E_DIR/relaties.json" || return 1
    broken_order 5100 "12,10" | curl -s -X PUT --data-binary @- "$GC_URL/_sim/orders" >/dev/null
    write_config 5001
    with_followups
    start_pipeline || return 1
    [ "$("$BIN/koppelctl" --config "$CFG" run voorbeeld)" = gestart ] || return 1
    expected=$(shop_orders | wc -l)
    wait_done "$expected" 60 || return 1
    check_exactly_once || return 1
    check_followups_once "$(wc -l < "$E2E_DIR/booked")" || return 1
    # two matchers, customers with several orders: still one relatie per customer
    # (collection 0 of snelstart-sim's store holds the relaties)
    twice=$(sqlite3 "$E2E_DIR/snelstart.db" "SELECT json_extract(body, '$.email') FROM objects
              WHERE coll = 0 GROUP BY 1 HAVING COUNT(*) > 1")
    [ -z "$twice" ] || { echo "e2e: more than one relatie for: $twice"; return 1; }
    "$BIN/koppelctl" --config "$CFG" dlq list > "$E2E_DIR/dlq.txt"
    grep -q "voorbeeld:5100 .*5100.*total" "$E2E_DIR/dlq.txt" || {
        echo "e2e: the broken order is not in the dead-letter queue with its field:"
        cat "$E2E_DIR/dlq.txt"; return 1; }
    # the information log holds what happened, short and extended
    "$BIN/koppelctl" --config "$CFG" log --limit 0 > "$E2E_DIR/infolog.txt"
    [ "$(grep -c "geboekt als verkoopfactuur" "$E2E_DIR/infolog.txt")" -eq "$(wc -l < "$E2E_DIR/booked")" ] || {
        echo "e2e: the information log does not list every booking:"; head "$E2E_DIR/infolog.txt"; return 1; }
    grep -q "5100" "$E2E_DIR/infolog.txt" || { echo "e2e: the dead letter is not in the log"; return 1; }
    "$BIN/koppelctl" --config "$CFG" status --json > "$E2E_DIR/status.json"
    grep -q '"ok": *true' "$E2E_DIR/status.json" || return 1
    # koppelctl tasks says the run's result in Dutch, as the web page does
    done_nl="[0-9]* nieuwe orders, [0-9]* geannuleerd, [0-9]* onleesbaar; gelezen tot en met order"
    "$BIN/koppelctl" --config "$CFG" tasks | grep -q "^voorbeeld .* $done_nl [0-9]*$" || {
        echo "e2e: koppelctl tasks:"; "$BIN/koppelctl" --config "$CFG" tasks; return 1; }
    # no secret in koppel's logs, status or dead letters (the simulators' own logs aside)
    for f in "$E2E_DIR"/log/*.log "$E2E_DIR/status.json" "$E2E_DIR/dlq.txt" \
             "$E2E_DIR/infolog.txt"; do
        case $f in *-sim.log) continue ;; esac
        if grep -q -e geheim-shop-wachtwoord -e geheime-client-key \
                -e geheime-subscription-key "$f"; then
            echo "e2e: a secret appears in $f"
            return 1
        fi
    done
    return 0
}

scenario_replay() {
    broken_order 5100 "12.10" | curl -s -X PUT --data-binary @- "$GC_URL/_sim/orders" >/dev/null
    "$BIN/koppelctl" --config "$CFG" dlq replay voorbeeld:5100 || return 1
    i=0
    until booked_factuurnummers | grep -qx 5100; do
        i=$((i + 1))
        [ $i -gt 100 ] && { echo "e2e: replayed order 5100 not booked"; return 1; }
        sleep 0.1
    done
    [ "$("$BIN/koppelctl" --config "$CFG" dlq list --json | grep -c 5100)" = 0 ]
}

# a stored order whose copy in fetcher.db is damaged is set aside in the
# dead-letter queue (stage store) and the fetcher keeps serving; a replay
# reads it from the shop again. The restarted fetcher logs at level debug.
scenario_damaged_store() {
    victim=$(sqlite3 "$E2E_DIR/state/fetcher.db" \
        "SELECT number FROM orders WHERE state = 'booked' ORDER BY number LIMIT 1")
    [ -n "$victim" ] || { echo "e2e: no booked order to damage"; return 1; }
    kill -9 $PID_fetcher
    wait $PID_fetcher 2>/dev/null
    sqlite3 "$E2E_DIR/state/fetcher.db" "UPDATE orders SET state = 'pending',
        payload = x'c1c1c1', attempts = 0, next_send = 0 WHERE number = $victim" || return 1
    sed -i 's/log_level = "info";/log_level = "debug";/' "$CFG"
    start_daemon fetcher
    i=0
    until "$BIN/koppelctl" --config "$CFG" dlq list | grep -q "voorbeeld:$victim .*store"; do
        i=$((i + 1))
        [ $i -gt 50 ] && { echo "e2e: the damaged order $victim is not set aside:";
                           "$BIN/koppelctl" --config "$CFG" dlq list; return 1; }
        sleep 0.1
    done
    "$BIN/koppelctl" --config "$CFG" dlq list | grep -q \
        "de opgeslagen kopie van order $victim is beschadigd; klik Opnieuw (koppelctl dlq replay voorbeeld:$victim)" || {
        echo "e2e: the dead letter does not say what happened and what to do"; return 1; }
    "$BIN/koppelctl" --config "$CFG" run voorbeeld >/dev/null || return 1
    sleep 2                            # the crash loop came a second after the start
    kill -0 $PID_fetcher 2>/dev/null || { echo "e2e: the fetcher died on a damaged order"; return 1; }
    "$BIN/koppelctl" --config "$CFG" dlq replay "voorbeeld:$victim" >/dev/null || return 1
    wait_done "$(shop_orders | wc -l)" 30 || return 1
    [ "$("$BIN/koppelctl" --config "$CFG" dlq list --json | grep -c "voorbeeld:$victim")" = 0 ] || {
        echo "e2e: the replayed order $victim is still a dead letter"; return 1; }
    check_exactly_once >/dev/null || { echo "e2e: the replay booked or lost an order"; return 1; }
    # log_level = "debug" shows messages, jobs and timers
    for want in "debug: jobs socket: received job [0-9]*: profile voorbeeld, manual" \
                "debug: sent order: profile voorbeeld, order $victim, attempt 1" \
                "debug: outcomes socket: received outcome: profile voorbeeld, order $victim, booked" \
                "debug: profile voorbeeld: job [0-9]* queued" \
                "debug: timer send due orders" "debug: timer import step" \
                "debug: control socket: received request: dlq-replay"; do
        grep -q "$want" "$E2E_DIR/log/fetcher.log" || {
            echo "e2e: log_level debug does not show \"$want\""; return 1; }
    done
}

scenario_sigkill() {
    e2e_setup "$ROOT/sigkill"
    start_globecharge --generate 400 --seed 11 --first-number 20001 --slow-ms 100 \
        --export-relaties "$E2E_DIR/relaties.json" --known-fraction 0.3 || return 1
    # the invoice PDFs and payments double the calls: a budget that lets the
    # import finish while the daemons are killed (the rate limit has tests of its own)
    start_snelstart --relaties "$E2E_DIR/relaties.json" --rate-per-minute 3000 \
        --rate-per-hour 30000 || return 1
    write_config 20001
    sed -i -e 's/page_size = 50;/page_size = 10;/' -e 's/rate_per_minute = 500;/rate_per_minute = 3000;/' \
        -e 's/rate_per_hour = 5000;/rate_per_hour = 30000;/' "$CFG"
    with_followups
    start_pipeline || return 1
    [ "$("$BIN/koppelctl" --config "$CFG" run voorbeeld)" = gestart ] || return 1
    # "Nu uitvoeren" while the task runs
    [ "$("$BIN/koppelctl" --config "$CFG" run voorbeeld)" = "is al bezig" ] || {
        echo "e2e: a second run while running was not refused"; return 1; }
    for d in fetcher matcher booker scheduler fetcher booker; do
        sleep 0.7
        case $d in
        matcher) pid=$PID_matcher__instance_1; args="--instance 1" ;;
        *) eval "pid=\$PID_$d"; args="" ;;
        esac
        kill -9 "$pid" 2>/dev/null
        wait "$pid" 2>/dev/null
        echo "  killed koppel-$d ($pid), restarting"
        start_daemon $d $args
        # after the scheduler or fetcher died the run may have stopped: ask again
        sleep 0.2
        "$BIN/koppelctl" --config "$CFG" run voorbeeld >/dev/null 2>&1
    done
    expected=$(shop_orders | wc -l)
    # keep asking for runs until the cursor passed every order (its own
    # counter: wait_done counts in i)
    tries=0
    until wait_done "$expected" 5 2>/dev/null; do
        "$BIN/koppelctl" --config "$CFG" run voorbeeld >/dev/null 2>&1
        tries=$((tries + 1))
        [ $tries -gt 24 ] && { wait_done "$expected" 1; return 1; }
    done
    check_exactly_once && check_followups_once "$(wc -l < "$E2E_DIR/booked")"
}

# explain METHOD ORDER.xml WANT - the matcher's offline explain gives WANT (a JSON fragment)
explain() {
    got=$("$BIN/koppel-matcher" --explain "$2" --relaties tests/fixtures/explain/relaties.json \
          --landen tests/fixtures/explain/landen.json --recognition "$1")
    case $got in
    *"$3"*) return 0 ;;
    esac
    echo "e2e: explain --recognition $1 $2: expected $3, got $got"
    return 1
}

scenario_explain() {
    ex=tests/fixtures/explain
    explain email tests/fixtures/feed/order-10423.xml \
        '"decision":"existing","relatiecode":1001,"method":"email","step":"email"' &&
    explain email $ex/order-10425.xml '"decision":"error"' &&
    explain email $ex/order-10425.xml '1002, 1003' &&
    explain email-postcode $ex/order-10425.xml '"decision":"existing","relatiecode":1003' &&
    explain email $ex/order-10431.xml '"relatiecode":1004,"method":"email","step":"factuur-email"' &&
    explain email-postcode $ex/order-10431.xml '"decision":"new","relatiecode":null' &&
    explain slim tests/fixtures/feed/order-10423.xml '"step":"klantcode"'
}

# two_shop_config - a Globecharge and a WooCommerce profile, each with its own
# SnelStart administration
two_shop_config() {
    grootboeken=$(sed -n '/^        grootboeken = {/,/^        };/p' config/koppel.cfg.example)
    cat > "$E2E_DIR/koppel.cfg" <<CFG
koppel = { state_dir = "$E2E_DIR/state"; resend_after = 3; };
profiles = (
    {
        name = "shopfactory";
        description = "ShopFactory shop via Globecharge";
        shop = { url = "$GC_URL"; username = "winkelier"; password = "geheim-shop-wachtwoord";
                 from_order = 30001; insecure_http = true; };
        snelstart = { api_url = "$SS_URL/v2"; auth_url = "$SS_URL/b2b/token"; insecure_http = true;
                      client_key = "geheime-client-key";
                      subscription_key = "geheime-subscription-key"; };
$grootboeken
    },
$(woo_profile woo "$SS2_URL")
);
CFG
    chmod 0600 "$E2E_DIR/koppel.cfg"
    CFG=$E2E_DIR/koppel.cfg
}

scenario_two_shops() {
    e2e_setup "$ROOT/two-shops"
    start_globecharge --generate 40 --seed 21 --first-number 30001 \
        --export-relaties "$E2E_DIR/relaties.json" --known-fraction 0.5 || return 1
    start_snelstart --relaties "$E2E_DIR/relaties.json" || return 1
    start_sim woocommerce-sim WC_PORT WC_PID --key ck_koppel --secret cs_geheim \
        --db "$E2E_DIR/woocommerce.db" --generate 40 --seed 22 --first-id 501 \
        --export-relaties "$E2E_DIR/wc-relaties.json" --known-fraction 0.5 || return 1
    WC_URL=http://127.0.0.1:$WC_PORT
    ss1_port=$SS_PORT ss1_url=$SS_URL ss1_pid=$SS_PID
    start_sim snelstart-sim SS_PORT SS_PID --db "$E2E_DIR/snelstart2.db" --spec "$SNELSTART_SPEC" \
        --grootboeken tests/fixtures/grootboeken.json --relaties "$E2E_DIR/wc-relaties.json" \
        --client-key geheime-client-key --subscription-key geheime-subscription-key || return 1
    SS2_URL=http://127.0.0.1:$SS_PORT
    SS_PORT=$ss1_port SS_URL=$ss1_url SS_PID=$ss1_pid
    two_shop_config
    # test-connection logs in on each profile's own platform (a WooCommerce
    # profile used to get a Globecharge login, which its shop answered 404)
    out=$("$BIN/koppelctl" --config "$CFG" test-connection woo)
    echo "$out" | grep -q "^shop: OK (de WooCommerce REST API van $WC_URL neemt" \
        || { echo "e2e: test-connection woo:"; echo "$out"; return 1; }
    out=$("$BIN/koppelctl" --config "$CFG" test-connection shopfactory)
    echo "$out" | grep -q "^shop: OK (ingelogd op $GC_URL als winkelier)" \
        || { echo "e2e: test-connection shopfactory:"; echo "$out"; return 1; }
    echo "  test-connection: each shop checked on its own platform"
    start_pipeline || return 1
    "$BIN/koppelctl" --config "$CFG" run shopfactory >/dev/null || return 1
    "$BIN/koppelctl" --config "$CFG" run woo >/dev/null || return 1
    gc_expected=$(shop_orders | wc -l)
    wc_expected=$(curl -s -o /dev/null -D - -u ck_koppel:cs_geheim \
        "$WC_URL/wp-json/wc/v3/orders?status=processing,completed&per_page=1" \
        | tr -d '\r' | sed -n 's/^[Xx]-[Ww][Pp]-[Tt]otal: *//p')
    wait_done $((gc_expected + wc_expected)) 60 || return 1
    # each shop booked into its own administration, every order once
    gc_booked=$(booked_factuurnummers | sort -u | wc -l)
    wc_booked=$(curl -s "$SS2_URL/_sim/verkoopboekingen" | tr ',' '\n' \
        | grep -c '"factuurnummer"')
    gc_dead=$(sqlite3 "$E2E_DIR/state/fetcher.db" \
        "SELECT COUNT(*) FROM orders WHERE profile = 'shopfactory' AND state = 'dead' AND credit = 0")
    wc_dead=$(sqlite3 "$E2E_DIR/state/fetcher.db" \
        "SELECT COUNT(*) FROM orders WHERE profile = 'woo' AND state = 'dead' AND credit = 0")
    echo "  shopfactory: $gc_expected orders, $gc_booked booked, $gc_dead dead"
    echo "  woo: $wc_expected orders, $wc_booked booked, $wc_dead dead"
    [ "$gc_booked" -eq $((gc_expected - gc_dead)) ] && [ "$wc_booked" -eq $((wc_expected - wc_dead)) ] \
        && [ "$wc_booked" -gt 0 ] && [ "$gc_booked" -gt 0 ] || return 1
    # an order on hold that becomes processing after the run is booked by the next
    held=$(curl -s -u ck_koppel:cs_geheim "$WC_URL/wp-json/wc/v3/orders?status=on-hold&per_page=1" \
           | tr -d '\n')
    id=$(echo "$held" | sed -n 's/^\[{ *"id": *\([0-9]*\).*/\1/p')
    [ -n "$id" ] || { echo "  (the generated shop has no order on hold)"; return 0; }
    echo "$held" | sed -e 's/"status": *"on-hold"/"status":"processing"/' \
        -e 's/"date_modified_gmt": *"[^"]*"/"date_modified_gmt":"2027-01-04T10:00:00"/' \
        -e 's/"date_paid_gmt": *null/"date_paid_gmt":"2027-01-04T10:00:00"/' \
        | curl -s -X PUT --data-binary @- "$WC_URL/_sim/orders" >/dev/null
    "$BIN/koppelctl" --config "$CFG" run woo >/dev/null
    i=0
    until curl -s "$SS2_URL/_sim/verkoopboekingen" | grep -q "\"factuurnummer\": *\"$id\""; do
        i=$((i + 1))
        [ $i -gt 100 ] && { echo "e2e: order $id, processing after the run, was not booked"; return 1; }
        sleep 0.1
    done
    echo "  woo: order $id, on hold at the first run and processing later, booked"
}

# stopped_count - how many profiles the fetcher reports as stopped
stopped_count() {
    "$BIN/koppelctl" --config "$CFG" status --json | grep -o '"stopped": *"Gestopt: ' | wc -l
}

# two profiles whose shop refuses their password stop, and both run again
# once one edit of the configuration file corrects both, without a restart
scenario_settings_change() {
    e2e_setup "$ROOT/settings"
    start_globecharge --generate 12 --seed 5 --first-number 60001 || return 1
    start_snelstart --relaties tests/fixtures/relaties-empty.json || return 1
    write_config 60001
    second_profile tweede 69001           # past the shop's last order: reads nothing
    sed -i 's/password = "geheim-shop-wachtwoord";/password = "verkeerd";/' "$CFG"
    start_pipeline || return 1
    "$BIN/koppelctl" --config "$CFG" run voorbeeld >/dev/null || return 1
    "$BIN/koppelctl" --config "$CFG" run tweede >/dev/null || return 1
    i=0
    until [ "$(stopped_count)" -eq 2 ]; do
        i=$((i + 1))
        [ $i -gt 50 ] && { echo "e2e: the profiles did not both stop on a wrong password"; return 1; }
        sleep 0.1
    done
    i=0
    until [ "$("$BIN/koppelctl" --config "$CFG" tasks | grep -c "weigert de inloggegevens")" -eq 2 ]; do
        i=$((i + 1))
        [ $i -gt 50 ] && { echo "e2e: the tasks do not say why they stopped"; return 1; }
        sleep 0.1
    done
    sed -i 's/password = "verkeerd";/password = "geheim-shop-wachtwoord";/' "$CFG"
    "$BIN/koppelctl" --config "$CFG" run voorbeeld >/dev/null || return 1
    "$BIN/koppelctl" --config "$CFG" run tweede >/dev/null || return 1
    wait_done "$(shop_orders | wc -l)" 30 || return 1
    i=0
    until [ "$(stopped_count)" -eq 0 ] \
          && ! "$BIN/koppelctl" --config "$CFG" tasks | grep -q "weigert de inloggegevens"; do
        i=$((i + 1))
        [ $i -gt 50 ] && { echo "e2e: after one edit fixed both, still stopped:";
                           "$BIN/koppelctl" --config "$CFG" status --json | grep stopped; return 1; }
        sleep 0.1
    done
    check_exactly_once >/dev/null
}

# the daemons under the systemd stand-in: notify protocol, watchdog, restart
scenario_harness() {
    e2e_setup "$ROOT/harness"
    start_globecharge --generate 200 --seed 13 --first-number 80001 \
        --export-relaties "$E2E_DIR/relaties.json" --known-fraction 0.5 || return 1
    start_snelstart --relaties "$E2E_DIR/relaties.json" || return 1
    write_config 80001
    SUPERVISE=1 WATCHDOG_SEC=5 start_pipeline || return 1
    for d in scheduler fetcher matcher1 matcher2 booker; do
        [ "$(sup_events ready $d)" -eq 1 ] && [ "$(sup_events status $d)" -ge 1 ] || {
            echo "e2e: koppel-$d sent no READY=1 and STATUS= under the harness"; return 1; }
    done
    "$BIN/koppelctl" --config "$CFG" run voorbeeld >/dev/null || return 1
    wait_done "$(shop_orders | wc -l)" 60 || return 1
    check_exactly_once > "$E2E_DIR/counts" || { cat "$E2E_DIR/counts"; return 1; }
    sed 's/^/  /' "$E2E_DIR/counts" | grep -e lost -e duplicates
    sleep 3                     # every daemon pings at least twice more
    for d in scheduler fetcher matcher1 matcher2 booker; do
        [ "$(sup_events watchdog $d)" -ge 2 ] || {
            echo "e2e: koppel-$d sent $(sup_events watchdog $d) WATCHDOG=1 in the run"; return 1; }
    done
    gap=$(awk '$3 == "watchdog" { sub("gap_ms=", "", $5); g = $5 + 0; if (g > m) m = g } END { print m + 0 }' \
          "$E2E_DIR/log/events")
    echo "  watchdog kills: $(sup_events watchdog-kill), largest gap between pings: $gap ms"
    [ "$(sup_events watchdog-kill)" -eq 0 ] && [ "$(sup_events exit)" -eq 0 ] || return 1
    # a booker that hangs (SIGSTOP) misses its watchdog: SIGABRT, then a new one
    old=$(daemon_pid booker)
    kill -STOP "$old"
    i=0
    until [ "$(sup_events ready booker)" -eq 2 ]; do
        i=$((i + 1))
        [ $i -gt 100 ] && { echo "e2e: the stopped booker was not killed and restarted"; return 1; }
        sleep 0.1
    done
    grep -q " booker watchdog-kill pid=$old " "$E2E_DIR/log/events" \
        && grep -q " booker exit pid=$old signal=ABRT" "$E2E_DIR/log/events" \
        && [ "$(daemon_pid booker)" != "$old" ] || {
        echo "e2e: the stopped booker was not ended with SIGABRT:"; cat "$E2E_DIR/log/events"; return 1; }
    missed=$(sed -n "s/.* booker watchdog-kill pid=$old missed_ms=\([0-9]*\).*/\1/p" "$E2E_DIR/log/events")
    echo "  SIGSTOPped booker: SIGABRT after $missed ms without a ping, restarted"
    "$BIN/koppelctl" --config "$CFG" status >/dev/null || return 1
    stop_supervised || { echo "e2e: a daemon did not stop cleanly on SIGTERM:"
                         grep " exit " "$E2E_DIR/log/events"; return 1; }
    [ "$(sup_events exit)" -eq 6 ] && grep -q "summary watchdog_kills=1 restarts=1" "$E2E_DIR/log/events"
}

# the profile as make install leaves it: switched off until filled in
scenario_disabled() {
    e2e_setup "$ROOT/disabled"
    write_config 1
    sed -i -e 's/enabled = true;/enabled = false;/' \
        -e 's/importeren_financieel = "off";/importeren_financieel = "5m";/' "$CFG"
    start_pipeline || return 1
    out=$("$BIN/koppelctl" --config "$CFG" run voorbeeld) && {
        echo "e2e: run of a switched-off profile was accepted: $out"; return 1; }
    echo "$out" | grep -q "uitgeschakeld" || { echo "e2e: run answered: $out"; return 1; }
    "$BIN/koppelctl" --config "$CFG" tasks | grep -q "^voorbeeld .*uitgeschakeld" || {
        echo "e2e: tasks does not show the profile as uitgeschakeld:"
        "$BIN/koppelctl" --config "$CFG" tasks; return 1; }
    out=$("$BIN/koppelctl" --config "$CFG" status) || {
        echo "e2e: status exits non-zero for a switched-off profile:"; echo "$out"; return 1; }
    echo "$out" | grep -q "^profiel voorbeeld *uitgeschakeld" || { echo "$out"; return 1; }
    "$BIN/koppelctl" --config "$CFG" status --json \
        | grep -q '"profiles_disabled": *\[ *"voorbeeld" *\]' || return 1
    # planned every 5 minutes from the start, yet nothing ran
    sleep 1.5
    [ "$(sqlite3 "$E2E_DIR/state/scheduler.db" "SELECT last_run FROM tasks")" = 0 ]
}

mkdir -p "$ROOT"
scenario_settings_change; result "two profiles stopped on a wrong shop password both run again when one edit corrects them" $?
scenario_disabled; result "a switched-off profile (enabled = false, as installed) is never run" $?
e2e_stop
scenario_harness; result "under the systemd stand-in: READY, STATUS, watchdog pings; a hung daemon is killed and restarted" $?
e2e_stop
scenario_settings_change; result "a profile stopped on a wrong shop password runs again when the password is corrected" $?
e2e_stop
scenario_two_shops; result "a WooCommerce and a Globecharge profile side by side, each in its own administration" $?
e2e_stop
scenario_explain; result "explain mode decides as the manual describes" $?
scenario_pipeline; result "pipeline books every order once with its invoice PDF and payment, broken order in the dead-letter queue" $?
scenario_replay; result "a fixed order replayed from the dead-letter queue is booked" $?
scenario_damaged_store; result "a damaged stored order is set aside, the fetcher keeps serving; log_level debug shows messages, jobs, timers" $?
e2e_stop
script replay "dead letters replayed from a slow shop off the fetcher's loop: status answers, requests take turns"
scenario_sigkill; result "SIGKILL of each daemon during an import loses and doubles nothing, invoice PDFs and payments included" $?
e2e_stop
E2E_ROOT=$ROOT/webhook sh tests/e2e/webhook.sh "$BIN" > "$ROOT/webhook.out" 2>&1
st=$?
E2E_DIR=$ROOT/webhook/webhook
grep -E "^(PASS|FAIL)" "$ROOT/webhook.out" | sed 's/^/  /'
[ $st -ne 0 ] && grep -v "^PASS" "$ROOT/webhook.out" | tail -30
result "webhooks: booked within seconds, bad signature refused, repeats and overtaken states once, the run as safety net, killed between storing and answering" $st
E2E_ROOT=$ROOT/reload sh tests/e2e/reload.sh "$BIN" > "$ROOT/reload.out" 2>&1
st=$?
E2E_DIR=$ROOT
grep -E "^(PASS|FAIL)" "$ROOT/reload.out" | sed 's/^/  /'
[ $st -ne 0 ] && grep -v "^PASS" "$ROOT/reload.out" | tail -30
result "reload: grootboek fix and replay, bad file refused, planning, new profile; status; koppelctl" $st
sh tests/e2e/admins.sh "$BIN" > "$ROOT/admins.out" 2>&1
st=$?
E2E_DIR=$ROOT
grep -E "^(PASS|FAIL|SKIP)" "$ROOT/admins.out" | sed 's/^/  /'
result "SQL, Lokaal and MDB administrations: recognition, discovery, test-connection" $st
script admin_fill "a matcher filling 100,000 relaties from a slow SQL server answers status within a second"
script webhook_setup "webhook setup: koppelctl webhooks, --register and test-connection's verdicts"
sh tests/e2e/tds_clients.sh "$BIN" > "$ROOT/tds_clients.out" 2>&1
st=$?
E2E_DIR=$ROOT
grep -E "^(PASS|FAIL)" "$ROOT/tds_clients.out" | sed 's/^/  /'
[ $st -ne 0 ] && grep -v "^PASS" "$ROOT/tds_clients.out" | tail -30
result "tsql, pymssql and tedious log in to tds-sim (TLS and plain), read, and keep the connection after an error" $st
# screenshots into the scratch folder: a run must not change the source tree
# (make web-screenshots refreshes docs/web/)
SHOTS=$ROOT/webroot/screenshots E2E_ROOT=$ROOT/webroot sh tests/web/web.sh "$BIN" \
    > "$ROOT/web.out" 2>&1
st=$?
E2E_DIR=$ROOT/webroot/web
grep -E "^(PASS|FAIL)" "$ROOT/web.out" | sed 's/^/  /'
[ $st -ne 0 ] && grep -v "^PASS" "$ROOT/web.out" | tail -30
result "koppel-web in headless Chromium: login (PAM, koppel group), run, status, log, dead letter fixed by a grootboek drop-down, Gestopt, Excel, CSRF (forms and login), a slow request beside a fast one, two saves at once, the platform change, lockout" $st
CHAOS_DIR=$ROOT/chaos sh tests/e2e/chaos.sh "$BIN" 300 10 > "$ROOT/chaos.out" 2>&1
st=$?
E2E_DIR=$ROOT/chaos
sed 's/^/  /' "$ROOT/chaos.out" | tail -6
result "chaos (short): random SIGKILLs and injected faults lose and double nothing" $st
SHARD_DIR=$ROOT/shard sh tests/e2e/shard.sh "$BIN" > "$ROOT/shard.out" 2>&1
st=$?
E2E_DIR=$ROOT/shard
grep "^  [a-z]" "$ROOT/shard.out" | head -8
result "matchers sharded by profile: SIGKILLs of matchers while profiles move lose and double nothing, each index held once" $st
FAULTS_ROOT=$ROOT/faults sh tests/e2e/faults.sh "$BIN" > "$ROOT/faults.out" 2>&1
st=$?
E2E_DIR=$ROOT/faults
grep -v "^PASS\|^FAIL" "$ROOT/faults.out" | grep "^  " | head -20
grep -E "^(PASS|FAIL)" "$ROOT/faults.out" | while read -r line; do echo "$line"; done
passed=$((passed + $(grep -c "^PASS" "$ROOT/faults.out")))
failed=$((failed + $(grep -c "^FAIL" "$ROOT/faults.out")))
[ $st -ne 0 ] && [ "$(grep -c "^FAIL" "$ROOT/faults.out")" -eq 0 ] && {
    failed=$((failed + 1)); echo "FAIL faults.sh exited $st"; tail -20 "$ROOT/faults.out"; }
E2E_ROOT=$ROOT/limits sh tests/e2e/limits.sh "$BIN" > "$ROOT/limits.out" 2>&1
st=$?
E2E_DIR=$ROOT/limits
grep "^  [a-z]" "$ROOT/limits.out" | head -12
result "two profiles, one at a low SnelStart rate limit: status answers every second, the booker shows the wait, the other profile is booked meanwhile, nothing lost or doubled" $st
E2E_ROOT=$ROOT/bootcheck sh tests/e2e/bootcheck.sh "$BIN" > "$ROOT/bootcheck.out" 2>&1
st=$?
E2E_DIR=$ROOT/bootcheck
grep "^  [a-z]" "$ROOT/bootcheck.out" | head -8
result "a slow SnelStart at the booker's start: status answers at once, the administrations are checked on the workers, every order booked once" $st
HARDEN_ROOT=$ROOT/harden sh tests/e2e/harden.sh "$BIN" > "$ROOT/harden.out" 2>&1
st=$?
E2E_DIR=$ROOT/harden
grep -E "^(PASS|FAIL)" "$ROOT/harden.out"
passed=$((passed + $(grep -c "^PASS" "$ROOT/harden.out")))
failed=$((failed + $(grep -c "^FAIL" "$ROOT/harden.out")))
[ $st -ne 0 ] && { grep -v "^PASS" "$ROOT/harden.out" | tail -30;
    [ "$(grep -c "^FAIL" "$ROOT/harden.out")" -eq 0 ] && {
        failed=$((failed + 1)); echo "FAIL harden.sh exited $st"; }; }
E2E_ROOT=$ROOT/credit sh tests/e2e/credit.sh "$BIN" > "$ROOT/credit.out" 2>&1
st=$?
E2E_DIR=$ROOT/credit
grep "^  [0-9a-z]" "$ROOT/credit.out" | head -16
[ $st -ne 0 ] && grep -v "^PASS" "$ROOT/credit.out" | tail -30
result "refunds after booking: one credit note each (partial ones of the refunded lines), to the cent, a SIGKILLed booker or fetcher changes nothing" $st
for t in layers version; do
    sh tests/e2e/$t.sh "$BIN" > "$ROOT/$t.out" 2>&1
    st=$?
    E2E_DIR=$ROOT
    grep -E "^(PASS|FAIL)" "$ROOT/$t.out" | sed 's/^/  /'
    [ $st -eq 0 ] || grep -v "^PASS\|^FAIL" "$ROOT/$t.out"
    result "build: $t.sh" $st
done
[ "$failed" -eq 0 ] && rm -rf "$ROOT"
echo "e2e: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
