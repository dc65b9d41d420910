#!/usr/bin/python3
"""Churn for the fault tests (crash.test, soak.sh): DHCPv6 leases and run-time
peers come and go while the daemons are killed, and a checker says whether
the restarted server still holds what it promised.

  churn.py dhcp6 IFNAME LOG [PER-SECOND]
      In a host namespace behind v6ext-client: a Solicit with Rapid Commit
      (RFC 8415 18.2.1) for a fresh DUID-LL and IAID, from the link-local
      address of IFNAME port 546 to ff02::1:2 port 547, about PER-SECOND a
      second (default 8: the server answers 20 a second per site). Each Reply
      that binds an address appends "grant TIME DUID IAID ADDRESS" to LOG
      (TIME: unix seconds when the Reply arrived). Runs until SIGTERM.

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


def dhcp6(ifname, log, per_second=8.0):
    signal.signal(signal.SIGTERM, on_term)
    ifindex = socket.if_nametoindex(ifname)
    ll = link_local(ifname)
    s = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_MULTICAST_IF, ifindex)
    s.bind((ll, 546, 0, ifindex))
    s.settimeout(0.05)
    out = open(log, "a", buffering=1)
    sent = granted = 0
    gap = 1.0 / per_second
    while not stop:
        # DUID-LL with a locally administered MAC; 0x0a keeps its hex from
        # being all digits, which `v6ext leases --json` would print as a
        # bare (invalid) JSON number
        duid = bytes([0, 3, 0, 1, 0x0a]) + os.urandom(5)
        iaid = random.getrandbits(32)
        xid = os.urandom(3)
        msg = (bytes([1]) + xid +
               struct.pack("!HH", 1, len(duid)) + duid +            # Client Identifier
               struct.pack("!HHH", 8, 2, 0) +                       # Elapsed Time
               struct.pack("!HH", 14, 0) +                          # Rapid Commit
               struct.pack("!HHIII", 3, 12, iaid, 0, 0))            # IA_NA, no address
        try:
            s.sendto(msg, ("ff02::1:2", 547, 0, ifindex))
            sent += 1
        except OSError:
            time.sleep(0.2)
            continue
        deadline = time.time() + max(gap, 0.05)
        while not stop and time.time() < deadline:
            try:
                r = s.recv(2048)
            except socket.timeout:
                continue
            except OSError:
                break
            if len(r) < 4 or r[0] != 7 or r[1:4] != xid:
                continue
            for code, body in dhcp6_opts(r[4:]):
                if code != 3 or len(body) < 12 or struct.unpack("!I", body[:4])[0] != iaid:
                    continue
                for sc, sb in dhcp6_opts(body[12:]):
                    if sc == 5 and len(sb) >= 24 and struct.unpack("!I", sb[20:24])[0] > 0:
                        addr = socket.inet_ntop(socket.AF_INET6, sb[:16])
                        out.write("grant %.3f %s %d %s\n" % (time.time(), duid.hex(), iaid, addr))
                        granted += 1
        rest = deadline - time.time()
        if rest > 0:
            time.sleep(rest)
    print("churn.py dhcp6: %d Solicits, %d leases granted" % (sent, granted), file=sys.stderr)


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
    if os.path.exists(grants_path):
        for line in open(grants_path):
            f = line.split()
            if len(f) != 5 or f[0] != "grant":
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
    if a[:1] == ["dhcp6"] and len(a) in (3, 4):
        dhcp6(a[1], a[2], float(a[3]) if len(a) == 4 else 8.0)
    elif a[:1] == ["peers"] and len(a) in (6, 7):
        peers(a[1], a[2], a[3], a[4], a[5], float(a[6]) if len(a) == 7 else 0.15)
    elif a[:1] == ["check"] and len(a) == 8:
        sys.exit(check(*a[1:]))
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main()
