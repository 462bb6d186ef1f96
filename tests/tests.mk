# tests/tests.mk: every test: unit tests linking the library, tracee
# programs (tests/progs, tests/tui/progs: plain AM_CFLAGS, no sanitizers,
# they must behave as native programs), the TAP scripts that run them under
# ptinspect, the TUI's tmux tests, and `make check-real`. The TAP helpers
# (tap.h for C, tap.sh and pti.sh for shell) are shared by all of them.

EXTRA_DIST += tests/tap.h tests/tap.sh tests/pti.sh tests/lsan.supp

# The longest tests first: make -j2 check starts them in TESTS order, and
# semantics.t alone takes a third of the suite's time (started last, it
# ran on alone for minutes): it runs as two halves, side by side.
TESTS += tests/semantics-1.t tests/semantics-2.t tests/stub.t

# Shell TAP tests running the programs below under ptinspect (the longest
# first).
foundation_tests = \
	tests/pause.t \
	tests/memory.t \
	tests/nokill.t \
	tests/output.t \
	tests/errors.t \
	tests/asan.t \
	tests/summary.t \
	tests/batch-out.t \
	tests/cli.t \
	tests/coldread.t \
	tests/disas.t \
	tests/exit-status.t \
	tests/expr.t \
	tests/fallback.t \
	tests/seal.t \
	tests/forks.t \
	tests/fork-borrow.t \
	tests/fork-maps.t \
	tests/gcore.t \
	tests/kill.t \
	tests/docs.t \
	tests/mapsview.t \
	tests/pauseon.t \
	tests/postmortem.t \
	tests/reuse.t \
	tests/stops.t \
	tests/print.t \
	tests/print-frames.t \
	tests/print-ops.t \
	tests/print-entry.t \
	tests/memcmds.t \
	tests/datalimit.t \
	tests/exec-cost.t \
	tests/nodump.t \
	tests/daemon.t \
	tests/save.t \
	tests/setid.t \
	tests/snapshot.t \
	tests/threads.t
TESTS += $(foundation_tests)
EXTRA_DIST += $(foundation_tests)

# The include and call graphs of docs/HACKING.md: no circles (reads the
# sources and the built library, runs nothing).
TESTS += tests/layers.t
EXTRA_DIST += tests/layers.t

# The README quick start's demo: built by plain `make`.
noinst_PROGRAMS += tests/progs/demo
tests_progs_demo_CFLAGS = $(AM_CFLAGS) -g -O0

# Tracee programs, one behaviour each (see the comment atop each file).
# Plain AM_CFLAGS: no sanitizers, they must behave as native programs.
check_PROGRAMS += \
	tests/progs/abort \
	tests/progs/bad-rsp \
	tests/progs/caught-signal \
	tests/progs/cold-find \
	tests/progs/crash \
	tests/progs/daemon-job \
	tests/progs/deny-seccomp \
	tests/progs/exit-code \
	tests/progs/expr-ptrs \
	tests/progs/fault \
	tests/progs/fork-exec \
	tests/progs/fork-maps \
	tests/progs/gcore \
	tests/progs/hang \
	tests/progs/kill-me \
	tests/progs/last-thread \
	tests/progs/markers \
	tests/progs/nodump \
	tests/progs/output \
	tests/progs/print-frames \
	tests/progs/print-vars \
	tests/progs/raise \
	tests/progs/shared-page \
	tests/progs/stack-overflow \
	tests/progs/thread-exec \
	tests/progs/threads

