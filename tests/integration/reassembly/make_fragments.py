#!/usr/bin/env python3
"""Builds pcaps of ISAKMP messages split into IP fragments, for
tests/integration/ip_reassembly.sh, and a manifest of what a correct
reader must report for each.

    make_fragments.py BIG.dat SMALL.dat OUTDIR

BIG is a long message (e.g. ike-scan/pkt-aggr-cert-response.dat, 1893
bytes), SMALL a short one.  Each case is written for IPv4 and IPv6
(Fragment extension header) over Ethernet, as OUTDIR/<family>-<case>.pcap,
and described by one line of OUTDIR/manifest:

    name <TAB> outcome <TAB> frame <TAB> frames <TAB> reason <TAB> message
         <TAB> duplicates <TAB> tshark

outcome "ok": `message` (big/small) is reported at `frame`, reassembled
from `frames` (offset order; exact duplicates, listed in `duplicates`,
not counted; "-" stands for an empty field); "drop": no message, and -v names `reason`.  `tshark` says
what tshark shows for a dropped datagram: "none" (no ISAKMP), "overlap"
(reassembled, overlap flagged), "conflict" (overlap with conflicting
data flagged), "-" (not checked: tshark has no such limit).
Only the standard library is used."""
import os
import struct
import sys

SRC4, DST4 = bytes([192, 0, 2, 1]), bytes([198, 51, 100, 7])
SRC6 = bytes.fromhex("20010db8000000000000000000000001")
DST6 = bytes.fromhex("20010db8000000000000000000000007")
FRAG = 512            # fragment data size (a multiple of 8)


def checksum(data):
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return ~s & 0xFFFF


def udp(family, payload, sport=500, dport=500):
    """UDP header + payload with a correct checksum (mandatory over IPv6)."""
    length = 8 + len(payload)
    if family == 4:
        pseudo = SRC4 + DST4 + struct.pack("!BBH", 0, 17, length)
    else:
        pseudo = SRC6 + DST6 + struct.pack("!IxxxB", length, 17)
    hdr = struct.pack("!HHHH", sport, dport, length, 0)
    c = checksum(pseudo + hdr + payload) or 0xFFFF
    return struct.pack("!HHHH", sport, dport, length, c) + payload


