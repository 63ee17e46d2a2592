#!/bin/bash
# Debian's cloud kernel for test boots: serial console and initrd support built in, poweroff works,
# 14 MB. Installing linux-image-* would pull systemd and initramfs-tools, so only the .deb is downloaded.
#   debian-kernel.sh resolve            print "PACKAGE VERSION" of the current cloud kernel
#   debian-kernel.sh download DIR       download that .deb into DIR and print its path
set -euo pipefail

META=${B2C_TEST_KERNEL_META:-linux-image-cloud-amd64}

resolve() {
  local pkg version
  pkg=$(apt-cache depends "$META" | awk '/Depends: linux-image-/{print $2; exit}')
  [ -n "$pkg" ] || { echo "debian-kernel.sh: cannot resolve $META (run apt-get update?)" >&2; exit 1; }
  version=$(apt-cache show --no-all-versions "$pkg" | awk '/^Version:/{print $2; exit}')
  echo "$pkg $version"
}

case "${1:-}" in
  resolve) resolve ;;
  download)
    dir=${2:?usage: debian-kernel.sh download DIR}
    read -r pkg version < <(resolve)
    mkdir -p "$dir"
    # Sandbox user root: the _apt user cannot write into a root-owned temp dir.
    (cd "$dir" && apt-get -q -o APT::Sandbox::User=root download "$pkg=$version" >&2)
    ls "$dir"/"$pkg"_*.deb
    ;;
  *) echo "usage: debian-kernel.sh resolve | download DIR" >&2; exit 2 ;;
esac
