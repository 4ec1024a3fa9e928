#!/bin/sh
# web.sh - koppel-web in a real browser against the simulators and daemons
#
# Starts a slowed globecharge-sim (so that "Bezig" can be seen; generated
# orders and one Belgian order, 5100),
# snelstart-sim, the daemons with a
# koppel.cfg that has no grootboek for omzet and verzendkosten binnen de EU
# btw hoog (so 5100 becomes a dead letter naming that setting), two Linux
# users (one in the test's koppel group, one outside it) with a PAM service
# of pam_unix, and koppel-web; then runs tests/web/test_web.py (headless
# Chromium through chromium-driver and python3-selenium), which takes
# screenshots of each page into $SHOTS (make web-screenshots: docs/web/);
# then that another address than loopback is refused without TLS and
# served over https with a (self-signed) certificate.
# Needs root (useradd, /etc/pam.d, pam_unix reading /etc/shadow).
# Usage: tests/web/web.sh [BIN]; exit 1 on a failure.

BIN=${1:-build/bin}
. tests/e2e/lib.sh
ROOT=${E2E_ROOT:-/tmp/koppel-e2e.$$}
SUFFIX=$$
WEB_GROUP=kwg$SUFFIX
WEB_MEMBER=kwl$SUFFIX
WEB_OUTSIDER=kwb$SUFFIX
PAM_SERVICE=koppel-web-test-$SUFFIX

# cleanup - stop everything, remove the test's users, group and PAM service
cleanup() {
    e2e_stop
    userdel "$WEB_MEMBER" 2>/dev/null
    userdel "$WEB_OUTSIDER" 2>/dev/null
    groupdel "$WEB_GROUP" 2>/dev/null
    rm -f "/etc/pam.d/$PAM_SERVICE"
}
trap cleanup EXIT
trap 'exit 1' INT TERM

if [ "$(id -u)" != 0 ]; then
    echo "FAIL web: needs root (test users, /etc/pam.d, pam_unix reads /etc/shadow)"
    exit 1
fi
for f in /usr/bin/chromium /usr/bin/chromedriver; do
    [ -x $f ] || { echo "FAIL web: $f is missing (make deps)"; exit 1; }
done

e2e_setup "$ROOT/web"
start_globecharge --generate 24 --seed 11 --first-number 5001 \
    --export-relaties "$E2E_DIR/relaties.json" --known-fraction 0.5 --slow-ms 1500 || exit 1
start_snelstart --relaties "$E2E_DIR/relaties.json" || exit 1
sed 's/NUMBER/5100/' tests/web/eu_order.xml | curl -s -X PUT --data-binary @- \
    "$GC_URL/_sim/orders" >/dev/null
write_config 5001
# no grootboek for EU btw hoog omzet and verzendkosten: 5100 cannot be booked
# and five orders a page, so that an import takes a few slow pages
sed -i -e 's/eu = { hoog = 8100; /eu = { /' -e 's/eu = { hoog = 8310; /eu = { /' \
    -e 's/page_size = 50;/page_size = 5;/' "$CFG"
start_pipeline || exit 1

groupadd "$WEB_GROUP" || exit 1
useradd -M -N -s /usr/sbin/nologin -G "$WEB_GROUP" "$WEB_MEMBER" || exit 1
useradd -M -N -s /usr/sbin/nologin "$WEB_OUTSIDER" || exit 1
printf '%s:Boekhouder-2026\n%s:Buitenstaander-2026\n' "$WEB_MEMBER" "$WEB_OUTSIDER" | chpasswd \
    || exit 1
cp tests/web/pam-koppel-web-test "/etc/pam.d/$PAM_SERVICE" || exit 1

WEB_PORT=$(free_port)
"$BIN/koppel-web" --config "$CFG" --listen "127.0.0.1:$WEB_PORT" --pam-service "$PAM_SERVICE" \
    --group "$WEB_GROUP" >"$E2E_DIR/web.out" 2>"$E2E_DIR/log/web.log" &
WEB_PID=$!
E2E_PIDS="$E2E_PIDS $WEB_PID"
i=0
until curl -s -o /dev/null "http://127.0.0.1:$WEB_PORT/login"; do
    i=$((i + 1))
    [ $i -gt 50 ] && { echo "FAIL web: koppel-web does not start"; cat "$E2E_DIR/log/web.log"; exit 1; }
    sleep 0.1
done

export WEB_URL="http://127.0.0.1:$WEB_PORT" WEB_MEMBER WEB_OUTSIDER CFG BIN E2E_DIR GC_URL SS_URL \
    GC_PID WEB_PID
export WEB_MEMBER_PASSWORD=Boekhouder-2026 WEB_OUTSIDER_PASSWORD=Buitenstaander-2026
export SHOTS=${SHOTS:-$E2E_DIR/screenshots}
/usr/bin/python3 tests/web/test_web.py
rc=$?

# another address than loopback: refused without TLS, served with it
if "$BIN/koppel-web" --config "$CFG" --listen "0.0.0.0:$(free_port)" >/dev/null \
       2>"$E2E_DIR/log/web-notls.log"; then
    echo "FAIL web: koppel-web served 0.0.0.0 without TLS"; rc=1
elif grep -q "needs TLS" "$E2E_DIR/log/web-notls.log"; then
    echo "PASS web: another address than loopback is refused without TLS"
else
    echo "FAIL web: no reason given for refusing 0.0.0.0:"; cat "$E2E_DIR/log/web-notls.log"; rc=1
fi
openssl req -x509 -newkey rsa:2048 -nodes -keyout "$E2E_DIR/web-key.pem" \
    -out "$E2E_DIR/web-cert.pem" -subj /CN=localhost -days 1 >/dev/null 2>&1 || rc=1
TLS_PORT=$(free_port)
"$BIN/koppel-web" --config "$CFG" --listen "0.0.0.0:$TLS_PORT" \
    --tls-certificate "$E2E_DIR/web-cert.pem" --tls-key "$E2E_DIR/web-key.pem" \
    2>"$E2E_DIR/log/web-tls.log" &
E2E_PIDS="$E2E_PIDS $!"
i=0
until curl -sk -o /dev/null "https://127.0.0.1:$TLS_PORT/login"; do
    i=$((i + 1))
    [ $i -gt 50 ] && break
    sleep 0.1
done
if curl -sk "https://127.0.0.1:$TLS_PORT/login" | grep -q 'id="login"' \
   && ! curl -s -o /dev/null "http://127.0.0.1:$TLS_PORT/login" 2>/dev/null; then
    echo "PASS web: with a certificate and key it serves https, and no plain http"
else
    echo "FAIL web: https on 0.0.0.0:$TLS_PORT"; cat "$E2E_DIR/log/web-tls.log"; rc=1
fi
exit $rc
