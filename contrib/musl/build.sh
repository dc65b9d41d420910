#!/bin/bash
# SPDX-License-Identifier: ISC
# Build v6ext against musl, as OpenWrt would, and run its unit tests:
#
#   contrib/musl/build.sh [OUT]        (root on Debian 12; OUT: build-musl)
#
# 1. installs Debian's musl-tools (musl-gcc) and the tools the libraries'
#    builds need, unless they are there already;
# 2. fetches the Debian source packages of every library v6ext links and
#    its unit tests link (libsodium, libevent, libnl3, libmnl, libinih,
#    libseccomp, ldns with openssl for its TSIG, cmocka, jansson) with an
#    apt configuration of its own (OUT/apt: deb-src lines made from the
#    system's, its own lists), so /etc/apt is left as it is;
# 3. builds each into OUT/prefix with musl-gcc, static libraries only;
# 4. configures v6ext out of tree in OUT/v6ext with CC=musl-gcc and
#    pkg-config reading OUT/prefix alone, builds it, and runs make check-unit.
#
# musl ships no kernel headers: OUT/kernel holds links to Debian's
# (linux-libc-dev: linux/, asm/, asm-generic/), as OpenWrt's toolchain has
# its own copy. Nothing is vendored: a second run reuses what OUT holds
# (rm -rf OUT to start afresh). JOBS (default 2) sets make -j. SRC_<package>
# (SRC_libmnl=/path/to/libmnl-1.0.4) builds that tree instead of Debian's
# source package, for a mirror that lacks it. Exits 77 when a source cannot
# be fetched, saying which.
# the build_* functions are called by name (build_$p)
# shellcheck disable=SC2317
set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
out=$(mkdir -p "${1:-$top/build-musl}" && cd "${1:-$top/build-musl}" && pwd)
prefix=$out/prefix
src=$out/src
jobs=${JOBS:-2}
# the source packages, in build order (ldns needs openssl's libcrypto)
PKGS="libsodium libevent libnl3 libmnl libinih libseccomp openssl ldns cmocka jansson"
# what the builds need on the host: the compiler, autotools, meson and
# cmake for inih and cmocka, gperf for libseccomp, bison and flex for libnl
TOOLS="musl-tools dpkg-dev build-essential autoconf automake libtool pkg-config curl meson ninja-build cmake gperf bison flex"

log() { printf '== %s %s\n' "$(date +%T)" "$*"; }

host_tools() {
	local missing="" p
	for p in $TOOLS; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q '^install ok installed' ||
			missing="$missing $p"
	done
	[ -z "$missing" ] && return 0
	if [ "$(id -u)" -ne 0 ]; then
		echo "build.sh: missing packages:$missing (run as root, or install them)" >&2
		exit 1
	fi
	log "installing$missing"
	# shellcheck disable=SC2086
	DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends $missing
}

# apt with deb-src lines of its own: the system's sources (deb822 or
# one-line) turned into deb-src, and lists kept under OUT/apt.
APT=()
apt_private() {
	local a=$out/apt
	mkdir -p "$a/lists/partial" "$a/cache/archives/partial" "$a/parts"
	: > "$a/sources.list"
	if ls /etc/apt/sources.list.d/*.sources > /dev/null 2>&1; then
		sed -n 's/^Types:.*\bdeb\b.*/Types: deb-src/; /^[A-Za-z-]*:/p; /^$/p' \
			/etc/apt/sources.list.d/*.sources > "$a/parts/debian-src.sources"
	fi
	if [ -f /etc/apt/sources.list ]; then
		sed -n 's/^deb \(.*\)/deb-src \1/p' /etc/apt/sources.list > "$a/sources.list"
	fi
	APT=(-o "Dir::Etc::SourceList=$a/sources.list" -o "Dir::Etc::SourceParts=$a/parts"
		-o "Dir::State::Lists=$a/lists" -o "Dir::Cache=$a/cache"
		-o "APT::Sandbox::User=$(id -un)" -q)
	if [ ! -f "$a/updated" ]; then
		log "apt-get update (deb-src, $a)"
		apt-get "${APT[@]}" update
		touch "$a/updated"
	fi
}

