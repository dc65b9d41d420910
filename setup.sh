#!/bin/bash
# SPDX-License-Identifier: ISC
# One entry point for a fresh Debian 12 machine, as root:
#   ./setup.sh demo   install what the build needs, build, run the demo
#   ./setup.sh test   install what the build and tests need, build with
#                     -Werror, run every test (make check) and print a summary
#   ./setup.sh bench  also install fastd, OpenVPN, tinc, SoftEther, iperf3;
#                     build; run the benchmark (tests/bench/README.md)
#   ./setup.sh deb    also build the Debian packages (make deb: build/deb/*.deb)
#   ./setup.sh cross  also the arm64 and armhf cross compilers and qemu-user;
#                     build for both, run the unit tests under qemu (make cross)
#   ./setup.sh deps   only install the packages
#   ./setup.sh cross-deps  only the packages, with those of ./setup.sh cross
# Builds go to build/ (out of tree), so the checkout stays clean.
set -euo pipefail
cd "$(dirname "$0")"

# Build: compilers, autotools and every library configure.ac names.
BUILD_PKGS="build-essential autoconf automake libtool pkg-config
	libsodium-dev libevent-dev libnl-3-dev libnl-route-3-dev libmnl-dev libinih-dev libseccomp-dev libldns-dev"
# Tests: cmocka and jansson (unit tests and vectors), clang + libFuzzer (fuzz
# targets), and the real network peers the namespace tests drive; iperf3
# (flood-cookie.test, make soak), libfaketime (linkflap.test), bc (the fault
# tests' arithmetic on fractional seconds), bird2 (bgp-topology.test).
TEST_PKGS="libcmocka-dev libjansson-dev clang iproute2 tcpdump iputils-ping netcat-openbsd python3 ndisc6 tshark isc-dhcp-client dhcpcd-base prometheus nftables iperf3 libfaketime bc curl tayga knot knot-dnsutils bind9 bind9-dnsutils bird2"
# Packaging: the Debian packages (make deb), lintian, and a clean chroot to
# install and purge them in (make deb-chroot).
PKG_PKGS="debhelper fakeroot lintian debootstrap"
# Other architectures (./setup.sh cross): Debian's cross compilers and
# qemu-user to run the unit tests; the targets' libraries come from their
# .debs, fetched by make cross (tests/cross/cross.sh says why not multiarch
# -dev packages), so apt needs the architectures, not the packages.
CROSS_ARCHS="arm64 armhf"
CROSS_PKGS="crossbuild-essential-arm64 crossbuild-essential-armhf qemu-user"

# Benchmark peers (./setup.sh bench): the tunnels v6ext is measured against.
BENCH_PKGS="iperf3 openssl fastd openvpn tinc softether-vpnserver softether-vpncmd procps tayga haproxy"

deps() {
	if [ "$(id -u)" -ne 0 ]; then
		echo "setup.sh: run as root (it installs packages with apt-get)" >&2
		exit 1
	fi
	export DEBIAN_FRONTEND=noninteractive
	# A mirror whose index of one architecture is out of step with its
	# Release file (a sync under way; more likely with foreign architectures
	# added for cross builds) fails the whole update: try again once, then go
	# on with the lists that did come -- install says so if what it needs is
	# missing.
	apt-get update -q || { sleep 10; apt-get update -q; } ||
		echo "setup.sh: apt-get update failed; going on with the package lists there are" >&2
	# shellcheck disable=SC2086
	apt-get install -y -q --no-install-recommends $BUILD_PKGS $TEST_PKGS $PKG_PKGS ${EXTRA_PKGS:-}
	# the system user the daemons run as after start-up (user = v6ext,
	# the default), as the packages make it
	id v6ext > /dev/null 2>&1 ||
		useradd --system --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin v6ext
}

build() { # build DIR CONFIGURE-ARGS...
	local dir=$1; shift
	[ -x configure ] || autoreconf -fi
	mkdir -p "$dir"
	(cd "$dir" && ../configure -q "$@" && make -s -j"$(nproc)")
}

# Prints "N passed, N failed, N skipped" from automake's test-suite.log.
summary() {
	awk '/^# (PASS|FAIL|SKIP|XFAIL|XPASS|ERROR):/ { n[$2] = $3 }
	    END { printf "%d passed, %d failed, %d skipped\n", n["PASS:"] + n["XFAIL:"],
	        n["FAIL:"] + n["XPASS:"] + n["ERROR:"], n["SKIP:"] }' "$1"
}

case "${1:-}" in
deps)
	deps
	;;
demo)
	deps
	build build
	bash contrib/demo.sh build
	;;
test)
	deps
	build build --enable-werror
	rc=0
	make -C build -s check -j"$(nproc)" || rc=$?
	[ $rc -eq 0 ] || find build/tests -name '*.log' ! -name test-suite.log -exec grep -l -E '^(not ok|# (FAIL|ERROR))' {} + 2>/dev/null | xargs -r cat
	summary build/test-suite.log
	exit $rc
	;;
cross | cross-deps)
	for a in $CROSS_ARCHS; do dpkg --add-architecture "$a"; done
	EXTRA_PKGS="$CROSS_PKGS ${EXTRA_PKGS:-}" deps
	[ "$1" = cross ] || exit 0
	build build
	make -C build -s cross
	;;
deb)
	deps
	build build
	make -C build -s deb
	;;
bench)
	EXTRA_PKGS=$BENCH_PKGS deps
	build build
	make -C build -s bench
	;;
*)
	echo "usage: sudo ./setup.sh demo|test|deb|cross|bench|deps|cross-deps" >&2
	exit 2
	;;
esac