tests_progs_abort_CFLAGS = $(AM_CFLAGS) -g -O0
tests_progs_bad_rsp_CFLAGS = $(AM_CFLAGS) -g -O0
tests_progs_caught_signal_CFLAGS = $(AM_CFLAGS) -g -O0
tests_progs_cold_find_CFLAGS = $(AM_CFLAGS)
tests_progs_crash_CFLAGS = $(AM_CFLAGS) -g -O0
tests_progs_daemon_job_CFLAGS = $(AM_CFLAGS) -pthread
tests_progs_daemon_job_LDFLAGS = -pthread
tests_progs_sem_fork_nodump_CFLAGS = $(AM_CFLAGS) -pthread
tests_progs_sem_fork_nodump_LDFLAGS = -pthread
tests_progs_unmap_loop_CFLAGS = $(AM_CFLAGS) -pthread
tests_progs_unmap_loop_LDFLAGS = -pthread
tests_progs_reuse_churn_CFLAGS = $(AM_CFLAGS) -pthread
tests_progs_reuse_churn_LDFLAGS = -pthread
tests_progs_sem_data_limit_CFLAGS = $(AM_CFLAGS) -pthread
tests_progs_sem_data_limit_LDFLAGS = -pthread
tests_progs_sem_fork_lanes_CFLAGS = $(AM_CFLAGS) -pthread
tests_progs_sem_fork_lanes_LDFLAGS = -pthread
tests_progs_sem_mseal_CFLAGS = $(AM_CFLAGS) -pthread
tests_progs_sem_mseal_LDFLAGS = -pthread
tests_progs_sig_lane_CFLAGS = $(AM_CFLAGS) -pthread
tests_progs_sig_lane_LDFLAGS = -pthread
tests_progs_deny_seccomp_CFLAGS = $(AM_CFLAGS)
tests_progs_exit_code_CFLAGS = $(AM_CFLAGS) -g -O0
tests_progs_expr_ptrs_CFLAGS = $(AM_CFLAGS) -g -O0 -fPIE
tests_progs_expr_ptrs_LDFLAGS = -pie
tests_progs_fault_CFLAGS = $(AM_CFLAGS) -g -O0
tests_progs_hang_CFLAGS = $(AM_CFLAGS) -g -O0
tests_progs_fork_exec_CFLAGS = $(AM_CFLAGS) -g -O0
tests_progs_gcore_CFLAGS = $(AM_CFLAGS) -g -O0 -pthread
tests_progs_gcore_LDFLAGS = -pthread
tests_progs_kill_me_CFLAGS = $(AM_CFLAGS) -g -O0 -pthread
tests_progs_kill_me_LDFLAGS = -pthread
tests_progs_last_thread_CFLAGS = $(AM_CFLAGS) -g -O0 -pthread
tests_progs_last_thread_LDFLAGS = -pthread
tests_progs_markers_CFLAGS = $(AM_CFLAGS) -g -O0
tests_progs_output_CFLAGS = $(AM_CFLAGS) -g -O0
tests_progs_print_frames_CFLAGS = $(AM_CFLAGS) -g -O2
tests_progs_print_vars_CFLAGS = $(AM_CFLAGS) -g -O0 -fPIE
tests_progs_print_vars_LDFLAGS = -pie
tests_progs_raise_CFLAGS = $(AM_CFLAGS) -g -O0
tests_progs_shared_page_CFLAGS = $(AM_CFLAGS) -g -O0
tests_progs_stack_overflow_CFLAGS = $(AM_CFLAGS) -g -O0
tests_progs_thread_exec_CFLAGS = $(AM_CFLAGS) -g -O0 -pthread
tests_progs_thread_exec_LDFLAGS = -pthread
tests_progs_threads_CFLAGS = $(AM_CFLAGS) -g -O0 -pthread
tests_progs_threads_LDFLAGS = -pthread

# The /proc reader (procinfo.c) and its commands.
check_PROGRAMS += tests/unit-procinfo tests/progs/procinfo
TESTS += tests/unit-procinfo tests/procinfo.t
EXTRA_DIST += tests/procinfo.t
tests_unit_procinfo_SOURCES = tests/unit-procinfo.c
tests_unit_procinfo_CFLAGS = $(PTI_TOOL_CFLAGS_)
tests_unit_procinfo_LDFLAGS = $(PTI_TOOL_LDFLAGS_)
tests_unit_procinfo_LDADD = src/libptinspect.a $(PTI_TEST_LIBS)
tests_progs_procinfo_CFLAGS = $(AM_CFLAGS) -g -O0

