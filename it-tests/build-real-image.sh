#!/usr/bin/env bash
# Builds the real image of RealImageIT: a Debian bookworm minbase rootfs (debootstrap) imported
# with umoci, then layers made with umoci unpack / change / repack that exercise the OCI layer
# rules on real files: whiteouts of files and whole directories, a directory replaced by a file
# and a file by a directory, mode- and owner-only changes, xattrs and a file capability, hard
# links, long paths, an empty layer and (unless REAL_IMAGE_APT=0) an apt-get install.
#
#   it-tests/build-real-image.sh OUT
#
# Writes, under OUT (done last, so a half-built OUT is rebuilt next time):
#   oci/              OCI layout, gzip layers (umoci's default), tag "real"
#   docker.tar        the same image as a docker-archive (skopeo), name real:latest
#   oci-zstd/         the same image with zstd layers (skopeo --dest-compress-format zstd), tag "real"
#   timings           seconds taken by each step
#   DONE              marker: the image is complete
# Needs root (debootstrap, chown, setcap), debootstrap, umoci, skopeo, setcap, setfattr, and the
# network (deb.debian.org, or DEBIAN_MIRROR). The debootstrapped rootfs is kept in
# OUT/work/rootfs so that a rebuild of the layers does not download again.
set -euo pipefail

