#!/bin/sh
# admins.sh - SnelStart administrations of type sql, lokaal and mdb end to end
#
#   tsql        FreeTDS's own client reads rows from tds-sim and gets error
#               18456 for a wrong password
#   explain     koppel-matcher --explain --config --profile recognises the
#               customer of an order for a profile of each type: sql and
#               lokaal against tds-sim with SnelStart's desktop tables
#               (tblRelatie, tblLand, tblGrootboek, tblGrootboekFunctie) read
#               with the schema map's defaults: the country through tblLand,
#               a cc invoice address, a leverancier that is no klant; mdb
#               against a copy of Northwind (../shared/testdata/nwind.mdb)
#               with a schema map (no tool here writes MDB files, so there is
#               no SnelStart-shaped MDB to test)
#   admins      koppelctl admins lists the databases and the MDB files
#   sql-servers koppelctl sql-servers finds tds-sim's Browser answer (loopback)
#   test-connection  all OK for good settings (exit 0); a specific message and
#               exit 1 for: unknown host, wrong password, missing database,
#               missing MDB file, missing table, missing column (named),
#               missing join table, unreadable table, wrong API key, a SQL
#               server without encryption ("biedt geen versleuteling"), a
#               certificate that does not verify; sql_encryption = "off"
#               reaches a server without encryption
#   encryption  every koppel login to tds-sim was TLS for the whole connection
# Usage: tests/e2e/admins.sh [BIN]. Prints PASS/FAIL lines; exit 1 on a failure.

BIN=${1:-build/bin}
. tests/e2e/lib.sh
DIR=${E2E_ROOT:-/tmp/koppel-admins.$$}
passed=0
failed=0
trap e2e_stop EXIT INT TERM

# check NAME COMMAND... - run a check, count and print PASS or FAIL
check() {
    name=$1
    shift
    if "$@" >"$DIR/check.out" 2>&1; then
        passed=$((passed + 1))
        echo "PASS admins: $name"
    else
        failed=$((failed + 1))
        echo "FAIL admins: $name"
        sed 's/^/    /' "$DIR/check.out"
    fi
}

# nwind - the shared Northwind database, beside the repository
NWIND=""
for f in "${KOPPEL_TESTDATA:-/nonexistent}/nwind.mdb" ../shared/testdata/nwind.mdb \
         ../../shared/testdata/nwind.mdb /work/shared/testdata/nwind.mdb; do
    [ -r "$f" ] && { NWIND=$f; break; }
done

e2e_setup "$DIR"
start_globecharge --generate 1 --seed 1 || { echo "FAIL admins: globecharge-sim"; exit 1; }
echo '[]' >"$DIR/relaties.json"
start_snelstart --relaties "$DIR/relaties.json" || { echo "FAIL admins: snelstart-sim"; exit 1; }

# a SnelStart desktop administration for tds-sim, in the tables and columns
# the schema map's defaults name (docs/administrations.md); fldRelatieSoort
# 1 = klant, 2 = leverancier, 3 = both
sqlite3 "$DIR/Administratie.sqlite" <<'SQL' || exit 1
CREATE TABLE tblLand(fldLandID INT, fldCode NVARCHAR(2), fldNaam NVARCHAR(50));
INSERT INTO tblLand VALUES (1, 'NL', 'Nederland'), (2, 'MX', 'Mexico'), (3, 'BE', 'België');
CREATE TABLE tblRelatie(fldRelatieID INT, fldRelatieSoort INT, fldRelatiecode INT,
    fldNaam NVARCHAR(50), fldEmail NVARCHAR(100), fldFactuurEmailAdres NVARCHAR(100),
    fldFactuurCcEmailAdres NVARCHAR(100), fldPostcode NVARCHAR(25), fldLandID INT,
    fldBtwNummer NVARCHAR(50), fldKvkNummer NVARCHAR(20), fldNonactief BIT);
