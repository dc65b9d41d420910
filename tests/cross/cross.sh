#!/bin/bash
# SPDX-License-Identifier: ISC
# Cross-build v6ext's Debian packages for ARCH (arm64 or armhf) with Debian's
# cross compiler, and run the unit tests of that same build under qemu-user.
# Usage: cross.sh ARCH SRCDIR OUTDIR TARBALL (make cross: OUTDIR is
# cross/ARCH in the build directory, TARBALL the dist tarball).
#
# The target's libraries come from its .debs (apt-get download, unpacked into
# OUTDIR/sysroot), not from multiarch -dev packages: on bookworm libevent-dev
# is not Multi-Arch: same, so libevent-dev:arm64 cannot be installed beside
# the build's own libevent-dev, and a -dev package of another architecture
# must have the same version as the host's, which breaks whenever a security
# update reaches one architecture's index before another's.
#
# dpkg-buildpackage -a ARCH -d (the build dependencies are the sysroot's, not
# installed ones) builds in the unpacked tarball with the sysroot's paths in
# DEB_CPPFLAGS_APPEND/DEB_LDFLAGS_APPEND and pkg-config's environment, and
# --enable-werror; dpkg-shlibdeps learns the libraries' packages and versions
# from each library .deb unpacked with its control files (-S DIR reads
# DIR/DEBIAN/symbols, as for a library built in the same source package). The
# unit tests then build and run in that tree: the .debs are made from the
# binaries the tests ran against. Needs what `./setup.sh cross` installs (the
# cross compilers, qemu-user, the foreign architectures in apt). Prints
# ok/not ok lines, lintian's findings, and "ARCH: N passed, N failed, N
# skipped".
set -u
arch=$1 srcdir=$(cd "$2" && pwd) out=$3 tarball=$(cd "$(dirname "$4")" && pwd)/${4##*/}
. "$srcdir/tests/lib.sh"
case $arch in
arm64) triplet=aarch64-linux-gnu qemu=qemu-aarch64 ;;
armhf) triplet=arm-linux-gnueabihf qemu=qemu-arm ;;
*) echo "cross.sh: ARCH is arm64 or armhf, not $arch" >&2; exit 2 ;;
esac
# the -dev packages configure.ac names and the libraries they link
DEBS="libsodium-dev libsodium23 libevent-dev libevent-2.1-7 libevent-core-2.1-7
	libevent-extra-2.1-7 libevent-pthreads-2.1-7 libevent-openssl-2.1-7
	libnl-3-dev libnl-3-200 libnl-route-3-dev libnl-route-3-200 libmnl-dev libmnl0
	libinih-dev libinih1 libseccomp-dev libseccomp2 libldns-dev libldns3
	libssl-dev libssl3 libcmocka-dev libcmocka0 libjansson-dev libjansson4"
# for dpkg-shlibdeps alone (its symbols file): the C library itself comes
# with the cross compiler (/usr/TRIPLET), as the tests run it
SHLIBS_ONLY="libc6"

command -v "$triplet-gcc" > /dev/null || { echo "not ok $arch: no $triplet-gcc (./setup.sh cross)"; exit 1; }
command -v "$qemu" > /dev/null || { echo "not ok $arch: no $qemu (./setup.sh cross)"; exit 1; }
mkdir -p "$out"
out=$(cd "$out" && pwd)
sysroot=$out/sysroot lib=$out/sysroot/usr/lib/$triplet

