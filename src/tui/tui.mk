# src/tui/tui.mk: the ncurses interface's sources (its tests are in
# tests/tests.mk, its redraw benchmark in bench/bench.mk).
src_libptinspect_a_SOURCES += \
	src/tui/tui.c src/tui/tui.h src/tui/pane.h src/tui/tui-int.h \
	src/tui/layout.c src/tui/bars.c src/tui/prompt.c src/tui/popup.c \
	src/tui/input.c src/tui/relay.c src/tui/session.c \
	src/tui/pane-hex.c src/tui/pane-inspector.c src/tui/pane-regs.c \
	src/tui/pane-regions.c src/tui/pane-threads.c src/tui/pane-output.c \
	src/tui/pane-procs.c src/tui/pane-process.c src/tui/pane-help.c \
	src/tui/pane-source.c src/tui/pane-code.c \
	src/tui/format.c src/tui/format.h \
	src/tui/pty.c src/tui/pty.h
