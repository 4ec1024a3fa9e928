#!/bin/sh
# reload.sh - koppel.cfg read again while the daemons run, and what status says
#
#   grootboek   an order outside the EU at 21 % is a dead letter that says to
#               fill in ...omzet.buiten_eu.hoog; filled in koppel.cfg,
#               `koppelctl reload`, `koppelctl dlq replay`: booked once,
#               without a restart
#   refused     a wrong value in the file: `koppelctl reload` says which
#               file, line and setting and exits 1; every daemon refuses it
#               (SIGHUP and the control command) and keeps working
#   planning    `koppelctl plan` sets 1h; a reload with the file's value
#               unchanged keeps it; the file's value changed (SIGHUP) wins:
#               5m, the next run within 5 minutes
#   profile     a profile added while running is planned, imported and
#               booked; its from_order moved back, the next run books the
#               orders below the old one, none twice; removed, it is no
#               longer planned and its orders stay in fetcher.db
#   import      reloads (koppelctl and SIGHUP) during an import of 1,200
#               orders, 2 a page, the page size changed each time: every
#               order booked once, no daemon dies
#   status      a profile stopped on a wrong shop password: its line says
#               so in Dutch and status exits 3; a stopped daemon is
#               "niet bereikbaar"
#   keys        SnelStart refuses the keys: "Gestopt: SnelStart weigert de
#               sleutels", exit 3; corrected in the file (no reload asked),
#               the orders are booked once
#   koppelctl   run by display name, an unknown profile, dlq show NUMBER, an
#               unknown command, --next on a day that does not exist, export
#               to a missing folder, a user outside group koppel (told at
#               once, whether the socket file or the daemon refuses)
# Usage: tests/e2e/reload.sh [BIN]. Prints PASS/FAIL lines; exit 1 on a failure.

BIN=${1:-build/bin}
. tests/e2e/lib.sh
ROOT=${E2E_ROOT:-/tmp/koppel-reload.$$}
passed=0
failed=0
trap e2e_stop EXIT INT TERM


# abroad_order NUMBER - a good order delivered in the United States at 21 % VAT
abroad_order() {
    paid_order "$1" sam@example.com US
}

# booked_times NUMBER - how often snelstart-sim holds the factuurnummer
booked_times() {
    booked_factuurnummers | grep -cx "$1"
}

# booked_at_least N NUMBER - snelstart-sim holds the factuurnummer N times or more
booked_at_least() {
    [ "$(booked_times "$2")" -ge "$1" ]
}

# new_profile_booked N - N of the orders of profile nieuw (8001..8004) are booked
new_profile_booked() {
    [ "$(booked_factuurnummers | grep -c '^800[1-4]$')" -eq "$1" ]
}

# set_in_profile NAME PATTERN REPLACEMENT - replace the first match of a
# Python regular expression in profile NAME's block (and after it) only
set_in_profile() {
    /usr/bin/python3 - "$CFG" "$1" "$2" "$3" <<'PY'
import re, sys
path, name, pattern, replacement = sys.argv[1:]
text = open(path).read()
at = text.index('name = "%s";' % name)
tail, n = re.subn(pattern, lambda m: replacement, text[at:], count=1)
if n != 1:
    sys.exit("set_in_profile: %s not found in profile %s" % (pattern, name))
open(path, "w").write(text[:at] + tail)
PY
}

# interval_is PROFILE I - the planned interval of the profile's import is I
interval_is() {
    [ "$(interval_of "$1")" = "$2" ]
}

# planned - profile nieuw has its task
planned() {
    [ -n "$(interval_of nieuw)" ]
}

# is_dead NUMBER - the order is in the dead-letter queue
is_dead() {
    [ "$(sqlite3 "$E2E_DIR/state/fetcher.db" "SELECT state FROM orders WHERE number = $1")" = dead ]
}

