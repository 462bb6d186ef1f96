# tests/real.mk: `make check-real`, programs nobody on the team wrote
# (coreutils, python3 and CPython's own tests, perl, gcc, sqlite3, git,
# node, java) run natively and under ptinspect, which must not change what
# they print or their exit status. Slow (minutes) and dependent on what is
# installed, so not part of `make check`: each test skips loudly when its
# program is missing. Same TAP driver as the other tests.

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
