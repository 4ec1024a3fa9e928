#!/bin/sh
# tds_clients.sh - three real TDS clients against tds-sim, with and without TLS
#
#   tsql      FreeTDS's own client: TLS for the login only (FreeTDS's default
#             "encryption = request"), TLS for everything ("require"), and a
#             tds-sim without a certificate (plain; "require" then fails)
#   pymssql   python3's pymssql (FreeTDS db-lib), over TLS ("require")
#   tedious   Node's tedious (build/node, installed by make), over TLS and
#             plain; its queries arrive as RPC requests (sp_executesql)
#             with typed parameters
# Each client logs in, reads unicode text, NULLs, integers and negative
# decimals, gets error 18456 for a wrong password and keeps its connection
# after an SQL error.
# Usage: tests/e2e/tds_clients.sh [BIN [NODE_MODULES]]. Prints PASS/FAIL lines
# and "tds_clients: N passed, N failed"; exit 1 on a failure.

BIN=${1:-build/bin}
NODE_MODULES=${2:-$BIN/../node/node_modules}
. tests/e2e/lib.sh
DIR=${E2E_ROOT:-/tmp/koppel-tds-clients.$$}
passed=0
failed=0
trap e2e_stop EXIT INT TERM

# check NAME COMMAND... - run a check, count and print PASS or FAIL
check() {
    name=$1
    shift
    if "$@" >"$DIR/check.out" 2>&1; then
        passed=$((passed + 1))
        echo "PASS tds_clients: $name"
    else
        failed=$((failed + 1))
        echo "FAIL tds_clients: $name"
        sed 's/^/    /' "$DIR/check.out"
    fi
}

e2e_setup "$DIR"
sqlite3 "$DIR/Klanten.sqlite" <<'SQL' || exit 1
CREATE TABLE klanten(rij INT, id INT, naam NVARCHAR(60), email NVARCHAR(100), saldo DECIMAL(12,2));
INSERT INTO klanten VALUES (1, 1, 'Taquería Ünïcødé € 😀', 'jan@devries.nl', -1234.56),
    (2, 2, 'O''Brien', NULL, 0.00), (3, -7, NULL, 'x@y.z', -0.05);
SQL
openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=localhost \
    -keyout "$DIR/key.pem" -out "$DIR/cert.pem" >/dev/null 2>&1 || {
    echo "FAIL tds_clients: openssl cannot make a certificate"; exit 1; }

# start_tds LOG [ARGS...] - tds-sim on a free port; its port in TDS_PORT
start_tds() {
    log=$1
    shift
    "$BIN/tds-sim" --listen 127.0.0.1:0 --db "$DIR/Klanten.sqlite" --user koppel \
        --password 'Geh€im#1' "$@" >"$log" 2>&1 &
    E2E_PIDS="$E2E_PIDS $!"
    i=0
    until grep -q "listening on" "$log" 2>/dev/null; do
        i=$((i + 1)); [ $i -gt 50 ] && { echo "FAIL tds_clients: tds-sim does not start"; cat "$log"; exit 1; }
        sleep 0.1
    done
    TDS_PORT=$(sed -n 's/.*listening on 127.0.0.1:\([0-9]*\).*/\1/p' "$log")
}
start_tds "$DIR/log/tls.log" --tls-cert "$DIR/cert.pem" --tls-key "$DIR/key.pem"
TLS_PORT=$TDS_PORT
start_tds "$DIR/log/plain.log"
PLAIN_PORT=$TDS_PORT

# a FreeTDS configuration: one section per port and encryption level
cat >"$DIR/freetds.conf" <<CONF
[tls-require]
	host = 127.0.0.1
	port = $TLS_PORT
	tds version = 7.4
	encryption = require
[tls-request]
	host = 127.0.0.1
	port = $TLS_PORT
	tds version = 7.4
	encryption = request
[plain-require]
	host = 127.0.0.1
	port = $PLAIN_PORT
	tds version = 7.4
	encryption = require
[plain-request]
	host = 127.0.0.1
	port = $PLAIN_PORT
	tds version = 7.4
	encryption = request
