# src/unwind.mk: backtraces (libunwind-ptrace), the symbol cache (libdw),
# the `bt` command, their tests and benchmark (owner: unwind).
src_libptinspect_a_SOURCES += \
	src/unwind.c src/unwind.h \
	src/symbols.c src/symbols.h \
	src/cmd-bt.c


# Tracee programs with known call chains (plain AM_CFLAGS, no sanitizers).
# bt-nested is built three ways: PIE and non-PIE with frame pointers, and
# -O2 without them (configure's CFLAGS, -g -O2 by default, come last).
check_PROGRAMS += \
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
	tests/progs/bt-vdso

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
tests_progs_bt_vdso_CFLAGS = $(AM_CFLAGS) -g -O0 -pthread
tests_progs_bt_vdso_LDFLAGS = -pthread
tests_progs_bt_selfdel_CFLAGS = $(AM_CFLAGS) -g -O2 -fomit-frame-pointer \
	-fno-optimize-sibling-calls
# A shared object built as a program: no libtool needed for one test.
tests_progs_bt_plugin_so_SOURCES = tests/progs/bt-plugin.c
tests_progs_bt_plugin_so_CFLAGS = $(AM_CFLAGS) -g -O0 -fPIC
tests_progs_bt_plugin_so_LDFLAGS = -shared

# The unwinder without the tracer: its own small ptrace harness.
check_PROGRAMS += tests/unit-unwind
TESTS += tests/unit-unwind tests/bt-stacks.t
EXTRA_DIST += tests/bt-stacks.t

tests_unit_unwind_SOURCES = tests/unit-unwind.c
tests_unit_unwind_CFLAGS = $(PTI_TOOL_CFLAGS_) $(LIBUNWIND_CFLAGS)
tests_unit_unwind_LDFLAGS = $(PTI_TOOL_LDFLAGS_)
tests_unit_unwind_LDADD = src/libptinspect.a $(PTI_TEST_LIBS)



# The backtrace benchmark: stock _UPT accessors against ours.
noinst_PROGRAMS += bench/unwind-bench
bench_unwind_bench_SOURCES = bench/unwind-bench.c
bench_unwind_bench_CFLAGS = $(PTI_TOOL_CFLAGS_) $(LIBUNWIND_CFLAGS)
bench_unwind_bench_LDFLAGS = $(PTI_TOOL_LDFLAGS_)
bench_unwind_bench_LDADD = src/libptinspect.a $(PTI_TEST_LIBS)
EXTRA_DIST += bench/unwind-bench.sh
