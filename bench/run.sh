#!/bin/sh
# run.sh - koppel's benchmarks against the simulators on loopback (make bench)
#
# Prints one figure a line as "name: value" (docs/performance.md says what
# each one means). Everything is done in a scratch directory outside the
# repository, which is removed at the end. A benchmark never fails on
# timing: the exit status is 0 when the runs ran, whatever the figures.
# Usage: sh bench/run.sh [BIN]
# Sizes (environment): BENCH_ORDERS (5000) orders of the pipeline runs,
# BENCH_RL_ORDERS (3000) and BENCH_TIME_SCALE (20) of the rate-limit run,
# BENCH_RL50_TIME_SCALE (2) and BENCH_RL50_WINDOWS (1) of the run with 50
# administrations at their limits, BENCH_RELATIES (1000000) of the recognition
# run, BENCH_SYNC (100000), BENCH_PROFILES (1000) and BENCH_PROFILE_RELATIES
# (2000) of the many-profiles run, BENCH_REBALANCE_PROFILES (10) of the
# rebalance runs, BENCH_WEBHOOK_ORDERS (1000) placed at BENCH_WEBHOOK_RATE
# (100) a second and BENCH_WEBHOOK_LOST (100) of the webhook runs.
# BENCH_ONLY="PART ..." runs only those parts: known, new20, ratelimit,
# ratelimit50, match, sync, profiles, rebalance, webhook (all when unset).

BIN=${1:-build/bin}
. tests/e2e/lib.sh
ROOT=${BENCH_ROOT:-/tmp/koppel-bench.$$}
ORDERS=${BENCH_ORDERS:-5000}
RL_ORDERS=${BENCH_RL_ORDERS:-3000}
SCALE=${BENCH_TIME_SCALE:-20}
RELATIES=${BENCH_RELATIES:-1000000}
SYNC=${BENCH_SYNC:-100000}
PROFILES=${BENCH_PROFILES:-1000}
PROFILE_RELATIES=${BENCH_PROFILE_RELATIES:-2000}
PROFILES_PER_SIM=200
REBALANCE_PROFILES=${BENCH_REBALANCE_PROFILES:-10}
WEBHOOK_ORDERS=${BENCH_WEBHOOK_ORDERS:-1000}
WEBHOOK_RATE=${BENCH_WEBHOOK_RATE:-100}
WEBHOOK_LOST=${BENCH_WEBHOOK_LOST:-100}
RL50_SCALE=${BENCH_RL50_TIME_SCALE:-2}
RL50_WINDOWS=${BENCH_RL50_WINDOWS:-1}
RESEND_AFTER=600         # the fetcher's resend is for failures, not for a slow run
export RESEND_AFTER
trap 'e2e_stop; rm -rf "$ROOT"' EXIT
trap 'exit 1' INT TERM
mkdir -p "$ROOT"

# note - a remark on standard error, so that standard output holds figures only
note() { echo "bench: $*" >&2; }

# now - seconds since the epoch, with fractions
now() { date +%s.%N; }

# part NAME - whether BENCH_ONLY asks for that part (every part when unset)
part() { [ -z "${BENCH_ONLY:-}" ] || echo " $BENCH_ONLY " | grep -q " $1 "; }

# calc EXPR - awk arithmetic, printed as given by the format in EXPR's caller
calc() { awk "BEGIN { printf \"$1\\n\", $2 }"; }

# sim_count ROUTE STATUS - how many answers of that route and status snelstart-sim gave
sim_count() {
    curl -s "$SS_URL/_sim/stats" | python3 -c "
import json, sys
s = json.load(sys.stdin)['requests']
route, status = sys.argv[1], sys.argv[2]
print(sum(v.get(status, 0) for k, v in s.items() if route in ('*', k)))" "$1" "$2"
}

# sim_total - every request snelstart-sim answered
sim_total() { curl -s "$SS_URL/_sim/stats" | sed -n 's/.*"total": *\([0-9]*\).*/\1/p'; }

# pipeline NAME KNOWN_FRACTION SNELSTART-ARGS CONFIG-SED - one import through the
# whole pipeline; sets ELAPSED, BOOKED, EXPECTED
pipeline() {
    e2e_setup "$ROOT/$1"
    start_globecharge --generate "$ORDERS_RUN" --seed 5 --first-number 1 \
        --export-relaties "$E2E_DIR/rel.json" --known-fraction "$2" || return 1
    start_snelstart --relaties "$E2E_DIR/rel.json" $3 || return 1
    write_config 1 slim
    sed -i -e 's/page_size = 50;/page_size = 100;/' -e "$4" "$CFG"
    start_pipeline || return 1
    EXPECTED=$(shop_orders | wc -l)
    t0=$(now)
    "$BIN/koppelctl" --config "$CFG" run voorbeeld >/dev/null || return 1
    if [ -n "$WATCH_RATE" ]; then watch_rate "$EXPECTED"; fi
    wait_done "$EXPECTED" 600 || return 1
    t1=$(now)
    ELAPSED=$(calc %.3f "$t1 - $t0")
    BOOKED=$(sim_count "POST /v2/verkoopboekingen" 201)
}

