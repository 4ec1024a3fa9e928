#!/bin/sh
# webhook_setup.sh - a WooCommerce profile's webhooks checked and registered
# by koppelctl against woocommerce-sim (no koppel daemon runs: the receiver
# is down, so every delivery fails as WooCommerce would see it)
#
#   missing     koppelctl webhooks and test-connection say that order.created
#               and order.updated have no webhook (exit 3, check FAILED)
#   read key    --register with a Read key: refused, saying Read/Write is
#               needed and how to register by hand
#   register    --register creates both ("koppel TOPIC"); again, it changes
#               nothing; test-connection passes as a whole
#   disabled    five failed deliveries (receiver down) make the sim disable
#               order.created; the verdict says WooCommerce switched it off;
#               --register switches it on again (PUT)
#   wrong URL   a webhook moved to another URL by hand is named, and
#               --register puts it back
#   paused      a paused webhook is named "gepauzeerd"
#   secrets     no output holds the webhook's secret or the REST key's
# Usage: tests/e2e/webhook_setup.sh [BIN]. Prints PASS/FAIL lines; exit 1 on a failure.

BIN=${1:-build/bin}
. tests/e2e/lib.sh
DIR=${E2E_ROOT:-/tmp/koppel-webhook-setup.$$}
passed=0
failed=0
trap e2e_stop EXIT INT TERM
HOOK_SECRET=whsec-e2e-geheim-4711

# check NAME COMMAND... - run a check, count and print PASS or FAIL
check() {
    name=$1
    shift
    if "$@" >"$DIR/check.out" 2>&1; then
        passed=$((passed + 1))
        echo "PASS webhook setup: $name"
    else
        failed=$((failed + 1))
        echo "FAIL webhook setup: $name"
        sed 's/^/    /' "$DIR/check.out"
    fi
}

# says RC PATTERN ARGS... - koppelctl ARGS (lib.sh's ctl) exits RC and prints
# a line matching PATTERN
says() {
    want=$1 pattern=$2
    shift 2
    ctl "$@" >"$DIR/ctl.out" 2>&1
    rc=$?
    cat "$DIR/ctl.out" >>"$DIR/all.out"
    cat "$DIR/ctl.out"
    [ "$rc" -eq "$want" ] || { echo "exit $rc, not $want"; return 1; }
    grep -q -- "$pattern" "$DIR/ctl.out" || { echo "no line matching: $pattern"; return 1; }
}

# hook_put ID JSON - change a webhook in the shop by hand
hook_put() {
    curl -sf -u ck_koppel:cs_geheim -X PUT -d "$2" "$WC_URL/wp-json/wc/v3/webhooks/$1" >/dev/null
}

# failed_deliveries - how many deliveries the sim saw fail
failed_deliveries() {
    curl -s "$WC_URL/_sim/webhook-deliveries" | jq .failed
}

e2e_setup "$DIR"
echo '[]' >"$DIR/relaties.json"
start_snelstart --relaties "$DIR/relaties.json" || { echo "FAIL webhook setup: snelstart-sim"; exit 1; }
start_sim woocommerce-sim WC_PORT WC_PID --key ck_koppel --secret cs_geheim --generate 3 \
    --seed 5 || { echo "FAIL webhook setup: woocommerce-sim"; exit 1; }
WC_URL=http://127.0.0.1:$WC_PORT
start_sim woocommerce-sim RO_PORT RO_PID --key ck_koppel --secret cs_geheim --generate 3 \
    --seed 5 --read-only || { echo "FAIL webhook setup: woocommerce-sim --read-only"; exit 1; }
HOOK_PORT=$(free_port)
HOOK_URL=http://127.0.0.1:$HOOK_PORT/webhook/woo
grootboeken=$(sed -n '/^        grootboeken = {/,/^        };/p' config/koppel.cfg.example)

