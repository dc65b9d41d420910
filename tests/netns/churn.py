#!/usr/bin/python3
# SPDX-License-Identifier: ISC
"""Churn for the fault tests (crash.test, soak.sh): DHCPv6 leases and run-time
peers come and go while the daemons are killed, and a checker says whether
the restarted server still holds what it promised.

  churn.py dhcp6 IFNAME LOG [PER-SECOND [KEEP]]
      In a host namespace behind v6ext-client: a Solicit with Rapid Commit
      (RFC 8415 18.2.1) for a fresh DUID-LL and IAID, from the link-local
      address of IFNAME port 546 to ff02::1:2 port 547, about PER-SECOND
      messages a second (default 8: the server answers 20 a second per site).
      Each Reply that binds an address appends "grant TIME DUID IAID ADDRESS"
      to LOG (TIME: unix seconds when the Reply arrived). With KEEP, once more
      than KEEP leases are held the oldest is released instead (RFC 8415
      18.2.7): "releasing TIME DUID IAID ADDRESS" before the Release is sent,
      "release ..." once a Reply with status Success is read, "unreleased
      ... WHY" otherwise (it is tried again). Runs until SIGTERM.

  churn.py hostile ADDRESS PORT SERVER-PUB [PER-SECOND [IFNAME]]
      Datagrams no peer sends, PER-SECOND (default 200) to the server's port,
      in turn: random bytes, too short, truncated or oversized initiations,
      initiations with a bad mac1 or reserved bytes set, responses and
      cookie replies sent to the server, truncated data, data naming a
      site's slot but not its session, unknown types; and once a second an
      initiation with a valid mac1 (the server runs Diffie-Hellman and
      fails). With IFNAME (a packet socket there sees the client's data
      messages go out, as anyone on the path can): also data with the live
      session's receiver index and garbage for its AEAD, and the client's
      own data messages replayed. Runs until SIGTERM; prints the counts.

  churn.py held GRANTS LEASES-JSON
      Every lease GRANTS has granted and not released (nor sent a Release
      for) is listed by the server (LEASES-JSON: `v6ext leases --json`); prints the counts and
      each lost lease on a line starting "LOST"; exits 1 if there was one.

  churn.py peers V6EXT SOCKET KEYDIR LOG PAUSE [INTERVAL]
      `v6ext peer add NAME KEY --json` and `v6ext peer remove NAME` in turn
      for the names of KEYDIR/NAME.pub (each holds a public key), one every
      INTERVAL seconds (default 0.15), a name picked at random. Every call
      appends one JSON line to LOG: op, name, t0, t1 (unix seconds before and
      after), rc, sub (the sub-prefix an add was given), err. While the file
      PAUSE exists it makes no call and keeps PAUSE.ack present. Runs until
      SIGTERM.

  churn.py check STATE KILL-TIME PAUSE-TIME GRANTS PEERS-LOG SHOW-JSON LEASES-JSON
      After a kill at KILL-TIME and a restart (SHOW-JSON and LEASES-JSON are
      the server's `v6ext show --json` and `v6ext leases --json`), with the
      peer churn paused since PAUSE-TIME:
      - every peer's sub-prefix is the one it was first given (by the first
        successful add in PEERS-LOG, else when first seen); every add in
        PEERS-LOG got that same sub-prefix again;
      - a peer whose last call before the pause was answered (add: done or
        "exists"; remove: done or "no peer") is there, or not, as answered
        (an answer is only sent once the state file holds the change); a
        call the kill cut off leaves either state;
      - every lease granted at least 2 s before the kill is there with its
        address; a younger one may be lost at the first kill after it, but
        once seen after a restart it is on disk and must stay.
      STATE (JSON, created when missing) carries the first sub-prefixes and
      the leases' status from one check to the next. Prints one line of
      figures; each problem on a line of its own starting "LOST", "RENUMBERED"
      or "WRONG"; exits 1 if there was any.
"""
import json
import os
import random
import signal
import socket
import struct
import subprocess
import sys
import time

stop = False


def on_term(_sig, _frame):
    global stop
    stop = True


