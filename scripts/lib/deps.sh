#!/bin/sh
# Install the Debian packages the build and the VM need, only those missing.
# Called by the Makefile before anything that needs them; quiet when all
# are present so that incremental runs stay fast.
set -eu

PKGS="gcc make git flex bison bc libelf-dev libssl-dev cpio xz-utils kmod
      qemu-system-x86 busybox-static linux-source-6.12 ccache rsync
      python3 python3-ply pkg-config libnuma-dev libcap-dev libjemalloc-dev
      libmimalloc-dev libtcmalloc-minimal4 dpkg-dev patch strace
      gnuplot-nox shellcheck ${LF_EXTRA_PKGS:-}"

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
log=$(mktemp)
# shellcheck disable=SC2086
if ! { $SUDO apt-get update -q && \
       $SUDO apt-get install -y -q --no-install-recommends $missing; } >"$log" 2>&1; then
	tail -n 30 "$log" >&2
	rm -f "$log"
	echo "error: apt-get could not install:$missing" >&2
	exit 1
fi
rm -f "$log"
echo ">>> packages installed"
