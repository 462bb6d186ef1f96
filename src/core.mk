# src/core.mk: the tracer layer and the program (owner: tracer).
src_libptinspect_a_SOURCES += \
	src/util.c src/util.h \
	src/tracer.c src/tracer.h \
	src/seccomp.c src/seccomp.h
src_libptinspect_a_SOURCES += \
	src/inject.c src/inject.h \
	src/redirect.c src/redirect.h \
	src/stub.c src/stub.h \
	src/cmd-stats.c
