# lib.sh - shared steps of koppel's end-to-end tests and demo (sourced by sh)
#
# Starts the simulators and the daemons in a scratch directory on loopback
# ports, and checks the result against the simulators' own records:
#   expected   the shop's paid and open orders (read from globecharge-sim)
#   booked     the factuurnummers in snelstart-sim (/_sim/verkoopboekingen)
#   valid      no request body koppel sent failed snelstart-sim's check against
#              SnelStart's OpenAPI file (snelstart_valid, at each scenario's end)
# Everything started is stopped by e2e_stop (trap it on EXIT).
#
# With SUPERVISE=1, start_pipeline runs the daemons under koppel-supervise
# (tests/supervise: systemd's Type=notify, WatchdogSec=$WATCHDOG_SEC, default
# 30, and Restart=always) instead of by hand: its events are in
# $E2E_DIR/log/events, each daemon's pid in $E2E_DIR/log/NAME.pid (names
# scheduler, fetcher, matcher1, matcher2, booker; daemon_pid NAME reads it).

BIN=${BIN:-build/bin}
# the OpenAPI file snelstart-sim checks request bodies against
SNELSTART_SPEC=${SNELSTART_SPEC:-tests/sim/snelstart/snelstart-b2b-api-v2.yaml}
E2E_PIDS=""
E2E_SS_URLS=""

# free_port - a TCP port on 127.0.0.1 that nothing listens on, below the
# kernel's range for outgoing connections (32768 and up by default), so that
# no client socket of a busy machine already holds it in TIME-WAIT
free_port() {
    while :; do
        p=$(( 20000 + $(od -An -N2 -tu2 /dev/urandom | tr -d ' ') % 12000 ))
        if ! (exec 3<>/dev/tcp/127.0.0.1/$p) 2>/dev/null; then
            echo $p
            return
        fi
    done
}

# e2e_setup DIR - scratch directory
e2e_setup() {
    E2E_DIR=$1
    rm -rf "$E2E_DIR"
    mkdir -p "$E2E_DIR/state" "$E2E_DIR/log"
}

# listens PORT PID - whether process PID itself listens on PORT: a process of
# someone else's that took the port meanwhile answers HTTP just the same
listens() {
    ss -Hltnp "sport = :$1" 2>/dev/null | grep -q "pid=$2,"
}

# start_sim NAME PORTVAR PIDVAR ARGS... - start a simulator on a free port;
# another port when the chosen one was taken meanwhile (3 tries)
start_sim() {
    sim=$1 portvar=$2 pidvar=$3
    shift 3
    for try in 1 2 3; do
        port=$(free_port)
        "$BIN/$sim" --listen 127.0.0.1:$port "$@" >>"$E2E_DIR/log/$sim.log" 2>&1 &
        pid=$!
        i=0
        while ! { listens $port $pid && curl -s -o /dev/null "http://127.0.0.1:$port/_sim/stats"; }; do
            kill -0 $pid 2>/dev/null || break
            i=$((i + 1))
            [ $i -gt 100 ] && break
            sleep 0.1
        done
        if kill -0 $pid 2>/dev/null && [ $i -le 100 ]; then
            eval "$portvar=$port; $pidvar=$pid"
            E2E_PIDS="$E2E_PIDS $pid"
            [ "$sim" = snelstart-sim ] && E2E_SS_URLS="$E2E_SS_URLS http://127.0.0.1:$port"
            return 0
        fi
        kill -9 $pid 2>/dev/null
    done
    echo "e2e: $sim does not start (see $E2E_DIR/log/$sim.log)" >&2
    return 1
}

# start_globecharge ARGS... - the shop simulator
start_globecharge() {
    start_sim globecharge-sim GC_PORT GC_PID --user winkelier \
        --password geheim-shop-wachtwoord --db "$E2E_DIR/globecharge.db" "$@" || return 1
    GC_URL=http://127.0.0.1:$GC_PORT
}

# start_snelstart ARGS... - the SnelStart simulator
start_snelstart() {
    start_sim snelstart-sim SS_PORT SS_PID --db "$E2E_DIR/snelstart.db" \
        --grootboeken tests/fixtures/grootboeken.json --spec "$SNELSTART_SPEC" \
        --client-key geheime-client-key --subscription-key geheime-subscription-key "$@" \
        || return 1
    SS_URL=http://127.0.0.1:$SS_PORT
}

