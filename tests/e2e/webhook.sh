#!/bin/sh
# webhook.sh - WooCommerce webhooks into the fetcher, with polling as the net
#
# One pipeline on a WooCommerce profile whose planning is off: no run
# happens but the ones asked for. woocommerce-sim delivers the orders it
# places (POST /_sim/generate) to the webhooks registered with it, as
# WooCommerce does; its faults play the rest.
#   seconds     10 orders placed: each delivered, signed, and booked within
#               15 s with no run in between
#   signature   a delivery with a wrong signature (curl, and the sim's
#               fault) is refused with 401 and nothing is stored; the next
#               run books the shop's order
#   repeats     every delivery sent twice, each update followed by the
#               order's older state: each order booked once
#   down        the fetcher stopped, 6 orders placed: their deliveries fail
#               and the webhook is disabled; the next run books them, once;
#               koppelctl webhooks --register switches it on again
#   kill        the fetcher ends (KOPPEL_TEST_WEBHOOK_EXIT_AFTER_COMMIT)
#               after storing a delivery, before answering: WooCommerce
#               never sends it again, yet the order is booked, once, also
#               after a run reads it too
#   limit       a body over max_body_bytes: 413; a ping 200, an empty
#               unsigned POST 401, a GET 405
#   tls         a reload moves the receiver to another address with TLS; a
#               certificate renewed in place is taken at the next reload; a
#               key file that cannot be read keeps the listener in force
#   once        at the end every processing or completed order of the shop
#               is booked exactly once
# Prints "webhook: N passed, N failed" last.

BIN=${1:-build/bin}
. tests/e2e/lib.sh
trap e2e_stop EXIT INT TERM
passed=0
failed=0
ROOT=${E2E_ROOT:-/tmp/koppel-webhook.$$}

# place N STATUS - N new orders in the shop, at once; prints the first id
place() {
    curl -s -X POST -d "{\"count\": $1, \"status\": \"$2\"}" "$WC_URL/_sim/generate" | jq -r .first_id
}

# booked_within SECONDS - until every bookable order has an outcome
booked_within() {
    wait_done "$(woo_bookable | wc -l)" "$1"
}

# runs - how many runs the fetcher started
runs() {
    grep -c "import started" "$E2E_DIR/log/fetcher.log"
}

# stored NUMBER - whether fetcher.db holds the order
stored() {
    [ "$(sqlite3 "$E2E_DIR/state/fetcher.db" "SELECT COUNT(*) FROM orders WHERE number = $1")" != 0 ]
}

# faults JSON - the sim's delivery faults from now on
faults() {
    curl -s -X PUT -d "$1" "$WC_URL/_sim/webhook-faults" > /dev/null
}

# restart_fetcher - the fetcher again, after it ended
restart_fetcher() {
    wait "$PID_fetcher" 2>/dev/null
    start_daemon fetcher
    i=0
    until ctl status > /dev/null 2>&1; do
        i=$((i + 1))
        [ $i -gt 100 ] && { echo "  the fetcher does not answer"; return 1; }
        sleep 0.1
    done
}

scenario_seconds() {
    e2e_setup "$ROOT/webhook"
    start_woocommerce --generate 6 --seed 91 --first-id 901 \
        --export-relaties "$E2E_DIR/relaties.json" --known-fraction 0.4 || return 1
    start_snelstart --relaties "$E2E_DIR/relaties.json" || return 1
    webhook_config
    start_pipeline || return 1
    ctl run voorbeeld > /dev/null
    booked_within 30 || return 1
    register_webhooks || return 1
    before=$(runs)
    start=$(date +%s%3N)
    place 10 processing > /dev/null
    booked_within 15 || return 1
    echo "  10 orders delivered and booked in $(( $(date +%s%3N) - start )) ms, runs meanwhile:" \
         "$(( $(runs) - before ))"
    [ "$(runs)" -eq "$before" ] || return 1
    ctl status --json | jq -e '.daemons[] | select(.name == "fetcher")
        | .profiles.voorbeeld.webhooks.received >= 10' > /dev/null || {
        echo "  status does not count the deliveries"; return 1; }
    ctl status | grep -q "webhooks: [0-9]* ontvangen" || {
        echo "  koppelctl status does not say what came by webhook"; ctl status; return 1; }
}