fetch() {
	# shellcheck disable=SC2046
	(rm -rf "$out/debs" && mkdir -p "$out/debs/shlibs-only" && cd "$out/debs" &&
		apt-get download -q $(for p in $DEBS; do echo "$p:$arch"; done) &&
		cd shlibs-only && apt-get download -q $(for p in $SHLIBS_ONLY; do echo "$p:$arch"; done)) > "$out/fetch.log" 2>&1 &&
		rm -rf "$sysroot" "$out/shlibs" && mkdir -p "$out/shlibs" && for d in "$out"/debs/*.deb; do
			dpkg-deb -x "$d" "$sysroot" || return 1
		done && for d in "$out"/debs/*.deb "$out"/debs/shlibs-only/*.deb; do
			dpkg-deb -R "$d" "$out/shlibs/$(dpkg-deb -f "$d" Package)" || return 1
		done &&
	# merged /usr as on the target (libnl ships in /lib), and links such as
	# libnl-3.so -> /lib/TRIPLET/libnl-3.so.200 pointed into the sysroot
	if [ -d "$sysroot/lib" ]; then cp -a "$sysroot/lib/." "$sysroot/usr/lib/" && rm -rf "$sysroot/lib"; fi &&
	find "$sysroot" -type l -lname '/*' | while read -r l; do
		ln -sfn "$sysroot/usr$(readlink "$l" | sed 's,^/usr/,/,')" "$l"; done
}
# dpkg-buildpackage in the unpacked tarball: pkg-config reads the target's
# .pc files and puts the sysroot before their paths (system paths too:
# /usr/include here is the sysroot's, not ours)
tree=
package() {
	rm -rf "$out/pkg" && mkdir -p "$out/pkg" && tar -xzf "$tarball" -C "$out/pkg" || return 1
	tree=$(echo "$out"/pkg/v6ext-*/)
	local shlibs=() d
	for d in "$out"/shlibs/*/; do shlibs+=("-S$d"); done
	(cd "$tree" &&
	PKG_CONFIG_LIBDIR=$lib/pkgconfig:$sysroot/usr/share/pkgconfig PKG_CONFIG_SYSROOT_DIR=$sysroot \
	PKG_CONFIG_ALLOW_SYSTEM_CFLAGS=1 PKG_CONFIG_ALLOW_SYSTEM_LIBS=1 \
	DEB_CPPFLAGS_APPEND="-I$sysroot/usr/include/$triplet" DEB_LDFLAGS_APPEND="-Wl,-rpath-link,$lib" \
	V6EXT_CONFIGURE_FLAGS=--enable-werror V6EXT_SHLIBDEPS_FLAGS="${shlibs[*]}" \
	DEB_BUILD_OPTIONS="nocheck parallel=2" DEB_BUILD_PROFILES="cross nocheck" \
	dpkg-buildpackage -a"$arch" -d -us -uc -b) > "$out/package.log" 2>&1
}
# each test binary under qemu: the target's loader and libc from the cross
# toolchain (-L), its other libraries from the sysroot
unit() {
	make -C "$tree" -s -j2 check-unit LOG_COMPILER="$qemu" \
		LOG_FLAGS="-L /usr/$triplet -E LD_LIBRARY_PATH=$lib" > "$out/check.log" 2>&1
}
lint() { lintian --fail-on error "$out"/pkg/*.changes; }

# step NAME COMMAND...: lib.sh's check, and COMMAND's status
step() { if "${@:2}"; then tap_ok "$1"; else tap_not_ok "$1"; return 1; fi; }
start=$(date +%s)
step "$arch: the target's libraries, unpacked into $sysroot" fetch || { tail -n 5 "$out/fetch.log"; exit 1; }
step "$arch: dpkg-buildpackage -a$arch (configure --host=$triplet --enable-werror)" package ||
	{ tail -n 40 "$out/package.log"; exit 1; }
rc=0
step "$arch: unit tests of that build under $qemu" unit || rc=1
[ $rc -eq 0 ] || find "$tree/tests" -name '*.log' -exec grep -l -E '^(not ok|# (FAIL|ERROR))' {} + 2>/dev/null | xargs -r cat
step "$arch: lintian reports no error" lint || rc=1
for d in "$out"/pkg/*.deb; do echo "# ${d##*/}: $(dpkg-deb -f "$d" Architecture), $(stat -c %s "$d") bytes, Depends: $(dpkg-deb -f "$d" Depends)"; done
echo "$arch: $(file -b "$tree/server/v6extd" | cut -d, -f1-2), $(( $(date +%s) - start )) s"
printf '%s: ' "$arch"
awk '/^# (PASS|FAIL|SKIP|XFAIL|XPASS|ERROR):/ { n[$2] = $3 }
    END { printf "%d passed, %d failed, %d skipped\n", n["PASS:"] + n["XFAIL:"],
        n["FAIL:"] + n["XPASS:"] + n["ERROR:"], n["SKIP:"] }' "$tree/test-suite.log"
exit $rc