def link_local(ifname):
    """The interface's link-local address once DAD is over (not tentative)."""
    for _ in range(100):
        with open("/proc/net/if_inet6") as f:
            for line in f:
                hexaddr, _idx, _plen, scope, flags, name = line.split()
                # scope 0x20: link; IFA_F_TENTATIVE 0x40, IFA_F_DADFAILED 0x08
                if name == ifname and int(scope, 16) == 0x20 and not int(flags, 16) & 0x48:
                    return socket.inet_ntop(socket.AF_INET6, bytes.fromhex(hexaddr))
        time.sleep(0.1)
    sys.exit("churn.py: %s has no usable link-local address" % ifname)


def dhcp6_opts(buf):
    """(code, body) of each option; stops at the first that overruns."""
    out, off = [], 0
    while off + 4 <= len(buf):
        code, olen = struct.unpack("!HH", buf[off:off + 4])
        if off + 4 + olen > len(buf):
            break
        out.append((code, buf[off + 4:off + 4 + olen]))
        off += 4 + olen
    return out


def dhcp6(ifname, log, per_second=8.0, keep=0):
    signal.signal(signal.SIGTERM, on_term)
    ifindex = socket.if_nametoindex(ifname)
    ll = link_local(ifname)
    s = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_MULTICAST_IF, ifindex)
    s.bind((ll, 546, 0, ifindex))
    s.settimeout(0.05)
    out = open(log, "a", buffering=1)
    counts = {"Solicits": 0, "leases granted": 0, "Releases": 0, "released": 0}
    held = []                   # (duid, iaid, address, server id), oldest first
    gap = 1.0 / per_second

    def exchange(msg, xid):
        """Send msg to all DHCP servers; the Reply with its xid, or None."""
        try:
            s.sendto(msg, ("ff02::1:2", 547, 0, ifindex))
        except OSError:
            time.sleep(0.2)
            return None
        deadline = time.time() + max(gap, 0.05)
        reply = None
        while not stop and time.time() < deadline:
            try:
                r = s.recv(2048)
            except socket.timeout:
                continue
            except OSError:
                break
            if reply is None and len(r) >= 4 and r[0] == 7 and r[1:4] == xid:
                reply = r
        rest = deadline - time.time()
        if rest > 0:
            time.sleep(rest)
        return reply

    while not stop:
        xid = os.urandom(3)
        if keep and len(held) > keep:
            # RFC 8415 18.2.7: Release the oldest, with the server's ID
            duid, iaid, addr, sid = held[0]
            msg = (bytes([8]) + xid +
                   struct.pack("!HH", 1, len(duid)) + duid +
                   struct.pack("!HH", 2, len(sid)) + sid +
                   struct.pack("!HHH", 8, 2, 0) +
                   struct.pack("!HHIII", 3, 12 + 28, iaid, 0, 0) +
                   struct.pack("!HH", 5, 24) + socket.inet_pton(socket.AF_INET6, addr) + bytes(8))
            counts["Releases"] += 1
            # from here the server may drop it before the Reply is read
            out.write("releasing %.3f %s %d %s\n" % (time.time(), duid.hex(), iaid, addr))
            r = exchange(msg, xid)
            status = [b for c, b in dhcp6_opts(r[4:]) if c == 13] if r is not None else None
            if r is not None and (not status or status[0][:2] == b"\0\0"):
                out.write("release %.3f %s %d %s\n" % (time.time(), duid.hex(), iaid, addr))
                counts["released"] += 1
                held.pop(0)
            else:
                out.write("unreleased %.3f %s %d %s %s\n" % (time.time(), duid.hex(), iaid, addr,
                          "no-reply" if r is None else "status-" + status[0][:2].hex()))
            continue
        # DUID-LL with a locally administered MAC whose hex is all digits
        # ("0003000102..."): `v6ext leases --json` must still print it as a
        # string, not as a number with leading zeros (invalid JSON)
        duid = bytes([0, 3, 0, 1, 0x02]) + bytes(random.randrange(10) * 16 + random.randrange(10) for _ in range(5))
        iaid = random.getrandbits(32)
        msg = (bytes([1]) + xid +
               struct.pack("!HH", 1, len(duid)) + duid +            # Client Identifier
               struct.pack("!HHH", 8, 2, 0) +                       # Elapsed Time
               struct.pack("!HH", 14, 0) +                          # Rapid Commit
               struct.pack("!HHIII", 3, 12, iaid, 0, 0))            # IA_NA, no address
        counts["Solicits"] += 1
        r = exchange(msg, xid)
        if r is None:
            continue
        opts = dhcp6_opts(r[4:])
        sid = b"".join(b for c, b in opts if c == 2)
        for code, body in opts:
            if code != 3 or len(body) < 12 or struct.unpack("!I", body[:4])[0] != iaid:
                continue
            for sc, sb in dhcp6_opts(body[12:]):
                if sc == 5 and len(sb) >= 24 and struct.unpack("!I", sb[20:24])[0] > 0:
                    addr = socket.inet_ntop(socket.AF_INET6, sb[:16])
                    out.write("grant %.3f %s %d %s\n" % (time.time(), duid.hex(), iaid, addr))
                    counts["leases granted"] += 1
                    held.append((duid, iaid, addr, sid))
    print("churn.py dhcp6: " + ", ".join("%d %s" % (v, k) for k, v in counts.items()), file=sys.stderr)