CONF
# pymssql names host and port itself: encryption comes from [global]
printf '[global]\n\ttds version = 7.4\n\tencryption = require\n' >"$DIR/freetds-global.conf"
FREETDSCONF=$DIR/freetds.conf
export FREETDSCONF

# logins LOG - how many logins of each kind tds-sim logged
logins() {
    grep -c "logged in, $2" "$1"
}

# tsql_client SECTION LOG KIND - tsql reads the rows, keeps the connection
# after an error, is refused with 18456 for a wrong password; tds-sim saw
# the login of KIND
tsql_client() {
    before=$(logins "$2" "$3")
    out=$(printf 'SELECT id, naam, email, saldo FROM klanten ORDER BY rij\ngo\nSELECT nope FROM klanten\ngo\nSELECT COUNT(*) AS n FROM klanten\ngo\nexit\n' \
          | tsql -S "$1" -U koppel -P 'Geh€im#1' -D Klanten 2>&1)
    echo "$out"
    printf '%s\n' "$out" | grep -q -e "$(printf '1\tTaquería Ünïcødé € 😀\tjan@devries.nl\t-1234.56')" || return 1
    printf '%s\n' "$out" | grep -q -e "$(printf '2\tO.Brien\tNULL\t0.00')" || return 1
    printf '%s\n' "$out" | grep -q -e "$(printf -- '-7\tNULL\tx@y.z\t-0.05')" || return 1
    printf '%s\n' "$out" | grep -q "Msg 207" || return 1
    printf '%s\n' "$out" | grep -qx "3" || { echo "no answer after the error"; return 1; }
    [ "$(logins "$2" "$3")" -gt "$before" ] || { echo "tds-sim saw no login with $3"; return 1; }
    bad=$(printf 'SELECT 1\ngo\nexit\n' | tsql -S "$1" -U koppel -P fout 2>&1)
    echo "$bad"
    echo "$bad" | grep -q "18456"
}
check "tsql, TLS for the login only (encryption = request)" \
    tsql_client tls-request "$DIR/log/tls.log" "TLS for the login only"
check "tsql, TLS for the whole connection (encryption = require)" \
    tsql_client tls-require "$DIR/log/tls.log" "TLS for the whole connection"
check "tsql, tds-sim without a certificate (no TLS)" \
    tsql_client plain-request "$DIR/log/plain.log" "no TLS"
refused() {
    out=$(printf 'SELECT 1\ngo\nexit\n' | tsql -S plain-require -U koppel -P 'Geh€im#1' 2>&1)
    echo "$out"
    ! echo "$out" | grep -qx "1"
}
check "tsql requiring TLS gives up on a tds-sim without a certificate" refused

pymssql_client() {
    before=$(logins "$DIR/log/tls.log" "TLS for the whole connection")
    FREETDSCONF=$DIR/freetds-global.conf /usr/bin/python3 tests/e2e/tds/pymssql_client.py \
        127.0.0.1 "$TLS_PORT" koppel 'Geh€im#1' Klanten || return 1
    [ "$(logins "$DIR/log/tls.log" "TLS for the whole connection")" -gt "$before" ]
}
check "pymssql over TLS" pymssql_client

tedious_client() {
    log=$1
    shift
    before=$(logins "$log" "$1")
    kind=$1
    shift
    NODE_PATH=$NODE_MODULES node tests/e2e/tds/tedious_client.js 127.0.0.1 "$@" || return 1
    [ "$(logins "$log" "$kind")" -gt "$before" ]
}
if [ -d "$NODE_MODULES/tedious" ]; then
    check "tedious over TLS, queries as RPC (sp_executesql) with typed parameters" \
        tedious_client "$DIR/log/tls.log" "TLS for the whole connection" \
        "$TLS_PORT" koppel 'Geh€im#1' Klanten
    check "tedious without TLS" tedious_client "$DIR/log/plain.log" "no TLS" \
        "$PLAIN_PORT" koppel 'Geh€im#1' Klanten plain
else
    failed=$((failed + 1))
    echo "FAIL tds_clients: tedious is not installed in $NODE_MODULES (make installs it)"
fi

echo "tds_clients: $passed passed, $failed failed"
[ $failed -eq 0 ] && rm -rf "$DIR"
[ $failed -eq 0 ]
