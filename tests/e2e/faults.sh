#!/bin/sh
# faults.sh - koppel under injected faults: the API, the shop, the storage, TLS
#
#   sh tests/e2e/faults.sh BIN [SCENARIO...]
#
# Scenarios (all by default): api, shop, large, woo, memory, storage, tls. Each prints one
# PASS or FAIL line; the exit status is non-zero when one failed.
#   api      snelstart-sim answers 5xx, times out (longer than the profile's
#            snelstart.timeout), drops answers after storing, expires tokens
#            and answers 429 (its limit is below the profile's limiter):
#            every order booked exactly once
#   shop     bad orders of every kind among good ones, and globecharge-sim
#            truncating, garbling and mislabelling pages, 429, 503 and
#            expiring sessions: the good orders booked once, each bad one in
#            the dead-letter queue with a reason naming order and field, no
#            daemon exited, the fetcher's peak RSS below 300 MB (800 MB when
#            built with the sanitizers)
#   large    a 100 MB order and 50 orders of 1.5 MB (a 75 MB page), over the
#            64 MB answer limit: pages are asked for smaller, the 100 MB order
#            is a dead letter saying so, all others are booked once, and the
#            fetcher's peak RSS stays below 300 MB
#   woo      woocommerce-sim serving six orders poisoned (a \u0000, a 30-digit
#            integer, 1e400, a duplicate key, nesting 5,000 deep, a 70 MB
#            note) among good ones, pages of 5: each poisoned order a dead
#            letter naming the order and the field (or the 64 MB limit), the
#            others booked once, no page blamed on the shop URL
#   memory   a fresh fetcher for each of: a 118 KB 401 answer whose entity
#            expands to 450 MB, an order of 62 MB of <x/>, an order of
#            480,000 lines, a WooCommerce order of 15 million JSON values;
#            its peak RSS (VmHWM) printed and under 300 MB, the orders dead
#            letters
#   storage  fetcher.db and booker.db locked by another process longer than
#            the busy timeout, then the state directory full (a small tmpfs;
#            without mount privileges only the lock), new orders arriving
#            during each: the faults are logged, and once they clear every
#            order is booked once
#   tls      a self-signed HTTPS endpoint is refused with tls_verify = true
#            (shop and API) and accepted with tls_verify = false