def hostile(addr, port, server_pub, per_second=200.0, ifname=None):
    """Datagrams no peer sends, to the server's port, until SIGTERM."""
    import base64
    import hashlib
    signal.signal(signal.SIGTERM, on_term)
    # on the path: the live session's data messages, as the client sends them
    captured = []
    snoop = None
    if ifname:
        # ETH_P_ALL: a socket for one protocol sees only what comes in
        snoop = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(3))
        snoop.bind((ifname, 0))
        snoop.setblocking(False)

    def sniff():
        for _ in range(16):
            try:
                f, info = snoop.recvfrom(2048)
            except BlockingIOError:
                return
            # outgoing Ethernet + IPv6 + UDP to the server's port, type 4, one datagram
            if (info[2] == socket.PACKET_OUTGOING and len(f) >= 62 + 32 and f[12:14] == b"\x86\xdd" and f[20] == 17 and
                    struct.unpack("!H", f[56:58])[0] == port and f[62] == 4):
                captured.append(f[62:])
                del captured[:-32]
    mac1_key = hashlib.blake2b(b"mac1----" + base64.b64decode(server_pub), digest_size=32).digest()

    def mac1(body):
        return hashlib.blake2b(body, key=mac1_key, digest_size=16).digest()

    def init_valid_mac1():
        body = bytes([1, 0, 0, 0]) + os.urandom(116)
        return body + mac1(body) + bytes(16)

    kinds = {
        "random": lambda: os.urandom(random.randint(0, 1500)),
        "short": lambda: os.urandom(random.randint(0, 3)),
        "truncated initiation": lambda: bytes([1, 0, 0, 0]) + os.urandom(random.randint(0, 147)),
        "oversized initiation": lambda: bytes([1, 0, 0, 0]) + os.urandom(random.randint(149, 600)),
        "initiation, bad mac1": lambda: bytes([1, 0, 0, 0]) + os.urandom(148),
        "initiation, reserved bytes set": lambda: bytes([1, 0, 1, 0]) + os.urandom(148),
        "response to the server": lambda: bytes([2, 0, 0, 0]) + os.urandom(92),
        "cookie reply to the server": lambda: bytes([3, 0, 0, 0]) + os.urandom(60),
        "truncated data": lambda: bytes([4, 0, 0, 0]) + os.urandom(random.randint(0, 27)),
        # the low 16 bits of a receiver index name a site's slot: these pass
        # the slot and fail the session's index
        "data, wrong index": lambda: bytes([4, 0, 0, 0]) + struct.pack("<HH", random.randint(1, 4), random.getrandbits(16)) +
        os.urandom(random.randint(24, 1400)),
        "unknown type": lambda: bytes([random.randint(5, 255), 0, 0, 0]) + os.urandom(random.randint(0, 200)),
    }
    if snoop is not None:
        # the live session's receiver index, a new counter, garbage for the AEAD
        kinds["data for the session, garbled"] = lambda: (
            captured[-1][:8] + os.urandom(8) + os.urandom(random.randint(16, 1400)) if captured else b"")
        # a datagram the client sent, again
        kinds["data replayed"] = lambda: random.choice(captured) if captured else b""
    names = sorted(kinds)
    counts = {n: 0 for n in names}
    counts["initiation, valid mac1, garbled"] = 0
    fam = socket.AF_INET6 if ":" in addr else socket.AF_INET
    s = socket.socket(fam, socket.SOCK_DGRAM)
    s.setblocking(False)
    t0, n = time.time(), 0
    while not stop:
        # a valid mac1 makes the server run Diffie-Hellman and fail: one a second
        if n % max(int(per_second), 1) == 0:
            name, msg = "initiation, valid mac1, garbled", init_valid_mac1()
        else:
            name = names[n % len(names)]
            msg = kinds[name]()
        if snoop is not None:
            sniff()
        if not msg and name.startswith("data "):
            n += 1
            continue            # nothing captured yet
        try:
            s.sendto(msg, (addr, port))
            counts[name] += 1
        except OSError:
            pass
        n += 1
        ahead = t0 + n / per_second - time.time()
        if ahead > 0:
            time.sleep(ahead)
    print("churn.py hostile: %d datagrams: " % sum(counts.values()) +
          ", ".join("%d %s" % (v, k) for k, v in sorted(counts.items())), file=sys.stderr)