# Unit tests of the command language, the maps parser and the memory layer.
check_PROGRAMS += tests/unit-cmd tests/unit-maps tests/unit-mem
TESTS += tests/unit-cmd tests/unit-maps tests/unit-mem

# The address expression grammar alone.
check_PROGRAMS += tests/unit-expr
TESTS += tests/unit-expr
tests_unit_expr_SOURCES = tests/unit-expr.c
tests_unit_expr_CFLAGS = $(PTI_TOOL_CFLAGS_)
tests_unit_expr_LDFLAGS = $(PTI_TOOL_LDFLAGS_)
tests_unit_expr_LDADD = src/libptinspect.a $(PTI_TEST_LIBS)

tests_unit_cmd_SOURCES = tests/unit-cmd.c
tests_unit_cmd_CFLAGS = $(PTI_TOOL_CFLAGS_)
tests_unit_cmd_LDFLAGS = $(PTI_TOOL_LDFLAGS_)
tests_unit_cmd_LDADD = src/libptinspect.a $(PTI_TEST_LIBS)

tests_unit_maps_SOURCES = tests/unit-maps.c
tests_unit_maps_CFLAGS = $(PTI_TOOL_CFLAGS_)
tests_unit_maps_LDFLAGS = $(PTI_TOOL_LDFLAGS_)
tests_unit_maps_LDADD = src/libptinspect.a $(PTI_TEST_LIBS)

tests_unit_mem_SOURCES = tests/unit-mem.c
tests_unit_mem_CFLAGS = $(PTI_TOOL_CFLAGS_)
tests_unit_mem_LDFLAGS = $(PTI_TOOL_LDFLAGS_)
tests_unit_mem_LDADD = src/libptinspect.a $(PTI_TEST_LIBS)

# The memfd arena alone.
check_PROGRAMS += tests/unit-arena
TESTS += tests/unit-arena
tests_unit_arena_SOURCES = tests/unit-arena.c
tests_unit_arena_CFLAGS = $(PTI_TOOL_CFLAGS_)
tests_unit_arena_LDFLAGS = $(PTI_TOOL_LDFLAGS_)
tests_unit_arena_LDADD = $(PTI_TEST_LIBS)

# The seccomp filter run by ptinspect's interpreter and by the kernel.
check_PROGRAMS += tests/unit-seccomp
TESTS += tests/unit-seccomp
tests_unit_seccomp_SOURCES = tests/unit-seccomp.c
tests_unit_seccomp_CFLAGS = $(PTI_TOOL_CFLAGS_)
tests_unit_seccomp_LDFLAGS = $(PTI_TOOL_LDFLAGS_)
tests_unit_seccomp_LDADD = $(PTI_TEST_LIBS)

# Tracee programs with known call chains (plain AM_CFLAGS, no sanitizers).
# bt-nested is built three ways: PIE and non-PIE with frame pointers, and
# -O2 without them (configure's CFLAGS, -g -O2 by default, come last).
check_PROGRAMS += \
	tests/progs/bt-args \
	tests/progs/bt-nested \
	tests/progs/bt-nested-nopie \
	tests/progs/bt-nested-nofp \
	tests/progs/bt-crash \
	tests/progs/bt-signal \
	tests/progs/bt-threads \
	tests/progs/bt-deep \
	tests/progs/bt-nocfi \
	tests/progs/bt-dlopen \
	tests/progs/bt-plugin.so \
	tests/progs/bt-selfdel \
	tests/progs/bt-tailcall \
	tests/progs/bt-vdso

tests_progs_bt_args_CFLAGS = $(AM_CFLAGS) -g -O0 -fno-omit-frame-pointer
tests_progs_bt_nested_SOURCES = tests/progs/bt-nested.c
tests_progs_bt_nested_CFLAGS = $(AM_CFLAGS) -g -O0 \
	-fno-omit-frame-pointer -fPIE
tests_progs_bt_nested_LDFLAGS = -pie
tests_progs_bt_nested_nopie_SOURCES = tests/progs/bt-nested.c
tests_progs_bt_nested_nopie_CFLAGS = $(AM_CFLAGS) -g -O0 \
	-fno-omit-frame-pointer -fno-pie
