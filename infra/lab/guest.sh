#!/usr/bin/env bash
# The lab's guest: a Debian cloud kernel and a busybox initramfs that this script builds, nothing downloaded but Debian
# packages. Every VNF component in the lab is one QEMU virtual machine booting this guest.
# Usage: guest.sh ensure   -> install qemu-system-x86, qemu-utils, busybox-static, cpio and linux-image-cloud-amd64 when
#                             missing (root), build the initramfs once, and print on stdout as NAME=value lines:
#                               Lab__Guest__Kernel   the kernel image (/boot/vmlinuz-*-cloud-amd64)
#                               Lab__Guest__Initrd   the initramfs this script built
#                               Lab__Qemu            the qemu-system-x86_64 binary
#        guest.sh path     -> only print those lines (fails when ensure has not run)
# What the guest does (init below): mounts /proc, /sys and /dev, keeps a marker line in memory that a test looks for in
# snapshot files (it must never appear in plaintext), and writes "counter N" on its serial line every 200 ms, N going
# on from wherever the guest's memory says it was: after a live migration or a restore the target continues the count.
# Built under /var/tmp/vnf-console-<checkout id>/lab/guest/ (CONSOLE_LAB_BASE moves the parent); rebuilt when this
# script changes.
set -euo pipefail

cmd=${1:?ensure|path}
repo_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
checkout_id=$(printf '%s' "$repo_root" | sha256sum | cut -c1-10)
base="${CONSOLE_LAB_BASE:-/var/tmp/vnf-console-$checkout_id}/lab"
guest="$base/guest"
version=$(sha256sum "${BASH_SOURCE[0]}" | cut -c1-12)
initrd="$guest/initramfs-$version.cpio.gz"

kernel_path() { ls /boot/vmlinuz-*-cloud-amd64 2>/dev/null | sort -V | tail -1; }

install_packages() {
  command -v qemu-system-x86_64 >/dev/null && [ -x /bin/busybox ] && command -v cpio >/dev/null && [ -n "$(kernel_path)" ] && return 0
  if [ "$(id -u)" != 0 ]; then
    echo "QEMU, busybox-static, cpio or the cloud kernel is missing; install them:" >&2
    echo "  sudo apt-get install -y qemu-system-x86 qemu-utils busybox-static cpio linux-image-cloud-amd64" >&2
    exit 1
  fi
  echo "installing qemu-system-x86, qemu-utils, busybox-static, cpio and linux-image-cloud-amd64 from Debian" >&2
  local pkgs=(qemu-system-x86 qemu-utils busybox-static cpio linux-image-cloud-amd64)
  if ! DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${pkgs[@]}" </dev/null >&2; then
    apt-get update -qq </dev/null >&2
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${pkgs[@]}" </dev/null >&2
  fi
  [ -n "$(kernel_path)" ] || { echo "installed, but /boot/vmlinuz-*-cloud-amd64 is missing" >&2; exit 1; }
}

build_initrd() {
  [ -s "$initrd" ] && return 0
  mkdir -p "$guest"
  local root
  root=$(mktemp -d "$guest/root.XXXXXX")
  mkdir -p "$root/bin" "$root/proc" "$root/sys" "$root/dev" "$root/run"
  cp /bin/busybox "$root/bin/busybox"
  cat > "$root/init" <<'INIT'
#!/bin/busybox sh
/bin/busybox --install -s /bin
mount -t proc proc /proc
mount -t sysfs sys /sys
mount -t devtmpfs dev /dev
mount -t tmpfs run /run
# The marker lives in guest memory (a tmpfs file and this shell's variables); snapshot files must not show it.
marker="VNF-LAB-GUEST-MEMORY-MARKER $(cat /proc/sys/kernel/random/uuid)"
echo "$marker" > /run/marker
echo "guest up: $marker" > /dev/ttyS0
n=0
while :; do
  n=$((n + 1))
  echo "counter $n" > /dev/ttyS0
  sleep 0.2
done
INIT
  chmod 0755 "$root/init"
  (cd "$root" && find . -print0 | cpio --null -o -H newc --quiet | gzip -1) > "$initrd.tmp"
  mv "$initrd.tmp" "$initrd"
  rm -rf "$root"
  find "$guest" -maxdepth 1 -name 'initramfs-*.cpio.gz' ! -name "$(basename "$initrd")" -delete
}

print_settings() {
  [ -s "$initrd" ] || { echo "the guest is not built; run: infra/lab/guest.sh ensure" >&2; exit 1; }
  echo "Lab__Guest__Kernel=$(kernel_path)"
  echo "Lab__Guest__Initrd=$initrd"
  echo "Lab__Qemu=$(command -v qemu-system-x86_64)"
}

case "$cmd" in
  ensure) install_packages; build_initrd; print_settings ;;
  path) print_settings ;;
  *) echo "usage: guest.sh ensure|path" >&2; exit 2 ;;
esac