out=${1:?usage: build-real-image.sh OUT}
mkdir -p "$out"
out=$(cd "$out" && pwd)
mirror=${DEBIAN_MIRROR:-http://deb.debian.org/debian}
work="$out/work"
rm -f "$out/DONE" "$out/timings"
rm -rf "$out/oci" "$out/oci-zstd" "$out/docker.tar" "$work/bundle"
mkdir -p "$work"

say() { printf 'build-real-image: %s\n' "$*" >&2; }
t0=$(date +%s)
step() { # step NAME: records the seconds since the last step
  local now; now=$(date +%s)
  echo "$1 $((now - t0))" >>"$out/timings"
  say "$1 took $((now - t0)) s"
  t0=$now
}

for tool in debootstrap umoci skopeo setcap setfattr; do
  command -v "$tool" >/dev/null 2>&1 || { say "$tool is not installed; run: sudo scripts/setup"; exit 1; }
done
[ "$(id -u)" = 0 ] || { say "must run as root (debootstrap, chown, setcap)"; exit 1; }

# ---- base: debootstrap (cached)
rootfs="$work/rootfs"
if [ ! -e "$work/rootfs.done" ]; then
  rm -rf "$rootfs"
  say "debootstrap --variant=minbase bookworm from $mirror (a few minutes)"
  if ! debootstrap --variant=minbase bookworm "$rootfs" "$mirror" >"$work/debootstrap.log" 2>&1; then
    tail -n 20 "$work/debootstrap.log" >&2
    say "debootstrap failed (is $mirror reachable? see $work/debootstrap.log)"
    exit 1
  fi
  touch "$work/rootfs.done"
fi
step debootstrap

# ---- layer 1: the rootfs, imported with umoci
img="$out/oci"
bundle="$work/bundle"
R="$bundle/rootfs"
umoci init --layout "$img"
umoci new --image "$img:real"
umoci unpack --image "$img:real" "$bundle"
cp -a "$rootfs/." "$R/"
repack() { # repack COMMENT: one new layer on tag "real", the bundle kept in step with it
  umoci repack --refresh-bundle --history.comment "$1" --image "$img:real" "$bundle"
  say "layer: $1"
}
repack "debootstrap minbase bookworm"
step import

# ---- layer: apt-get install of a small package (network; REAL_IMAGE_APT=0 skips it)
if [ "${REAL_IMAGE_APT:-1}" = 1 ]; then
  cp /etc/resolv.conf "$R/etc/resolv.conf" 2>/dev/null || true
  if ! { chroot "$R" apt-get -q update && \
         DEBIAN_FRONTEND=noninteractive chroot "$R" apt-get install -y -q --no-install-recommends hello less; } \
         >"$work/apt.log" 2>&1; then
    tail -n 20 "$work/apt.log" >&2
    say "apt-get install in the rootfs failed (see $work/apt.log); REAL_IMAGE_APT=0 skips this layer"
    exit 1
  fi
  chroot "$R" apt-get clean
  rm -rf "$R"/var/lib/apt/lists/*
  repack "apt-get install hello less"
  step apt
fi

# ---- layer: deletions (whiteouts of files and of whole directories)
rm -rf "$R"/usr/share/doc/*            # every child of a kept directory
rm -rf "$R/usr/share/man"              # a whole directory
rm -rf "$R/usr/share/locale"
rm -f "$R/etc/motd" "$R/etc/issue.net" "$R/usr/bin/pinky"
repack "delete docs, man pages, locales and a few files"

# ---- layer: type changes
rm -rf "$R/usr/share/info" && echo "was a directory" >"$R/usr/share/info"       # directory -> file
rm -f "$R/etc/hostname" && mkdir "$R/etc/hostname" && echo inner >"$R/etc/hostname/inner"  # file -> directory
rm -rf "$R/etc/cron.d" 2>/dev/null; ln -s /dev/null "$R/etc/cron.d"             # (directory ->) symlink
rm -f "$R/usr/bin/yes" && ln -s true "$R/usr/bin/yes"                           # file -> symlink
repack "replace a directory by a file and a file by a directory"

# ---- layer: metadata only (mode and owner)
chmod 0600 "$R/etc/passwd-" 2>/dev/null || chmod 0600 "$R/etc/shadow"
chmod 4711 "$R/usr/bin/touch"
chmod 0700 "$R/var/log"
chown 1000:1000 "$R/etc/debian_version"
chown 123:456 "$R/usr/bin/tac"
chown -h 7:8 "$R/bin"                                                    # the /bin -> usr/bin symlink
chown 65534:65534 "$R/tmp"
repack "chmod and chown only"

# ---- layer: xattrs and a file capability
cp -a "$R/usr/bin/ls" "$R/usr/bin/ls-raw"
setcap cap_net_raw+ep "$R/usr/bin/ls-raw"
setfattr -n user.x -v hello "$R/etc/os-release"
setfattr -n user.dir -v 0x00ff "$R/usr/share"
repack "xattrs and a capability"

# ---- layer: hard links and long paths
ln "$R/usr/bin/cat" "$R/usr/bin/cat-link"
ln "$R/usr/bin/cat" "$R/usr/local/cat-link2"
ln "$R/etc/os-release" "$R/etc/os-release.hard"    # a hard link to a symlink
ln "$R/usr/lib/os-release" "$R/usr/lib/os-release.hard"   # a link to a file carrying xattrs
long1="$R/opt/$(printf 'a%.0s' $(seq 60))/$(printf 'b%.0s' $(seq 60))"                 # > 100 bytes
long2="$R/opt/$(printf 'c%.0s' $(seq 100))/$(printf 'd%.0s' $(seq 100))/$(printf 'e%.0s' $(seq 80))" # > 255 bytes
mkdir -p "$long1" "$long2"
echo short >"$long1/file-in-a-path-longer-than-100-bytes"
echo long >"$long2/file-in-a-path-longer-than-255-bytes"
ln "$long2/file-in-a-path-longer-than-255-bytes" "$R/opt/hard-to-long-path"
ln -s "$long2/file-in-a-path-longer-than-255-bytes" "$R/opt/symlink-to-long-path"
repack "hard links and long paths"

# ---- empty layers: a repack with nothing changed (umoci records only a history entry with
# empty_layer) and a real layer blob holding an empty tar; the bundle is unpacked again after it
# because umoci repack would build on the bundle's manifest, which lacks the added layer
repack "nothing changed"
tar -cf "$work/empty.tar" --files-from /dev/null
umoci raw add-layer --history.comment "an empty tar" --image "$img:real" "$work/empty.tar"
say "layer: an empty tar"
rm -rf "$bundle"
umoci unpack --image "$img:real" "$bundle"

# ---- layer: a file whited out in a lower layer comes back, a deleted directory comes back
mkdir -p "$R/usr/share/man/man1" && echo back >"$R/usr/share/man/man1/back.1"
echo "back again" >"$R/etc/motd"
rm -f "$R/usr/bin/cat-link"                                   # one name of a hard-link group
repack "restore some deleted paths"
step layers

umoci gc --layout "$img"
umoci ls --layout "$img" >&2

# ---- other encodings of the same image
skopeo copy -q "oci:$img:real" "docker-archive:$out/docker.tar:real:latest"
step docker-archive
if skopeo copy -q --dest-compress-format zstd "oci:$img:real" "oci:$out/oci-zstd:real"; then
  step oci-zstd
else
  say "skopeo cannot write zstd layers; no oci-zstd"
  rm -rf "$out/oci-zstd"
fi

rm -rf "$bundle"
touch "$out/DONE"
say "done: $out"