tests_progs_bt_nested_nopie_LDFLAGS = -no-pie
tests_progs_bt_nested_nofp_SOURCES = tests/progs/bt-nested.c
tests_progs_bt_nested_nofp_CFLAGS = $(AM_CFLAGS) -g -O2 \
	-fomit-frame-pointer -fno-optimize-sibling-calls
tests_progs_bt_crash_CFLAGS = $(AM_CFLAGS) -g -O0
tests_progs_bt_signal_CFLAGS = $(AM_CFLAGS) -g -O0
tests_progs_bt_threads_CFLAGS = $(AM_CFLAGS) -g -O0 -pthread
tests_progs_bt_threads_LDFLAGS = -pthread
tests_progs_bt_deep_CFLAGS = $(AM_CFLAGS) -g -O0
tests_progs_bt_nocfi_CFLAGS = $(AM_CFLAGS) -g -O0
tests_progs_bt_dlopen_CFLAGS = $(AM_CFLAGS) -g -O0
tests_progs_bt_tailcall_CFLAGS = $(AM_CFLAGS) -g -O2 -foptimize-sibling-calls
tests_progs_bt_vdso_CFLAGS = $(AM_CFLAGS) -g -O0 -pthread
tests_progs_bt_vdso_LDFLAGS = -pthread
tests_progs_bt_selfdel_CFLAGS = $(AM_CFLAGS) -g -O2 -fomit-frame-pointer \
	-fno-optimize-sibling-calls
# A shared object built as a program: no libtool needed for one test.
tests_progs_bt_plugin_so_SOURCES = tests/progs/bt-plugin.c
tests_progs_bt_plugin_so_CFLAGS = $(AM_CFLAGS) -g -O0 -fPIC
tests_progs_bt_plugin_so_LDFLAGS = -shared

# Post-mortem: the core file reader and unwinder, without a tracer.
# unit-corefile checks hand-made cores and bad input; corefile.t checks
# cores by ptinspect, gdb and the kernel against gdb and elfutils through
# the corefile-dump driver.
check_PROGRAMS += tests/unit-corefile tests/corefile-dump
TESTS += tests/unit-corefile tests/corefile.t
EXTRA_DIST += tests/corefile.t
tests_unit_corefile_SOURCES = tests/unit-corefile.c
tests_unit_corefile_CFLAGS = $(PTI_TOOL_CFLAGS_)
tests_unit_corefile_LDFLAGS = $(PTI_TOOL_LDFLAGS_)
tests_unit_corefile_LDADD = src/libptinspect.a $(PTI_TEST_LIBS)
tests_corefile_dump_SOURCES = tests/corefile-dump.c
tests_corefile_dump_CFLAGS = $(PTI_TOOL_CFLAGS_)
tests_corefile_dump_LDFLAGS = $(PTI_TOOL_LDFLAGS_)
tests_corefile_dump_LDADD = src/libptinspect.a $(PTI_TEST_LIBS)

# The unwinder without the tracer: its own small ptrace harness.
check_PROGRAMS += tests/unit-unwind
TESTS += tests/unit-unwind tests/bt-stacks.t tests/bt-tailcall.t
EXTRA_DIST += tests/bt-stacks.t tests/bt-tailcall.t

tests_unit_unwind_SOURCES = tests/unit-unwind.c
tests_unit_unwind_CFLAGS = $(PTI_TOOL_CFLAGS_) $(LIBUNWIND_CFLAGS)
tests_unit_unwind_LDFLAGS = $(PTI_TOOL_LDFLAGS_)
tests_unit_unwind_LDADD = src/libptinspect.a $(PTI_TEST_LIBS)

