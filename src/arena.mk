# src/arena.mk: the memfd arena (owner: arena helper).
src_libptinspect_a_SOURCES += src/arena.c src/arena.h

check_PROGRAMS += tests/unit-arena
TESTS += tests/unit-arena
tests_unit_arena_SOURCES = tests/unit-arena.c
tests_unit_arena_CFLAGS = $(PTI_TOOL_CFLAGS_)
tests_unit_arena_LDFLAGS = $(PTI_TOOL_LDFLAGS_)
tests_unit_arena_LDADD = $(PTI_TEST_LIBS)

# The fast path against process_vm_readv and memcpy (run by hand).
noinst_PROGRAMS += bench/arena-read-bench
bench_arena_read_bench_SOURCES = bench/arena-read-bench.c
bench_arena_read_bench_CFLAGS = $(PTI_TOOL_CFLAGS_)
bench_arena_read_bench_LDFLAGS = $(PTI_TOOL_LDFLAGS_)
bench_arena_read_bench_LDADD = $(PTI_TEST_LIBS)
