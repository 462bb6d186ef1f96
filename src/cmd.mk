# src/cmd.mk: the memory layer, maps parser, JSON writer and the command
# language (owner: commands).
src_libptinspect_a_SOURCES += \
	src/maps.c src/maps.h \
	src/mem.c src/mem.h \
	src/json.c src/json.h \
	src/cmd.c src/cmd.h src/cmd-int.h \
	src/cmd-status.c src/cmd-maps.c src/cmd-x.c src/cmd-write.c \
	src/cmd-find.c src/cmd-regs.c src/cmd-threads.c src/cmd-resume.c \
	src/cmd-help.c

check_PROGRAMS += tests/unit-cmd tests/unit-maps tests/unit-mem
TESTS += tests/unit-cmd tests/unit-maps tests/unit-mem

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
