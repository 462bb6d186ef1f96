# src/procinfo.mk: the /proc reader and the commands that show it
# (owner: procinfo).
src_libptinspect_a_SOURCES += \
	src/procinfo.c src/procinfo.h \
	src/cmd-proc.c src/cmd-shell.c
