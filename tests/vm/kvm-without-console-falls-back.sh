#!/bin/bash
# With --accel auto, a host whose KVM starts QEMU but never runs the kernel
# (here a stand-in QEMU that hangs under KVM) gets a TCG boot, one ">>>"
# line saying so, and the answer kept: the next boot goes straight to TCG.
set -uo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
if ! [ -r /dev/kvm ] || ! [ -w /dev/kvm ]; then
	echo "no usable /dev/kvm: auto never tries KVM here"
	exit 4
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir "$tmp/bin"
cat >"$tmp/bin/qemu-system-x86_64" <<SH
#!/bin/bash
case " \$* " in *" -accel kvm "*) exec sleep 600 ;; esac
exec $(command -v qemu-system-x86_64) "\$@"
SH
chmod +x "$tmp/bin/qemu-system-x86_64"
boot() {
	PATH=$tmp/bin:$PATH LAZYFREE_KVM_WAIT=5 LAZYFREE_ACCEL_CACHE=$tmp/failed \
	"$top/scripts/vm" -q --accel auto -t 300 \
		-c 'tr " " "\n" </proc/cmdline | grep "^lazyfree.accel="' >"$tmp/out" 2>&1
}
boot
rc=$?
cat "$tmp/out"
[ $rc -eq 0 ] || { echo "exit status $rc, want 0"; exit 1; }
grep -qx "lazyfree.accel=tcg" "$tmp/out" || { echo "the guest did not run on TCG"; exit 1; }
[ "$(grep -c '^>>> accel: tcg (the kernel wrote no console line under KVM' "$tmp/out")" = 1 ] ||
	{ echo "no single >>> line about the fallback"; exit 1; }
boot
rc=$?
cat "$tmp/out"
[ $rc -eq 0 ] || { echo "second boot: exit status $rc, want 0"; exit 1; }
grep -q '^>>> accel: tcg (KVM failed to boot a kernel on this host before' "$tmp/out" ||
	{ echo "the second boot did not use the kept answer"; exit 1; }