INSERT INTO tblRelatie VALUES
 (1, 1, 1001, 'Bakkerij De Vries B.V.', 'jan@devries.nl', NULL, NULL, '3511 AB', 1,
  'NL001234560B01', '12345678', 0),
 (2, 3, 1002, 'Taquería México', 'info@taqueria.mx', NULL, 'boekhouding@taqueria.mx', NULL, 2,
  NULL, NULL, 0),
 (3, 1, 1003, 'O''Brien Ltd', NULL, NULL, NULL, NULL, NULL, NULL, NULL, 1),
 (4, 2, 1004, 'Leverancier B.V.', 'inkoop@leverancier.nl', NULL, NULL, '1234 AB', 1,
  NULL, NULL, 0);
CREATE TABLE tblGrootboekFunctie(fldGrootboekFunctieID INT, fldOmschrijving NVARCHAR(50),
    fldRekeningCode NVARCHAR(20));
INSERT INTO tblGrootboekFunctie VALUES (1, 'Omzet', 'WinstEnVerlies'), (2, 'Debiteuren', 'Balans');
CREATE TABLE tblGrootboek(fldGrootboekID INT, fldNummer INT, fldOmschrijving NVARCHAR(50),
    fldGrootboekFunctieID INT, fldNonactief BIT);
INSERT INTO tblGrootboek VALUES (1, 8000, 'Omzet hoog', 1, 0), (2, 1300, 'Debiteuren', 2, 0);
CREATE TABLE Geheim(fldGrootboekID INT, fldNummer INT, fldOmschrijving NVARCHAR(50),
    fldGrootboekFunctieID INT, fldNonactief BIT);
SQL
cp "$DIR/Administratie.sqlite" "$DIR/Tweede.sqlite"
# tds-sim with a certificate for 127.0.0.1 (koppel requires encryption and
# checks the certificate: sql_ca_file below names this one), and a second
# one without, which koppel must refuse
openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=localhost \
    -addext subjectAltName=IP:127.0.0.1,DNS:localhost \
    -keyout "$DIR/key.pem" -out "$DIR/cert.pem" >/dev/null 2>&1 \
    || { echo "FAIL admins: openssl cannot make a certificate"; exit 1; }
"$BIN/tds-sim" --listen 127.0.0.1:0 --db "$DIR/Administratie.sqlite" --db "$DIR/Tweede.sqlite" \
    --user S-Connect --password 'Connect#Snel$tart$2014' --deny Geheim \
    --tls-cert "$DIR/cert.pem" --tls-key "$DIR/key.pem" \
    --browser 127.0.0.1:0 >"$DIR/log/tds-sim.log" 2>&1 &
E2E_PIDS="$E2E_PIDS $!"
"$BIN/tds-sim" --listen 127.0.0.1:0 --db "$DIR/Administratie.sqlite" \
    --user S-Connect --password 'Connect#Snel$tart$2014' >"$DIR/log/tds-sim-plain.log" 2>&1 &
E2E_PIDS="$E2E_PIDS $!"
i=0
until grep -q "listening on" "$DIR/log/tds-sim.log" 2>/dev/null \
      && grep -q "listening on" "$DIR/log/tds-sim-plain.log" 2>/dev/null; do
    i=$((i + 1)); [ $i -gt 50 ] && { echo "FAIL admins: tds-sim does not start"; exit 1; }
    sleep 0.1
done
TDS=127.0.0.1:$(sed -n 's/.*listening on 127.0.0.1:\([0-9]*\).*/\1/p' "$DIR/log/tds-sim.log")
PLAIN=127.0.0.1:$(sed -n 's/.*listening on 127.0.0.1:\([0-9]*\).*/\1/p' "$DIR/log/tds-sim-plain.log")
# the MDB folder is laid out as WSL 2 shows a Windows folder (docs/operations.md,
# "Windows"): under /mnt/c, with a space in a name
MDBDIR="$DIR/mnt/c/Users/Public/Documents/SnelStart 12/Administraties"
mkdir -p "$MDBDIR"
[ -n "$NWIND" ] && cp "$NWIND" "$MDBDIR/nwind.mdb"