# watch_rate N - sample the bookings in snelstart-sim every 50 ms until N are in.
# The booker spreads its calls over the window (a few at a time at the
# limit's pace), so the steady rate is measured over whole windows from half
# a window after the first booking (the first window's start is the bucket
# of calls it allows at once) until the last whole window before all N were
# booked; over whole windows the count is what the sliding window allowed,
# whatever the phase of the batches inside them.
watch_rate() {
    : >"$E2E_DIR/samples"
    while :; do
        c=$(curl -s "$SS_URL/_sim/stats" | sed -n \
            's/.*"POST \/v2\/verkoopboekingen": *{[^}]*"201": *\([0-9]*\).*/\1/p')
        echo "$(now) ${c:-0}" >>"$E2E_DIR/samples"
        [ "${c:-0}" -ge "$1" ] && break
        sleep 0.05
    done
    RATE=$(awk -v window="$(calc %.4f "60 / $SCALE")" -v all="$1" '{ t[NR] = $1; c[NR] = $2 }
        END { for (i = 1; i <= NR && c[i] == 0; i++) ;
              if (i > NR) { print 0; exit }
              for (s = i; s <= NR && t[s] < t[i] + window / 2; s++) ;
              for (e = NR; e > s && c[e] >= all; e--) ;
              k = int((t[e] - t[s]) / window)
              for (f = s; f <= e && t[f] < t[s] + k * window; f++) ;
              if (k < 1 || f > e) { print 0; exit }
              printf "%.4f", (c[f] - c[s]) / (t[f] - t[s]) }' "$E2E_DIR/samples")
}

# idle_figures - the idle daemons' memory and their CPU for 10 s. The goal
# is pss_idle_kb_max: the proportional set counts a shared library page once
# over the processes that map it, as the kernel holds it; the resident set
# (rss_idle_kb_*) counts it in full in each and is printed as information.
idle_figures() {
    sleep 2
    pids="$PID_scheduler $PID_fetcher $PID_matcher__instance_1 $PID_matcher__instance_2 $PID_booker"
    max=0 pmax=0 amax=0
    for name in scheduler fetcher matcher__instance_1 matcher__instance_2 booker; do
        pid=$(eval echo \$PID_$name)
        short=$(echo $name | sed 's/__instance_/_/')
        kb=$(awk '/^VmRSS:/ { print $2 }' /proc/$pid/status)
        # what the daemon costs of its own: its share of the shared library
        # pages (PSS) and its private anonymous memory
        pss=$(awk '/^Pss:/ { print $2 }' /proc/$pid/smaps_rollup)
        anon=$(awk '/^RssAnon:/ { print $2 }' /proc/$pid/status)
        echo "pss_idle_kb_$short: $pss"
        echo "rss_idle_kb_$short: $kb"
        [ "$kb" -gt "$max" ] && max=$kb
        [ "$pss" -gt "$pmax" ] && pmax=$pss
        [ "$anon" -gt "$amax" ] && amax=$anon
    done
    echo "pss_idle_kb_max: $pmax"
    [ "$pmax" -lt 10000 ] || note "pss_idle_kb_max $pmax: goal under 10000 missed"
    echo "rss_idle_kb_max: $max"
    echo "anon_idle_kb_max: $amax"
    ticks() { for p in $pids; do awk '{ print $14 + $15 }' /proc/$p/stat; done \
              | awk '{ s += $1 } END { print s }'; }
    a=$(ticks)
    sleep 10
    b=$(ticks)
    echo "cpu_idle_pct: $(calc %.2f "($b - $a) * 100 / $(getconf CLK_TCK) / 10")"
}

# naive NAME MAX - the naive connector over the run's orders, against a fresh
# snelstart-sim holding the same relaties
naive() {
    old_url=$SS_URL run_dir=$E2E_DIR
    E2E_DIR=$run_dir/naive
    mkdir -p "$E2E_DIR/log"
    start_snelstart --relaties "$run_dir/rel.json" --no-rate-limit || { E2E_DIR=$run_dir; return 1; }
    E2E_DIR=$run_dir
    sed "s|$old_url|$SS_URL|g" "$CFG" > "$E2E_DIR/naive.cfg"
    chmod 0600 "$E2E_DIR/naive.cfg"
    "$BIN/bench-naive" "$E2E_DIR/naive.cfg" voorbeeld "$E2E_DIR/state/fetcher.db" "$2" "$1"
}

# loop_figures - each daemon's longest handler run (loop_max_block_ms in its
# status) over the run, and the largest of them
loop_figures() {
    "$BIN/koppelctl" --config "$CFG" status --json > "$E2E_DIR/status.json" || {
        note "a daemon did not answer status after the rate-limited run"; return; }
    jq -r '.daemons[] | "loop_max_block_ms_\(.name)\(if .name == "matcher" then "_"
           + .instance else "" end): \(.loop_max_block_ms)"' "$E2E_DIR/status.json"
    echo "loop_max_block_ms: $(jq '[.daemons[].loop_max_block_ms] | max' "$E2E_DIR/status.json")"
    note "$(jq -r '[.daemons[] | "\(.name) in \(.loop_max_block_in)"] | join(", ")' \
            "$E2E_DIR/status.json") (the handler that ran longest)"
}

