#!/bin/sh
# version.sh - every program says it is koppel and which version
#
#   --version   each daemon, koppelctl, koppel-web and each simulator prints "koppel" and
#               the Makefile's VERSION (make -s print-VERSION) and exits 0
#   tarball     without .git the Makefile takes the version from the VERSION
#               file (a copy of Makefile and VERSION in a scratch folder)
# Usage: tests/e2e/version.sh [BIN]. Prints PASS/FAIL lines; exit 1 on a failure.

BIN=${1:-build/bin}
DIR=$(mktemp -d /tmp/koppel-version.XXXXXX) || exit 1
passed=0
failed=0
# a make run from inside `make e2e` must not try the parent's jobserver
unset MAKEFLAGS MFLAGS MAKELEVEL
trap 'rm -rf "$DIR"' EXIT
trap 'exit 1' INT TERM

# check NAME COMMAND... - run a check, count and print PASS or FAIL
check() {
    name=$1
    shift
    if "$@" >"$DIR/check.out" 2>&1; then
        passed=$((passed + 1))
        echo "PASS version: $name"
    else
        failed=$((failed + 1))
        echo "FAIL version: $name"
        sed 's/^/    /' "$DIR/check.out"
    fi
}

# says_version PROGRAM - PROGRAM --version names koppel and $VERSION
says_version() {
    out=$("$BIN/$1" --version) || { echo "$1 --version exited $?: $out"; return 1; }
    case "$out" in
    *koppel*" $VERSION") ;;
    *) echo "$1 --version says \"$out\", not koppel and $VERSION"; return 1 ;;
    esac
}

# tarball_version - the version of a source tree without .git is the VERSION file
tarball_version() {
    mkdir "$DIR/tree" && cp Makefile VERSION "$DIR/tree/" || return 1
    got=$(make -s -C "$DIR/tree" print-VERSION) || return 1
    [ "$got" = "$(cat VERSION)" ] || { echo "without .git: \"$got\", VERSION holds $(cat VERSION)"; return 1; }
}

VERSION=$(make -s print-VERSION)
case "$VERSION" in
""|unknown) echo "FAIL version: the Makefile knows no version (\"$VERSION\")"; exit 1 ;;
esac
for p in koppel-fetcher koppel-matcher koppel-booker koppel-scheduler koppelctl koppel-web \
         globecharge-sim snelstart-sim tds-sim woocommerce-sim; do
    check "$p --version says koppel $VERSION" says_version "$p"
done
check "without .git the version is the VERSION file's" tarball_version
echo "version: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
