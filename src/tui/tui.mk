# src/tui/tui.mk: the ncurses interface, its tmux-driven tests, screenshots
# and redraw benchmark (owner: tui).
src_libptinspect_a_SOURCES += \
	src/tui/tui.c src/tui/tui.h src/tui/pane.h src/tui/tui-int.h \
	src/tui/layout.c src/tui/bars.c src/tui/prompt.c src/tui/popup.c \
	src/tui/input.c src/tui/relay.c src/tui/session.c \
	src/tui/pane-hex.c src/tui/pane-inspector.c src/tui/pane-regs.c \
	src/tui/pane-regions.c src/tui/pane-threads.c src/tui/pane-output.c \
	src/tui/pane-procs.c src/tui/pane-help.c \
	src/tui/format.c src/tui/format.h \
	src/tui/pty.c src/tui/pty.h

# Unit test of the terminal-free formatting.
check_PROGRAMS += tests/tui/test-format
TESTS += tests/tui/test-format
tests_tui_test_format_SOURCES = tests/tui/test-format.c
tests_tui_test_format_CFLAGS = $(PTI_TOOL_CFLAGS_)
tests_tui_test_format_LDFLAGS = $(PTI_TOOL_LDFLAGS_)
tests_tui_test_format_LDADD = src/libptinspect.a $(PTI_TEST_LIBS)


# Tracee programs of the TUI tests (plain AM_CFLAGS: no sanitizers).
check_PROGRAMS += tests/tui/progs/tui-live tests/tui/progs/tui-crash \
	tests/tui/progs/tui-data tests/tui/progs/tui-fork \
	tests/tui/progs/tui-threads
tests_tui_progs_tui_threads_CFLAGS = $(AM_CFLAGS) -g -O0 -pthread
tests_tui_progs_tui_threads_LDADD = -lpthread
tests_tui_progs_tui_fork_CFLAGS = $(AM_CFLAGS) -g -O0
tests_tui_progs_tui_data_CFLAGS = $(AM_CFLAGS) -g -O0
tests_tui_progs_tui_live_CFLAGS = $(AM_CFLAGS) -g -O0
tests_tui_progs_tui_crash_CFLAGS = $(AM_CFLAGS) -g -O0

# The TUI tests: the real binary in a detached tmux (see tui-lib.sh).
tui_tests = tests/tui/nav.t tests/tui/live.t tests/tui/crash.t \
	tests/tui/edit.t tests/tui/noterm.t tests/tui/after.t tests/tui/signals.t \
	tests/tui/threads.t \
	tests/tui/resize.t tests/tui/procs.t
TESTS += $(tui_tests)
EXTRA_DIST += $(tui_tests) tests/tui/tui-lib.sh tests/tui/golden

# Screenshots of the real TUI (README) and the script that makes them.
EXTRA_DIST += screenshots/make-screenshots screenshots/regions-hex.png \
	screenshots/crash-backtrace.png screenshots/live-edit.png

# The TUI's CPU benchmark, run by hand: bench/tui-redraw [BUILDDIR].
EXTRA_DIST += bench/tui-redraw
