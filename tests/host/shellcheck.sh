#!/bin/bash
# Every shell script of the project (the harness, the guest's busybox
# scripts, the tests) through shellcheck: any finding fails.
set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top"
command -v shellcheck >/dev/null || { echo "shellcheck missing (scripts/lib/deps.sh)"; exit 1; }
mapfile -t files < <({
	echo scripts/vm
	ls scripts/*.sh scripts/lib/*.sh tests/*/*.sh lib/test/*.sh bench/*.sh
	ls guest/*
} | sort -u)
# -x follows sourced files; guest/ scripts are busybox sh (#!/bin/sh).
shellcheck -x "${files[@]}"
echo "shellcheck: ${#files[@]} scripts clean"