def held(grants_path, leases_path):
    """Leases granted and not released that `v6ext leases` no longer lists."""
    have = {(l["duid"], int(l["iaid"])): l["address"]
            for l in json.load(open(leases_path))["leases"] if l.get("state") == "bound"}
    keep, leaving = {}, set()
    for line in open(grants_path):
        f = line.split()
        if len(f) == 5 and f[0] == "grant":
            keep[(f[2], int(f[3]))] = f[4]
        elif len(f) == 5 and f[0] == "release":
            keep.pop((f[2], int(f[3])), None)
        elif len(f) == 5 and f[0] == "releasing":
            leaving.add((f[2], int(f[3])))
    # a Release sent and not yet answered: either state is right
    for k in leaving:
        keep.pop(k, None)
    order = list(keep)
    lost = [(k, a) for k, a in keep.items() if have.get(k) != a]
    print("%d leases held, %d listed by the server, %d lost" % (len(keep), len(have), len(lost)))
    for (duid, iaid), a in lost[:10]:
        print("LOST lease %s (duid %s iaid %d, held lease %d of %d, oldest first): now %s" %
              (a, duid, iaid, order.index((duid, iaid)) + 1, len(order), have.get((duid, iaid), "absent")))
    return 1 if lost else 0


def peers(v6ext, sock, keydir, log, pause, interval=0.15):
    signal.signal(signal.SIGTERM, on_term)
    keys = {}
    for f in sorted(os.listdir(keydir)):
        if f.endswith(".pub"):
            keys[f[:-4]] = open(os.path.join(keydir, f)).read().strip()
    present = {n: None for n in keys}       # True, False or None (not known)
    out = open(log, "a", buffering=1)
    while not stop:
        if os.path.exists(pause):
            open(pause + ".ack", "w").close()
            while os.path.exists(pause) and not stop:
                time.sleep(0.02)
            try:
                os.unlink(pause + ".ack")
            except FileNotFoundError:
                pass
            continue
        name = random.choice(sorted(keys))
        op = "remove" if present[name] else "add"
        cmd = [v6ext, "-s", sock, "peer", op, name] + ([keys[name], "--json"] if op == "add" else [])
        t0 = time.time()
        try:
            p = subprocess.run(cmd, capture_output=True, text=True, timeout=10)
            rc, so, se = p.returncode, p.stdout, p.stderr.strip()
        except subprocess.TimeoutExpired:
            rc, so, se = -1, "", "timeout"
        t1 = time.time()
        sub = ""
        if op == "add" and rc == 0:
            try:
                sub = json.loads(so)["sub_prefix"]
            except (ValueError, KeyError):
                se = "unparsable reply: " + so[:80]
                rc = -2
        if rc == 0:
            present[name] = op == "add"
        elif "exists" in se:
            present[name] = True
        elif "no peer" in se:
            present[name] = False
        elif not refused(se):
            present[name] = None
        out.write(json.dumps({"op": op, "name": name, "t0": t0, "t1": t1, "rc": rc, "sub": sub,
                              "err": se}) + "\n")
        time.sleep(interval)


def refused(err):
    """The call never reached a daemon: nothing changed."""
    return "Connection refused" in err or "No such file" in err


def outcome(rec):
    """What a call says the state is afterwards: True, False or None."""
    if rec["rc"] == 0:
        return rec["op"] == "add"
    if "exists" in rec["err"]:
        return True
    if "no peer" in rec["err"]:
        return False
    return None