scenario_signature() {
    body=$(shop_api /wp-json/wc/v3/orders/901 | jq -c '.id = 990001')
    code=$(printf '%s' "$body" | curl -s -o /dev/null -w '%{http_code}' \
        -H 'X-WC-Webhook-Topic: order.created' -H 'X-WC-Webhook-Delivery-ID: forged-1' \
        -H "X-WC-Webhook-Signature: $(printf '%s' "$body" | openssl dgst -sha256 -hmac \
            not-the-secret -binary | base64)" --data-binary @- "$HOOK_URL")
    [ "$code" = 401 ] || { echo "  a forged delivery was answered $code"; return 1; }
    ! stored 990001 || { echo "  the forged order was stored"; return 1; }
    faults '{"bad_signature_rate": 1}'
    first=$(place 1 processing)
    sleep 2
    faults '{"bad_signature_rate": 0}'
    ! stored "$first" || { echo "  order $first with a wrong signature was stored"; return 1; }
    curl -s "$WC_URL/_sim/webhook-deliveries" | jq -e --argjson id "$first" \
        '[.deliveries[] | select(.order_id == $id and .http_status == 401)] | length > 0' \
        > /dev/null || { echo "  the sim saw no 401 for order $first"; return 1; }
    n=$(grep -c "refused a delivery whose signature" "$E2E_DIR/log/fetcher.log")
    ! grep -q "$WEBHOOK_SECRET" "$E2E_DIR"/log/*.log || { echo "  the secret is in a log"; return 1; }
    echo "  refused: forged order 990001 and order $first; log lines: $n"
    ctl run voorbeeld > /dev/null       # the net: the run books the refused one
    booked_within 20
}

scenario_repeats() {
    faults '{"duplicate_rate": 1, "out_of_order_rate": 1}'
    first=$(place 5 on-hold)
    sleep 1
    for id in $(seq "$first" $((first + 4))); do
        shop_api /wp-json/wc/v3/orders/"$id" | jq -c --arg t "$(date -u -d '+2 seconds' \
            +%Y-%m-%dT%H:%M:%S)" '.status = "processing" | .date_modified_gmt = $t' \
            | curl -s -X PUT --data-binary @- "$WC_URL/_sim/orders" > /dev/null
    done
    booked_within 20 || return 1
    faults '{"duplicate_rate": 0, "out_of_order_rate": 0}'
    stats=$(curl -s "$WC_URL/_sim/webhook-deliveries")
    echo "  duplicated: $(echo "$stats" | jq .duplicated), out of order:" \
         "$(echo "$stats" | jq .out_of_order)"
    [ "$(echo "$stats" | jq .duplicated)" -ge 5 ] || return 1
    woo_bookable > "$E2E_DIR/good"
    booked_once "$E2E_DIR/good"
}

scenario_down() {
    kill "$PID_fetcher"
    wait "$PID_fetcher" 2>/dev/null
    place 6 processing > /dev/null
    i=0
    until curl -s "$WC_URL/_sim/webhook-deliveries" | jq -e ".failed >= 6" > /dev/null; do
        i=$((i + 1))
        [ $i -gt 100 ] && { echo "  the deliveries to a stopped fetcher did not fail"; return 1; }
        sleep 0.2
    done
    shop_api /wp-json/wc/v3/webhooks | jq -r '.[] | .topic + " " + .status' | sed 's/^/  webhook /'
    restart_fetcher || return 1
    ctl run voorbeeld > /dev/null
    booked_within 30 || return 1
    register_webhooks || return 1       # WooCommerce disabled one: on again
    woo_bookable > "$E2E_DIR/good"
    booked_once "$E2E_DIR/good"
}

scenario_kill() {
    kill "$PID_fetcher"
    wait "$PID_fetcher" 2>/dev/null
    export KOPPEL_TEST_WEBHOOK_EXIT_AFTER_COMMIT=1
    start_daemon fetcher
    unset KOPPEL_TEST_WEBHOOK_EXIT_AFTER_COMMIT
    sleep 1
    first=$(place 1 processing)
    i=0
    while kill -0 "$PID_fetcher" 2>/dev/null; do
        i=$((i + 1))
        [ $i -gt 100 ] && { echo "  the fetcher did not end after storing"; return 1; }
        sleep 0.1
    done
    stored "$first" || { echo "  order $first was not stored before the fetcher ended"; return 1; }
    sleep 1
    curl -s "$WC_URL/_sim/webhook-deliveries" | jq -r --argjson id "$first" \
        '.deliveries[] | select(.order_id == $id) | "  delivery of order \(.order_id): \(.result) \(.http_status)"'
    restart_fetcher || return 1
    booked_within 20 || return 1
    ctl run voorbeeld > /dev/null       # the net reads it too: still once
    sleep 2
    booked_within 20 || return 1
    woo_bookable > "$E2E_DIR/good"
    booked_once "$E2E_DIR/good"
}

scenario_limit() {
    head -c 70000 /dev/zero | tr '\0' 'x' > "$E2E_DIR/big"
    code=$(curl -s -o /dev/null -w '%{http_code}' -H 'X-WC-Webhook-Topic: order.created' \
        --data-binary @"$E2E_DIR/big" "$HOOK_URL")
    [ "$code" = 413 ] || { echo "  a body of 70,000 bytes was answered $code"; return 1; }
    code=$(curl -s -o /dev/null -w '%{http_code}' -d 'webhook_id=7' "$HOOK_URL")
    [ "$code" = 200 ] || { echo "  a ping was answered $code"; return 1; }
    code=$(curl -s -o /dev/null -w '%{http_code}' -X POST -H 'X-WC-Webhook-Topic: order.created' \
        "$HOOK_URL")
    [ "$code" = 401 ] || { echo "  an empty unsigned delivery was answered $code"; return 1; }
    code=$(curl -s -o /dev/null -w '%{http_code}' "$HOOK_URL")
    [ "$code" = 405 ] || { echo "  a GET was answered $code"; return 1; }
}

# tls_cert NAME - a self-signed certificate for 127.0.0.1 in NAME.crt, NAME.key
tls_cert() {
    openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=127.0.0.1" \
        -addext "subjectAltName=IP:127.0.0.1" -keyout "$E2E_DIR/$1.key" \
        -out "$E2E_DIR/$1.crt" 2>/dev/null
}

# ping_code URL [CURL ARGS] - what the receiver answers a ping
ping_code() {
    u=$1
    shift
    curl -s -o /dev/null -w '%{http_code}' --max-time 5 "$@" -d 'webhook_id=7' "$u"
}

scenario_tls() {
    tls_cert a && tls_cert b || return 1
    port=$(free_port)
    sed -i "s|webhooks = { listen = \"127.0.0.1:$HOOK_PORT\";|webhooks = { listen = \"127.0.0.1:$port\"; tls_certificate = \"$E2E_DIR/a.crt\"; tls_key = \"$E2E_DIR/a.key\";|" "$CFG"
    ctl reload > /dev/null || return 1
    [ "$(ping_code "https://127.0.0.1:$port/webhook/woo" --cacert "$E2E_DIR/a.crt")" = 200 ] \
        || { echo "  no https on the new address after a reload"; return 1; }
    [ "$(ping_code "$HOOK_URL")" = 000 ] || { echo "  the old address still answers"; return 1; }
    # renewed in place: the same file names, another certificate
    cp "$E2E_DIR/b.crt" "$E2E_DIR/a.crt" && cp "$E2E_DIR/b.key" "$E2E_DIR/a.key"
    ctl reload > /dev/null || return 1
    [ "$(ping_code "https://127.0.0.1:$port/webhook/woo" --cacert "$E2E_DIR/b.crt")" = 200 ] \
        || { echo "  the certificate renewed in place was not taken at the reload"; return 1; }
    # a key file that cannot be read: the listener in force stays
    sed -i "s|$E2E_DIR/a.key|$E2E_DIR/missing.key|" "$CFG"
    ctl reload > /dev/null || return 1
    [ "$(ping_code "https://127.0.0.1:$port/webhook/woo" --cacert "$E2E_DIR/b.crt")" = 200 ] \
        || { echo "  a bad TLS file took the listener down"; return 1; }
    grep -q "listening as before" "$E2E_DIR/log/fetcher.log" || return 1
    sed -i "s|$E2E_DIR/missing.key|$E2E_DIR/a.key|" "$CFG"
    ctl reload > /dev/null
}

scenario_once() {
    ctl run voorbeeld > /dev/null
    sleep 2
    booked_within 30 || return 1
    woo_bookable > "$E2E_DIR/good"
    booked_once "$E2E_DIR/good" && daemons_alive
}

mkdir -p "$ROOT"
scenario_seconds; result "signed deliveries are booked within seconds, with no run in between" $?
scenario_signature; result "a wrong signature is refused with 401 and nothing is stored" $?
scenario_repeats; result "duplicate and out-of-order deliveries book each order once" $?
scenario_down; result "deliveries lost while the fetcher was down are booked by the next run, once" $?
scenario_kill; result "the fetcher ended between storing a delivery and answering: booked once" $?
scenario_limit; result "a body over max_body_bytes gets 413, a ping 200, an empty one 401, a GET 405" $?
scenario_tls; result "reload: another address and TLS listen anew, a renewed certificate is taken, a bad key keeps the listener" $?
scenario_once; result "every bookable order of the shop booked exactly once" $?
e2e_stop
echo "webhook: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
