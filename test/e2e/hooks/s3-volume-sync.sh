#!/bin/sh
# Guest-side stand-in for b2c's volume sync (run by the test initramfs after it fetched the extra document):
# read b2c.minio and the first b2c.volume, pull the volume's seed.txt through the S3 gateway with
# `curl --aws-sigv4`, write result.txt, push it. Prints ===B2C-TEST S3-…=== markers for the test.
doc=$1
marker() { echo "===B2C-TEST $*==="; }
minio=$(sed -n 's/^b2c\.minio="\(.*\)"$/\1/p' "$doc" | head -n 1)
volume=$(sed -n 's/^b2c\.volume="\(.*\)"$/\1/p' "$doc" | head -n 1)
[ -n "$minio" ] && [ -n "$volume" ] || { marker "S3-NO-VOLUME-FAILED"; exit 1; }
IFS=, read -r _alias url access secret <<EOF_MINIO
$minio
EOF_MINIO
# mirror=netboot/BUCKET/machines/HEX/NAME → BUCKET/machines/HEX/NAME
mirror=$(echo "$volume" | tr ',' '\n' | sed -n 's/^mirror=//p')
path=${mirror#*/}
s3() {
  curl -sS -f --retry 3 --aws-sigv4 "aws:amz:us-east-1:s3" --user "$access:$secret" \
    -H "x-amz-content-sha256: UNSIGNED-PAYLOAD" "$@"
}
if ! s3 -o /tmp/seed.txt "$url/$path/seed.txt"; then marker "S3-PULL-FAILED"; exit 2; fi
marker "S3-PULLED $(cat /tmp/seed.txt)"
echo "pushed by $(cat /sys/class/net/*/address | grep -v 00:00:00:00:00:00 | head -n 1)" > /tmp/result.txt
if ! s3 -T /tmp/result.txt "$url/$path/result.txt"; then marker "S3-PUSH-FAILED"; exit 3; fi
marker "S3-PUSHED"
