# tests/tests.mk: the foundation's TAP tests, their tracee programs and the
# bundled demo. The TAP helpers (tap.h for C, tap.sh for shell) are shared
# by every owner's tests.

EXTRA_DIST += tests/tap.h tests/tap.sh