# write_config FROM_ORDER [RECOGNITION] - koppel.cfg for the simulators
# (they speak plain http on loopback: insecure_http = true says so)
write_config() {
    sed -e "s|state_dir = \"/var/lib/koppel\";|state_dir = \"$E2E_DIR/state\";|" \
        -e "s|resend_after = 60;|resend_after = ${RESEND_AFTER:-3};|" \
        -e "s|url = \"https://www.globecharge.com/webshop\";|url = \"$GC_URL\";|" \
        -e "s|password = \"\";|password = \"geheim-shop-wachtwoord\";|" \
        -e "s|from_order = 10423;|from_order = $1;|" \
        -e "s|api_url = \"https://b2bapi.snelstart.nl/v2\";|api_url = \"$SS_URL/v2\";|" \
        -e "s|auth_url = \"https://auth.snelstart.nl/b2b/token\";|auth_url = \"$SS_URL/b2b/token\";|" \
        -e "s|client_key = \"\";|client_key = \"geheime-client-key\";|" \
        -e "s|subscription_key = \"\";|subscription_key = \"geheime-subscription-key\";|" \
        -e "s|recognition = \"email\";|recognition = \"${2:-email}\";|" \
        -e "s|importeren_financieel = \"15m\";|importeren_financieel = \"off\";|" \
        -e "s|enabled = false;|enabled = true;|" \
        -e 's|^\( *\)tls_verify = true;|\1tls_verify = true; insecure_http = true;|' \
        config/koppel.cfg.example > "$E2E_DIR/koppel.cfg"
    chmod 0600 "$E2E_DIR/koppel.cfg"
    CFG=$E2E_DIR/koppel.cfg
}

# woo_profile NAME SS_URL - the block of a koppel.cfg profile NAME that reads
# woocommerce-sim at $WC_URL and books into the snelstart-sim at SS_URL
woo_profile() {
    cat <<CFG
    {
        name = "$1";
        description = "WooCommerce shop";
        shop = { type = "woocommerce"; url = "$WC_URL"; consumer_key = "ck_koppel";
                 consumer_secret = "cs_geheim"; page_size = 20; insecure_http = true; };
        snelstart = { api_url = "$2/v2"; auth_url = "$2/b2b/token"; insecure_http = true;
                      client_key = "geheime-client-key";
                      subscription_key = "geheime-subscription-key"; };
$(sed -n '/^        grootboeken = {/,/^        };/p' config/koppel.cfg.example)
    }
CFG
}
# second_profile NAME FROM_ORDER - append a copy of the configuration's profile
# under another name and cursor (the same shop and administration)
second_profile() {
    /usr/bin/python3 - "$CFG" "$1" "$2" <<'PY'
import re, sys
path, name, from_order = sys.argv[1:]
text = open(path).read()
start = text.index("profiles = (") + len("profiles = (")
end = text.rindex(");")
block = text[start:end].strip()
copy = block.replace('name = "voorbeeld";', 'name = "%s";' % name, 1)
copy = re.sub(r"from_order = \d+;", "from_order = %s;" % from_order, copy, count=1)
open(path, "w").write(text[:start] + "\n" + block + ",\n" + copy + "\n" + text[end:])
PY
}

