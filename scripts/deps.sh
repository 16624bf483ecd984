#!/bin/sh
# Install the Debian packages the build and the VM need, only those missing.
# Called by the Makefile before anything that needs them; quiet when all
# are present so that incremental runs stay fast.
set -eu

PKGS="gcc make git flex bison bc libelf-dev libssl-dev cpio xz-utils kmod
      qemu-system-x86 busybox-static linux-source-6.12 ccache rsync
      python3 libnuma-dev ${LF_EXTRA_PKGS:-}"

missing=""
for p in $PKGS; do
	dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null | grep -q "ok installed" ||
		missing="$missing $p"
done
[ -z "$missing" ] && exit 0

echo ">>> installing Debian packages:$missing"
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -q >/dev/null
# shellcheck disable=SC2086
$SUDO apt-get install -y -q --no-install-recommends $missing >/dev/null
echo ">>> packages installed"
