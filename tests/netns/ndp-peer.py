#!/usr/bin/python3
# SPDX-License-Identifier: ISC
"""Neighbor discovery written byte by byte with the standard library, for
what rdisc6 and ndisc6 cannot send (an independent encoder: nothing here
comes from v6ext's own code).

  ndp-peer.py bad-rs IFACE
      four invalid router solicitations (RFC 4861 6.1.1): hop limit 254,
      ICMPv6 length 4, a zero-length option, an option past the end
  ndp-peer.py unicast-ns IFACE DST-MAC SRC-IP TARGET
      a unicast NS (neighbour unreachability detection, RFC 4861 7.3.1) to
      DST-MAC; prints the target link-layer address of the solicited NA
      that answers it, exits 1 when none comes within 2 s
  ndp-peer.py scan IFACE SRC-IP PREFIX COUNT SECONDS
      a scan, as a router sees it when the internet probes a prefix (RFC
      6583): multicast NSes for COUNT random addresses of PREFIX, spread
      over SECONDS, from SRC-IP; prints "sent N answered M" (the solicited
      NAs that came back, one per target at most)
"""
import os
import random
import ipaddress
import socket
import struct
import sys
import time

ETH_P_IPV6 = 0x86DD


def mac_bytes(s):
    return bytes(int(x, 16) for x in s.split(":"))


def if_mac(iface):
    with open(f"/sys/class/net/{iface}/address") as f:
        return mac_bytes(f.read().strip())


def checksum(src, dst, icmp):
    pseudo = src + dst + struct.pack("!I3xB", len(icmp), 58)
    data = pseudo + icmp
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack(f"!{len(data) // 2}H", data))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return ~s & 0xFFFF


def frame(eth_dst, eth_src, src, dst, icmp, hlim=255, plen=None):
    src, dst = ipaddress.IPv6Address(src).packed, ipaddress.IPv6Address(dst).packed
    icmp = icmp[:2] + struct.pack("!H", checksum(src, dst, icmp)) + icmp[4:]
    ip = struct.pack("!IHBB", 6 << 28, len(icmp) if plen is None else plen, 58, hlim) + src + dst
    return eth_dst + eth_src + struct.pack("!H", ETH_P_IPV6) + ip + icmp


def link_local(mac):
    eui = bytes([mac[0] ^ 2]) + mac[1:3] + b"\xff\xfe" + mac[3:]
    return str(ipaddress.IPv6Address(b"\xfe\x80" + b"\0" * 6 + eui))


def bad_rs(iface):
    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(ETH_P_IPV6))
    s.bind((iface, 0))
    mac = if_mac(iface)
    src, dst, edst = link_local(mac), "ff02::2", mac_bytes("33:33:00:00:00:02")
    rs = bytes([133, 0, 0, 0, 0, 0, 0, 0])
    slla = bytes([1, 1]) + mac
    for f in (
        frame(edst, mac, src, dst, rs + slla, hlim=254),           # crossed a router
        frame(edst, mac, src, dst, rs[:4]),                        # ICMPv6 length 4 < 8
        frame(edst, mac, src, dst, rs + bytes([1, 0]) + mac),      # option length 0
        frame(edst, mac, src, dst, rs + bytes([1, 2]) + mac),      # claims 16 bytes, has 8
    ):
        s.send(f)


def unicast_ns(iface, dst_mac, src, target):
    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(ETH_P_IPV6))
    s.bind((iface, 0))
    mac = if_mac(iface)
    tgt = ipaddress.IPv6Address(target).packed
    ns = bytes([135, 0, 0, 0, 0, 0, 0, 0]) + tgt + bytes([1, 1]) + mac
    s.send(frame(mac_bytes(dst_mac), mac, src, target, ns))
    s.settimeout(0.2)
    end = time.time() + 2
    while time.time() < end:
        try:
            f = s.recv(2048)
        except socket.timeout:
            continue
        icmp = f[54:]
        if len(f) < 86 or f[20] != 58 or icmp[0] != 136 or icmp[8:24] != tgt or not icmp[4] & 0x40:
            continue
        opts = icmp[24:]
        while len(opts) >= 8 and opts[1]:
            if opts[0] == 2:
                print(":".join(f"{b:02x}" for b in opts[2:8]))
                return 0
            opts = opts[opts[1] * 8:]
    return 1


def solicited_node(addr):
    a = ipaddress.IPv6Address(addr).packed
    group = ipaddress.IPv6Address(b"\xff\x02" + b"\0" * 9 + b"\x01\xff" + a[13:])
    return str(group), bytes([0x33, 0x33, 0xFF]) + a[13:]


def scan(iface, src, prefix, count, seconds):
    net = ipaddress.IPv6Network(prefix)
    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(ETH_P_IPV6))
    s.bind((iface, 0))
    s.setblocking(False)
    mac = if_mac(iface)
    rnd = random.Random(os.getpid())
    targets = [net[rnd.randrange(1, net.num_addresses)] for _ in range(count)]
    wanted, answered = {t.packed for t in targets}, set()
    start = time.time()
    for i, t in enumerate(targets):
        group, gmac = solicited_node(t)
        ns = bytes([135, 0, 0, 0, 0, 0, 0, 0]) + t.packed + bytes([1, 1]) + mac
        s.send(frame(gmac, mac, src, group, ns))
        # keep the pace: target i leaves at i * seconds / count
        while time.time() < start + (i + 1) * seconds / count:
            try:
                f = s.recv(2048)
            except BlockingIOError:
                time.sleep(0.001)
                continue
            icmp = f[54:]
            if len(f) >= 78 and f[20] == 58 and icmp[0] == 136 and icmp[8:24] in wanted:
                answered.add(icmp[8:24])
    end = time.time() + 1
    while time.time() < end:
        try:
            f = s.recv(2048)
        except BlockingIOError:
            time.sleep(0.01)
            continue
        icmp = f[54:]
        if len(f) >= 78 and f[20] == 58 and icmp[0] == 136 and icmp[8:24] in wanted:
            answered.add(icmp[8:24])
    print(f"sent {count} answered {len(answered)}")
    return 0


if __name__ == "__main__":
    if sys.argv[1] == "bad-rs":
        bad_rs(sys.argv[2])
        sys.exit(0)
    if sys.argv[1] == "scan":
        sys.exit(scan(sys.argv[2], sys.argv[3], sys.argv[4], int(sys.argv[5]), float(sys.argv[6])))
    sys.exit(unicast_ns(*sys.argv[2:6]))