# result NAME STATUS - count (passed, failed) and print one scenario: PASS, or
# FAIL with the end of each log
result() {
    if [ "$2" -eq 0 ]; then
        passed=$((passed + 1))
        echo "PASS $1"
    else
        failed=$((failed + 1))
        echo "FAIL $1 (logs in $E2E_DIR/log)"
        tail -n 5 "$E2E_DIR"/log/*.log 2>/dev/null
    fi
}

# booked_once GOOD_FILE - every number of GOOD_FILE booked exactly once, nothing else
booked_once() {
    booked_factuurnummers | sort > "$E2E_DIR/booked.all"
    sort -u "$E2E_DIR/booked.all" > "$E2E_DIR/booked"
    sort "$1" > "$E2E_DIR/good.sorted"
    lost=$(comm -23 "$E2E_DIR/good.sorted" "$E2E_DIR/booked" | wc -l)
    extra=$(comm -13 "$E2E_DIR/good.sorted" "$E2E_DIR/booked" | wc -l)
    dup=$(( $(wc -l < "$E2E_DIR/booked.all") - $(wc -l < "$E2E_DIR/booked") ))
    echo "  good: $(wc -l < "$1") booked: $(wc -l < "$E2E_DIR/booked") lost: $lost" \
         "duplicates: $dup not expected: $extra"
    [ "$lost" -eq 0 ] && [ "$dup" -eq 0 ] && [ "$extra" -eq 0 ]
}

# shop_bookable DB - a globecharge-sim store's paid and open orders, one a
# line, sorted
shop_bookable() {
    sqlite3 "$1" "SELECT number FROM orders WHERE status IN ('paid', 'open') AND raw = 0" \
        | sort
}

# profile_booked_once N GOOD ALL - profile N's orders that should be booked
# (GOOD, sorted) against the factuurnummers booked (ALL, one a line, with
# repeats): prints the counts; false when one is lost or booked twice
profile_booked_once() {
    sort -u "$3" > "$3.once"
    lost=$(comm -23 "$2" "$3.once" | wc -l)
    dup=$(( $(wc -l < "$3") - $(wc -l < "$3.once") ))
    echo "  profile $1: orders $(wc -l < "$2") booked $(wc -l < "$3.once") lost $lost" \
         "duplicates $dup"
    [ "$lost" -eq 0 ] && [ "$dup" -eq 0 ]
}

# script_result NAME - a one-scenario script's PASS or FAIL line from
# $failed, with the end of each log in $DIR/log; the status is $failed
script_result() {
    if [ "$failed" -eq 0 ]; then
        echo "PASS $1"
    else
        echo "FAIL $1 (logs in $DIR/log)"
        tail -n 5 "$DIR"/log/*.log
    fi
    return "$failed"
}

# daemons_alive - every daemon start_pipeline started is still running
daemons_alive() {
    for v in PID_scheduler PID_fetcher PID_matcher__instance_1 PID_matcher__instance_2 \
             PID_booker; do
        eval "pid=\$$v"
        kill -0 "$pid" 2>/dev/null || { echo "  $v ($pid) exited"; return 1; }
    done
}

# start_woocommerce ARGS... - woocommerce-sim with koppel's key, its orders
# in E2E_DIR/woocommerce.db; WC_URL
start_woocommerce() {
    start_sim woocommerce-sim WC_PORT WC_PID --key ck_koppel --secret cs_geheim \
        --db "$E2E_DIR/woocommerce.db" "$@" || return 1
    WC_URL=http://127.0.0.1:$WC_PORT
}

# woo_bookable - woocommerce-sim's processing and completed orders, one a line
woo_bookable() {
    sqlite3 "$E2E_DIR/woocommerce.db" "SELECT id FROM orders WHERE status IN
        ('processing', 'completed') ORDER BY id"
}

# shop_api PATH [CURL ARGS] - woocommerce-sim's REST API (WC_URL), as koppel's key
shop_api() {
    p=$1
    shift
    curl -s -u ck_koppel:cs_geheim -H 'Content-Type: application/json' "$@" "$WC_URL$p"
}

# webhook_config - koppel.cfg for a WooCommerce profile on woocommerce-sim
# (WC_URL) that receives its webhooks: on HOOK_URL, signed with
# WEBHOOK_SECRET, bodies up to 64 KB; planning off
WEBHOOK_SECRET=whsec-e2e-geheim
webhook_config() {
    write_config 1
    HOOK_PORT=$(free_port)
    HOOK_URL=http://127.0.0.1:$HOOK_PORT/webhook/woo
    sed -i -e "s|type = \"globecharge\";|type = \"woocommerce\";\n            webhook = { path = \"/webhook/woo\"; secret = \"$WEBHOOK_SECRET\"; url = \"$HOOK_URL\"; };|" \
        -e "s|url = \"$GC_URL\";|url = \"$WC_URL\";|" \
        -e 's|username = "winkelier";|consumer_key = "ck_koppel";|' \
        -e 's|password = "geheim-shop-wachtwoord";|consumer_secret = "cs_geheim";|' \
        -e '/late_window = 200;/,+1d' \
        -e "s|^    state_dir = \(.*\)|    state_dir = \1\n    webhooks = { listen = \"127.0.0.1:$HOOK_PORT\"; max_body_bytes = 65536; };|" \
        "$CFG"
}

# register_webhooks - the profile's webhooks in woocommerce-sim, as the shop
# owner would have koppelctl register them
register_webhooks() {
    "$BIN/koppelctl" --config "$CFG" webhooks voorbeeld --register > "$E2E_DIR/register.out" \
        || { cat "$E2E_DIR/register.out"; return 1; }
}

# start_daemon NAME [ARGS] - one koppel daemon; its pid in PID_<name>
start_daemon() {
    name=$1
    shift
    "$BIN/koppel-$name" --config "$CFG" "$@" >>"$E2E_DIR/log/$name$*.log" 2>&1 &
    eval "PID_$(echo "$name$*" | tr -c 'a-z0-9\n' '_')=$!"
    E2E_PIDS="$E2E_PIDS $!"
}

# start_supervised - the five daemons under koppel-supervise (SUPERVISE=1)
start_supervised() {
    "$BIN/koppel-supervise" --run-dir "$E2E_DIR/log" --watchdog-sec "${WATCHDOG_SEC:-30}" \
        --restart-sec 0.5 --stop-timeout 10 \
        scheduler "$BIN/koppel-scheduler" --config "$CFG" :: \
        fetcher "$BIN/koppel-fetcher" --config "$CFG" :: \
        matcher1 "$BIN/koppel-matcher" --config "$CFG" --instance 1 :: \
        matcher2 "$BIN/koppel-matcher" --config "$CFG" --instance 2 :: \
        booker "$BIN/koppel-booker" --config "$CFG" >>"$E2E_DIR/log/supervise.out" 2>&1 &
    SUPERVISE_PID=$!
    E2E_PIDS="$E2E_PIDS $!"
}

# daemon_pid NAME - the pid of a daemon run under koppel-supervise now
daemon_pid() {
    cat "$E2E_DIR/log/$1.pid" 2>/dev/null
}

# sup_events EVENT [NAME] - how many events of that kind koppel-supervise wrote
sup_events() {
    awk -v e="$1" -v n="${2:-}" '$3 == e && (n == "" || $2 == n) { c++ } END { print c + 0 }' \
        "$E2E_DIR/log/events" 2>/dev/null || echo 0
}

# stop_supervised - SIGTERM to koppel-supervise; it stops every daemon and
# exits 0 when each stopped cleanly (its exit status is the function's)
stop_supervised() {
    kill "$SUPERVISE_PID" 2>/dev/null
    wait "$SUPERVISE_PID"
    st=$?
    E2E_PIDS=$(echo "$E2E_PIDS" | sed "s/ $SUPERVISE_PID\b//")
    return $st
}

# start_pipeline - scheduler, fetcher, two matchers, booker
start_pipeline() {
    if [ -n "${SUPERVISE:-}" ]; then
        start_supervised
    else
        start_daemon scheduler
        start_daemon fetcher
        start_daemon matcher --instance 1
        start_daemon matcher --instance 2
        start_daemon booker
    fi
    i=0
    while ! "$BIN/koppelctl" --config "$CFG" status >/dev/null 2>&1; do
        i=$((i + 1))
        [ $i -gt 100 ] && { echo "e2e: the daemons do not all answer" >&2;
                            "$BIN/koppelctl" --config "$CFG" status; return 1; }
        sleep 0.1
    done
}

# shop_page FROM - one orders.cgi page, retried through the simulator's faults
shop_page() {
    jar=$E2E_DIR/cookies
    for try in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20; do
        page=$(curl -s -b "$jar" "$GC_URL/orders.cgi?from=$1&max=100")
        case $page in
        *"<orders "*) echo "$page"; return 0 ;;
        *session-expired*|"")
            curl -s -c "$jar" -d "username=winkelier&password=geheim-shop-wachtwoord" \
                "$GC_URL/login.cgi" >/dev/null ;;
        esac
        sleep 0.2
    done
    echo "e2e: cannot page the shop: $page" >&2
    return 1
}

# shop_orders - the shop's bookable order numbers (paid or open), one a line
shop_orders() {
    from=1
    while :; do
        page=$(shop_page $from) || return 1
        echo "$page" | grep -o '<order number="[0-9]*" status="\(paid\|open\)"' \
            | sed 's/[^0-9]*\([0-9]*\).*/\1/'
        count=$(echo "$page" | sed -n 's/.*<orders[^>]* count="\([0-9]*\)".*/\1/p' | head -1)
        next=$(echo "$page" | sed -n 's/.*<orders[^>]* next="\([0-9]*\)".*/\1/p' | head -1)
        [ "$count" -eq 0 ] && break
        from=$next
    done
}