# profile NAME RECOGNITION SNELSTART-SETTINGS - one profile of the configuration
profile() {
    cat <<CFG
    { name = "$1";
      shop = { url = "$GC_URL"; username = "winkelier"; password = "geheim-shop-wachtwoord";
               insecure_http = true; };
      snelstart = { api_url = "$SS_URL/v2"; auth_url = "$SS_URL/b2b/token"; insecure_http = true;
                    client_key = "geheime-client-key"; subscription_key = "geheime-subscription-key";
                    $3 };
      customers = { recognition = "$2"; }; }
CFG
}
SQLLOGIN="sql_user = \"S-Connect\"; sql_password = \"Connect#Snel\$tart\$2014\"; sql_ca_file = \"$DIR/cert.pem\";"
NWMAP='schema = { relaties = "Customers"; relatie_id = "CustomerID"; relatie_code = "";
        relatie_naam = "CompanyName"; relatie_email = ""; relatie_factuur_email = "";
        relatie_postcode = "PostalCode"; relatie_land = ""; relatie_btw = ""; relatie_kvk = "";
        relatie_nonactief = ""; relatie_klant = ""; relatie_modified = "";
        grootboeken = "Products"; grootboek_id = "ProductID"; grootboek_nummer = "ProductID";
        grootboek_omschrijving = "ProductName"; grootboek_nonactief = "Discontinued";
        grootboek_soort = "QuantityPerUnit"; relatie_factuur_cc_email = "";
        landen = ""; grootboekfuncties = ""; };'
CFG=$DIR/koppel.cfg
{
    echo "koppel = { state_dir = \"$DIR/state\"; };"
    echo "profiles = ("
    profile sql email "type = \"sql\"; sql_server = \"$TDS\"; database = \"Administratie\"; $SQLLOGIN"; echo ","
    profile lokaal email "type = \"lokaal\"; folder = \"$DIR\"; administration = \"Tweede\"; sql_server = \"$TDS\"; $SQLLOGIN"; echo ","
    profile mdb slim "type = \"mdb\"; folder = \"$MDBDIR\"; administration = \"nwind\"; $NWMAP"; echo ","
    profile badhost email "type = \"sql\"; sql_server = \"nosuchhost.invalid:1433\"; database = \"Administratie\"; $SQLLOGIN"; echo ","
    profile badpass email "type = \"sql\"; sql_server = \"$TDS\"; database = \"Administratie\"; sql_user = \"S-Connect\"; sql_password = \"fout\"; sql_ca_file = \"$DIR/cert.pem\";"; echo ","
    profile plain email "type = \"sql\"; sql_server = \"$PLAIN\"; database = \"Administratie\"; $SQLLOGIN"; echo ","
    profile plainoff email "type = \"sql\"; sql_server = \"$PLAIN\"; database = \"Administratie\"; $SQLLOGIN sql_encryption = \"off\";"; echo ","
    profile selfsigned email "type = \"sql\"; sql_server = \"$TDS\"; database = \"Administratie\"; sql_user = \"S-Connect\"; sql_password = \"Connect#Snel\$tart\$2014\";"; echo ","
    profile baddb email "type = \"sql\"; sql_server = \"$TDS\"; database = \"Bestaat niet\"; $SQLLOGIN"; echo ","
    profile badfile email "type = \"mdb\"; folder = \"$MDBDIR\"; administration = \"Weg\"; $NWMAP"; echo ","
    profile badtable email "type = \"sql\"; sql_server = \"$TDS\"; database = \"Administratie\"; $SQLLOGIN schema = { relaties = \"Klanten\"; };"; echo ","
    profile badcolumn email "type = \"sql\"; sql_server = \"$TDS\"; database = \"Administratie\"; $SQLLOGIN schema = { relatie_email = \"fldEmailAdres\"; };"; echo ","
    profile badjoin email "type = \"sql\"; sql_server = \"$TDS\"; database = \"Administratie\"; $SQLLOGIN schema = { landen = \"tblLanden\"; };"; echo ","
    profile denied email "type = \"sql\"; sql_server = \"$TDS\"; database = \"Administratie\"; $SQLLOGIN schema = { grootboeken = \"Geheim\"; };" | sed 's/geheime-client-key/geheime-client-key/'; echo ","
    profile badkey email "type = \"sql\"; sql_server = \"$TDS\"; database = \"Administratie\"; $SQLLOGIN" | sed 's/client_key = "geheime-client-key"/client_key = "verkeerd"/'
    echo ");"
} >"$CFG"

