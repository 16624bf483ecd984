#!/bin/sh
# Exit 0 when QEMU can run a vCPU under KVM here. /dev/kvm may exist and open
# on a host (a nested or restricted one) where running guest code fails, so
# run a few instructions: a boot sector that writes to the debug-exit port.
set -e
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
# mov al, 0x1f; out 0xf4, al; hlt  (isa-debug-exit: QEMU exits with 0x3f)
printf '\260\037\346\364\364' >"$dir/boot"
dd if=/dev/zero bs=1 count=505 2>/dev/null >>"$dir/boot"
printf '\125\252' >>"$dir/boot"
set +e
timeout 5 qemu-system-x86_64 -accel kvm -cpu host -M pc -nodefaults \
	-display none -no-reboot -device isa-debug-exit,iobase=0xf4,iosize=1 \
	-drive "file=$dir/boot,format=raw,if=floppy" >/dev/null 2>&1
[ $? -eq 63 ]
