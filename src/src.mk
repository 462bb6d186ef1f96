# src/src.mk: the sources of src/libptinspect.a outside src/tui/, by layer
# (docs/HACKING.md has the map). Programs and tests live in tests/tests.mk,
# benchmarks in bench/bench.mk.

# Helpers, the task model, the process lifecycle, the seccomp filter,
# remote system calls.
src_libptinspect_a_SOURCES += \
	src/util.c src/util.h \
	src/task.c src/task.h \
	src/tracer.c src/tracer-task.c src/tracer-fork.c src/tracer.h \
	src/tracer-int.h src/tracer-child.c \
	src/tracer-policy.c src/tracer-keeper.c \
	src/seccomp.c src/seccomp.h \
	src/inject.c src/inject.h

# Memory redirection: the memfd arena, syscall rewriting, the mmap stub.
src_libptinspect_a_SOURCES += \
	src/arena.c src/arena-view.c src/arena-int.h src/arena.h \
	src/redirect.c src/redirect.h src/redirect-int.h \
	src/redirect-brk.c src/redirect-fork.c src/redirect-fd.c \
	src/redirect-state.c \
	src/stub.c src/stub.h src/stub-layout.h src/stub-code.S

# Reading a process: maps, memory, backtraces and symbols, /proc.
src_libptinspect_a_SOURCES += \
	src/maps.c src/maps.h \
	src/mem.c src/mem.h src/pagemap-scan.h \
	src/unwind.c src/unwind.h src/unwind-int.h src/unwind-files.c \
	src/unwind-tailcall.c \
	src/symbols.c src/symbols.h \
	src/procinfo.c src/procinfo.h src/procinfo-int.h src/procinfo-net.c \
	src/summary.c src/summary.h \
	src/coredump.c src/coredump.h

# The command language shared by batch mode and the TUI's prompt.
src_libptinspect_a_SOURCES += \
	src/json.c src/json.h \
	src/cmd.c src/cmd-args.c src/cmd.h src/cmd-int.h src/expr.c src/expr.h \
	src/cmd-status.c src/cmd-maps.c src/cmd-x.c src/cmd-write.c \
	src/cmd-find.c src/cmd-regs.c src/cmd-threads.c src/cmd-resume.c \
	src/cmd-help.c src/cmd-stats.c src/cmd-bt.c \
	src/cmd-proc.c src/cmd-shell.c src/cmd-gcore.c src/cmd-save.c \
	src/snapshot.c src/snapshot.h

# Code and source of the program: disassembly (capstone), symbols, lines.
src_libptinspect_a_SOURCES += \
	src/disas.c src/disas.h \
	src/source.c src/source.h \
	src/cmd-disas.c src/cmd-sym.c src/cmd-list.c src/cmd-frame.c

# Variables: DWARF types and locations, print, locals, args, set.
src_libptinspect_a_SOURCES += \
	src/dwarf-value.c src/dwarf-value.h src/dwarf-value-int.h \
	src/dwarf-types.c src/dwarf-ops.c src/dwarf-print.c \
	src/dwarf-names.c \
	src/cmd-print.c src/cmd-set.c

# Post-mortem: core files read back (no tracer, no terminal).
src_libptinspect_a_SOURCES += \
	src/corefile.c src/corefile.h \
	src/coreunwind.c src/coreunwind.h \
	src/postmortem.c src/postmortem.h \
	src/snapshot-read.c src/snapshot-read.h
