#!/bin/sh
# runtests.sh TEST...: run liblazyfree's test programs, both on the path the
# kernel offers and forced onto the fallback, and print a tally.
pass=0 fail=0 skip=0
for t in "$@"; do
	for mode in native fallback; do
		if [ $mode = fallback ]; then
			LIBLAZYFREE_FALLBACK=1 "$t"
		else
			LIBLAZYFREE_FALLBACK='' "$t"
		fi
		rc=$?
		case $rc in
		0) pass=$((pass + 1)); r=ok ;;
		4) skip=$((skip + 1)); r="ok # SKIP" ;;
		*) fail=$((fail + 1)); r="not ok" ;;
		esac
		echo "$r ${t##*/} ($mode)"
	done
done
echo "liblazyfree: $pass passed, $fail failed, $skip skipped"
[ $fail -eq 0 ]