def check(state_path, kill, pause, grants_path, peers_path, show_path, leases_path):
    kill, pause = float(kill), float(pause)
    st = {"first": {}, "lease": {}, "checks": 0}
    if os.path.exists(state_path):
        st = json.load(open(state_path))
    show = json.load(open(show_path))
    leases = json.load(open(leases_path))["leases"]
    problems = []

    # --- sub-prefixes
    ops = []
    if os.path.exists(peers_path):
        for line in open(peers_path):
            try:
                ops.append(json.loads(line))
            except ValueError:
                pass            # a line the kill of this checker's writer cut
    ops = [o for o in ops if o["t0"] < pause]
    ops.sort(key=lambda o: o["t0"])
    first = st["first"]
    for o in ops:
        if o["op"] == "add" and o["rc"] == 0:
            if o["name"] not in first:
                first[o["name"]] = o["sub"]
            elif first[o["name"]] != o["sub"]:
                problems.append("RENUMBERED %s: add at %.3f gave %s, first %s" %
                                (o["name"], o["t0"], o["sub"], first[o["name"]]))
    now = {p["name"]: p["sub_prefix"] for p in show["peers"]}
    for name, sub in now.items():
        if name not in first:
            first[name] = sub
        elif first[name] != sub:
            problems.append("RENUMBERED %s: %s after the restart, first %s" % (name, sub, first[name]))
    expect = {}
    for o in ops:
        if refused(o["err"]):
            continue            # never reached the daemon
        expect[o["name"]] = outcome(o)
    decided = 0
    for name, want in expect.items():
        if want is None:
            continue
        decided += 1
        if (name in now) != want:
            problems.append("WRONG peer %s: %s after the restart, but the last answer said %s" %
                            (name, "present" if name in now else "absent", "present" if want else "absent"))

    # --- leases
    have = {(l["duid"], int(l["iaid"])): l["address"] for l in leases if l.get("state") == "bound"}
    required = young_lost = 0
    released = set()
    if os.path.exists(grants_path):
        released = {(f[2], int(f[3])) for f in (l.split() for l in open(grants_path))
                    if len(f) == 5 and f[0] == "release"}
        for line in open(grants_path):
            f = line.split()
            if len(f) != 5 or f[0] != "grant" or (f[2], int(f[3])) in released:
                continue
            t, duid, iaid, addr = float(f[1]), f[2], int(f[3]), f[4]
            if t >= kill:
                continue
            key = "%s/%d" % (duid, iaid)
            status = st["lease"].get(key)
            if status is None:
                present = have.get((duid, iaid)) == addr
                status = "required" if kill - t >= 2.0 or present else "excused"
                st["lease"][key] = status
                if status == "excused":
                    young_lost += 1
            if status != "required":
                continue
            required += 1
            if have.get((duid, iaid)) != addr:
                problems.append("LOST lease %s (duid %s iaid %d) granted %.3f s before the kill: now %s" %
                                (addr, duid, iaid, kill - t, have.get((duid, iaid), "absent")))

    st["checks"] += 1
    st["first"] = first
    tmp = state_path + ".tmp"
    json.dump(st, open(tmp, "w"))
    os.rename(tmp, state_path)
    print("%d peers on their first sub-prefix, %d answered adds/removes hold, %d leases present"
          " (%d younger than 2 s lost at this kill)" % (len(now), decided, required, young_lost))
    for p in problems:
        print(p)
    return 1 if problems else 0


def main():
    a = sys.argv[1:]
    if a[:1] == ["dhcp6"] and len(a) in (3, 4, 5):
        dhcp6(a[1], a[2], float(a[3]) if len(a) >= 4 else 8.0, int(a[4]) if len(a) == 5 else 0)
    elif a[:1] == ["hostile"] and len(a) in (4, 5, 6):
        hostile(a[1], int(a[2]), a[3], float(a[4]) if len(a) >= 5 else 200.0, a[5] if len(a) == 6 else None)
    elif a[:1] == ["held"] and len(a) == 3:
        sys.exit(held(a[1], a[2]))
    elif a[:1] == ["peers"] and len(a) in (6, 7):
        peers(a[1], a[2], a[3], a[4], a[5], float(a[6]) if len(a) == 7 else 0.15)
    elif a[:1] == ["check"] and len(a) == 8:
        sys.exit(check(*a[1:]))
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main()
