#!/bin/sh
# layers.sh - the Makefile's layers hold: an #include across a forbidden
# boundary fails the build, and each program links only what it may use
#
#   util -> global      a file in common/util that includes "config.h" (global)
#                       does not compile; the same file including "log.h" does
#   fetcher -> snelstart  a file in fetcher/ that includes "snelstart.h" does
#                       not compile; the same file including "source.h" (shop) does
#   xlsxwriter          koppel-fetcher and koppel-booker do not load libxlsxwriter
#                       (ldd); koppelctl, which exports .xlsx, does
#   booker symbols      koppelctl defines none of the symbols of the booker's
#                       archive (nm); koppel-booker does
# The probes are compiled by the Makefile's own rule ($(OBJ)/%.o: %.c, with the
# folder's LAYER_INC) into a scratch BUILD, and the archives and flags are
# asked of the Makefile (make -s print-NAME), so the test follows the Makefile.
# Usage: tests/e2e/layers.sh [BIN]. Prints PASS/FAIL lines; exit 1 on a failure.

BIN=${1:-build/bin}
BUILD=$(dirname "$BIN")
DIR=$(mktemp -d /tmp/koppel-layers.XXXXXX) || exit 1
PROBE=.layers-probe-$$
passed=0
failed=0
# a make run from inside `make e2e` must not try the parent's jobserver
unset MAKEFLAGS MFLAGS MAKELEVEL
trap 'rm -rf "$DIR" "common/util/$PROBE.c" "fetcher/$PROBE.c"' EXIT
trap 'exit 1' INT TERM

# check NAME COMMAND... - run a check, count and print PASS or FAIL
check() {
    name=$1
    shift
    if "$@" >"$DIR/check.out" 2>&1; then
        passed=$((passed + 1))
        echo "PASS layers: $name"
    else
        failed=$((failed + 1))
        echo "FAIL layers: $name"
        sed 's/^/    /' "$DIR/check.out"
    fi
}

# probe FOLDER HEADER - compile FOLDER/PROBE.c, which includes HEADER, by the
# Makefile's rule for that folder; the compiler's words in $DIR/probe.out
probe() {
    # a fresh object each time: the previous probe's may look newer than the source
    rm -f "$DIR/build/obj/$1/$PROBE.o"
    printf '#include "%s"\nint layers_probe(void);\n' "$2" >"$1/$PROBE.c"
    make -s BUILD="$DIR/build" "$DIR/build/obj/$1/$PROBE.o" >"$DIR/probe.out" 2>&1
    st=$?
    rm -f "$1/$PROBE.c"
    return $st
}

# refused FOLDER HEADER - the include fails the build, because HEADER is not
# on the folder's include path
refused() {
    if probe "$1" "$2"; then
        echo "$1/$PROBE.c compiled with #include \"$2\""
        return 1
    fi
    grep -q "$2: No such file" "$DIR/probe.out" || { cat "$DIR/probe.out"; return 1; }
    echo "refused as it should be:"
    cat "$DIR/probe.out"
}

# allowed FOLDER HEADER - the include compiles
allowed() {
    probe "$1" "$2" || { cat "$DIR/probe.out"; return 1; }
}

# not_on_path INC HEADER - no folder of the include flags INC holds HEADER
not_on_path() {
    for flag in $1; do
        [ ! -e "${flag#-I}/$2" ] || { echo "$2 is in ${flag#-I} ($1)"; return 1; }
    done
}

# loads PROGRAM LIBRARY - ldd lists LIBRARY for PROGRAM
loads() {
    ldd "$BIN/$1" >"$DIR/ldd.out" || return 2
    grep -q "$2" "$DIR/ldd.out"
}

# no_xlsxwriter PROGRAM - PROGRAM does not load libxlsxwriter
no_xlsxwriter() {
    loads "$1" libxlsxwriter
    st=$?
    [ $st -eq 1 ] || { echo "$1: ldd says"; cat "$DIR/ldd.out"; return 1; }
}

# defined_symbols FILE - the global symbols FILE (object, archive, program) defines
defined_symbols() {
    nm -g --defined-only "$1" | awk 'NF == 3 && $2 ~ /^[TDBR]$/ { print $3 }' | sort -u
}

# booker_symbols_in PROGRAM - how many symbols of the booker's archive PROGRAM defines
booker_symbols_in() {
    archive=$(make -s BUILD="$BUILD" print-LINK_booker | awk '{ print $1 }')
    case "$archive" in *libbooker.a) ;; *) echo "LINK_booker starts with $archive"; return 1 ;; esac
    defined_symbols "$archive" >"$DIR/booker.sym" || return 1
    [ -s "$DIR/booker.sym" ] || { echo "$archive defines no symbols"; return 1; }
    defined_symbols "$BIN/$1" >"$DIR/program.sym" || return 1
    comm -12 "$DIR/booker.sym" "$DIR/program.sym" >"$DIR/common.sym"
    wc -l <"$DIR/common.sym"
}

# no_booker_symbols PROGRAM - PROGRAM holds nothing of the booker
no_booker_symbols() {
    n=$(booker_symbols_in "$1") || { echo "$n"; return 1; }
    [ "$n" -eq 0 ] || { echo "$1 defines booker symbols:"; cat "$DIR/common.sym"; return 1; }
}

# has_booker_symbols PROGRAM - the nm check can see the booker in a program
has_booker_symbols() {
    n=$(booker_symbols_in "$1") || { echo "$n"; return 1; }
    [ "$n" -gt 0 ] || { echo "$1 defines no symbol of the booker's archive"; return 1; }
}

INC_util=$(make -s print-INC_util)
INC_fetcher=$(make -s print-INC_fetcher)
check "util's include path ($INC_util) has no global header" not_on_path "$INC_util" config.h
check "a common/util file may include a util header" allowed common/util log.h
check "a common/util file that includes \"config.h\" (global) fails to compile" \
    refused common/util config.h
check "fetcher's include path has no snelstart header" not_on_path "$INC_fetcher" snelstart.h
check "a fetcher file may include a shop header" allowed fetcher source.h
check "a fetcher file that includes \"snelstart.h\" fails to compile" refused fetcher snelstart.h
check "koppelctl loads libxlsxwriter (the export)" loads koppelctl libxlsxwriter
check "koppel-fetcher does not load libxlsxwriter" no_xlsxwriter koppel-fetcher
check "koppel-booker does not load libxlsxwriter" no_xlsxwriter koppel-booker
check "koppel-booker defines the booker's symbols" has_booker_symbols koppel-booker
check "koppelctl defines none of the booker's symbols" no_booker_symbols koppelctl
echo "layers: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
