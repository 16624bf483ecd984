#!/bin/sh
# check-console.sh LOG: fail, naming the lines, if the guest kernel reported
# a problem. Tests can pass while the kernel warns; such a run is a failure.
#
# guest/run-tests writes "lazyfree-test: start NAME" and "... end NAME" to
# /dev/kmsg around each program, so each report is attributed to the test
# that was running (or to the time between tests). One line per test that
# caused a report, for scripts/check.sh to tally:
#   vm: kernel report during NAME
log=$1
pat='WARNING:|BUG:|Oops|Kernel panic|KASAN|UBSAN|possible recursive locking|possible circular locking|inconsistent lock state|lockdep|sleeping function called|suspicious RCU usage|general protection fault|Call Trace:|page dumped because|Bad page|bad pte|refcount_t:|list_add corruption|list_del corruption|Unable to handle|kernel BUG'
tr -d '\r' <"$log" | awk -v pat="$pat" '
	/lazyfree-test: start / { sub(/.*lazyfree-test: start /, ""); cur = "during " $0; next }
	/lazyfree-test: end / { sub(/.*lazyfree-test: end /, ""); cur = "after " $0 " (between tests)"; next }
	$0 ~ pat {
		where = cur == "" ? "before any test" : cur
		if (n < 20)
			hits[n++] = "    " where ": " NR ": " $0
		if (where ~ /^during / && !(where in named)) {
			named[where] = 1
			tests[t++] = where
		}
	}
	END {
		if (n == 0)
			exit 0
		print "vm: the guest kernel reported a problem:"
		for (i = 0; i < n; i++)
			print hits[i]
		for (i = 0; i < t; i++)
			print "vm: kernel report " tests[i]
		exit 1
	}'
