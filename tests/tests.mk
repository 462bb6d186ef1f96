# tests/tests.mk: the foundation's TAP tests, their tracee programs and the
# bundled demo. The TAP helpers (tap.h for C, tap.sh for shell) are shared
# by every owner's tests.

EXTRA_DIST += tests/tap.h tests/tap.sh tests/pti.sh

# Shell TAP tests running the programs below under ptinspect.
foundation_tests = \
	tests/batch-out.t \
	tests/cli.t \
	tests/errors.t \
	tests/exit-status.t \
	tests/fallback.t \
	tests/forks.t \
	tests/memcmds.t \
	tests/memory.t \
	tests/output.t \
	tests/pause.t \
	tests/threads.t
TESTS += $(foundation_tests)
EXTRA_DIST += $(foundation_tests)

# The README quick start's demo: built by plain `make`.
noinst_PROGRAMS += tests/progs/demo
tests_progs_demo_CFLAGS = $(AM_CFLAGS) -g -O0

# Tracee programs, one behaviour each (see the comment atop each file).
# Plain AM_CFLAGS: no sanitizers, they must behave as native programs.
check_PROGRAMS += \
	tests/progs/abort \
	tests/progs/caught-signal \
	tests/progs/crash \
	tests/progs/deny-seccomp \
	tests/progs/exit-code \
	tests/progs/fault \
	tests/progs/fork-exec \
	tests/progs/kill-me \
	tests/progs/last-thread \
	tests/progs/markers \
	tests/progs/output \
	tests/progs/raise \
	tests/progs/shared-page \
	tests/progs/stack-overflow \
	tests/progs/thread-exec \
	tests/progs/threads

tests_progs_abort_CFLAGS = $(AM_CFLAGS) -g -O0
tests_progs_caught_signal_CFLAGS = $(AM_CFLAGS) -g -O0
tests_progs_crash_CFLAGS = $(AM_CFLAGS) -g -O0
tests_progs_deny_seccomp_CFLAGS = $(AM_CFLAGS)
tests_progs_exit_code_CFLAGS = $(AM_CFLAGS) -g -O0
tests_progs_fault_CFLAGS = $(AM_CFLAGS) -g -O0
tests_progs_fork_exec_CFLAGS = $(AM_CFLAGS) -g -O0
tests_progs_kill_me_CFLAGS = $(AM_CFLAGS) -g -O0 -pthread
tests_progs_kill_me_LDFLAGS = -pthread
tests_progs_last_thread_CFLAGS = $(AM_CFLAGS) -g -O0 -pthread
tests_progs_last_thread_LDFLAGS = -pthread
tests_progs_markers_CFLAGS = $(AM_CFLAGS) -g -O0
tests_progs_output_CFLAGS = $(AM_CFLAGS) -g -O0
tests_progs_raise_CFLAGS = $(AM_CFLAGS) -g -O0
tests_progs_shared_page_CFLAGS = $(AM_CFLAGS) -g -O0
tests_progs_stack_overflow_CFLAGS = $(AM_CFLAGS) -g -O0
tests_progs_thread_exec_CFLAGS = $(AM_CFLAGS) -g -O0 -pthread
tests_progs_thread_exec_LDFLAGS = -pthread
tests_progs_threads_CFLAGS = $(AM_CFLAGS) -g -O0 -pthread
tests_progs_threads_LDFLAGS = -pthread

# The /proc reader (procinfo.c) and its commands (owner: procinfo).
check_PROGRAMS += tests/unit-procinfo tests/progs/procinfo
TESTS += tests/unit-procinfo tests/procinfo.t
EXTRA_DIST += tests/procinfo.t
tests_unit_procinfo_SOURCES = tests/unit-procinfo.c
tests_unit_procinfo_CFLAGS = $(PTI_TOOL_CFLAGS_)
tests_unit_procinfo_LDFLAGS = $(PTI_TOOL_LDFLAGS_)
tests_unit_procinfo_LDADD = src/libptinspect.a $(PTI_TEST_LIBS)
tests_progs_procinfo_CFLAGS = $(AM_CFLAGS) -g -O0