# booked_factuurnummers - every factuurnummer snelstart-sim holds, one a line
booked_factuurnummers() {
    curl -s "$SS_URL/_sim/verkoopboekingen" | tr ',' '\n' \
        | sed -n 's/.*"factuurnummer" *: *"\([^"]*\)".*/\1/p'
}

# outcomes - orders of the profile that have an outcome or were skipped, and all
fetcher_counts() {
    "$BIN/koppelctl" --config "$CFG" status --json
}

# wait_done N SECONDS - until N orders are booked or dead (and none pending)
wait_done() {
    want=$1
    limit=$2
    i=0
    while :; do
        st=$(sqlite3 "$E2E_DIR/state/fetcher.db" "SELECT
              (SELECT COUNT(*) FROM orders WHERE state IN ('booked','dead') AND credit = 0),
              (SELECT COUNT(*) FROM orders WHERE state = 'pending' AND credit = 0)" 2>/dev/null)
        done_n=${st%|*}
        pending=${st#*|}
        [ -n "$done_n" ] && [ "$done_n" -ge "$want" ] && [ "$pending" = 0 ] && return 0
        i=$((i + 1))
        if [ $i -gt $((limit * 5)) ]; then
            echo "e2e: after ${limit}s: $done_n of $want orders have an outcome, $pending pending" >&2
            return 1
        fi
        sleep 0.2
    done
}

# check_exactly_once - every expected order booked once, nothing else; prints counts
check_exactly_once() {
    # comm wants the order of sort, not of sort -n (order numbers of
    # different lengths, 999 and 1000, differ between the two)
    shop_orders | sort > "$E2E_DIR/expected" || return 1
    sqlite3 "$E2E_DIR/state/fetcher.db" \
        "SELECT number FROM orders WHERE state = 'dead' AND credit = 0" | sort > "$E2E_DIR/dead"
    booked_factuurnummers | sort > "$E2E_DIR/booked.all"
    sort -u "$E2E_DIR/booked.all" > "$E2E_DIR/booked"
    comm -23 "$E2E_DIR/expected" "$E2E_DIR/dead" | sort > "$E2E_DIR/bookable"
    lost=$(comm -23 "$E2E_DIR/bookable" "$E2E_DIR/booked" | wc -l)
    dup=$(( $(wc -l < "$E2E_DIR/booked.all") - $(wc -l < "$E2E_DIR/booked") ))
    extra=$(comm -13 "$E2E_DIR/bookable" "$E2E_DIR/booked" | wc -l)
    echo "orders: $(wc -l < "$E2E_DIR/expected")"
    echo "booked: $(wc -l < "$E2E_DIR/booked")"
    echo "lost: $lost"
    echo "duplicates: $dup"
    echo "dead: $(wc -l < "$E2E_DIR/dead")"
    [ "$lost" -eq 0 ] && [ "$dup" -eq 0 ] && [ "$extra" -eq 0 ]
}

# with_followups - the profile also settles payments and attaches the invoice PDF
with_followups() {
    sed -i -e 's/boeken = false;/boeken = true;/' -e 's/pdf_bijvoegen = false;/pdf_bijvoegen = true;/' \
        "$CFG"
}

# check_followups_once BOOKED - with BOOKED orders booked: one invoice PDF per order, and each paid order settled by exactly one
# memoriaalboeking that closed its invoice (snelstart-sim's store: collection
# 4 verkoopfacturen, 6 memoriaalboekingen, 7 documenten)
check_followups_once() {
    db=$E2E_DIR/snelstart.db
    docs=$(sqlite3 "$db" "SELECT COUNT(*) FROM objects WHERE coll = 7")
    docs_distinct=$(sqlite3 "$db" "SELECT COUNT(DISTINCT json_extract(body, '$.parentIdentifier'))
        FROM objects WHERE coll = 7")
    mem=$(sqlite3 "$db" "SELECT COUNT(*) FROM objects WHERE coll = 6")
    mem_distinct=$(sqlite3 "$db" "SELECT COUNT(DISTINCT json_extract(body,
        '$.verkoopboekingBoekingsRegels[0].boekingId.id')) FROM objects WHERE coll = 6")
    paid=$(sqlite3 "$db" "SELECT COUNT(*) FROM objects WHERE coll = 4
        AND json_extract(body, '$.openstaandSaldo') = 0")
    echo "invoice PDFs: $docs ($docs_distinct bookings); memoriaalboekingen: $mem" \
         "($mem_distinct bookings, $paid invoices closed)"
    [ "$docs" -eq "$1" ] && [ "$docs" -eq "$docs_distinct" ] \
        && [ "$mem" -gt 0 ] && [ "$mem" -eq "$mem_distinct" ] && [ "$mem" -eq "$paid" ]
}

# snelstart_valid - every snelstart-sim started found every request body valid
# against SnelStart's OpenAPI file; prints the count, and the first refused
# bodies' errors when there are any
snelstart_valid() {
    valid=0
    for url in $E2E_SS_URLS; do
        if ! stats=$(curl -sf "$url/_sim/stats"); then
            echo "  snelstart-sim $url: does not answer for its invalid-request count"
            valid=1
            continue
        fi
        n=$(echo "$stats" | jq -r '.invalid')
        echo "  snelstart-sim: $n invalid requests"
        if [ "$n" != 0 ]; then
            valid=1
            echo "$stats" | jq -c '.invalid_requests[] | [.method, .url, .errors]' \
                | head -n 5 | cut -c1-600 | sed 's/^/    /'
        fi
    done
    return $valid
}

# ctl ARGS - koppelctl on the scenario's configuration
ctl() {
    "$BIN/koppelctl" --config "$CFG" "$@"
}

# until_true SECONDS WHAT COMMAND... - wait until COMMAND succeeds
until_true() {
    limit=$1 what=$2
    shift 2
    i=0
    until "$@"; do
        i=$((i + 1))
        [ $i -gt $((limit * 10)) ] && { echo "e2e: after ${limit}s: $what"; return 1; }
        sleep 0.1
    done
}

# paid_order NUMBER EMAIL [COUNTRY] - a good paid order of 12.10 euro at
# 21 % VAT for globecharge-sim's PUT /_sim/orders, billed in Utrecht or, with
# COUNTRY US, in New York
paid_order() {
    case ${3:-NL} in
    US) address='<street>Main Street 1</street>
    <postcode>10001</postcode><city>New York</city><country>US</country>' ;;
    *) address='<street>Dorpsstraat 1</street>
    <postcode>3511 AB</postcode><city>Utrecht</city><country>NL</country>' ;;
    esac
    cat <<XML
<?xml version="1.0" encoding="UTF-8"?>
<order xmlns="urn:globecharge:orders:1" number="$1" status="paid" modified="2026-11-02T13:35:00Z">
  <date>2026-11-02T14:31:07+01:00</date>
  <currency>EUR</currency>
  <pricesIncludeVat>true</pricesIncludeVat>
  <payment method="iDEAL" status="paid" reference="x"/>
  <customer><email>$2</email></customer>
  <billing><firstName>Sam</firstName><lastName>Smith</lastName>$address</billing>
  <lines><line><sku>A</sku><description>Iets</description><quantity>1</quantity>
    <unitPrice>12.10</unitPrice><vatRate>21</vatRate><total>12.10</total></line></lines>
  <vat rate="21" base="10.00" amount="2.10"/>
  <total excl="10.00" vat="2.10" incl="12.10"/>
</order>
XML
}

# e2e_stop - stop everything started, SIGTERM then SIGKILL
e2e_stop() {
    [ -n "$E2E_PIDS" ] || return 0
    kill $E2E_PIDS 2>/dev/null
    i=0
    while [ $i -lt 30 ] && kill -0 $E2E_PIDS 2>/dev/null; do
        sleep 0.1
        i=$((i + 1))
    done
    kill -9 $E2E_PIDS 2>/dev/null
    wait 2>/dev/null
    E2E_PIDS=""
    E2E_SS_URLS=""
}
