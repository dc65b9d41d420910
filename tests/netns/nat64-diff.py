#!/usr/bin/python3
# SPDX-License-Identifier: ISC
"""The differential test's packets (tests/netns/nat64-diff.test): the same
probes sent through two translators, and what came out compared field by
field. No scapy: packets are built and read with struct.

  send4 SRC DST...      IPv4 probes from SRC to each DST (raw socket)
  send6 SRC DST...      IPv6 probes from SRC to each DST
  compare6 PCAP A B     the IPv6 packets captured, from prefix A and prefix B
  compare4 PCAP A B     the IPv4 packets captured, from address A and address B

Each probe carries its number in its source port or ICMP identifier, so the
two translations of one probe pair up. compare* prints one line per pair:
  pair N NAME: same | allowed FIELD... | DIFFERENT FIELD...
and a last line: summary PAIRS SAME ALLOWED DIFFERENT MISSING BADSUM
"""
import socket
import struct
import sys

# Fields RFC 7915 lets two translators set differently, or that differ by
# the setup rather than the translation (each with its reason, printed).
ALLOWED = {
    "hlim": "hop limit / TTL: each translator decrements it as a router or leaves that to the "
            "kernel around its TUN (RFC 7915 4.1, 5.1)",
    "ip_id": "IPv4 Identification of an unfragmented packet: the translator's own (RFC 7915 5.1, RFC 6864)",
    "tcp_mss": "TCP MSS: v6ext clamps a SYN's to the sites' MTU; RFC 7915 leaves it alone",
    "frag_id": "Fragment Identification: RFC 7915 4.1 copies the IPv4 ID's low bits; a translator "
               "that cuts a packet further picks its own",
    "atomic": "an atomic Fragment header on a DF-clear packet: RFC 6145 added one, RFC 8021 and 7915 "
              "say not to",
    "df_small": "DF on a packet of 1260 bytes or less: RFC 6145 5.1 set DF always, RFC 7915 5.1 only "
                "above 1260 (what a 1280 IPv6 link carries)",
}
# A probe the reference drops where RFC 7915 leaves the choice: not a
# difference in v6ext's translation.
REFERENCE_MAY_DROP = {
    "UDP with checksum 0 (RFC 7915 4.5)": "RFC 7915 4.5: a translator computes the checksum or drops the "
                                          "packet; v6ext computes it",
}


