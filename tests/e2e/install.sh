#!/bin/sh
# install.sh - make install into a temporary DESTDIR, check what landed
# where, and let systemd-analyze verify the installed units.
#
# usage: sh tests/e2e/install.sh   (from the repository root; builds first)
# Needs systemd-analyze (package systemd); works without a running systemd.
set -eu
repo=$(cd "$(dirname "$0")/../.." && pwd)
tmp=$(mktemp -d /tmp/koppel-install-XXXXXX)
trap 'rm -rf "$tmp"' EXIT INT TERM
fail() { echo "install.sh: FAIL: $*" >&2; exit 1; }

command -v systemd-analyze >/dev/null || fail "systemd-analyze missing: apt-get install systemd"
make -C "$repo" -s -j2 install DESTDIR="$tmp" PREFIX=/usr UNITDIR=/lib/systemd/system \
    >"$tmp.log" 2>&1 || { cat "$tmp.log"; rm -f "$tmp.log"; fail "make install"; }
rm -f "$tmp.log"

for f in usr/sbin/koppel-scheduler usr/sbin/koppel-fetcher usr/sbin/koppel-matcher \
         usr/sbin/koppel-booker usr/sbin/koppelctl usr/sbin/koppel-web \
         etc/pam.d/koppel-web lib/systemd/system/koppel-web.service \
         usr/share/man/man8/koppel-web.8 usr/share/doc/koppel/web.md \
         lib/systemd/system/koppel-scheduler.service lib/systemd/system/koppel-fetcher.service \
         lib/systemd/system/koppel-booker.service lib/systemd/system/koppel-matcher@.service \
         lib/systemd/system/koppel.target usr/lib/sysusers.d/koppel.conf \
         usr/share/man/man8/koppelctl.8 usr/share/man/man8/koppel-fetcher.8 \
         usr/share/man/man8/koppel-matcher.8 usr/share/man/man8/koppel-booker.8 \
         usr/share/man/man8/koppel-scheduler.8 usr/share/man/man5/koppel.cfg.5 \
         etc/koppel/koppel.cfg usr/share/doc/koppel/koppel.cfg.example; do
    [ -e "$tmp/$f" ] || fail "$f not installed"
done
[ -x "$tmp/usr/sbin/koppelctl" ] || fail "koppelctl not executable"
mode=$(stat -c %a "$tmp/etc/koppel/koppel.cfg")
[ "$mode" = 640 ] || fail "etc/koppel/koppel.cfg has mode $mode, expected 640 (it holds secrets)"
mode=$(stat -c %a "$tmp/etc/koppel")
[ "$mode" = 750 ] || fail "etc/koppel has mode $mode, expected 750"
grep -q '^        enabled = false;' "$tmp/etc/koppel/koppel.cfg" \
    || fail "the installed koppel.cfg's example profile is not switched off (enabled = false)"
grep -q '@SBINDIR@' "$tmp"/lib/systemd/system/koppel* && fail "@SBINDIR@ left in a unit"
grep -q '^ExecStart=/usr/sbin/koppel-matcher --instance %i$' \
    "$tmp/lib/systemd/system/koppel-matcher@.service" || fail "matcher template ExecStart"

# a second install keeps the configuration the administrator edited
echo "# edited" >> "$tmp/etc/koppel/koppel.cfg"
make -C "$repo" -s install DESTDIR="$tmp" PREFIX=/usr UNITDIR=/lib/systemd/system >/dev/null 2>&1
grep -q '^# edited$' "$tmp/etc/koppel/koppel.cfg" || fail "make install overwrote koppel.cfg"

# verify: the units name /usr/sbin/..., which exists only inside DESTDIR, and
# --root wants a whole system under it; so verify copies whose ExecStart
# points into DESTDIR. Man pages are checked with man -l below instead.
mkdir "$tmp/verify"
for u in koppel-scheduler.service koppel-fetcher.service koppel-booker.service \
         koppel-matcher@.service koppel-web.service koppel.target; do
    sed "s|^ExecStart=/usr/sbin/|ExecStart=$tmp/usr/sbin/|" \
        "$tmp/lib/systemd/system/$u" > "$tmp/verify/$u"
done
out=$(cd "$tmp/verify" && systemd-analyze verify --man=no --generators=no \
      koppel-scheduler.service koppel-fetcher.service koppel-booker.service \
      koppel-matcher@1.service koppel-matcher@2.service koppel-web.service koppel.target 2>&1) \
    || { echo "$out"; fail "systemd-analyze verify"; }
# verify exits 0 on some findings; any line naming our units is one
if echo "$out" | grep -i 'koppel' >/dev/null; then
    echo "$out"; fail "systemd-analyze verify reported on the units"
fi

# without DESTDIR make install creates the user and group koppel and gives
# the configuration to that group, so that the daemons (User=koppel) can read
# it. This creates a real system user koppel, so it runs only as root; every
# path but the user lives under a scratch PREFIX and CONFDIR.
if [ "$(id -u)" = 0 ]; then
    live=$tmp/live
    chmod 0755 "$tmp"
    make -C "$repo" -s install PREFIX="$live/usr" CONFDIR="$live/etc/koppel" \
        UNITDIR="$live/units" SYSUSERSDIR="$live/usr/lib/sysusers.d" \
        >"$tmp/live.log" 2>&1 || { cat "$tmp/live.log"; fail "make install without DESTDIR"; }
    getent passwd koppel >/dev/null || fail "make install did not create the user koppel"
    getent group koppel >/dev/null || fail "make install did not create the group koppel"
    own=$(stat -c '%U:%G %a' "$live/etc/koppel")
    [ "$own" = "root:koppel 750" ] || fail "etc/koppel is $own, expected root:koppel 750"
    own=$(stat -c '%U:%G %a' "$live/etc/koppel/koppel.cfg")
    [ "$own" = "root:koppel 640" ] || fail "koppel.cfg is $own, expected root:koppel 640"
    chmod 0755 "$live" "$live/etc" "$live/usr" "$live/usr/sbin"
    out=$(runuser -u koppel -- "$live/usr/sbin/koppelctl" --config "$live/etc/koppel/koppel.cfg" \
          profiles 2>&1) || { echo "$out"; fail "the user koppel cannot read the installed koppel.cfg"; }
    echo "$out" | grep -q voorbeeld || { echo "$out"; fail "koppelctl profiles as koppel"; }
    echo "install.sh: make install created koppel:koppel; /etc/koppel root:koppel 0750, koppel.cfg 0640"
else
    echo "install.sh: SKIP user creation and ownership (needs root)"
fi

if command -v man >/dev/null; then
    for m in "$tmp"/usr/share/man/man8/*.8 "$tmp"/usr/share/man/man5/*.5; do
        w=$(MANWIDTH=80 man -l "$m" 2>&1 >/dev/null) || fail "man -l $m"
        [ -z "$w" ] || { echo "$w"; fail "man page warnings in $m"; }
    done
fi
echo "install.sh: ok (units verified by systemd-analyze)"