# fetch PKG: OUT/src/PKG, the Debian source unpacked with Debian's patches.
# SRC_<PKG> (SRC_libmnl=/path) names a source tree to use instead, for a
# mirror that lacks a package; a source package whose .dsc or Debian
# tarball is missing but whose upstream tarball is there is unpacked without
# Debian's patches, saying so.
fetch() {
	local p=$1 dsc orig var=SRC_${1//[^A-Za-z0-9_]/_}
	[ -d "$src/$p" ] && return 0
	mkdir -p "$src/dl"
	rm -rf "$src/$p.tmp"
	if [ -n "${!var:-}" ]; then
		log "$p: the tree in \$$var (${!var}), not Debian's source package"
		cp -a "${!var}" "$src/$p.tmp"
	elif (cd "$src/dl" && apt-get "${APT[@]}" source --download-only "$p"); then
		for dsc in "$src/dl/${p}_"*.dsc; do :; done   # the one apt-get fetched
		dpkg-source --no-check -x "$dsc" "$src/$p.tmp" > /dev/null
	else
		orig=$(apt-get "${APT[@]}" source --print-uris "$p" | sed -n "s/^'\([^']*\.orig\.tar\.[a-z0-9]*\)'.*/\1/p" | head -1)
		if [ -z "$orig" ] || ! (cd "$src/dl" && curl -fsSLO "$orig"); then
			echo "build.sh: cannot fetch the source of $p; set $var to a source tree of it" >&2
			return 1
		fi
		log "$p: only the upstream tarball could be fetched; built without Debian's patches"
		mkdir -p "$src/$p.tmp"
		tar -xf "$src/dl/${orig##*/}" -C "$src/$p.tmp" --strip-components=1
	fi
	mv "$src/$p.tmp" "$src/$p"
}

# the environment every library and v6ext are built in
musl_env() {
	mkdir -p "$out/kernel"
	local d
	for d in linux asm-generic; do ln -sfn "/usr/include/$d" "$out/kernel/$d"; done
	ln -sfn "/usr/include/$(gcc -print-multiarch)/asm" "$out/kernel/asm"
	export CC=musl-gcc
	export CPPFLAGS="-isystem $out/kernel -I$prefix/include"
	export CFLAGS="-O2 -g -fPIC"
	export LDFLAGS="-L$prefix/lib"
	# pkg-config sees the prefix alone, never the system's glibc libraries;
	# --static: every library is an archive, so their Libs.private count
	export PKG_CONFIG_LIBDIR=$prefix/lib/pkgconfig
	export PKG_CONFIG_PATH=$prefix/lib/pkgconfig
	export PKG_CONFIG="pkg-config --static"
}

# autotools PKG CONFIGURE-ARGS...: configure, make, make install. autoreconf
# first, as Debian's builds do (dh_autoreconf): Debian's patches touch
# Makefile.am and configure.ac.
autotools() {
	local p=$1; shift
	cd "$src/$p"
	if [ ! -f .autoreconf-done ]; then
		autoreconf -fi > autoreconf.log 2>&1 || { cat autoreconf.log >&2; return 1; }
		touch .autoreconf-done
	fi
	./configure -q --prefix="$prefix" --libdir="$prefix/lib" --disable-shared --enable-static "$@"
	make -s -j"$jobs"
	make -s install
}

build_libsodium() { autotools libsodium; }
build_libevent() {
	autotools libevent --disable-openssl --disable-samples --disable-libevent-regress \
		--disable-debug-mode
}
build_libnl3() { autotools libnl3 --disable-cli --disable-debug; }
build_libmnl() { autotools libmnl; }
build_libseccomp() { autotools libseccomp; }
build_libinih() {
	cd "$src/libinih"
	rm -rf _musl
	meson setup _musl --prefix="$prefix" --libdir=lib --default-library=static \
		-Ddistro_install=true -Dwith_INIReader=false > /dev/null
	ninja -C _musl -j"$jobs" install > /dev/null
}
# openssl: libcrypto for ldns's TSIG (HMAC) and DNSSEC code, built small:
# the libraries alone (build_libs, install_dev: no apps, no docs), no
# engines, no afalg (its kernel interface), no async (musl has no
# makecontext), no SSLv3, DTLS or compression. ldns still calls the
# deprecated RSA and DSA functions, so those stay.
build_openssl() {
	cd "$src/openssl"
	# shellcheck disable=SC2086 # the flags are words
	./Configure linux-x86_64 --prefix="$prefix" --libdir=lib --openssldir="$prefix/ssl" \
		no-shared no-tests no-engine no-afalgeng no-async no-dso \
		no-ssl3 no-dtls no-comp no-legacy \
		$CPPFLAGS $CFLAGS > /dev/null
	make -s -j"$jobs" build_libs > /dev/null
	make -s install_dev > /dev/null
}
build_ldns() {
	autotools ldns --with-ssl="$prefix" --without-drill --without-examples \
		--without-pyldns --without-pyldnsx --disable-dane --disable-gost
	# ldns.pc does not say it needs libcrypto, which a static link must know
	grep -q '^Requires.private:' "$prefix/lib/pkgconfig/ldns.pc" ||
		echo 'Requires.private: libcrypto' >> "$prefix/lib/pkgconfig/ldns.pc"
}
build_cmocka() {
	cd "$src/cmocka"
	rm -rf _musl
	cmake -S . -B _musl -DCMAKE_INSTALL_PREFIX="$prefix" -DCMAKE_INSTALL_LIBDIR=lib \
		-DCMAKE_C_COMPILER=musl-gcc -DCMAKE_BUILD_TYPE=Release \
		-DBUILD_SHARED_LIBS=OFF -DWITH_STATIC_LIB=ON -DUNIT_TESTING=OFF -DWITH_EXAMPLES=OFF > /dev/null
	cmake --build _musl -j "$jobs" > /dev/null
	cmake --install _musl > /dev/null
	# cmocka 1.1 builds its shared library whatever BUILD_SHARED_LIBS says,
	# and the static one as libcmocka-static.a: keep the static one alone
	rm -f "$prefix"/lib/libcmocka.so*
	cp "$prefix/lib/libcmocka-static.a" "$prefix/lib/libcmocka.a"
}
build_jansson() { autotools jansson; }

host_tools
apt_private
musl_env
t0=$SECONDS
# every source first: a mirror that lacks one is found out in seconds, not
# after half the builds (exit 77: what is missing is not ours to fix)
for p in $PKGS; do
	[ -f "$out/stamp/$p" ] || fetch "$p" || exit 77
done
for p in $PKGS; do
	[ -f "$out/stamp/$p" ] && continue
	log "building $p"
	s=$SECONDS
	("build_$p")
	mkdir -p "$out/stamp"
	echo "$((SECONDS - s))" > "$out/stamp/$p"
done
log "libraries: $((SECONDS - t0)) s"

log "v6ext"
cd "$top"
[ -x configure ] || autoreconf -fi
mkdir -p "$out/v6ext"
cd "$out/v6ext"
"$top/configure" -q --disable-netns-tests
make -s -j"$jobs"
rc=0
make -s -j"$jobs" check-unit || rc=$?
# the programs run on musl's loader, the libraries linked in statically
log "v6ext-client's loader: $(readelf -l client/v6ext-client | sed -n 's/.*interpreter: \(.*\)]/\1/p')"
grep -E '^# (TOTAL|PASS|SKIP|XFAIL|FAIL|XPASS|ERROR):' test-suite.log || true
log "done in $SECONDS s"
exit $rc
