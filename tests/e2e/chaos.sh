#!/bin/sh
# chaos.sh - orders through the whole pipeline while daemons are killed
#
#   sh tests/e2e/chaos.sh BIN [ORDERS] [SECONDS]
#
# Generates ORDERS orders (default 2000) in globecharge-sim and lets both
# simulators misbehave (5xx answers, 429 bursts, dropped connections,
# sessions and tokens that expire, bookings stored whose answer is lost).
# For SECONDS (default 60) a driver kills a random daemon with SIGKILL
# every 1-3 seconds and restarts it. Then it waits until every order has an
# outcome and compares the shop's orders with SnelStart's bookings:
#   orders: N  booked: N  lost: N  duplicates: N  dead: N
# lost and duplicates must be 0, and snelstart-sim must have found every
# request body valid; the exit status says whether they are.

BIN=${1:-build/bin}
ORDERS=${2:-2000}
SECONDS_=${3:-60}
. tests/e2e/lib.sh
trap e2e_stop EXIT INT TERM

# rnd N - a random number 0..N-1
rnd() {
    echo $(( $(od -An -N2 -tu2 /dev/urandom | tr -d ' ') % $1 ))
}

e2e_setup "${CHAOS_DIR:-/tmp/koppel-chaos}"
start_globecharge --generate "$ORDERS" --seed 99 --first-number 700001 \
    --export-relaties "$E2E_DIR/relaties.json" --known-fraction 0.4 \
    --fail-5xx-rate 0.02 --rate-limit-every 37 --expire-session-every 53 \
    --drop-rate 0.01 || exit 1
start_snelstart --relaties "$E2E_DIR/relaties.json" --fail-5xx-rate 0.01 \
    --drop-after-store-rate 0.02 --expire-tokens-every 250 --no-rate-limit || exit 1
write_config 700001
start_pipeline || exit 1
"$BIN/koppelctl" --config "$CFG" run voorbeeld >/dev/null

end=$(( $(date +%s) + SECONDS_ ))
kills=0
while [ "$(date +%s)" -lt "$end" ]; do
    sleep "$(( 1 + $(rnd 3) ))"
    case $(rnd 5) in
    0) d=scheduler; args="" ;;
    1) d=fetcher; args="" ;;
    2) d=matcher; args="--instance 1" ;;
    3) d=matcher; args="--instance 2" ;;
    *) d=booker; args="" ;;
    esac
    var=PID_$(echo "$d$args" | tr -c 'a-z0-9\n' '_')
    eval "pid=\$$var"
    kill -9 "$pid" 2>/dev/null
    wait "$pid" 2>/dev/null
    start_daemon $d $args
    kills=$((kills + 1))
    "$BIN/koppelctl" --config "$CFG" run voorbeeld >/dev/null 2>&1
done
echo "chaos: $kills daemons killed with SIGKILL in ${SECONDS_}s"

# keep starting runs until every order of the shop has an outcome
expected=$(shop_orders | wc -l)
i=0
until wait_done "$expected" 5 2>/dev/null; do
    "$BIN/koppelctl" --config "$CFG" run voorbeeld >/dev/null 2>&1
    i=$((i + 1))
    if [ $i -gt 60 ]; then
        wait_done "$expected" 1
        break
    fi
done
check_exactly_once
st=$?
snelstart_valid || st=1
exit $st