# profile NAME SHOP-URL PATH - a WooCommerce profile with a webhook block
profile() {
    cat <<CFG
    { name = "$1";
      shop = { type = "woocommerce"; url = "$2"; consumer_key = "ck_koppel";
               consumer_secret = "cs_geheim"; insecure_http = true;
               webhook = { path = "$3"; secret = "$HOOK_SECRET"; url = "$HOOK_URL"; }; };
      snelstart = { api_url = "$SS_URL/v2"; auth_url = "$SS_URL/b2b/token"; insecure_http = true;
                    client_key = "geheime-client-key"; subscription_key = "geheime-subscription-key"; };
$grootboeken
    }
CFG
}
CFG=$DIR/koppel.cfg
{
    echo "koppel = { state_dir = \"$DIR/state\"; webhooks = { listen = \"127.0.0.1:$HOOK_PORT\"; }; };"
    echo "profiles = ("
    profile woo "$WC_URL" /webhook/woo
    echo ","
    profile alleenlezen "http://127.0.0.1:$RO_PORT" /webhook/ro
    echo ");"
} >"$CFG"
chmod 0600 "$CFG"

check "missing: koppelctl webhooks says so (exit 3)" \
    says 3 "^order.updated: geen webhook; registreer hem met \"koppelctl webhooks woo --register\"" \
    webhooks woo
check "missing: test-connection's check webhooks fails" \
    says 1 "^webhooks: FAILED: order.created: geen webhook" test-connection woo
check "read key: --register refused, Read/Write needed, by hand explained" \
    says 3 "^order.created: de shop weigert te registreren (WooCommerce antwoordde op .*/webhooks met HTTP 40[13] .*Read/Write-rechten.*Naam \"koppel order.created\"" \
    webhooks alleenlezen --register
check "register: both topics registered" \
    says 0 "^order.updated: geregistreerd, levert af aan $HOOK_URL (webhook 2)" webhooks woo --register
check "register: again, nothing changes" \
    says 0 "^order.created: al actief, levert af aan $HOOK_URL (webhook 1)" webhooks woo --register
two_webhooks() {
    n=$(curl -s -u ck_koppel:cs_geheim "$WC_URL/wp-json/wc/v3/webhooks" | jq length)
    echo "$n webhooks"
    [ "$n" -eq 2 ]
}
check "register: twice is two webhooks, not four" two_webhooks
check "register: test-connection passes" \
    says 0 "^webhooks: OK (order.created: actief, levert af aan $HOOK_URL (webhook 1); order.updated: actief" \
    test-connection woo

# the receiver is down: five orders placed, five failed deliveries
curl -sf -X POST -d '{"count": 5, "status": "processing"}' "$WC_URL/_sim/generate" >/dev/null
i=0
while [ "$(failed_deliveries)" -lt 5 ] && [ $i -lt 100 ]; do i=$((i + 1)); sleep 0.1; done
check "disabled: the verdict says WooCommerce switched it off" \
    says 3 "^order.created: WooCommerce heeft de webhook uitgeschakeld na mislukte afleveringen" \
    webhooks woo
check "disabled: test-connection says so" \
    says 1 "^webhooks: FAILED: order.created: WooCommerce heeft de webhook uitgeschakeld" \
    test-connection woo
check "disabled: --register switches it on again" \
    says 0 "^order.created: weer actief gezet, levert af aan $HOOK_URL (webhook 1)" \
    webhooks woo --register

hook_put 2 '{"delivery_url": "https://elders.voorbeeld.nl/hook"}'
check "wrong URL: named" \
    says 3 "^order.updated: webhook 2 levert af aan https://elders.voorbeeld.nl/hook, niet aan $HOOK_URL" \
    webhooks woo
check "wrong URL: --register puts it back" \
    says 0 "^order.updated: URL bijgewerkt en actief, levert af aan $HOOK_URL (webhook 2)" \
    webhooks woo --register
hook_put 1 '{"status": "paused"}'
check "paused: named" says 3 "^order.created: webhook 1 staat op \"gepauzeerd\"" webhooks woo

no_secrets() {
    ! grep -n -e "$HOOK_SECRET" -e cs_geheim "$DIR/all.out"
}
check "secrets: no output holds the webhook secret or the REST key's" no_secrets

echo "webhook setup: $passed passed, $failed failed"
[ $failed -eq 0 ]