def csum(b):
    if len(b) % 2:
        b += b"\0"
    s = sum(struct.unpack("!%dH" % (len(b) // 2), b))
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    return s


def fix_ip4(h):
    h = h[:10] + b"\0\0" + h[12:]
    return h[:10] + struct.pack("!H", ~csum(h) & 0xffff) + h[12:]


def ip4(src, dst, proto, payload, ident, flags_off=0x4000, ttl=64, tos=0):
    h = struct.pack("!BBHHHBBH4s4s", 0x45, tos, 20 + len(payload), ident, flags_off, ttl, proto, 0,
                    socket.inet_aton(src), socket.inet_aton(dst))
    return fix_ip4(h) + payload


def l4sum4(src, dst, proto, seg):
    return ~csum(socket.inet_aton(src) + socket.inet_aton(dst) + struct.pack("!BBH", 0, proto, len(seg)) + seg) & 0xffff


def l4sum6(src, dst, proto, seg):
    return ~csum(socket.inet_pton(socket.AF_INET6, src) + socket.inet_pton(socket.AF_INET6, dst) +
                 struct.pack("!IxxxB", len(seg), proto) + seg) & 0xffff


def udp(sport, dport, data):
    return struct.pack("!HHHH", sport, dport, 8 + len(data), 0) + data


def with_sum(seg, at, s):
    s = s or 0xffff
    return seg[:at] + struct.pack("!H", s) + seg[at + 2:]


def tcp_syn(sport, dport, opts):
    hl = 20 + len(opts)
    return struct.pack("!HHIIBBHHH", sport, dport, 1000, 0, (hl // 4) << 4, 0x02, 64240, 0, 0) + opts


MSS_SACK_TS = bytes([2, 4, 0x05, 0xb4, 4, 2, 8, 10]) + b"\0" * 8 + bytes([1, 1, 1, 0])


# ---- IPv4 probes ----------------------------------------------------------------------------

def probes4(src, dst):
    """(number, name, list of IPv4 packets) for one destination."""
    out = []
    seg = tcp_syn(41001, 9, MSS_SACK_TS)
    out.append((1, "TCP SYN, MSS 1460 + SACK + timestamps", [ip4(src, dst, 6, with_sum(seg, 16, l4sum4(src, dst, 6, seg)), 101)]))
    seg = udp(41002, 9, b"udp probe 2" * 10)
    out.append((2, "UDP with a checksum", [ip4(src, dst, 17, with_sum(seg, 6, l4sum4(src, dst, 17, seg)), 102)]))
    seg = udp(41003, 9, b"udp probe 3, checksum zero")
    out.append((3, "UDP with checksum 0 (RFC 7915 4.5)", [ip4(src, dst, 17, seg, 103)]))
    seg = struct.pack("!BBHHH", 8, 0, 0, 4, 1) + b"echo probe 4" * 8
    out.append((4, "ICMP echo request", [ip4(src, dst, 1, with_sum(seg, 2, ~csum(seg) & 0xffff), 104)]))
    seg = udp(41005, 9, b"dscp ef, ecn ect0")
    out.append((5, "UDP with DSCP EF and ECN ECT(0)", [ip4(src, dst, 17, with_sum(seg, 6, l4sum4(src, dst, 17, seg)), 105, tos=0xba)]))
    seg = udp(41006, 9, b"ttl 5")
    out.append((6, "UDP with TTL 5", [ip4(src, dst, 17, with_sum(seg, 6, l4sum4(src, dst, 17, seg)), 106, ttl=5)]))
    seg = udp(41007, 9, bytes(range(256)) * 6)
    seg = with_sum(seg, 6, l4sum4(src, dst, 17, seg))
    out.append((7, "UDP in two IPv4 fragments (DF clear)",
                [ip4(src, dst, 17, seg[:800], 107, flags_off=0x2000), ip4(src, dst, 17, seg[800:], 107, flags_off=100)]))
    seg = udp(41008, 9, b"x" * 900)
    out.append((8, "UDP of 928 bytes without DF", [ip4(src, dst, 17, with_sum(seg, 6, l4sum4(src, dst, 17, seg)), 108, flags_off=0)]))
    return out


def send4(src, dsts):
    s = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_RAW)
    for dst in dsts:
        for _, _, pkts in probes4(src, dst):
            for p in pkts:
                s.sendto(p, (dst, 0))


# ---- IPv6 probes ----------------------------------------------------------------------------

def ip6(src, dst, nh, payload, hlim=64, tc=0):
    return (struct.pack("!IHBB", 6 << 28 | tc << 20, len(payload), nh, hlim) +
            socket.inet_pton(socket.AF_INET6, src) + socket.inet_pton(socket.AF_INET6, dst) + payload)


def probes6(src, dst):
    out = []
    seg = tcp_syn(42001, 9, MSS_SACK_TS)
    out.append((1, "TCP SYN, MSS 1460 + SACK + timestamps", ip6(src, dst, 6, with_sum(seg, 16, l4sum6(src, dst, 6, seg)))))
    seg = udp(42002, 9, b"udp probe 2" * 10)
    out.append((2, "UDP", ip6(src, dst, 17, with_sum(seg, 6, l4sum6(src, dst, 17, seg)))))
    seg = struct.pack("!BBHHH", 128, 0, 0, 3, 1) + b"echo probe 3" * 8
    out.append((3, "ICMPv6 echo request", ip6(src, dst, 58, with_sum(seg, 2, l4sum6(src, dst, 58, seg)))))
    seg = udp(42004, 9, b"traffic class")
    out.append((4, "UDP with traffic class 0xba", ip6(src, dst, 17, with_sum(seg, 6, l4sum6(src, dst, 17, seg)), tc=0xba)))
    seg = udp(42005, 9, b"y" * 1300)
    out.append((5, "UDP of 1348 bytes (DF above 1260, RFC 7915 5.1)", ip6(src, dst, 17, with_sum(seg, 6, l4sum6(src, dst, 17, seg)))))
    seg = udp(42006, 9, b"z" * 100)
    out.append((6, "UDP of 148 bytes (DF clear)", ip6(src, dst, 17, with_sum(seg, 6, l4sum6(src, dst, 17, seg)))))
    return out


def send6(src, dsts):
    s = socket.socket(socket.AF_INET6, socket.SOCK_RAW, socket.IPPROTO_RAW)
    for dst in dsts:
        for _, _, p in probes6(src, dst):
            s.sendto(p, (dst, 0))


# ---- captures -------------------------------------------------------------------------------

def pcap_ip(path):
    """The IP packets of an Ethernet (or Linux cooked) capture."""
    with open(path, "rb") as f:
        data = f.read()
    magic, = struct.unpack("<I", data[:4])
    end = "<" if magic in (0xa1b2c3d4, 0xa1b23c4d) else ">"
    link = struct.unpack(end + "I", data[20:24])[0]
    off, out = 24, []
    while off + 16 <= len(data):
        _, _, incl, _ = struct.unpack(end + "IIII", data[off:off + 16])
        frame = data[off + 16:off + 16 + incl]
        off += 16 + incl
        if link == 1 and len(frame) > 14:
            out.append(frame[14:])
        elif link == 113 and len(frame) > 16:
            out.append(frame[16:])
    return out


def parse6(p):
    tc = (struct.unpack("!I", p[:4])[0] >> 20) & 0xff
    flow = struct.unpack("!I", p[:4])[0] & 0xfffff
    plen, nh, hlim = struct.unpack("!HBB", p[4:8])
    f = {"tc": tc, "flow": flow, "plen": plen, "hlim": hlim, "src": p[8:24], "dst": p[24:40]}
    body = p[40:40 + plen]
    if nh == 44:
        nh2, _, offm, ident = struct.unpack("!BBHI", body[:8])
        f["frag"] = (offm >> 3, offm & 1)
        f["frag_id"] = ident
        f["frag_whole"] = (offm >> 3) == 0 and (offm & 1) == 0
        nh, body = nh2, body[8:]
    f["nh"], f["body"] = nh, body
    return f


def parse4(p):
    vhl, tos, tot, ident, fo, ttl, proto, _ = struct.unpack("!BBHHHBBH", p[:12])
    hl = (vhl & 15) * 4
    return {"tos": tos, "tot": tot, "ip_id": ident, "df": (fo >> 14) & 1, "mf": (fo >> 13) & 1,
            "off": fo & 0x1fff, "hlim": ttl, "nh": proto, "src": p[12:16], "dst": p[16:20],
            "hsum_ok": csum(p[:hl]) == 0xffff, "body": p[hl:tot]}


def key_of(f):
    """The probe number: from the source port (TCP/UDP) or the ICMP identifier."""
    b = f["body"]
    if f.get("frag") and f["frag"][0] != 0:
        return None
    if f["nh"] in (6, 17) and len(b) >= 2:
        return struct.unpack("!H", b[:2])[0] % 1000
    if f["nh"] in (1, 58) and len(b) >= 6:
        return struct.unpack("!H", b[4:6])[0]
    return None


def l4_ok6(f, whole):
    if f["nh"] not in (6, 17, 58) or whole is None:
        return True
    src = socket.inet_ntop(socket.AF_INET6, f["src"])
    dst = socket.inet_ntop(socket.AF_INET6, f["dst"])
    return l4sum6(src, dst, f["nh"], whole) == 0


def l4_ok4(f):
    b = f["body"]
    if f["mf"] or f["off"]:
        return True
    if f["nh"] == 1:
        return csum(b) == 0xffff
    if f["nh"] == 17 and len(b) >= 8 and b[6:8] == b"\0\0":
        return True
    src = socket.inet_ntoa(f["src"])
    dst = socket.inet_ntoa(f["dst"])
    return l4sum4(src, dst, f["nh"], b) == 0


def tcp_opts(b):
    hl = (b[12] >> 4) * 4
    return b[20:hl]


def differ(a, b, fields, body_at, v6):
    """The fields that differ, and whether each is allowed."""
    out = []
    for k in fields:
        if a.get(k) != b.get(k):
            out.append(k)
    ba, bb = a["body"], b["body"]
    if a["nh"] == b["nh"] and a["nh"] == 6 and len(ba) >= 20 and len(bb) >= 20:
        if ba[:16] != bb[:16]:
            out.append("tcp_header")
        if tcp_opts(ba) != tcp_opts(bb):
            oa, ob = tcp_opts(ba), tcp_opts(bb)
            # the MSS option (kind 2) first in both: only its value differs?
            if oa[:2] == ob[:2] == b"\x02\x04" and oa[4:] == ob[4:]:
                out.append("tcp_mss")
            else:
                out.append("tcp_options")
        if ba[(ba[12] >> 4) * 4:] != bb[(bb[12] >> 4) * 4:]:
            out.append("payload")
    elif a["nh"] == b["nh"] and a["nh"] in (17,) and len(ba) >= 8 and len(bb) >= 8:
        if ba[:6] != bb[:6] or ba[8:] != bb[8:]:
            out.append("udp")
    elif a["nh"] == b["nh"] and a["nh"] in (1, 58):
        if ba[:2] != bb[:2] or ba[4:] != bb[4:]:
            out.append("icmp")
    elif ba != bb:
        out.append("payload")
    return out


def compare(path, a_from, b_from, v6):
    pk = pcap_ip(path)
    got = {"a": {}, "b": {}}
    bad_sum = 0
    names = {n: name for n, name, _ in (probes4("10.0.0.1", "10.0.0.2") if v6 else probes6("::1", "::2"))}
    frags = {"a": {}, "b": {}}
    for p in pk:
        if v6 and (not p or p[0] >> 4 != 6):
            continue
        if not v6 and (not p or p[0] >> 4 != 4):
            continue
        f = parse6(p) if v6 else parse4(p)
        src = f["src"]
        side = "a" if src.startswith(a_from) else "b" if src.startswith(b_from) else None
        if side is None:
            continue
        if v6 and "frag" in f:
            # gather fragments by identification; judge the whole
            fr = frags[side].setdefault(f["frag_id"], [])
            fr.append(f)
            continue
        k = key_of(f)
        if k is not None and k not in got[side]:
            got[side][k] = f
    # fragments put back together (the first one's fields, the whole body)
    for side in "ab":
        for ident, fr in frags[side].items():
            fr.sort(key=lambda x: x["frag"][0])
            whole = b"".join(x["body"] for x in fr)
            f = dict(fr[0])
            f["body"] = whole
            f["nfrags"] = len(fr)
            f["atomic"] = len(fr) == 1 and fr[0]["frag_whole"]
            k = key_of(dict(f, frag=(0, 0)))
            if k is not None and k not in got[side]:
                got[side][k] = f
    same = allowed = different = missing = 0
    for n in sorted(names):
        a, b = got["a"].get(n), got["b"].get(n)
        if a is not None and b is None and names[n] in REFERENCE_MAY_DROP:
            ok = l4_ok6(a, a["body"]) if v6 else (l4_ok4(a) and a["hsum_ok"])
            bad_sum += 0 if ok else 1
            allowed += 1
            print("pair %d %s: only v6ext translated it (%s)" % (n, names[n], REFERENCE_MAY_DROP[names[n]]))
            continue
        if a is None or b is None:
            print("pair %d %s: MISSING from %s" % (n, names[n], "both" if a is None and b is None else
                                                   "v6ext" if a is None else "the reference"))
            missing += 1
            continue
        ok = (l4_ok6(a, a["body"]) if v6 else (l4_ok4(a) and a["hsum_ok"]))
        if not ok:
            bad_sum += 1
        fields = ["tc", "flow", "plen", "hlim", "nh", "nfrags", "atomic"] if v6 else \
            ["tos", "tot", "ip_id", "df", "mf", "off", "hlim", "nh"]
        d = differ(a, b, fields, 0, v6)
        if v6 and "plen" in d and ("atomic" in d or "tcp_mss" in d):
            d.remove("plen")        # follows from the allowed difference
        if v6 and "nfrags" in d and "atomic" in d:
            d.remove("nfrags")
        if not v6 and "df" in d and a["df"] == 0 and a["tot"] <= 1260:
            d[d.index("df")] = "df_small"
        bad = [x for x in d if x not in ALLOWED]
        if not d:
            same += 1
            print("pair %d %s: same%s" % (n, names[n], "" if ok else " (BAD CHECKSUM from v6ext)"))
        elif not bad:
            allowed += 1
            print("pair %d %s: allowed %s" % (n, names[n], " ".join(d)))
        else:
            different += 1
            print("pair %d %s: DIFFERENT %s (allowed: %s)" % (n, names[n], " ".join(bad),
                                                          " ".join(x for x in d if x in ALLOWED) or "-"))
    for k in ALLOWED:
        print("allowed %s: %s" % (k, ALLOWED[k]))
    print("summary %d %d %d %d %d %d" % (len(names), same, allowed, different, missing, bad_sum))


def main():
    cmd = sys.argv[1]
    if cmd == "send4":
        send4(sys.argv[2], sys.argv[3:])
    elif cmd == "send6":
        send6(sys.argv[2], sys.argv[3:])
    elif cmd == "compare6":
        compare(sys.argv[2], socket.inet_pton(socket.AF_INET6, sys.argv[3])[:12],
                socket.inet_pton(socket.AF_INET6, sys.argv[4])[:12], True)
    elif cmd == "compare4":
        compare(sys.argv[2], socket.inet_aton(sys.argv[3]), socket.inet_aton(sys.argv[4]), False)


main()