scenario_grootboek() {
    e2e_setup "$ROOT/grootboek"
    start_globecharge --generate 5 --seed 3 --first-number 7001 || return 1
    start_snelstart --relaties tests/fixtures/relaties-empty.json || return 1
    abroad_order 7010 | curl -s -X PUT --data-binary @- "$GC_URL/_sim/orders" >/dev/null
    write_config 7001
    start_pipeline || return 1
    [ "$(ctl run voorbeeld)" = gestart ] || return 1
    until_true 30 "order 7010 is no dead letter" is_dead 7010 || return 1
    ctl dlq show 7010 > "$E2E_DIR/dlq7010.txt" || return 1      # NUMBER alone: one profile has it
    grep -q "omzet.buiten_eu.hoog" "$E2E_DIR/dlq7010.txt" || {
        echo "e2e: the dead letter does not name the setting:"; cat "$E2E_DIR/dlq7010.txt"; return 1; }
    fills=$(cat "$E2E_DIR"/log/matcher*.log | grep -c "voorbeeld: customer index filled")
    # the fix: the first buiten_eu line is omzet's
    sed -i '0,/buiten_eu = { geen = 8200; };/s//buiten_eu = { hoog = 8200; geen = 8200; };/' "$CFG"
    ctl reload > "$E2E_DIR/reload.txt" || { cat "$E2E_DIR/reload.txt"; return 1; }
    [ "$(grep -c reloaded "$E2E_DIR/reload.txt")" -eq 5 ] \
        && grep -q "^matcher@2  *reloaded$" "$E2E_DIR/reload.txt" || { cat "$E2E_DIR/reload.txt"; return 1; }
    ctl dlq replay voorbeeld:7010 >/dev/null || return 1
    until_true 30 "replayed order 7010 not booked" booked_at_least 1 7010 || return 1
    sleep 1
    [ "$(booked_times 7010)" -eq 1 ] || { echo "e2e: order 7010 booked $(booked_times 7010) times"; return 1; }
    # the administration did not change: the matchers kept their indexes
    [ "$(cat "$E2E_DIR"/log/matcher*.log | grep -c "voorbeeld: customer index filled")" -eq "$fills" ] || {
        echo "e2e: a reload that left the administration alone made a matcher read its index again"
        return 1; }
    wait_done "$(shop_orders | wc -l)" 30 && check_exactly_once >/dev/null
}

# the daemons of scenario_grootboek are still running
scenario_refused() {
    cp "$CFG" "$E2E_DIR/good.cfg"
    sed -i 's/page_size = [0-9]*;/page_size = 4294967297;/' "$CFG"
    grep -q "page_size = 4294967297" "$CFG" || { echo "e2e: no page_size to break"; return 1; }
    line=$(grep -n "page_size = 4294967297" "$CFG" | cut -d: -f1)
    ctl reload 2> "$E2E_DIR/refused.txt" && return 1
    grep -q "reload geweigerd: $CFG:$line: profiles.voorbeeld.shop: page_size: moet een getal van 1 tot en met 100 zijn (niet 4294967297)" \
        "$E2E_DIR/refused.txt" || { cat "$E2E_DIR/refused.txt"; return 1; }
    # each daemon refuses the file itself: asked with the good copy's endpoints
    "$BIN/koppelctl" --config "$E2E_DIR/good.cfg" reload > "$E2E_DIR/refused2.txt" && return 1
    [ "$(grep -c "refused: $CFG:$line: .*page_size" "$E2E_DIR/refused2.txt")" -eq 5 ] || {
        cat "$E2E_DIR/refused2.txt"; return 1; }
    kill -HUP $PID_booker
    until_true 10 "the booker does not log its refusal" \
        grep -q "reload refused.*page_size" "$E2E_DIR/log/booker.log" || return 1
    # the old configuration stays: a new order is booked
    abroad_order 7011 | curl -s -X PUT --data-binary @- "$GC_URL/_sim/orders" >/dev/null
    "$BIN/koppelctl" --config "$E2E_DIR/good.cfg" run voorbeeld >/dev/null || return 1
    until_true 30 "order 7011 not booked after a refused reload" booked_at_least 1 7011 || return 1
    [ "$(booked_times 7011)" -eq 1 ] || return 1
    cp "$E2E_DIR/good.cfg" "$CFG"
    "$BIN/koppelctl" --config "$E2E_DIR/good.cfg" status >/dev/null
}

# interval_of PROFILE - the planned interval of the profile's import
interval_of() {
    ctl tasks --json | jq -r ".[] | select(.profile == \"$1\") | .interval"
}

