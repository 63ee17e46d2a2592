#!/bin/bash
# `npm pretest`: installs the Debian packages the tests and benchmarks need, only when some are missing,
# so it costs ~0.1 s on a ready machine. Extra package names may be given as arguments (.ci/run adds
# the compilers that `npm ci` needs for better-sqlite3).
set -euo pipefail

PACKAGES=(
  qemu-system-x86 ipxe-qemu ipxe ovmf            # real boots under TCG: BIOS iPXE ROM, UEFI firmware
  busybox-static cpio xz-utils kmod             # building the test initramfs (boot-payload/)
  curl atftp tftp-hpa tftpd-hpa                 # TFTP clients and the reference TFTP server
  dnsmasq-base nftables iproute2                # DHCP, packet loss and network namespaces
  nginx wrk                                     # benchmark peer and load generator
  rclone s3cmd awscli golang-go golang-github-minio-minio-go-v7-dev   # S3 clients (minio-go is mcli's library)
  chromium                                      # web UI tests (playwright-core drives it)
  git                                           # scripts/test.sh checks committed migrations with git diff
)
PACKAGES+=("$@")

# One dpkg-query for all (unknown names print nothing, so they count as missing).
installed=" $( (dpkg-query -W -f='${Package}:${Status} ' "${PACKAGES[@]}" 2>/dev/null || true) | sed 's/:install ok installed / /g') "
missing=()
for pkg in "${PACKAGES[@]}"; do
  [[ "$installed" == *" $pkg "* ]] || missing+=("$pkg")
done
# The boot tests download Debian's cloud kernel with apt-get download: that needs the package lists.
lists_ok=1
compgen -G '/var/lib/apt/lists/*_Packages*' >/dev/null || lists_ok=0

if [ ${#missing[@]} -eq 0 ] && [ $lists_ok = 1 ]; then
  exit 0
fi
if [ "$(id -u)" != 0 ]; then
  echo "ensure-deps: missing Debian packages: ${missing[*]:-(package lists)}; run this script as root" >&2
  exit 1
fi

export DEBIAN_FRONTEND=noninteractive
# Keep tftpd-hpa and nginx from starting as services at install time: the tests run their own.
policy=/usr/sbin/policy-rc.d
if [ ! -e "$policy" ]; then
  printf '#!/bin/sh\nexit 101\n' > "$policy"
  chmod 0755 "$policy"
  trap 'rm -f "$policy"' EXIT
fi

echo "ensure-deps: apt-get update" >&2
apt-get update -q >&2
if [ ${#missing[@]} -gt 0 ]; then
  echo "ensure-deps: installing ${missing[*]}" >&2
  apt-get install -y -q --no-install-recommends "${missing[@]}" >&2
fi