# Memory redirection: a program cannot tell that its memory was redirected.
# tests/semantics.t runs each sem-* program natively and under ptinspect.
SEM_PROGS = \
	tests/progs/sem-munmap \
	tests/progs/sem-munmap-idle \
	tests/progs/sem-munmap-hole \
	tests/progs/sem-mseal \
	tests/progs/sem-vmflags \
	tests/progs/sem-locked \
	tests/progs/sem-fork-lanes \
	tests/progs/sem-madvise \
	tests/progs/sem-map-fixed \
	tests/progs/sem-mremap \
	tests/progs/sem-realloc \
	tests/progs/sem-mprotect \
	tests/progs/sem-partial \
	tests/progs/sem-fork-cow \
	tests/progs/sem-fork-shared \
	tests/progs/sem-fork-advice \
	tests/progs/sem-spawn \
	tests/progs/sem-exec \
	tests/progs/sem-threads \
	tests/progs/sem-closefds \
	tests/progs/sem-memfd \
	tests/progs/sem-reserve \
	tests/progs/sem-mapflags \
	tests/progs/sem-brk \
	tests/progs/sem-growsdown \
	tests/progs/sem-hugetlb \
	tests/progs/sem-manymaps \
	tests/progs/sem-signals \
	tests/progs/sem-fork-loop \
	tests/progs/sem-sparse \
	tests/progs/sem-registers \
	tests/progs/sem-jit \
	tests/progs/sem-stack \
	tests/progs/sem-stub-taken \
	tests/progs/sem-stub-above \
	tests/progs/sem-mainstack \
	tests/progs/sem-madvise-span \
	tests/progs/sem-mremap-span \
	tests/progs/sem-clonevm \
	tests/progs/sem-brk-far \
	tests/progs/sem-limits \
	tests/progs/sem-shmat \
	tests/progs/sem-fork-many \
	tests/progs/sem-untraced \
	tests/progs/sem-untraced-fork \
	tests/progs/sem-foreign-trace \
	tests/progs/sem-own-filter \
	tests/progs/sem-fork-setuid \
	tests/progs/sem-fork-nodump \
	tests/progs/sem-fork-nofile \
	tests/progs/sem-fork-nofds \
	tests/progs/sem-fork-degrade \
	tests/progs/sem-fork-borrow \
	tests/progs/sem-data-limit \
	tests/progs/sem-stub-jit \
	tests/progs/sem-reserved-fd

check_PROGRAMS += $(SEM_PROGS)
EXTRA_DIST += tests/semantics.t tests/semantics-1.t tests/semantics-2.t \
	tests/progs/sem.h

# Threads caught inside the mmap stub (src/stub.c), brk through it.
check_PROGRAMS += tests/progs/mmap-race tests/progs/brk-race tests/progs/sig-lane \
	tests/progs/stop-cont tests/progs/unmap-loop tests/progs/stub-want \
	tests/progs/reuse-churn tests/progs/stop-rules
# No C library: its first mmap is the first call ptinspect redirects.
tests_progs_stub_want_CFLAGS = $(AM_CFLAGS) -ffreestanding -fno-stack-protector \
	-fno-tree-loop-distribute-patterns -fno-pie
tests_progs_stub_want_LDFLAGS = -nostdlib -static -no-pie
tests_progs_mmap_race_CFLAGS = $(AM_CFLAGS) -pthread
tests_progs_mmap_race_LDADD = -lpthread
tests_progs_brk_race_CFLAGS = $(AM_CFLAGS) -pthread
tests_progs_brk_race_LDADD = -lpthread
EXTRA_DIST += tests/stub.t

# Programs with threads.
tests_progs_sem_fork_cow_CFLAGS = $(AM_CFLAGS) -pthread
tests_progs_sem_fork_cow_LDADD = -lpthread
tests_progs_sem_exec_CFLAGS = $(AM_CFLAGS) -pthread
tests_progs_sem_exec_LDADD = -lpthread
tests_progs_sem_threads_CFLAGS = $(AM_CFLAGS) -pthread
tests_progs_sem_threads_LDADD = -lpthread
tests_progs_sem_signals_CFLAGS = $(AM_CFLAGS) -pthread
tests_progs_sem_signals_LDADD = -lpthread
tests_progs_sem_fork_loop_CFLAGS = $(AM_CFLAGS) -pthread
tests_progs_sem_fork_loop_LDADD = -lpthread
tests_progs_sem_registers_CFLAGS = $(AM_CFLAGS) -pthread
tests_progs_sem_registers_LDADD = -lpthread
tests_progs_sem_jit_CFLAGS = $(AM_CFLAGS) -pthread
tests_progs_sem_jit_LDADD = -lpthread
tests_progs_sem_stack_CFLAGS = $(AM_CFLAGS) -pthread
tests_progs_sem_stack_LDADD = -lpthread
tests_progs_sem_stub_taken_LDFLAGS = -static
tests_progs_sem_stub_above_LDFLAGS = -static
tests_progs_sem_brk_far_LDFLAGS = -static -no-pie
tests_progs_sem_brk_far_CFLAGS = $(AM_CFLAGS) -fno-pie

