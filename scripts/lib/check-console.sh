#!/bin/sh
# check-console.sh LOG: fail, naming the lines, if the guest kernel reported
# a problem. Tests can pass while the kernel warns; such a run is a failure.
log=$1
pat='WARNING:|BUG:|Oops|Kernel panic|KASAN|UBSAN|possible recursive locking|possible circular locking|inconsistent lock state|lockdep|sleeping function called|suspicious RCU usage|general protection fault|Call Trace:|page dumped because|Bad page|bad pte|refcount_t:|list_add corruption|list_del corruption|Unable to handle|kernel BUG'
hits=$(tr -d '\r' <"$log" | grep -E -n "$pat")
[ -z "$hits" ] && exit 0
echo "vm: the guest kernel reported a problem:"
echo "$hits" | head -n 20 | sed 's/^/    /'
exit 1