scenario_planning() {
    ctl plan voorbeeld "Importeren financieel" --interval 1h >/dev/null || return 1
    [ "$(interval_of voorbeeld)" = 1h ] || return 1
    ctl reload >/dev/null || return 1                      # the file still says off
    [ "$(interval_of voorbeeld)" = 1h ] || { echo "e2e: an unchanged file undid koppelctl plan"; return 1; }
    sed -i 's/importeren_financieel = "off";/importeren_financieel = "5m";/' "$CFG"
    kill -HUP $PID_scheduler                                   # systemctl reload's way
    until_true 10 "the file's 5m does not win" interval_is voorbeeld 5m || return 1
    next=$(ctl tasks --json | jq -r '.[] | select(.profile == "voorbeeld") | .next_run')
    [ "$next" -le $(( $(date +%s) + 300 )) ] || { echo "e2e: next run $next is not within 5m"; return 1; }
}

scenario_profile() {
    # a shop of its own (not the first one's database)
    start_sim globecharge-sim GC2_PORT GC2_PID --user winkelier --password geheim-shop-wachtwoord \
        --db "$E2E_DIR/globecharge2.db" --generate 4 --seed 9 --first-number 8001 || return 1
    GC2_URL=http://127.0.0.1:$GC2_PORT
    cp "$CFG" "$E2E_DIR/without-nieuw.cfg"
    second_profile nieuw 8003
    set_in_profile nieuw 'url = "http://127\.0\.0\.1:[0-9]+";' "url = \"$GC2_URL\";" || return 1
    ctl reload >/dev/null || return 1
    until_true 10 "the new profile is not planned" planned || return 1
    # planned from now on, its first run may have started by itself already
    case "$(ctl run nieuw)" in gestart|"is al bezig") ;; *) return 1 ;; esac
    until_true 30 "the new profile's orders are not booked" new_profile_booked 2 || return 1
    [ "$(booked_factuurnummers | grep -c '^800[12]$')" -eq 0 ] || {
        echo "e2e: orders below from_order were booked"; return 1; }
    # from_order moved back: the next run reads from there, books what it had
    # not, and none twice
    set_in_profile nieuw 'from_order = 8003;' 'from_order = 8001;' || return 1
    ctl reload >/dev/null || return 1
    case "$(ctl run nieuw)" in gestart|"is al bezig") ;; *) return 1 ;; esac
    until_true 30 "a lowered from_order does not read the orders again" new_profile_booked 4 \
        || return 1
    sleep 1
    [ "$(booked_factuurnummers | grep '^800[1-4]$' | sort | uniq -d | wc -l)" -eq 0 ] || return 1
    # removed again: no longer planned, its orders stay in fetcher.db
    cp "$E2E_DIR/without-nieuw.cfg" "$CFG"
    ctl reload >/dev/null || return 1
    [ -z "$(interval_of nieuw)" ] || { echo "e2e: a removed profile is still planned"; return 1; }
    [ "$(sqlite3 "$E2E_DIR/state/fetcher.db" "SELECT COUNT(*) FROM orders WHERE profile = 'nieuw'")" \
      -eq 4 ] || { echo "e2e: a removed profile's orders are gone from fetcher.db"; return 1; }
}

# importing - the fetcher's import has started
importing() {
    grep -q "voorbeeld: import started" "$E2E_DIR/log/fetcher.log"
}

# reloaded_during_import - the fetcher read the file again between the start
# and the end of its import
reloaded_during_import() {
    sed -n '/voorbeeld: import started/,/voorbeeld: import done/p' "$E2E_DIR/log/fetcher.log" \
        | grep -q "read again"
}