BIN=${1:-build/bin}
[ $# -gt 0 ] && shift
. tests/e2e/lib.sh
ROOT=${FAULTS_ROOT:-/tmp/koppel-faults.$$}
MOUNTS=""
failed=0

# cleanup - stop everything, unmount what was mounted
cleanup() {
    e2e_stop
    [ -n "$TLS_PID" ] && kill "$TLS_PID" 2>/dev/null
    for m in $MOUNTS; do
        umount "$m" 2>/dev/null
    done
}
trap cleanup EXIT INT TERM

# result NAME STATUS - report one scenario
result() {
    if [ "$2" -eq 0 ]; then
        echo "PASS $1"
    else
        failed=$((failed + 1))
        echo "FAIL $1 (logs in $E2E_DIR/log)"
        tail -n 5 "$E2E_DIR"/log/*.log
    fi
}

# order_xml NUMBER [STATUS] [DATE] [TOTAL_ELEMENT] [COUNTRY] [LINE_TOTAL] - one order
order_xml() {
    t=$TOTAL c=$COUNTRY
    [ $# -ge 4 ] && t=$4
    [ $# -ge 5 ] && c=$5
    cat <<XML
<order xmlns="urn:globecharge:orders:1" number="$1" status="${2:-paid}" modified="2026-11-02T13:35:00Z">
  <date>${3:-2026-11-02T14:31:07+01:00}</date>
  <currency>EUR</currency>
  <pricesIncludeVat>true</pricesIncludeVat>
  <payment method="iDEAL" status="paid" reference="x$1"/>
  <customer><email>klant$1@example.nl</email></customer>
  <billing><firstName>Jos&#233;</firstName><lastName>Fout$1</lastName><street>Laan 1</street>
    <postcode>1234 AB</postcode><city>Zwolle</city>$c</billing>
  <lines><line><sku>A</sku><description>Iets</description><quantity>1</quantity>
    <unitPrice>12.10</unitPrice><vatRate>21</vatRate><total>${6:-12.10}</total></line></lines>
  <vat rate="21" base="10.00" amount="2.10"/>
  $t
</order>
XML
}

TOTAL='<total excl="10.00" vat="2.10" incl="12.10"/>'
COUNTRY='<country>NL</country>'

# put_order - PUT an <order> from stdin
put_order() {
    curl -sf -X PUT --data-binary @- "$GC_URL/_sim/orders" >/dev/null
}

# put_raw NUMBER - PUT stdin as a raw order, served verbatim
put_raw() {
    curl -sf -X PUT -H 'Content-Type: application/octet-stream' --data-binary @- \
        "$GC_URL/_sim/orders?raw=1&number=$1&status=paid" >/dev/null
}

# kick_until_done N SECONDS - ask for runs until N orders have an outcome
kick_until_done() {
    kick=0
    until wait_done "$1" 3 2>/dev/null; do
        "$BIN/koppelctl" --config "$CFG" run voorbeeld >/dev/null 2>&1
        kick=$((kick + 1))
        [ $kick -gt $(($2 / 3)) ] && { wait_done "$1" 1; return 1; }
    done
    return 0
}

# generated_orders FIRST LAST - the shop's paid and open orders in a range, read
# from globecharge-sim's own database (paging the shop meets its faults)
generated_orders() {
    sqlite3 "$E2E_DIR/globecharge.db" "SELECT number FROM orders WHERE status IN
        ('paid', 'open') AND raw = 0 AND number BETWEEN $1 AND $2 ORDER BY number"
}

scenario_api() {
    e2e_setup "$ROOT/api"
    start_globecharge --generate 80 --seed 21 --first-number 40001 \
        --export-relaties "$E2E_DIR/relaties.json" --known-fraction 0.4 || return 1
    # a limit of 60 requests per 2 s (time scale 30) under a client allowed far more
    start_snelstart --relaties "$E2E_DIR/relaties.json" --seed 5 --fail-5xx-rate 0.04 \
        --timeout-rate 0.08 --timeout-ms 2500 --drop-after-store-rate 0.05 \
        --expire-tokens-every 40 --rate-per-minute 30 --time-scale 30 || return 1
    write_config 40001
    sed -i -e 's/timeout = 30;/timeout = 1;/' -e 's/rate_per_minute = 500;/rate_per_minute = 100000;/' \
        -e 's/rate_per_hour = 5000;/rate_per_hour = 10000000;/' -e 's/max_concurrent = 50;/max_concurrent = 200;/' "$CFG"
    start_pipeline || return 1
    "$BIN/koppelctl" --config "$CFG" run voorbeeld >/dev/null
    generated_orders 40001 50000 > "$E2E_DIR/good"
    kick_until_done "$(wc -l < "$E2E_DIR/good")" 45 || return 1
    booked_once "$E2E_DIR/good" || return 1
    stats=$(curl -s "$SS_URL/_sim/stats")
    echo "$stats" | tr -d '\n ' | head -c 400 > "$E2E_DIR/sim-stats"
    grep -qE "te veel verzoeken aan SnelStart|wait for SnelStart until .*Retry-After" "$E2E_DIR"/log/booker.log \
            "$E2E_DIR"/log/matcher*.log || {
        echo "  no 429 reached koppel: the scenario does not test the rate limit"; return 1; }
    grep -q "Operation timed out\|Timeout was reached" "$E2E_DIR"/log/*.log || {
        echo "  no request timed out: the scenario does not test the timeout"; return 1; }
    daemons_alive
}

# reason_has NUMBER WORD - the dead letter of NUMBER names it and WORD
reason_has() {
    r=$(jq -r ".[] | select(.number == $1) | .reason" "$E2E_DIR/dlq.json" 2>/dev/null)
    case $r in
    *"$1"*"$2"*|*"$2"*"$1"*) return 0 ;;
    esac
    echo "  order $1: dead-letter reason should name the order and \"$2\": ${r:-(not in the queue)}"
    return 1
}

scenario_shop() {
    e2e_setup "$ROOT/shop"
    start_globecharge --generate 60 --seed 31 --first-number 30001 \
        --export-relaties "$E2E_DIR/relaties.json" --known-fraction 0.4 \
        --truncate-every 7 --garbage-every 11 --wrong-encoding-every 5 \
        --rate-limit-every 13 --maintenance-every 17 --expire-session-every 19 || return 1
    start_snelstart --relaties "$E2E_DIR/relaties.json" || return 1
    # the bad ones right after the generated orders (30001-30064), good ones after them
    order_xml 30065 paid "" "$TOTAL" "$COUNTRY" "12,1O" | put_raw 30065
    order_xml 30066 paid "2026-13-45T25:61:00+01:00" | put_raw 30066
    order_xml 30067 paid "" "" | put_raw 30067
    order_xml 30068 paid "" "$TOTAL" "" | put_raw 30068
    order_xml 30069 paid | sed 's/status="paid" modified/status="betaald" modified/' \
        | put_raw 30069
    { echo '<?xml version="1.0" encoding="UTF-8"?>'; order_xml 30070; } | iconv -f UTF-8 -t ISO-8859-1 \
        | sed 's/Jos&#233;/Jos\xe9/' | put_raw 30070
    { echo '<?xml version="1.0" encoding="ISO-8859-1"?>'; order_xml 30071 | sed 's/Jos&#233;/José/'; } \
        | put_raw 30071
    order_xml 30072 | sed 's|</billing>|</billing><lines>|' | put_raw 30072
    { printf '<order xmlns="urn:globecharge:orders:1" number="30073" status="paid" modified="2026-11-02T13:35:00Z">'
      awk 'BEGIN { for (i = 0; i < 100000; i++) printf "<a>"; for (i = 0; i < 100000; i++) printf "</a>"; }'
      echo '</order>'; } | put_raw 30073
    order_xml 30074 > "$E2E_DIR/big.xml"
    line=$(grep '<description>' "$E2E_DIR/big.xml")
    { sed '/<description>/,$d' "$E2E_DIR/big.xml"; printf '%s' "${line%%Iets*}"
      head -c 50000000 /dev/zero | tr '\0' x; printf '%s\n' "${line#*Iets}"
      sed '1,/<description>/d' "$E2E_DIR/big.xml"; } | put_raw 30074
    for n in 30075 30076 30077; do order_xml $n | put_order; done
    printf '30065 total\n30066 date\n30067 total\n30068 country\n30069 status\n' > "$E2E_DIR/bad"
    printf '30070 UTF-8\n30071 ISO-8859-1\n30072 geldige\n30073 genest\n30074 description\n' >> "$E2E_DIR/bad"
    write_config 30001
    sed -i 's/page_size = 50;/page_size = 5;/' "$CFG"
    start_pipeline || return 1
    "$BIN/koppelctl" --config "$CFG" run voorbeeld >/dev/null
    { generated_orders 30001 30064; printf '30075\n30076\n30077\n'; } > "$E2E_DIR/good"
    kick_until_done $(( $(wc -l < "$E2E_DIR/good") + 10 )) 40 || return 1
    booked_once "$E2E_DIR/good" || return 1
    "$BIN/koppelctl" --config "$CFG" dlq list --json > "$E2E_DIR/dlq.json"
    ok=0
    while read -r n word; do
        reason_has "$n" "$word" || ok=1
    done < "$E2E_DIR/bad"
    hwm=$(awk '/VmHWM/ { print $2 }' "/proc/$PID_fetcher/status")
    echo "  fetcher peak RSS (VmHWM): $((hwm / 1024)) MB; shop faults served:" \
         "$(curl -s "$GC_URL/_sim/stats" | tr -d ' \n' | grep -o '"orders":{[^}]*}')"
    # ASan's shadow memory and quarantine take about twice a heap's size
    case $BIN in *build-san*) limit=800 ;; *) limit=300 ;; esac
    [ "$hwm" -lt $((limit * 1024)) ] || { echo "  the fetcher grew above $limit MB"; ok=1; }
    daemons_alive || ok=1
    return $ok
}

# padded_order NUMBER BYTES - order_xml NUMBER with an XML comment of BYTES
# bytes after its start tag: a readable order of that size
padded_order() {
    order_xml "$1" | /usr/bin/python3 -c '
import sys
first, rest = sys.stdin.read().split("\n", 1)
sys.stdout.write(first + "\n<!-- " + "x" * int(sys.argv[1]) + " -->\n" + rest)' "$2"
}

# scenario_large - answers over the 64 MB answer limit: one order of 100 MB,
# and 50 orders of 1.5 MB (a 75 MB page); the large order is a dead letter,
# every other one is booked, and the fetcher stays below 300 MB
scenario_large() {
    e2e_setup "$ROOT/large"
    start_globecharge --generate 8 --seed 51 --first-number 60001 \
        --export-relaties "$E2E_DIR/relaties.json" --known-fraction 0.4 || return 1
    start_snelstart --relaties "$E2E_DIR/relaties.json" || return 1
    padded_order 60011 100000000 | put_raw 60011 || { echo "  cannot PUT the 100 MB order"; return 1; }
    : > "$E2E_DIR/padded"
    for n in $(seq 60012 60061); do
        padded_order $n 1500000 | put_raw $n || return 1
        echo $n >> "$E2E_DIR/padded"
    done
    for n in 60062 60063; do order_xml $n | put_order; done
    write_config 60001
    start_pipeline || return 1
    "$BIN/koppelctl" --config "$CFG" run voorbeeld >/dev/null
    { generated_orders 60001 60010; cat "$E2E_DIR/padded"; printf '60062\n60063\n'; } \
        > "$E2E_DIR/good"
    kick_until_done $(( $(wc -l < "$E2E_DIR/good") + 1 )) 90 || return 1
    booked_once "$E2E_DIR/good" || return 1
    "$BIN/koppelctl" --config "$CFG" dlq list --json > "$E2E_DIR/dlq.json"
    ok=0
    reason_has 60011 "groter dan 64 MB" || ok=1
    hwm=$(awk '/VmHWM/ { print $2 }' "/proc/$PID_fetcher/status")
    echo "  large answers: fetcher peak RSS (VmHWM) $((hwm / 1024)) MB"
    case $BIN in *build-san*) limit=800 ;; *) limit=300 ;; esac
    [ "$hwm" -lt $((limit * 1024)) ] || { echo "  the fetcher grew above $limit MB"; ok=1; }
    daemons_alive || ok=1
    return $ok
}

# scenario_woo - WooCommerce orders whose JSON no strict parser reads, one of
# each poison of woocommerce-sim, among good ones on pages of 5: each
# poisoned order a dead letter naming it and its field, the rest booked once
scenario_woo() {
    e2e_setup "$ROOT/woo"
    start_sim woocommerce-sim WC_PORT WC_PID --key ck_koppel --secret cs_geheim \
        --db "$E2E_DIR/woocommerce.db" --generate 30 --seed 61 --first-id 701 \
        --export-relaties "$E2E_DIR/relaties.json" --known-fraction 0.4 || return 1
    sqlite3 "$E2E_DIR/woocommerce.db" "SELECT id FROM orders WHERE status IN
        ('processing', 'completed') ORDER BY id" > "$E2E_DIR/bookable"
    [ "$(wc -l < "$E2E_DIR/bookable")" -ge 14 ] || { echo "  too few bookable orders"; return 1; }
    # poison six of them, spread over the pages; serve again with the poisons
    : > "$E2E_DIR/bad"
    set -- nul:customer_note bigint:customer_id huge-real:cart_tax \
        duplicate-key:status deep:meta_data "huge:groter dan 64 MB"
    flags=""
    for k in 2 4 5 9 12 14; do
        id=$(sed -n "${k}p" "$E2E_DIR/bookable")
        flags="$flags --poison $id:${1%%:*}"
        echo "$id ${1#*:}" >> "$E2E_DIR/bad"
        shift
    done
    kill "$WC_PID"
    wait "$WC_PID" 2>/dev/null
    # shellcheck disable=SC2086
    start_sim woocommerce-sim WC_PORT WC_PID --key ck_koppel --secret cs_geheim \
        --db "$E2E_DIR/woocommerce.db" $flags || return 1
    WC_URL=http://127.0.0.1:$WC_PORT
    start_snelstart --relaties "$E2E_DIR/relaties.json" || return 1
    woo_config
    start_pipeline || return 1
    "$BIN/koppelctl" --config "$CFG" run voorbeeld >/dev/null
    cut -d' ' -f1 "$E2E_DIR/bad" | grep -vxFf - "$E2E_DIR/bookable" > "$E2E_DIR/good"
    kick_until_done "$(wc -l < "$E2E_DIR/bookable")" 40 || return 1
    booked_once "$E2E_DIR/good" || return 1
    "$BIN/koppelctl" --config "$CFG" dlq list --json > "$E2E_DIR/dlq.json"
    ok=0
    while read -r n word; do
        reason_has "$n" "$word" || ok=1
    done < "$E2E_DIR/bad"
    jq -r '.[] | "  dead letter: " + (.reason | .[0:150])' "$E2E_DIR/dlq.json"
    ! grep -q "permalinks" "$E2E_DIR"/log/*.log || {
        echo "  a poisoned order was blamed on the shop URL"; ok=1; }
    daemons_alive || ok=1
    return $ok
}

# peak_rss WHAT - print the fetcher's peak RSS (VmHWM) after WHAT; fail above
# 300 MB (800 MB built with the sanitizers)
peak_rss() {
    hwm=$(awk '/VmHWM/ { print $2 }' "/proc/$PID_fetcher/status")
    echo "  fetcher peak RSS (VmHWM) after $1: $((hwm / 1024)) MB"
    case $BIN in *build-san*) rss_limit=800 ;; *) rss_limit=300 ;; esac
    [ "$hwm" -lt $((rss_limit * 1024)) ] || { echo "  the fetcher grew above $rss_limit MB"; return 1; }
}

# memory_case NAME FIRST - a fresh shop of two generated orders from FIRST,
# a SnelStart, a configuration and the daemons, in $ROOT/memory-NAME
memory_case() {
    e2e_stop
    e2e_setup "$ROOT/memory-$1"
    shift
    start_globecharge --generate 2 --seed 71 --export-relaties "$E2E_DIR/relaties.json" \
        --known-fraction 0.5 --first-number "$@" || return 1
    start_snelstart --relaties "$E2E_DIR/relaties.json" || return 1
}

# scenario_memory - hostile shop answers that used to take the fetcher to
# gigabytes: entities in a 401 answer, 62 MB of <x/>, 480,000 lines; each on
# a fresh fetcher, whose peak RSS is printed and must stay under 300 MB
scenario_memory() {
    ok=0
    # 1. a 118 KB 401 answer whose entity, referenced 25,000 times, expands
    # to 450 MB (libxml2 refuses nested entities, not a flat one)
    /usr/bin/python3 -c '
import sys
sys.stdout.write("<?xml version=\"1.0\"?>\n<!DOCTYPE error [\n<!ENTITY e0 \"" + "lol" * 6000
                 + "\">\n]>\n<error code=\"auth\">" + "&e0;" * 25000 + "</error>\n")' \
        > "$ROOT/laughs.xml"
    echo "  the 401 answer: $(wc -c < "$ROOT/laughs.xml") bytes"
    memory_case 401 70001 --refuse-login-with "$ROOT/laughs.xml" || return 1
    write_config 70001
    start_pipeline || return 1
    "$BIN/koppelctl" --config "$CFG" run voorbeeld >/dev/null
    i=0
    until grep -q "importeren-financieel failed" "$E2E_DIR/log/scheduler.log"; do
        i=$((i + 1))
        [ $i -gt 150 ] && { echo "  the run with a hostile 401 does not end"; return 1; }
        sleep 0.2
    done
    peak_rss "a 401 answer with entities" || ok=1
    snelstart_valid || ok=1
    # 2. one order of 62 MB of <x/>, 3. one order of 480,000 lines
    for c in x 71001 lines 72001; do
        case $c in x|lines) name=$c; continue ;; esac
        memory_case "$name" "$c" || return 1
        bad=$((c + 2))
        if [ "$name" = x ]; then
            /usr/bin/python3 -c '
import sys
sys.stdout.write("<order xmlns=\"urn:globecharge:orders:1\" number=\"%s\" status=\"paid\" modified=\"2026-11-02T13:35:00Z\">" % sys.argv[1] + "<x/>" * 15500000 + "</order>\n")' $bad > "$E2E_DIR/bad.xml"
            what="62 MB of <x/>"
        else
            order_xml $bad | /usr/bin/python3 -c '
import sys
d = sys.stdin.read()
line = d[d.index("<line>"):d.index("</line>") + 7]
short = "<line><sku>A</sku><quantity>1</quantity><unitPrice>1</unitPrice>" \
        "<vatRate>21</vatRate><total>1</total></line>"
sys.stdout.write(d.replace(line, short * 480000, 1))' > "$E2E_DIR/bad.xml"
            what="480,000 lines"
        fi
        put_raw $bad < "$E2E_DIR/bad.xml" || { echo "  cannot PUT the order of $what"; return 1; }
        echo "  the order of $what: $(wc -c < "$E2E_DIR/bad.xml") bytes"
        rm -f "$E2E_DIR/bad.xml"
        write_config "$c"
        start_pipeline || return 1
        "$BIN/koppelctl" --config "$CFG" run voorbeeld >/dev/null
        kick_until_done 3 60 || return 1
        "$BIN/koppelctl" --config "$CFG" dlq list --json > "$E2E_DIR/dlq.json"
        reason_has $bad "meer dan" || ok=1
        jq -r '.[] | "  dead letter: " + (.reason | .[0:160])' "$E2E_DIR/dlq.json"
        peak_rss "an order of $what" || ok=1
        [ "$name" = x ] && { snelstart_valid || ok=1; }
    done
    # 4. a WooCommerce order of 15 million JSON values (30 MB)
    e2e_stop
    e2e_setup "$ROOT/memory-wide"
    start_sim woocommerce-sim WC_PORT WC_PID --key ck_koppel --secret cs_geheim \
        --db "$E2E_DIR/woocommerce.db" --generate 8 --seed 73 --first-id 801 \
        --export-relaties "$E2E_DIR/relaties.json" --known-fraction 0.4 || return 1
    wide=$(sqlite3 "$E2E_DIR/woocommerce.db" "SELECT id FROM orders WHERE status IN
        ('processing', 'completed') ORDER BY id LIMIT 1")
    n=$(sqlite3 "$E2E_DIR/woocommerce.db" "SELECT count(*) FROM orders WHERE status IN
        ('processing', 'completed')")
    kill "$WC_PID"
    wait "$WC_PID" 2>/dev/null
    start_sim woocommerce-sim WC_PORT WC_PID --key ck_koppel --secret cs_geheim \
        --db "$E2E_DIR/woocommerce.db" --poison "$wide:wide" || return 1
    WC_URL=http://127.0.0.1:$WC_PORT
    start_snelstart --relaties "$E2E_DIR/relaties.json" || return 1
    woo_config
    start_pipeline || return 1
    "$BIN/koppelctl" --config "$CFG" run voorbeeld >/dev/null
    kick_until_done "$n" 60 || return 1
    "$BIN/koppelctl" --config "$CFG" dlq list --json > "$E2E_DIR/dlq.json"
    reason_has "$wide" "meer dan" || ok=1
    jq -r '.[] | "  dead letter: " + (.reason | .[0:160])' "$E2E_DIR/dlq.json"
    peak_rss "a WooCommerce order of 15 million JSON values" || ok=1
    daemons_alive || ok=1
    return $ok
}

# woo_config - write_config turned to the WooCommerce simulator at $WC_URL
woo_config() {
    write_config 1
    sed -i -e 's|type = "globecharge";|type = "woocommerce";|' \
        -e "s|url = \"$GC_URL\";|url = \"$WC_URL\";|" \
        -e 's|username = "winkelier";|consumer_key = "ck_koppel";|' \
        -e 's|password = "geheim-shop-wachtwoord";|consumer_secret = "cs_geheim";|' \
        -e 's|page_size = 50;|page_size = 5;|' -e '/late_window = 200;/,+1d' "$CFG"
}

# hold_lock DB SECONDS - another process holds a write lock on DB (background)
hold_lock() {
    { echo "BEGIN EXCLUSIVE;"; echo "INSERT INTO hold_lock_probe VALUES (1);"; sleep "$2";
      echo "ROLLBACK;"; } | sqlite3 -cmd "CREATE TABLE IF NOT EXISTS hold_lock_probe (x);" "$1" \
        >/dev/null 2>&1 &
}

# add_orders FIRST - ten new orders in the shop from FIRST on, and ask for a run
add_orders() {
    for n in $(seq "$1" $(($1 + 9))); do
        order_xml "$n" | put_order
        echo "$n" >> "$E2E_DIR/added"
    done
    "$BIN/koppelctl" --config "$CFG" run voorbeeld >/dev/null 2>&1
}

scenario_storage() {
    e2e_setup "$ROOT/storage"
    : > "$E2E_DIR/added"
    tmpfs=no
    mkdir -p "$E2E_DIR/tmpfs"
    if mount -t tmpfs -o size=16m tmpfs "$E2E_DIR/tmpfs" 2>/dev/null; then
        MOUNTS="$E2E_DIR/tmpfs"
        if mount --bind "$E2E_DIR/tmpfs" "$E2E_DIR/state"; then
            MOUNTS="$E2E_DIR/state $MOUNTS"
            tmpfs=yes
        fi
    fi
    [ $tmpfs = yes ] || echo "  SKIP the full-disk part: cannot mount a tmpfs" \
        "(no privilege); the lock part runs"
    start_globecharge --generate 100 --seed 41 --first-number 50001 \
        --export-relaties "$E2E_DIR/relaties.json" --known-fraction 0.4 || return 1
    start_snelstart --relaties "$E2E_DIR/relaties.json" || return 1
    write_config 50001
    sed -i 's/page_size = 50;/page_size = 10;/' "$CFG"
    start_pipeline || return 1
    "$BIN/koppelctl" --config "$CFG" run voorbeeld >/dev/null
    sleep 1
    # 1. both state files locked by another process for longer than the 5 s busy timeout
    hold_lock "$E2E_DIR/state/fetcher.db" 8
    hold_lock "$E2E_DIR/state/booker.db" 8
    sleep 0.5
    add_orders 50301
    sleep 8
    if [ $tmpfs = yes ]; then
        # 2. the state directory full
        dd if=/dev/zero of="$E2E_DIR/state/filler" bs=64k 2>/dev/null
        add_orders 50311
        sleep 3
        rm -f "$E2E_DIR/state/filler"
        # (a read-only remount is refused while the daemons hold their files
        # open for writing - EBUSY - so "cannot write" is tested by the two above)
    fi
    { generated_orders 50001 50300; cat "$E2E_DIR/added"; } > "$E2E_DIR/good"
    kick_until_done "$(wc -l < "$E2E_DIR/good")" 30 || return 1
    booked_once "$E2E_DIR/good" || return 1
    ok=0
    grep -q "database is locked" "$E2E_DIR"/log/fetcher.log "$E2E_DIR"/log/booker.log || {
        echo "  the lock was not reported in the logs"; ok=1; }
    if [ $tmpfs = yes ]; then
        grep -qi "disk is full\|database or disk is full" "$E2E_DIR"/log/*.log || {
            echo "  the full disk was not reported in the logs"; ok=1; }
    fi
    daemons_alive || ok=1
    return $ok
}

# tls_server - an HTTPS server on a free port with a fresh self-signed certificate
# (openssl makes the certificate; python3's ssl serves it and answers 404 at once)
tls_server() {
    openssl req -x509 -newkey rsa:2048 -nodes -keyout "$E2E_DIR/key.pem" -out "$E2E_DIR/cert.pem" \
        -days 1 -subj "/CN=127.0.0.1" >/dev/null 2>&1 || return 1
    python3 -c '
import http.server, ssl, sys
class H(http.server.BaseHTTPRequestHandler):
    def answer(self):
        self.send_response(404); self.send_header("Content-Length", "0"); self.end_headers()
    do_GET = do_POST = do_PUT = answer
    def log_message(self, *a): pass
s = http.server.ThreadingHTTPServer(("127.0.0.1", 0), H)
c = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER); c.load_cert_chain(sys.argv[1], sys.argv[2])
s.socket = c.wrap_socket(s.socket, server_side=True)
print(s.server_address[1], flush=True)
s.serve_forever()' "$E2E_DIR/cert.pem" "$E2E_DIR/key.pem" >"$E2E_DIR/tls.port" 2>"$E2E_DIR/log/tls-server.log" &
    TLS_PID=$!
    i=0
    while [ ! -s "$E2E_DIR/tls.port" ]; do
        i=$((i + 1))
        [ $i -gt 50 ] && return 1
        sleep 0.1
    done
    TLS_PORT=$(cat "$E2E_DIR/tls.port")
}

scenario_tls() {
    e2e_setup "$ROOT/tls"
    tls_server || { echo "  cannot start the HTTPS server"; return 1; }
    GC_URL=https://127.0.0.1:$TLS_PORT
    SS_URL=https://127.0.0.1:$TLS_PORT
    write_config 1
    "$BIN/koppelctl" --config "$CFG" test-connection voorbeeld > "$E2E_DIR/verify.out" 2>&1
    sed -i "s/tls_verify = true;/tls_verify = false;/" "$CFG"
    "$BIN/koppelctl" --config "$CFG" test-connection voorbeeld > "$E2E_DIR/noverify.out" 2>&1
    kill $TLS_PID 2>/dev/null
    TLS_PID=""
    ok=0
    for what in shop api; do
        line=$(grep "^$what:" "$E2E_DIR/verify.out")
        case $line in
        *FAILED*certificate*) ;;
        *) echo "  tls_verify = true: $what should refuse the self-signed certificate: $line"; ok=1 ;;
        esac
        line=$(grep "^$what:" "$E2E_DIR/noverify.out")
        case $line in
        *certificate*|"") echo "  tls_verify = false: $what should accept the certificate: $line"; ok=1 ;;
        esac
    done
    sed 's/^/  verify: /' "$E2E_DIR/verify.out" | grep -E "shop|api"
    sed 's/^/  no verify: /' "$E2E_DIR/noverify.out" | grep -E "shop|api"
    return $ok
}

mkdir -p "$ROOT"
[ $# -eq 0 ] && set -- api shop large woo memory storage tls
for s in "$@"; do
    t0=$(date +%s)
    case $s in
    api) scenario_api; st=$?; name="API faults (5xx, timeouts past snelstart.timeout, 429 bursts, expiring tokens, answers lost after storing) lose and double nothing" ;;
    large) scenario_large; st=$?; name="shop answers over 64 MB: pages read smaller, the 100 MB order a dead letter, the rest booked once" ;;
    woo) scenario_woo; st=$?; name="WooCommerce orders no strict JSON parser reads (NUL, huge integer, 1e400, duplicate key, deep nesting) or over 64 MB: read one by one, each a dead letter naming order and field, the rest booked once" ;;
    memory) scenario_memory; st=$?; name="hostile shop answers (entities in a 401, 62 MB of <x/>, 480,000 lines, 15 million JSON values) keep the fetcher under 300 MB" ;;
    shop) scenario_shop; st=$?; name="shop faults: bad orders in the dead-letter queue naming order and field, the good ones booked once, no crash, bounded memory" ;;
    storage) scenario_storage; st=$?; name="storage faults (locked state files, full disk) are reported and lose and double nothing" ;;
    tls) scenario_tls; st=$?; name="TLS certificates are verified unless tls_verify = false" ;;
    *) echo "faults.sh: unknown scenario $s" >&2; exit 2 ;;
    esac
    snelstart_valid || st=1
    cleanup
    MOUNTS=""
    result "$name ($(( $(date +%s) - t0 ))s)" $st
done
[ "$failed" -eq 0 ] && rm -rf "$ROOT"
[ "$failed" -eq 0 ]