def ipv4(ident, offset, more, data, proto=17):
    total = 20 + len(data)
    flags = (0x2000 if more else 0) | (offset // 8)
    hdr = struct.pack("!BBHHHBBH4s4s", 0x45, 0, total & 0xFFFF, ident, flags, 64, proto, 0,
                      SRC4, DST4)
    hdr = hdr[:10] + struct.pack("!H", checksum(hdr)) + hdr[12:]
    return b"\x08\x00", hdr + data


def ipv6(ident, offset, more, data, proto=17):
    frag = struct.pack("!BBHI", proto, 0, (offset & 0xFFF8) | (1 if more else 0), ident)
    hdr = struct.pack("!IHBB16s16s", 0x60000000, len(frag) + len(data), 44, 64, SRC6, DST6)
    return b"\x86\xdd", hdr + frag + data


def ether(ethertype, packet):
    return bytes.fromhex("020000000002") + bytes.fromhex("020000000001") + ethertype + packet


class Pcap:
    def __init__(self):
        self.frames = []          # (ts_usec, bytes, wire_len)

    def add(self, pkt, ts, cut=None):
        wire = len(pkt)
        if cut is not None:
            pkt = pkt[:cut]
        self.frames.append((ts, pkt, wire))
        return len(self.frames)   # the frame number, from 1

    def write(self, path):
        with open(path, "wb") as f:
            f.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 1))
            for ts, pkt, wire in self.frames:
                f.write(struct.pack("<IIII", ts // 1000000, ts % 1000000, len(pkt), wire))
                f.write(pkt)


def pieces(datagram, size=FRAG):
    """(offset, more, bytes) for an IP payload cut every `size` bytes."""
    out = []
    for off in range(0, len(datagram), size):
        chunk = datagram[off:off + size]
        out.append((off, off + size < len(datagram), chunk))
    return out


def frame_of(family, ident, piece):
    off, more, data = piece
    return ether(*(ipv4 if family == 4 else ipv6)(ident, off, more, data))


def filler(family, n):
    """An unrelated whole datagram (UDP 53), so frame numbers are not trivial."""
    return frame_of(family, 0x4000 + n, (0, False, udp(family, b"filler %d" % n, 53, 53)))


def build(family, big, small, out):
    manifest = []
    dg = udp(family, big)
    pcs = pieces(dg)                       # 4 pieces of a 1901-byte datagram
    T = 1_700_000_000 * 1_000_000

    def line(name, outcome, frame="", frames="", reason="", msg="", dups="", tshark="-"):
        # "-" for an empty field: a shell `read` would merge empty tab-separated fields
        fields = ["v%d-%s" % (family, name), outcome, str(frame), frames, reason, msg, dups, tshark]
        manifest.append("\t".join(f or "-" for f in fields))

    def case(name, order, outcome="ok", reason="", tshark="-", msg="big", fragments=None):
        """order: indices into `fragments` (or ready-made pieces), in capture order."""
        fragments = fragments or pcs
        p = Pcap()
        p.add(filler(family, 1), T)
        kept, last, seen, dups = {}, 0, set(), []
        for i, item in enumerate(order):
            piece = fragments[item] if isinstance(item, int) else item
            n = p.add(frame_of(family, 0x1b1e, piece), T + 1000 * (i + 1))
            key = (piece[0], piece[2])
            if key in seen:                # exact duplicates are not listed
                dups.append(str(n))
            else:
                seen.add(key)
                kept.setdefault(piece[0], n)
            last = n
        p.write(os.path.join(out, "v%d-%s.pcap" % (family, name)))
        if outcome == "ok":
            line(name, "ok", last, ",".join(str(kept[o]) for o in sorted(kept)), "", msg,
                 ",".join(dups), tshark)
        else:
            line(name, "drop", reason=reason, tshark=tshark)

    case("inorder", [0, 1, 2, 3])
    case("reverse", [3, 2, 1, 0])
    case("shuffled-dup", [1, 0, 0, 3, 2])
    case("missing", [0, 1, 3], "drop", "incomplete at the end of the capture", "none")
    # overlapping: bytes 256..767 again (the same bytes), between the others
    ov = (256, True, dg[256:768])
    case("overlap-same", [0, ov, 1, 2, 3], "drop", "overlapping fragments", "overlap")
    bad = (256, True, bytes(b ^ 0xFF for b in dg[256:768]))
    case("overlap-conflict", [0, bad, 1, 2, 3], "drop", "overlapping fragments", "conflict")
    dup_diff = (pcs[1][0], True, bytes(b ^ 0x55 for b in pcs[1][2]))
    case("dup-differs", [0, 1, dup_diff, 2, 3], "drop", "overlapping fragments", "conflict")
    case("two-tails", [0, 1, 3, (pcs[3][0], False, pcs[3][2][:-8]), 2], "drop",
         "two last fragments disagree on the length")
    case("not-multiple-of-8", [0, (pcs[1][0], True, pcs[1][2][:100]), 2, 3], "drop",
         "not a multiple of 8")
    case("too-long", [0, (65528, False, b"x" * 64)], "drop", "would be too long")
    case("past-end", [3, (pcs[3][0] + 512, True, b"y" * 64)], "drop",
         "data past the end")
    # every 8 bytes a fragment: more than the 128 kept per datagram
    case("too-many", pieces(dg, 8), "drop", "too many fragments")

    # the UDP header alone in the first fragment (8-byte fragments)
    sdg = udp(family, small)
    spcs = pieces(sdg, 8)
    case("tiny", list(range(len(spcs))), msg="small", fragments=spcs)

    # two messages, fragments interleaved: each reported at its own last
    # fragment (the second one is the small message, 16-byte fragments)
    p = Pcap()
    p.add(filler(family, 1), T)
    other = pieces(sdg, 16)
    seq = [(0x1b1e, pcs[0]), (0x77, other[0]), (0x1b1e, pcs[1]), (0x77, other[1]),
           (0x1b1e, pcs[2]), (0x77, other[2]), (0x1b1e, pcs[3])]
    nums = {}
    for i, (ident, piece) in enumerate(seq):
        nums.setdefault(ident, []).append(p.add(frame_of(family, ident, piece), T + 1000 * (i + 1)))
    p.write(os.path.join(out, "v%d-interleaved.pcap" % family))
    line("interleaved", "ok", nums[0x1b1e][-1], ",".join(map(str, nums[0x1b1e])), msg="big")
    line("interleaved", "ok", nums[0x77][-1], ",".join(map(str, nums[0x77])), msg="small")

    # limits: capture time (31 s > 30 s), frames (5001 frames > 5000)
    p = Pcap()
    p.add(filler(family, 1), T)
    for i, k in enumerate([0, 1]):
        p.add(frame_of(family, 0x1b1e, pcs[k]), T + 1000 * (i + 1))
    for i, k in enumerate([2, 3]):
        p.add(frame_of(family, 0x1b1e, pcs[k]), T + 31_000_000 + 1000 * i)
    p.write(os.path.join(out, "v%d-timeout.pcap" % family))
    line("timeout", "drop", reason="still incomplete after the time limit")

    p = Pcap()
    p.add(filler(family, 1), T)
    p.add(frame_of(family, 0x1b1e, pcs[0]), T + 1000)
    p.add(frame_of(family, 0x1b1e, pcs[1]), T + 2000)
    for i in range(5001):
        p.add(filler(family, 2 + i), T + 3000 + i)
    p.add(frame_of(family, 0x1b1e, pcs[2]), T + 9000)
    p.add(frame_of(family, 0x1b1e, pcs[3]), T + 9001)
    p.write(os.path.join(out, "v%d-frame-limit.pcap" % family))
    line("frame-limit", "drop", reason="still incomplete after the frame limit")

    # table full: 64 other datagrams started, then the message in order:
    # the oldest is dropped to make room, the message still completes
    p = Pcap()
    p.add(filler(family, 1), T)
    for i in range(64):
        p.add(frame_of(family, 0x2000 + i, pcs[0]), T + 1000 * (i + 1))
    nums = [p.add(frame_of(family, 0x1b1e, pcs[k]), T + 100000 + k) for k in range(4)]
    p.write(os.path.join(out, "v%d-table-full.pcap" % family))
    line("table-full", "ok", nums[-1], ",".join(map(str, nums)), msg="big")
    line("table-full", "drop", reason="reassembly table full")

    # a fragment cut by the snap length
    p = Pcap()
    p.add(filler(family, 1), T)
    for i, k in enumerate([0, 1, 2, 3]):
        pkt = frame_of(family, 0x1b1e, pcs[k])
        p.add(pkt, T + 1000 * (i + 1), cut=len(pkt) - 100 if k == 1 else None)
    p.write(os.path.join(out, "v%d-snaplen.pcap" % family))
    line("snaplen", "drop", reason="cut short by the capture")
    return manifest


def main():
    big = open(sys.argv[1], "rb").read()
    small = open(sys.argv[2], "rb").read()
    out = sys.argv[3]
    lines = build(4, big, small, out) + build(6, big, small, out)
    with open(os.path.join(out, "manifest"), "w") as f:
        f.write("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