# reloads during an import: the run ends on its own settings, the next
# page size counts after it, and nothing is lost or booked twice
scenario_during_import() {
    e2e_setup "$ROOT/import"
    start_globecharge --generate 1200 --seed 11 --first-number 20001 --known-fraction 0.5 \
        --export-relaties "$E2E_DIR/relaties.json" || return 1
    start_snelstart --relaties "$E2E_DIR/relaties.json" || return 1
    write_config 20001
    sed -i 's/page_size = 50;/page_size = 2;/' "$CFG"
    start_pipeline || return 1
    [ "$(ctl run voorbeeld)" = gestart ] || return 1
    until_true 10 "no import to reload during" importing || return 1
    for size in 7 3 9 4; do
        sed -i "s/page_size = [0-9]*;/page_size = $size;/" "$CFG"
        ctl reload >/dev/null || return 1
        kill -HUP $PID_booker $PID_matcher__instance_1
    done
    # at SnelStart's production limit (490 bookings a minute) 1,123 orders
    # and the relaties of the new customers take about two and a half minutes
    wait_done "$(shop_orders | wc -l)" 300 || return 1
    reloaded_during_import || { echo "e2e: the import ended before a reload"; return 1; }
    check_exactly_once >/dev/null || { check_exactly_once; return 1; }
    for d in scheduler fetcher matcher__instance_1 matcher__instance_2 booker; do
        eval "kill -0 \$PID_$d" || { echo "e2e: the $d died"; return 1; }
    done
}

scenario_status() {
    e2e_setup "$ROOT/status"
    start_globecharge --generate 2 --seed 5 --first-number 9001 || return 1
    start_snelstart --relaties tests/fixtures/relaties-empty.json || return 1
    write_config 9001
    sed -i 's/password = "geheim-shop-wachtwoord";/password = "verkeerd";/' "$CFG"
    start_pipeline || return 1
    ctl run voorbeeld >/dev/null || return 1
    until_true 10 "the profile does not stop" sh -c "! '$BIN/koppelctl' --config '$CFG' status >/dev/null" \
        || return 1
    ctl status > "$E2E_DIR/status.txt"
    rc=$?
    [ $rc -eq 3 ] || { echo "e2e: status exit $rc, not 3"; cat "$E2E_DIR/status.txt"; return 1; }
    grep -q "^profiel voorbeeld  *Gestopt: Globecharge weigert de inloggegevens - pas ze aan in koppel.cfg$" \
        "$E2E_DIR/status.txt" || { cat "$E2E_DIR/status.txt"; return 1; }
    [ "$(grep -c " Gereed\(;.*\)\?$" "$E2E_DIR/status.txt")" -eq 5 ] || { cat "$E2E_DIR/status.txt"; return 1; }
    ctl status --json | jq -e '.profiles[0].stopped and (.ok | not)' >/dev/null || return 1
    # the fix counts at the next run, by the reload the fetcher does itself
    sed -i 's/password = "verkeerd";/password = "geheim-shop-wachtwoord";/' "$CFG"
    ctl run voorbeeld >/dev/null || return 1
    until_true 20 "the corrected password does not count" ctl status >/dev/null || return 1
    kill $PID_booker
    wait $PID_booker 2>/dev/null
    start=$(date +%s)
    ctl status > "$E2E_DIR/status2.txt"
    rc=$?
    [ $rc -eq 1 ] && [ $(( $(date +%s) - start )) -le 3 ] || { echo "e2e: status exit $rc"; return 1; }
    grep -q "^booker  *niet bereikbaar$" "$E2E_DIR/status2.txt" || { cat "$E2E_DIR/status2.txt"; return 1; }
}

# SnelStart refuses the keys: the profile is stopped (the matcher cannot
# read the relaties); corrected in the file, the next order reads it again
scenario_snelstart_keys() {
    e2e_setup "$ROOT/keys"
    start_globecharge --generate 3 --seed 4 --first-number 9101 || return 1
    start_snelstart --relaties tests/fixtures/relaties-empty.json || return 1
    write_config 9101
    sed -i 's/client_key = "geheime-client-key";/client_key = "verkeerde-client-key";/' "$CFG"
    start_pipeline || return 1
    ctl run voorbeeld >/dev/null || return 1
    until_true 20 "the profile does not stop on refused SnelStart keys" \
        sh -c "'$BIN/koppelctl' --config '$CFG' status >/dev/null; [ \$? -eq 3 ]" || return 1
    ctl status | grep -q "^profiel voorbeeld  *Gestopt: SnelStart weigert de sleutels - pas ze aan in koppel.cfg$" \
        || { ctl status; return 1; }
    sed -i 's/client_key = "verkeerde-client-key";/client_key = "geheime-client-key";/' "$CFG"
    wait_done "$(shop_orders | wc -l)" 60 || return 1
    check_exactly_once >/dev/null && ctl status >/dev/null
}

