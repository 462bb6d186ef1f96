#!/bin/sh
# layers.t: the dependency rules of docs/HACKING.md, read from the sources'
# includes and the built library's symbols (nm) as that file's checks read
# them: no include circle among src/ files, no call circle among the
# library's objects (an edge A B when A's object uses a function or
# variable B's defines), none among src/tui/'s in particular, and no pane
# naming a TUI file above it (tui.c, relay.c, input.c, session.c,
# layout.c), which it reaches only through t->ops. A module's internal
# header including its public one (foo-int.h, foo.h) is no circle.

. "$TOP_SRCDIR/tests/tap.sh"

tap_require_cmd nm tsort awk
lib=$TOP_BUILDDIR/src/libptinspect.a
[ -f "$lib" ] || tap_skip_all "$lib is not built"

# Reads "A B" edges; prints the files of the circles tsort finds, if any.
loops()
{
	tsort 2>&1 >/dev/null | sed -n 's/^tsort: //p' |
	    grep -v 'input contains a loop' | awk '!seen[$0]++' | tr '\n' ' '
}

# "A B SYMBOL": A's object uses SYMBOL, which B's object defines.
nm -A "$lib" |
    sed 's/^[^:]*:\(libptinspect_a-\)\{0,1\}//; s/\.o:/ /' |
    awk 'NF == 3 && $2 == "U" { use[$1 " " $3] = 1 }
	NF == 4 && $3 ~ /^[TDBR]$/ { def[$4] = $1 }
	END { for (k in use) { split(k, a, " "); f = def[a[2]]
	    if (f != "" && f != a[1]) print a[1], f, a[2] } }' |
    sort -u >"$TAP_TMP/uses"
awk '{ print $1, $2 }' "$TAP_TMP/uses" | sort -u >"$TAP_TMP/calls"

n=$(wc -l <"$TAP_TMP/calls")
if [ "$n" -gt 100 ] && grep -q '^pane-hex bars tui_put$' "$TAP_TMP/uses"
then
	tap_pass "nm reads the library's calls ($n edges)"
else
	tap_fail "nm reads the library's calls ($n edges)"
	tap_diag "expected over 100 edges, pane-hex using bars.c's tui_put"
fi

# "A B": A.c or A.h includes B.h (paths under src/, no extension).
(cd "$TOP_SRCDIR/src" &&
    awk 'FNR == 1 { me = FILENAME; sub(/\.[ch]$/, "", me) }
	/^#include "/ { inc = $2; gsub(/"/, "", inc); sub(/\.h$/, "", inc)
	    if (inc != me && inc != "config") print me, inc }' \
    *.[ch] tui/*.[ch]) | awk '$1 != $2 "-int"' | sort -u >"$TAP_TMP/includes"
tap_is "$(loops <"$TAP_TMP/includes")" "" \
    "no include circle among src/ files"

tap_is "$(loops <"$TAP_TMP/calls")" "" \
    "no call circle among the library's objects"

tui=$(for f in "$TOP_SRCDIR"/src/tui/*.c; do basename "$f" .c; done)
awk -v files="$tui" 'BEGIN { n = split(files, f, "\n")
	for (i = 1; i <= n; i++) in_tui[f[i]] = 1 }
    in_tui[$1] && in_tui[$2]' "$TAP_TMP/calls" >"$TAP_TMP/tui-calls"
tap_isnt "$(cat "$TAP_TMP/tui-calls")" "" "src/tui/'s objects call each other"
tap_is "$(loops <"$TAP_TMP/tui-calls")" "" \
    "no call circle among src/tui/'s objects"

up=$(awk '$1 ~ /^pane-/ && $2 ~ /^(tui|relay|input|session|layout)$/ {
	print $1 " uses " $3 " (" $2 ".c)" }' "$TAP_TMP/uses")
tap_is "$up" "" "no pane names a TUI file above it"

# The check itself: one call back up from the bottom closes a circle.
tap_isnt "$( (cat "$TAP_TMP/tui-calls"; echo "bars session") | loops)" "" \
    "a call from bars.c up to session.c would be a circle found"

tap_done
