#!/bin/bash
# Builds the kernel + initramfs pair that the real-boot tests netboot (see test-initramfs/init).
#   build-test-initramfs.sh --out DIR [--kernel-deb FILE] [--with-curl] [--hook FILE]...
# Writes DIR/vmlinuz, DIR/initramfs.cpio.gz and DIR/kernel-release.
#   --kernel-deb  a linux-image .deb (default: download Debian's current cloud kernel)
#   --with-curl   add a dynamically linked /usr/bin/curl with its libraries (~18 MB before
#                 compression) so hooks can talk S3 with `curl --aws-sigv4`
#   --hook FILE   run FILE in the guest after the extra document is fetched (repeatable)
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)

out= deb= with_curl=0 hooks=()
while [ $# -gt 0 ]; do
  case "$1" in
    --out) out=$2; shift 2 ;;
    --kernel-deb) deb=$2; shift 2 ;;
    --with-curl) with_curl=1; shift ;;
    --hook) hooks+=("$2"); shift 2 ;;
    *) echo "build-test-initramfs.sh: unknown argument $1" >&2; exit 2 ;;
  esac
done
[ -n "$out" ] || { echo "build-test-initramfs.sh: --out DIR is required" >&2; exit 2; }
for tool in busybox dpkg-deb gzip cpio; do
  command -v "$tool" >/dev/null || { echo "build-test-initramfs.sh: $tool is missing (npm run pretest installs it)" >&2; exit 1; }
done
# Only the static busybox works without its libraries inside the initramfs.
busybox_bin=$(readlink -f "$(command -v busybox)")
if ldd "$busybox_bin" >/dev/null 2>&1; then
  echo "build-test-initramfs.sh: $busybox_bin is dynamically linked; install busybox-static" >&2; exit 1
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
if [ -z "$deb" ]; then
  deb=$("$HERE/debian-kernel.sh" download "$work/deb")
fi

# Kernel image and the virtio modules from the same package, so the module version always matches.
mkdir -p "$work/pkg"
dpkg-deb --fsys-tarfile "$deb" | tar -x -C "$work/pkg" ./boot ./lib/modules
release=$(ls "$work/pkg/lib/modules")
root=$work/root
mkdir -p "$root"/{bin,dev,etc/b2c-test/hooks.d,lib/modules,proc,sys,tmp}
cp "$busybox_bin" "$root/bin/busybox"
install -m 0755 "$HERE/test-initramfs/init" "$root/init"
install -m 0755 "$HERE/test-initramfs/udhcpc.script" "$root/etc/udhcpc.script"
cp "$HERE/test-initramfs/load-order" "$root/lib/modules/load-order"
while read -r mod; do
  ko=$(find "$work/pkg/lib/modules/$release" -name "$mod.ko" | head -1)
  [ -n "$ko" ] || { echo "build-test-initramfs.sh: module $mod not found in $deb" >&2; exit 1; }
  cp "$ko" "$root/lib/modules/$mod.ko"
done < "$HERE/test-initramfs/load-order"

if [ "$with_curl" = 1 ]; then
  curl_bin=$(command -v curl) || { echo "build-test-initramfs.sh: curl is missing" >&2; exit 1; }
  mkdir -p "$root/usr/bin"
  cp "$curl_bin" "$root/usr/bin/curl"
  # Every library ldd names, and the loader, at the paths the binary expects.
  for lib in $(ldd "$curl_bin" | grep -o '/[^ )]*'); do
    mkdir -p "$root$(dirname "$lib")"
    cp -L "$lib" "$root$lib"
  done
fi
for hook in ${hooks[@]+"${hooks[@]}"}; do
  install -m 0755 "$hook" "$root/etc/b2c-test/hooks.d/$(basename "$hook")"
done

mkdir -p "$out"
( cd "$root" && find . | LC_ALL=C sort | cpio --quiet -o -H newc --owner=0:0 | gzip -9 ) > "$out/initramfs.cpio.gz"
cp "$work/pkg/boot/vmlinuz-$release" "$out/vmlinuz"
echo "$release" > "$out/kernel-release"