ORDER=tests/fixtures/feed/order-10423.xml
sed -e 's|<company>Bakkerij De Vries B.V.</company>|<company>Antonio Moreno Taquería</company>|' \
    -e 's|jan@devries.nl|antonio@example.mx|' -e 's|<postcode>3511 AB</postcode>|<postcode>05023</postcode>|' \
    -e 's|<country>NL</country>|<country>MX</country>|' -e '/vatNumber\|cocNumber\|Klantnummer/d' \
    "$ORDER" >"$DIR/order-mx.xml"
sed -e 's|jan@devries.nl|boekhouding@taqueria.mx|' "$ORDER" >"$DIR/order-cc.xml"
sed -e 's|jan@devries.nl|inkoop@leverancier.nl|' -e '/Klantnummer/d' "$ORDER" >"$DIR/order-lev.xml"

# tsql_reads - FreeTDS's own client logs in to tds-sim and reads rows, NULLs
# and a wrong password's error 18456
tsql_reads() {
    host=${TDS%:*} port=${TDS#*:}
    out=$(printf 'USE Administratie\ngo\nSELECT fldRelatiecode, fldNaam, fldEmail FROM tblRelatie ORDER BY fldRelatiecode\ngo\nexit\n' \
          | tsql -H "$host" -p "$port" -U S-Connect -P 'Connect#Snel$tart$2014' 2>&1)
    echo "$out"
    echo "$out" | grep -q "1001" || return 1
    bad=$(printf 'SELECT 1\ngo\nexit\n' | tsql -H "$host" -p "$port" -U S-Connect -P fout 2>&1)
    echo "$bad"
    echo "$bad" | grep -q "18456"
}

# explain PROFILE ORDER PATTERN - the decision printed matches PATTERN
explain() {
    out=$("$BIN/koppel-matcher" --explain "$2" --config "$CFG" --profile "$1") || { echo "$out"; return 1; }
    echo "$out"
    echo "$out" | grep -q "$3"
}
check "tsql (FreeTDS) reads tds-sim and gets 18456 for a wrong password" tsql_reads
check "sql: explain recognises relatie 1001 by e-mail" \
    explain sql "$ORDER" '"decision": *"existing".*"relatiecode": *1001'
check "lokaal: explain recognises relatie 1001 by e-mail" \
    explain lokaal "$ORDER" '"decision": *"existing".*"relatiecode": *1001'
check "sql: a cc invoice address (fldFactuurCcEmailAdres) recognises relatie 1002" \
    explain sql "$DIR/order-cc.xml" '"decision": *"existing".*"relatiecode": *1002'
check "sql: a leverancier (fldRelatieSoort 2) is no klant: a new relatie" \
    explain sql "$DIR/order-lev.xml" '"decision": *"new"'
if [ -n "$NWIND" ]; then
    check "mdb: explain recognises Antonio Moreno Taquería (Northwind) by name" \
        explain mdb "$DIR/order-mx.xml" '"decision": *"existing".*Antonio Moreno Taquería'
else
    echo "SKIP admins: mdb checks: nwind.mdb not found beside the repository (../shared/testdata)"
fi

# admins PROFILE NAME - koppelctl admins lists NAME
admins() {
    "$BIN/koppelctl" --config "$CFG" admins "$1" | tee /dev/stderr | grep -qx "$2"
}
check "admins: the databases on the SQL server" admins sql Tweede
[ -n "$NWIND" ] && check "admins: the MDB files in the folder" admins mdb nwind

BROWSER=$(sed -n 's/.*browser on 127.0.0.1:\([0-9]*\).*/\1/p' "$DIR/log/tds-sim.log")
sqlservers() {
    "$BIN/koppelctl" sql-servers 127.0.0.1 --port "$BROWSER" --timeout 500 | tee /dev/stderr \
        | grep -q "TDSSIM.*tcp ${TDS#127.0.0.1:}"
}
check "sql-servers: tds-sim answers the Browser protocol on loopback" sqlservers

# connection PROFILE EXIT PATTERN - test-connection exits EXIT and prints PATTERN
connection() {
    out=$("$BIN/koppelctl" --config "$CFG" test-connection "$1")
    rc=$?
    echo "$out"
    [ $rc -eq "$2" ] && echo "$out" | grep -q -- "$3" || return 1
    ! echo "$out" | grep -q 'Connect#Snel\|geheim'
}
check "test-connection: sql all OK" connection sql 0 "administration: OK"
check "test-connection: lokaal all OK" connection lokaal 0 "api: OK"
[ -n "$NWIND" ] && check "test-connection: mdb all OK" connection mdb 0 "administration: OK (type mdb"
check "test-connection: unknown host" connection badhost 1 "administration: FAILED: SQL-server \"[^\"]*\": onbekende host .*; controleer de SQL-server bij Instellingen > Koppeling SnelStart"
check "test-connection: wrong password" connection badpass 1 "administration: FAILED: .*verkeerde gebruikersnaam of wachtwoord; controleer de SQL-gebruiker en het SQL-wachtwoord"
check "test-connection: missing database" connection baddb 1 'administration: FAILED: .*administratie (database) "Bestaat niet" bestaat niet'
check "test-connection: missing MDB file" connection badfile 1 "administration: FAILED: MDB-bestand .*Weg.mdb is niet te lezen"
check "test-connection: missing table" connection badtable 1 "administration: FAILED: .*tabel Klanten bestaat niet;.* noem de tabel in snelstart.schema"
check "test-connection: missing column, named" connection badcolumn 1 "administration: FAILED: .*tabel tblRelatie heeft geen kolom fldEmailAdres; noem de kolom"
check "test-connection: missing join table (landen)" connection badjoin 1 "administration: FAILED: .*tabel tblLanden bestaat niet"
check "test-connection: unreadable table" connection denied 1 "administration: FAILED: .*geen leesrecht (SELECT)"
check "test-connection: wrong API key" connection badkey 1 "api: FAILED: verkeerde client key"
check "test-connection: a SQL server without encryption is refused, saying so" \
    connection plain 1 "administration: FAILED: .*biedt geen versleuteling"
check "test-connection: sql_encryption = \"off\" reaches a test server without encryption" \
    connection plainoff 0 "administration: OK"
check "test-connection: a certificate that does not verify is refused" \
    connection selfsigned 1 "administration: FAILED: .*het TLS-certificaat klopt niet"
# every_login_encrypted - tds-sim saw koppel's logins with TLS throughout
# (the others are tsql's two, at FreeTDS's default of TLS for the login
# only), and the server without encryption only the sql_encryption = off one
every_login_encrypted() {
    grep "logged in" "$DIR/log/tds-sim.log" | sort | uniq -c
    grep "logged in" "$DIR/log/tds-sim-plain.log" | sort | uniq -c
    whole=$(grep -c "logged in, TLS for the whole connection" "$DIR/log/tds-sim.log")
    other=$(grep "logged in" "$DIR/log/tds-sim.log" | grep -vc "TLS for the whole connection")
    [ "$whole" -ge 10 ] && [ "$other" -le 2 ] \
        && [ "$(grep -c "logged in" "$DIR/log/tds-sim-plain.log")" -le 1 ]
}
check "tds-sim: koppel's logins were encrypted throughout" every_login_encrypted
check "snelstart-sim: every request body valid against the OpenAPI file" snelstart_valid

echo "admins: $passed passed, $failed failed"
[ $failed -eq 0 ]