# start_sims N ARGS... - N snelstart-sims, each an administration of its own
# (snelstartK.db) holding the relaties of rel.json, started with ARGS; their
# base URLs in urls, the first one also in SS_URL
start_sims() {
    n=$1
    shift
    urls=""
    k=1
    while [ $k -le "$n" ]; do
        start_sim snelstart-sim SS_PORT SS_PID --db "$E2E_DIR/snelstart$k.db" \
            --grootboeken tests/fixtures/grootboeken.json --spec "$SNELSTART_SPEC" \
            --client-key geheime-client-key --subscription-key geheime-subscription-key \
            --relaties "$E2E_DIR/rel.json" "$@" || return 1
        urls="$urls http://127.0.0.1:$SS_PORT"
        k=$((k + 1))
    done
    SS_URL=$(echo $urls | cut -d' ' -f1)
}

# copy_profiles N PER URL... - the configuration's one profile as N profiles,
# p0001 and on, each under a factuurnummer prefix of its own (P17-); the
# first PER book into the first snelstart-sim URL, the next PER into the
# second, and so on
copy_profiles() {
    /usr/bin/python3 - "$CFG" "$@" <<'PY'
import sys
path, n, per, urls = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4:]
text = open(path).read()
start = text.index("profiles = (\n") + len("profiles = (\n")
end = text.index("\n);", start)
block = text[start:end]
out = []
for i in range(1, n + 1):
    b = block.replace('name = "voorbeeld";', 'name = "p%04d";' % i, 1)
    b = b.replace('factuurnummer_prefix = "";', 'factuurnummer_prefix = "P%d-";' % i, 1)
    b = b.replace(urls[0] + "/", urls[(i - 1) // per] + "/")
    out.append(b)
open(path, "w").write(text[:start] + ",\n".join(out) + text[end:])
PY
}

UNLIMITED='s/rate_per_minute = 500;/rate_per_minute = 1000000;/; s/rate_per_hour = 5000;/rate_per_hour = 100000000;/'

# 1. all customers known, no API limit: throughput, calls per order, idle figures
known_part() {
    ORDERS_RUN=$ORDERS
    if pipeline known 1 --no-rate-limit "$UNLIMITED"; then
        echo "orders_per_s: $(calc %.0f "$BOOKED / $ELAPSED")"
        echo "api_calls_per_order: $(calc %.4f "$(sim_total) / $BOOKED")"
        note "all known: $BOOKED of $EXPECTED orders booked in $ELAPSED s"
        idle_figures
        naive naive_api_calls_per_order 1000
    else
        note "the run with known customers failed (see $E2E_DIR/log)"
    fi
    e2e_stop
}

# 2. 20 % new customers
new20_part() {
    ORDERS_RUN=$ORDERS
    if pipeline new20 0.8 --no-rate-limit "$UNLIMITED"; then
        echo "api_calls_per_order_20pct_new: $(calc %.4f "$(sim_total) / $BOOKED")"
        echo "orders_per_s_20pct_new: $(calc %.0f "$BOOKED / $ELAPSED")"
        echo "relaties_created_20pct_new: $(sim_count "POST /v2/relaties" 201)"
        naive naive_api_calls_per_order_20pct_new 1000
    else
        note "the run with 20 % new customers failed (see $E2E_DIR/log)"
    fi
    e2e_stop
}

# 3. production limits (500 a minute, 5,000 an hour), time scaled
ratelimit_part() {
    ORDERS_RUN=$RL_ORDERS
    WATCH_RATE=1
    if pipeline ratelimit 1 "--time-scale $SCALE" "s/time_scale = 1;/time_scale = $SCALE;/"; then
        per_min=$(calc %.1f "$RATE * 60 / $SCALE")
        echo "rate_limit_bookings_per_min: $per_min"
        echo "rate_limit_utilisation: $(calc %.3f "$per_min / 500")"
        echo "http_429: $(sim_count '*' 429)"
        loop_figures
    else
        note "the rate-limit run failed (see $E2E_DIR/log)"
    fi
    WATCH_RATE=
    e2e_stop
}

# 4. recognition against a million relaties; index_bytes_per_relatie is
# relatie_index_bytes() (arena, records, tables: all it allocated) / RELATIES
match_part() {
    "$BIN/bench-match" "$RELATIES" 300000 | tee "$ROOT/match"
    b=$(sed -n 's/^index_bytes_per_relatie: //p' "$ROOT/match")
    [ -n "$b" ] && [ "$b" -le 200 ] || note "index_bytes_per_relatie ${b:-?}: goal 200 or less missed"
}

# 5. filling the index with 100,000 relaties from the API and from SQL
sync_part() {
    e2e_setup "$ROOT/sync"
    /usr/bin/python3 - "$SYNC" "$E2E_DIR/rel.json" "$E2E_DIR/Administratie.sqlite" <<'PY'
import json, sqlite3, sys
n, out, dbf = int(sys.argv[1]), sys.argv[2], sys.argv[3]
nl = "00000000-0000-4000-8000-000000004e4c"
rel = []
for i in range(n):
    rel.append({"id": "00000000-0000-4000-9000-%012d" % i, "relatiecode": 1001 + i,
        "relatiesoort": ["Klant"], "naam": "Klant %d B.V." % i,
        "email": "inkoop%d@klant%d.example.nl" % (i, i % 997),
        "vestigingsAdres": {"contactpersoon": "", "straat": "Dorpsstraat %d" % (i % 200 + 1),
            "postcode": "%04d AB" % (1000 + i % 9000), "plaats": "Utrecht", "land": {"id": nl}},
        "btwNummer": "NL%09dB01" % i, "kvkNummer": "%08d" % (10000000 + i), "telefoon": None,
        "modifiedOn": "2026-08-15T10:00:00", "nonactief": False,
        "factuurEmailVersturen": {"shouldSend": False, "email": "", "ccEmail": ""}})
json.dump(rel, open(out, "w"))
db = sqlite3.connect(dbf)
# SnelStart's desktop tables, as the schema map's defaults name them
db.execute("""CREATE TABLE tblLand(fldLandID INT, fldCode NVARCHAR(2), fldNaam NVARCHAR(50))""")
db.execute("INSERT INTO tblLand VALUES (1, 'NL', 'Nederland')")
db.execute("""CREATE TABLE tblRelatie(fldRelatieID INT, fldRelatieSoort INT, fldRelatiecode INT,
    fldNaam NVARCHAR(100), fldEmail NVARCHAR(200), fldFactuurEmailAdres NVARCHAR(200),
    fldFactuurCcEmailAdres NVARCHAR(200), fldPostcode NVARCHAR(10), fldLandID INT,
    fldBtwNummer NVARCHAR(20), fldKvkNummer NVARCHAR(20), fldNonactief BIT)""")
db.executemany("INSERT INTO tblRelatie VALUES (?,1,?,?,?,NULL,NULL,?,1,?,?,0)",
    ((i + 1, r["relatiecode"], r["naam"], r["email"], r["vestigingsAdres"]["postcode"],
      r["btwNummer"], r["kvkNummer"]) for i, r in enumerate(rel)))
db.execute("""CREATE TABLE tblGrootboekFunctie(fldGrootboekFunctieID INT,
    fldOmschrijving NVARCHAR(50), fldRekeningCode NVARCHAR(20))""")
db.execute("""CREATE TABLE tblGrootboek(fldGrootboekID INT, fldNummer INT,
    fldOmschrijving NVARCHAR(100), fldGrootboekFunctieID INT, fldNonactief BIT)""")
db.commit()
PY
    if start_snelstart --relaties "$E2E_DIR/rel.json" --no-rate-limit; then
        "$BIN/tds-sim" --listen 127.0.0.1:0 --db "$E2E_DIR/Administratie.sqlite" --user bench \
            --password bench-wachtwoord >"$E2E_DIR/log/tds-sim.log" 2>&1 &
        E2E_PIDS="$E2E_PIDS $!"
        i=0
        until grep -q "listening on" "$E2E_DIR/log/tds-sim.log" 2>/dev/null || [ $i -gt 100 ]; do
            i=$((i + 1)); sleep 0.1
        done
        TDS=127.0.0.1:$(sed -n 's/.*listening on 127.0.0.1:\([0-9]*\).*/\1/p' "$E2E_DIR/log/tds-sim.log")
        cat >"$E2E_DIR/sync.cfg" <<CFG
koppel = { state_dir = "$E2E_DIR/state"; };
profiles = (
    { name = "api";
      shop = { url = "http://127.0.0.1:1"; username = "u"; password = "p"; insecure_http = true; };
      snelstart = { api_url = "$SS_URL/v2"; auth_url = "$SS_URL/b2b/token"; insecure_http = true;
                    client_key = "geheime-client-key"; subscription_key = "geheime-subscription-key";
                    rate_per_minute = 1000000; rate_per_hour = 100000000; }; },
    { name = "sql";
      shop = { url = "http://127.0.0.1:1"; username = "u"; password = "p"; insecure_http = true; };
      snelstart = { type = "sql"; sql_server = "$TDS"; database = "Administratie";
                    sql_user = "bench"; sql_password = "bench-wachtwoord";
                    api_url = "$SS_URL/v2"; auth_url = "$SS_URL/b2b/token"; insecure_http = true;
                    client_key = "geheime-client-key"; subscription_key = "geheime-subscription-key"; }; }
);
CFG
        chmod 0600 "$E2E_DIR/sync.cfg"
        "$BIN/bench-sync" "$E2E_DIR/sync.cfg" api sync_s_100k_api
        "$BIN/bench-sync" "$E2E_DIR/sync.cfg" sql sync_s_100k_sql
    else
        note "snelstart-sim does not start with $SYNC relaties"
    fi
    e2e_stop
}

# 6. many profiles: PROFILES profiles of PROFILE_RELATIES relaties each, each
# booking one order (the shop's last, under a factuurnummer prefix of its
# own), then idle: the PSS of all five daemons together, in MB. A
# snelstart-sim holds one administration, so the profiles share a few
# simulators (see below) that hold the same relaties, and one shop.
profiles_figure() {
    e2e_setup "$ROOT/profiles"
    start_globecharge --generate "$PROFILE_RELATIES" --seed 7 --first-number 1 \
        --export-relaties "$E2E_DIR/rel.json" --known-fraction 1 || return 1
    # the shop's customers, and made-up klanten up to PROFILE_RELATIES
    /usr/bin/python3 - "$E2E_DIR/rel.json" "$PROFILE_RELATIES" <<'PY' || return 1
import json, sys
path, n = sys.argv[1], int(sys.argv[2])
rel = json.load(open(path))
for i in range(n - len(rel)):
    rel.append({"id": "00000000-0000-4000-9000-%012d" % i, "relatiecode": 900001 + i,
        "relatiesoort": ["Klant"], "naam": "Klant %d B.V." % i,
        "email": "inkoop%d@klant%d.example.nl" % (i, i % 997),
        "vestigingsAdres": {"contactpersoon": "", "straat": "Dorpsstraat %d" % (i % 200 + 1),
            "postcode": "%04d AB" % (1000 + i % 9000), "plaats": "Utrecht",
            "land": {"id": "00000000-0000-4000-8000-000000004e4c"}},
        "btwNummer": "NL%09dB01" % i, "kvkNummer": "%08d" % (10000000 + i), "telefoon": None,
        "modifiedOn": "2026-08-15T10:00:00", "nonactief": False,
        "factuurEmailVersturen": {"shouldSend": False, "email": "", "ccEmail": ""}})
json.dump(rel, open(path, "w"))
PY
    # snelstart-sim answers at most about 1,000 connections (select), and
    # the booker and each matcher keep one a profile: one simulator, each
    # holding the same relaties, for every PROFILES_PER_SIM profiles
    sims=$(( (PROFILES + PROFILES_PER_SIM - 1) / PROFILES_PER_SIM ))
    start_sims "$sims" --no-rate-limit || return 1
    # the shop's last bookable order is every profile's one order
    last=$(shop_orders | tail -n 1)
    [ -n "$last" ] || return 1
    write_config "$last" slim
    # each profile's task planned hourly: the scheduler starts every one at
    # once (a new task's first run is now), and not again during the run
    sed -i -e "$UNLIMITED" -e 's/late_window = 200;/late_window = 0;/' \
        -e 's/importeren_financieel = "off";/importeren_financieel = "1h";/' "$CFG"
    copy_profiles "$PROFILES" "$PROFILES_PER_SIM" $urls || return 1
    t0=$(now)
    start_pipeline || return 1
    wait_done "$PROFILES" 900 || return 1
    note "$PROFILES profiles: one order each booked in $(calc %.1f "$(now) - $t0") s"
    relaties=$(/usr/bin/python3 -c "import json,sys; print(len(json.load(open(sys.argv[1]))))" \
               "$E2E_DIR/rel.json")
    # every order booked means every index it needed is filled; idle 5 s,
    # so that each daemon has handed freed heap back once (malloc_trim)
    sleep 5
    total=0
    for name in scheduler fetcher matcher__instance_1 matcher__instance_2 booker; do
        pid=$(eval echo \$PID_$name)
        pss=$(awk '/^Pss:/ { print $2 }' /proc/$pid/smaps_rollup)
        note "profiles: $name PSS $pss kB"
        total=$((total + pss))
    done
    echo "profiles_1000_rss_mb: $(calc %.0f "$total / 1024")"
    echo "profiles_1000_profiles: $PROFILES"
    echo "profiles_1000_relaties_each: $relaties"
    # each daemon's answer to status, idle: koppelctl waits a second for it
    "$BIN/bench-status" "$CFG" status_ms_1000_profiles
    [ "$total" -lt $((1024 * 1024)) ] || note "profiles_1000_rss_mb: goal under 1024 missed"
}

# 7. fifty administrations at SnelStart's limits: 50 profiles, each booking
# into an administration of its own (a snelstart-sim each, enforcing 500 calls
# a minute and 5,000 an hour, RL50_SCALE times faster, as koppel is told by
# snelstart.time_scale) a backlog of the same shop's orders, with the
# default max_in_flight (1,000: 20 orders on their way a profile;
# BENCH_RL50_INFLIGHT sets another).
RL50_PROFILES=50
RL50_LIMIT=500
rate50_part() {
    e2e_setup "$ROOT/rate50"
    # each profile has more than its first RL50_WINDOWS + 1 windows allow
    # (the booker's 98 % of 500: 490), so that its backlog lasts the measurement
    bookable=$((490 * (RL50_WINDOWS + 1) + 150))
    start_globecharge --generate $((bookable * 11 / 10)) --seed 9 --first-number 1 \
        --export-relaties "$E2E_DIR/rel.json" --known-fraction 1 || return 1
    start_sims "$RL50_PROFILES" --time-scale "$RL50_SCALE" || return 1
    write_config 1 slim
    orders=$(shop_orders | wc -l)
    sed -i -e 's/page_size = 50;/page_size = 100;/' \
        -e "s/time_scale = 1;/time_scale = $RL50_SCALE;/" \
        -e "s/max_in_flight = 1000;/max_in_flight = ${BENCH_RL50_INFLIGHT:-1000};/" \
        -e 's/importeren_financieel = "off";/importeren_financieel = "1h";/' "$CFG"
    copy_profiles "$RL50_PROFILES" 1 $urls || return 1
    start_pipeline || return 1
    rate50_measure "$orders" "$PID_booker" "$E2E_DIR/state/fetcher.db" $urls
}

# rate50_measure ORDERS BOOKER_PID FETCHER_DB URL... - each administration's bookings
# over RL50_WINDOWS windows (a minute each, time-scaled), from half a window
# after its first booking: over whole windows the count is what the limit
# allowed, whatever the phase of the bursts in them, as long as the booker
# kept each window full. Prints the lowest over the limit and the 429s of
# every simulator; notes the booker's largest PSS and the most orders on
# their way (what its queues held) at one time.
rate50_measure() {
    /usr/bin/python3 - "$(calc %.4f "60 / $RL50_SCALE")" "$RL50_WINDOWS" "$RL50_LIMIT" "$@" <<'PY'
import json, sqlite3, sys, time, urllib.request
window, k, limit, backlog = float(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
booker, fetcher_db, urls = sys.argv[5], sys.argv[6], sys.argv[7:]
route = "POST /v2/verkoopboekingen"

def stats(url):
    with urllib.request.urlopen(url + "/_sim/stats", timeout=5) as r:
        return json.load(r)["requests"]

def booked(url):
    return stats(url).get(route, {}).get("201", 0)

def pss_mb():
    for line in open("/proc/%s/smaps_rollup" % booker):
        if line.startswith("Pss:"):
            return int(line.split()[1]) // 1024
    return 0

def on_their_way():
    db = sqlite3.connect("file:%s?mode=ro" % fetcher_db, uri=True, timeout=1)
    try:
        return db.execute("SELECT COUNT(*) FROM orders WHERE state = 'pending'"
                          " AND attempts > 0").fetchone()[0]
    except sqlite3.Error:
        return 0
    finally:
        db.close()

# per profile: when to read next, and the counts read. Its first booking is
# looked for twice a second (when it fell between two reads moves the
# measured windows, not what they hold); the count at its start and end is
# read when due, to a few milliseconds
due = {u: 0.0 for u in urls}
first, start, end = {}, {}, {}
peak_pss = peak_held = 0
t_start = next_memory = time.monotonic()
deadline = t_start + 180 + (k + 2) * window
while len(end) < len(urls) and time.monotonic() < deadline:
    for u in urls:
        if u in end or time.monotonic() < due[u]:
            continue
        t, c = time.monotonic(), booked(u)
        if u not in first:
            if c > 0:
                first[u] = t
                due[u] = t + window / 2
            else:
                due[u] = t + 0.5
        elif u not in start:
            start[u] = c
            due[u] = t + k * window
        else:
            end[u] = c
    if time.monotonic() >= next_memory:
        peak_pss, peak_held = max(peak_pss, pss_mb()), max(peak_held, on_their_way())
        next_memory = time.monotonic() + 2
    time.sleep(max(0, min([due[u] for u in urls if u not in end] + [next_memory])
                   - time.monotonic()))
rates = []
for i, u in enumerate(urls):
    if u not in end or end[u] >= backlog:
        print("bench: profile p%04d: %s" % (i + 1, "its backlog ran out" if u in end
              else "not measured (no booking, or the run ended first)"), file=sys.stderr)
        rates.append(0)
    else:
        rates.append((end[u] - start[u]) / k / limit)
low = min(range(len(rates)), key=lambda i: rates[i])
print("rate_limit_utilisation_50_profiles: %.3f" % rates[low])
print("rate_limit_utilisation_50_profiles_mean: %.3f" % (sum(rates) / len(rates)))
limited = {}
for i, u in enumerate(urls):
    for r, v in stats(u).items():
        if v.get("429"):
            limited.setdefault(r, []).append("p%04d %d" % (i + 1, v["429"]))
print("http_429_50_profiles: %d" % sum(int(x.split()[1]) for l in limited.values() for x in l))
for r, l in limited.items():
    print("bench: 50 profiles: 429 on %s: %s" % (r, ", ".join(l)), file=sys.stderr)
print("bench: 50 profiles: the lowest p%04d %.3f, the highest %.3f; first bookings from %.0f"
      " to %.0f s; the booker's PSS up to %d MB with up to %d orders on their way" % (
      low + 1, rates[low], max(rates), min(first.values(), default=t_start) - t_start,
      max(first.values(), default=t_start) - t_start, peak_pss, peak_held), file=sys.stderr)
if rates[low] < 0.95:
    print("bench: rate_limit_utilisation_50_profiles: goal 0.95 or more missed", file=sys.stderr)
PY
}

# 8. rebalance SIGNAL FIGURE: REBALANCE_PROFILES profiles over two matchers,
# each with its index filled by a first order; then matcher 1 gets SIGNAL
# and each profile it served a new order at once. FIGURE is the time from
# the signal until every one of those orders is booked: the fetcher finds
# the matcher gone, moves its profiles, the other matcher fills their
# indexes and recognises the orders (resend_after is 600 s here, so only
# the prompt resend at the move counts). SIGKILL closes the connection, and
# the fetcher's next send finds it gone (rebalance_s); SIGSTOP leaves it
# open, and only the heartbeat interval (3 s) tells (rebalance_s_stopped).
rebalance_figure() {
    e2e_setup "$ROOT/rebalance-$1"
    start_globecharge --generate 200 --seed 11 --first-number 1 \
        --export-relaties "$E2E_DIR/rel.json" --known-fraction 1 || return 1
    start_snelstart --relaties "$E2E_DIR/rel.json" --no-rate-limit || return 1
    last=$(shop_orders | tail -n 1)
    [ -n "$last" ] || return 1
    write_config "$last" slim
    sed -i -e "$UNLIMITED" -e 's/late_window = 200;/late_window = 0;/' "$CFG"
    copy_profiles "$REBALANCE_PROFILES" "$REBALANCE_PROFILES" "$SS_URL" || return 1
    start_pipeline || return 1
    for k in $(seq 1 "$REBALANCE_PROFILES"); do
        "$BIN/koppelctl" --config "$CFG" run "$(printf p%04d "$k")" >/dev/null || return 1
    done
    wait_done "$REBALANCE_PROFILES" 120 || return 1
    moved=$("$BIN/koppelctl" --config "$CFG" status --json \
            | jq -r '.profiles[] | select(.matcher == "1") | .name')
    [ -n "$moved" ] || { note "rebalance: matcher 1 serves no profile"; return 1; }
    email=$(jq -r '[.[] | select(.email != null and .email != "")][0].email' "$E2E_DIR/rel.json")
    next=$((last + 1))
    paid_order "$next" "$email" | curl -sf -X PUT --data-binary @- "$GC_URL/_sim/orders" \
        >/dev/null || return 1
    t0=$(now)
    kill -"$1" "$PID_matcher__instance_1"
    for p in $moved; do
        "$BIN/koppelctl" --config "$CFG" run "$p" >/dev/null
    done
    for p in $moved; do echo "P$(echo "$p" | sed 's/^p0*//')-$next"; done | sort > "$E2E_DIR/want"
    i=0
    while booked_factuurnummers | sort | comm -13 - "$E2E_DIR/want" | grep -q .; do
        i=$((i + 1))
        [ $i -gt 1200 ] && { note "rebalance: not booked within 60 s"; return 1; }
        sleep 0.05
    done
    t1=$(now)
    echo "$2: $(calc %.2f "$t1 - $t0")"
    echo "${2}_profiles_moved: $(echo "$moved" | wc -l)"
    [ "$(calc %d "($t1 - $t0) < 5")" = 1 ] || note "$2: goal under 5 missed"
    if [ "$1" = STOP ]; then kill -CONT "$PID_matcher__instance_1"; fi
}

# 9. webhooks: WEBHOOK_ORDERS orders placed in woocommerce-sim at WEBHOOK_RATE
# a second, each delivered as order.created; from the delivery (the sim's
# sent_at_ms) to its verkoopboeking in snelstart-sim (modifiedOn, UTC, ms),
# no API limit, no run in between. Then WEBHOOK_LOST deliveries the sim
# drops on purpose: how many of those orders the next run books, once.
webhook_figures() {
    e2e_setup "$ROOT/webhook"
    start_woocommerce --generate 5 --seed 11 --first-id 1 \
        --export-relaties "$E2E_DIR/rel.json" --known-fraction 1 || return 1
    start_snelstart --relaties "$E2E_DIR/rel.json" --no-rate-limit || return 1
    webhook_config
    sed -i -e "$UNLIMITED" "$CFG"
    start_pipeline || return 1
    base=$(woo_bookable | wc -l)
    "$BIN/koppelctl" --config "$CFG" run voorbeeld >/dev/null || return 1
    wait_done "$base" 60 || return 1
    register_webhooks || return 1
    curl -s -X POST -d "{\"count\": $WEBHOOK_ORDERS, \"rate\": $WEBHOOK_RATE,
        \"status\": \"processing\"}" "$WC_URL/_sim/generate" > /dev/null
    wait_done $((base + WEBHOOK_ORDERS)) 600 || return 1
    curl -s "$WC_URL/_sim/webhook-deliveries" > "$E2E_DIR/deliveries.json"
    curl -s "$SS_URL/_sim/verkoopboekingen" > "$E2E_DIR/boekingen.json"
    /usr/bin/python3 - "$E2E_DIR/deliveries.json" "$E2E_DIR/boekingen.json" <<'PY' || return 1
import calendar, json, sys
from datetime import datetime
sent = {}
for d in json.load(open(sys.argv[1]))["deliveries"]:
    if d["topic"] == "order.created" and d["result"] == "delivered":
        sent.setdefault(d["order_id"], d["sent_at_ms"])
booked = {}
for b in json.load(open(sys.argv[2])):
    t = datetime.strptime(b["modifiedOn"], "%Y-%m-%dT%H:%M:%S.%f")
    booked[int(b["factuurnummer"])] = calendar.timegm(t.timetuple()) * 1000 + t.microsecond // 1000
lat = sorted(booked[o] - s for o, s in sent.items() if o in booked)
if not lat:
    sys.exit(1)
pick = lambda q: lat[min(len(lat) - 1, int(q * len(lat)))]
print("webhook_to_booked_p50_ms: %d" % pick(0.50))
print("webhook_to_booked_p95_ms: %d" % pick(0.95))
print("bench: webhooks: %d orders delivered and booked, max %d ms" % (len(lat), lat[-1]),
      file=sys.stderr)
PY
    booked_before=$(sqlite3 "$E2E_DIR/state/fetcher.db" "SELECT COUNT(*) FROM orders")
    curl -s -X PUT -d "{\"lose\": $WEBHOOK_LOST}" "$WC_URL/_sim/webhook-faults" > /dev/null
    first=$(curl -s -X POST -d "{\"count\": $WEBHOOK_LOST, \"status\": \"processing\"}" \
            "$WC_URL/_sim/generate" | jq -r .first_id)
    sleep 2
    last=$((first + WEBHOOK_LOST - 1))
    [ "$(sqlite3 "$E2E_DIR/state/fetcher.db" "SELECT COUNT(*) FROM orders")" = "$booked_before" ] \
        || note "webhooks: some of the $WEBHOOK_LOST dropped deliveries arrived all the same"
    "$BIN/koppelctl" --config "$CFG" run voorbeeld >/dev/null || return 1
    wait_done $((booked_before + WEBHOOK_LOST)) 120 || return 1
    booked_factuurnummers | awk -v a="$first" -v b="$last" '$1 >= a && $1 <= b' \
        | sort | uniq -c > "$E2E_DIR/lost"
    echo "webhook_lost_found_by_poll: $(wc -l < "$E2E_DIR/lost")"
    twice=$(awk '$1 > 1' "$E2E_DIR/lost" | wc -l)
    [ "$twice" -eq 0 ] || note "webhooks: $twice of the dropped orders were booked more than once"
}

part known && known_part
part new20 && new20_part
part ratelimit && ratelimit_part
if part ratelimit50; then
    rate50_part || note "the run with 50 administrations failed (see $E2E_DIR/log)"
    e2e_stop
fi
part match && match_part
part sync && sync_part
if part profiles; then
    profiles_figure || note "the run with $PROFILES profiles failed (see $E2E_DIR/log)"
    e2e_stop
fi
if part rebalance; then
    rebalance_figure KILL rebalance_s || note "the rebalance run failed (see $E2E_DIR/log)"
    e2e_stop
    rebalance_figure STOP rebalance_s_stopped || note "the rebalance run failed (see $E2E_DIR/log)"
    e2e_stop
fi
if part webhook; then
    webhook_figures || note "the webhook runs failed (see $E2E_DIR/log)"
    e2e_stop
fi
exit 0