# the daemons of scenario_status run, all but the booker
scenario_koppelctl() {
    out=$(ctl run "Voorbeeld" 2>&1)
    [ $? -eq 2 ] && echo "$out" | grep -q "profiel Voorbeeld bestaat niet" || {
        echo "e2e: run of an unknown profile: $out"; return 1; }
    out=$(ctl run voorbeeld "Importeren financieel" 2>&1)
    case $out in gestart|"is al bezig") ;; *) echo "e2e: run by display name: $out"; return 1 ;; esac
    out=$(ctl dlq show 1234 2>&1)
    echo "$out" | grep -q "1234 staat niet bij de orders die koppel niet kon boeken" || { echo "e2e: $out"; return 1; }
    out=$(ctl frobnicate 2>&1)
    [ $? -eq 2 ] && echo "$out" | grep -q 'unknown command "frobnicate"' || {
        echo "e2e: unknown command: $out"; return 1; }
    out=$(ctl dlq frob 2>&1)
    [ $? -eq 2 ] && echo "$out" | grep -q 'dlq: unknown command "frob"' || {
        echo "e2e: unknown dlq command: $out"; return 1; }
    out=$(ctl plan voorbeeld importeren-financieel --next "2027-02-30 08:00" 2>&1)
    [ $? -eq 2 ] && echo "$out" | grep -q "2027-02-30 08:00: expected a day that exists" || {
        echo "e2e: --next 2027-02-30: $out"; return 1; }
    # a user outside group koppel is told at once: by the socket file's mode,
    # and with the file opened up, by the daemons' peer check
    cp "$CFG" "$E2E_DIR/public.cfg" && chmod 0644 "$E2E_DIR/public.cfg"
    for mode in 0660 0666; do
        chmod $mode "$E2E_DIR"/state/*.ctl
        start=$(date +%s)
        out=$(setpriv --reuid=nobody --regid=nogroup --clear-groups \
              "$BIN/koppelctl" --config "$E2E_DIR/public.cfg" status 2>&1)
        rc=$?
        [ $rc -eq 4 ] && [ $(( $(date +%s) - start )) -le 2 ] \
            && echo "$out" | grep -qx "koppelctl: geen toegang: lid van groep koppel nodig" || {
            echo "e2e: a user outside group koppel, sockets $mode: exit $rc: $out"; return 1; }
    done
    chmod 0660 "$E2E_DIR"/state/*.ctl
    out=$(setpriv --reuid=nobody --regid=nogroup --clear-groups "$BIN/koppelctl" --config "$CFG" \
          status 2>&1)
    [ $? -eq 4 ] && echo "$out" | grep -q "^koppelctl: geen toegang: lid van groep koppel nodig" || {
        echo "e2e: a user who may not read koppel.cfg: $out"; return 1; }
    out=$(ctl log --export "$E2E_DIR/no/such/folder/log.csv" 2>&1)
    [ $? -ne 0 ] && [ "$(echo "$out" | wc -l)" -eq 1 ] && echo "$out" | grep -q "folder" || {
        echo "e2e: export to a missing folder: $out"; return 1; }
}

mkdir -p "$ROOT"
scenario_grootboek; result "a grootboek filled in, koppelctl reload, dlq replay: booked once without a restart" $?
scenario_refused; result "a bad file is refused with file, line and setting; the old one stays and books" $?
scenario_planning; result "a planning change in the file wins over koppelctl plan and runs; unchanged it does not" $?
scenario_profile; result "a profile added while running is booked; from_order moved back reads again, none twice; removed, not planned" $?
e2e_stop
scenario_during_import; result "reloads and SIGHUPs during an import of 1,200 orders lose and double nothing" $?
e2e_stop
scenario_status; result "status: a stopped profile in Dutch and exit 3, a daemon down is niet bereikbaar" $?
e2e_stop
scenario_snelstart_keys; result "refused SnelStart keys stop the profile in status; corrected in the file, it books" $?
scenario_koppelctl; result "koppelctl: display name, unknown profile and command, impossible --next, missing folder, no access" $?
e2e_stop
echo "reload: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
