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

if command -v man >/dev/null; then
    for m in "$tmp"/usr/share/man/man8/*.8 "$tmp"/usr/share/man/man5/*.5; do
        w=$(MANWIDTH=80 man -l "$m" 2>&1 >/dev/null) || fail "man -l $m"
        [ -z "$w" ] || { echo "$w"; fail "man page warnings in $m"; }
    done
fi
echo "install.sh: ok (units verified by systemd-analyze)"
