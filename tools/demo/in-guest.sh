#!/usr/bin/env bash
# Runs inside the VM (tools/vm/vm) with myipc.ko loaded: shows the device at work
# next to a Linux FIFO. Times are TCG-emulated: only the ratio within this run means anything.
set -euo pipefail

dev=/dev/myipc0
echo "kernel $(uname -r); devices: $(ls /dev/myipc* | tr '\n' ' ')"

echo
echo "1. a line through $dev (cat blocks in open until the writer comes, as with a FIFO)"
cat "$dev" &
reader=$!
echo "hello through myipc" >"$dev"
wait "$reader"

size_mib=64
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
head -c "${size_mib}M" /dev/urandom >"$work/in"
want=$(sha256sum <"$work/in" | cut -d' ' -f1)

# transfer SRC DST: dd a file into SRC and out of DST concurrently; prints milliseconds.
transfer() {
	local t0 t1
	t0=$(date +%s%N)
	dd if="$1" of="$work/out" bs=64k iflag=fullblock status=none &
	dd if="$work/in" of="$2" bs=64k status=none
	wait
	t1=$(date +%s%N)
	echo $(((t1 - t0) / 1000000))
}

echo
echo "2. ${size_mib} MiB of random data, 64 KiB at a time, checksum-verified"
ms_dev=$(transfer "$dev" "$dev")
got=$(sha256sum <"$work/out" | cut -d' ' -f1)
[ "$got" = "$want" ] || { echo "checksum mismatch through $dev" >&2; exit 1; }
echo "   $dev:      sha256 ok, ${ms_dev} ms"
mkfifo "$work/fifo"
ms_fifo=$(transfer "$work/fifo" "$work/fifo")
got=$(sha256sum <"$work/out" | cut -d' ' -f1)
[ "$got" = "$want" ] || { echo "checksum mismatch through the FIFO" >&2; exit 1; }
echo "   Linux FIFO:       sha256 ok, ${ms_fifo} ms"
echo "   (under QEMU/TCG absolute times are emulation-bound; ratio driver/FIFO time = $(awk "BEGIN{printf \"%.2f\", $ms_dev/$ms_fifo}"))"

echo
echo "3. the driver's counters for myipc0 (sysfs)"
for f in /sys/class/myipc/myipc0/stats/* /sys/class/myipc/myipc0/*; do
	[ -f "$f" ] || continue
	case $(basename "$f") in uevent | dev) continue ;; esac
	printf '   %-28s %s\n' "${f#/sys/class/myipc/myipc0/}" "$(cat "$f" 2>/dev/null | head -n1)"
done