# The TUI.
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
	tests/tui/progs/tui-threads tests/tui/progs/tui-files
tests_tui_progs_tui_threads_CFLAGS = $(AM_CFLAGS) -g -O0 -pthread
tests_tui_progs_tui_threads_LDADD = -lpthread
tests_tui_progs_tui_fork_CFLAGS = $(AM_CFLAGS) -g -O0
tests_tui_progs_tui_data_CFLAGS = $(AM_CFLAGS) -g -O0
tests_tui_progs_tui_live_CFLAGS = $(AM_CFLAGS) -g -O0
tests_tui_progs_tui_crash_CFLAGS = $(AM_CFLAGS) -g -O0
tests_tui_progs_tui_files_CFLAGS = $(AM_CFLAGS) -g -O0

# The TUI tests: the real binary in a detached tmux (see tui-lib.sh).
tui_tests = tests/tui/nav.t tests/tui/live.t tests/tui/pausekey.t tests/tui/crash.t \
	tests/tui/edit.t tests/tui/noterm.t tests/tui/after.t tests/tui/suspend.t \
	tests/tui/signals.t \
	tests/tui/threads.t \
	tests/tui/resize.t tests/tui/procs.t tests/tui/process.t \
	tests/tui/shell.t tests/tui/save.t tests/tui/source.t \
	tests/tui/code-end.t \
	tests/tui/core.t tests/tui/inspect.t
TESTS += $(tui_tests)
EXTRA_DIST += $(tui_tests) tests/tui/tui-lib.sh tests/tui/golden

# `make check-real`: programs nobody on the team wrote (coreutils, python3
# and CPython's own tests, perl, gcc, sqlite3, git, node, java) run
# natively and under ptinspect, which must not change what they print or
# their exit status. Slow (minutes) and dependent on what is installed, so
# not part of `make check`: each test skips loudly when its program is
# missing.
REAL_TESTS = \
	tests/real/coreutils.t \
	tests/real/python.t \
	tests/real/perl.t \
	tests/real/gcc.t \
	tests/real/sqlite.t \
	tests/real/git.t \
	tests/real/node.t \
	tests/real/java.t \
	tests/real/cpython.t

EXTRA_DIST += $(REAL_TESTS) tests/real/real.sh docs/TESTING.md
CLEANFILES += check-real.log $(REAL_TESTS:.t=.log) $(REAL_TESTS:.t=.trs)

# Tests named *.t run through the TAP driver like every other test.
TEST_EXTENSIONS = @EXEEXT@ .test .t
T_LOG_DRIVER = $(LOG_DRIVER)

check-real: all
	$(MAKE) $(AM_MAKEFLAGS) check TESTS='$(REAL_TESTS)' \
		TEST_SUITE_LOG=check-real.log

.PHONY: check-real

# print's C expressions and gdb-style values over the test's own globals,
# and a fuzz loop over the parser.
check_PROGRAMS += tests/unit-print
TESTS += tests/unit-print
tests_unit_print_SOURCES = tests/unit-print.c
tests_unit_print_CFLAGS = $(PTI_TOOL_CFLAGS_) -g -O0
tests_unit_print_LDFLAGS = $(PTI_TOOL_LDFLAGS_)
tests_unit_print_LDADD = src/libptinspect.a $(PTI_TEST_LIBS)
