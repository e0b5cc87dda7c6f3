#!/usr/bin/env python3
"""What grew between two heap dumps of the same server (flow-heap.sh --dump), where a class histogram cannot tell:
byte[] by size class, and for byte[]s and Strings the class of the object holding them (one referrer each: the
first found), as bytes per added flow.

    tests/loadgen/hprof_growth.py FIRST.hprof ADDED.hprof FLOWS_ADDED [--top 25]

Reads HPROF 1.0.2 as written by the HotSpot JVM (jcmd GC.heap_dump); standard library only. Sizes are the shallow
sizes the JVM reports in a class histogram (16 B header + length, rounded up to 8 B, compressed oops), so the sums
match flow-heap.sh's.
"""
import argparse
import collections
import struct
import sys

PRIMITIVE_SIZE = {4: 1, 5: 2, 6: 4, 7: 8, 8: 1, 9: 2, 10: 4, 11: 8}  # boolean char float double byte short int long
BYTE = 8


def aligned(n):
    return (n + 7) & ~7


class Dump:
    """The parts of a dump needed here: class names, each class's instance fields, byte[] and String sizes, and for
    every object id the object holding a reference to it (first seen)."""

    def __init__(self, path):
        self.names = {}          # string id -> text
        self.class_name = {}     # class object id -> name
        self.fields = {}         # class object id -> (super id, [field types])
        self.byte_arrays = {}    # id -> length
        self.strings = {}        # String instance id -> its value (byte[] id)
        self.referrer = {}       # object id -> class id of the first instance holding it
        self.referrer_id = {}    # object id -> id of that instance
        self.array_referrer = {}  # object id -> class id of the first Object[] holding it
        self.instances = []      # (id, class id, field bytes) of every instance
        with open(path, "rb") as f:
            data = f.read()
        end = data.index(b"\0") + 1
        self.id_size = struct.unpack_from(">I", data, end)[0]
        pos = end + 12
        idf = ">Q" if self.id_size == 8 else ">I"
        self.idf = idf
        while pos < len(data):
            tag = data[pos]
            length = struct.unpack_from(">I", data, pos + 5)[0]
            body = pos + 9
            if tag == 0x01:  # UTF8
                sid = struct.unpack_from(idf, data, body)[0]
                self.names[sid] = data[body + self.id_size:body + length].decode("utf-8", "replace")
            elif tag == 0x02:  # LOAD CLASS
                cid = struct.unpack_from(idf, data, body + 4)[0]
                nid = struct.unpack_from(idf, data, body + 8 + self.id_size)[0]
                self.class_name[cid] = nid
            elif tag in (0x0C, 0x1C):
                self._segment(data, body, body + length)
            pos = body + length
        self.class_name = {cid: self.names.get(nid, "?").replace("/", ".") for cid, nid in self.class_name.items()}
        string_class = next(cid for cid, name in self.class_name.items() if name == "java.lang.String")
        value_offset = self._offset(string_class, "value")
        for oid, cid, start, stop in self.instances:
            if cid == string_class:
                self.strings[oid] = struct.unpack_from(idf, data, start + value_offset)[0]
            else:
                self._references(data, oid, cid, start)
        self.instances = None

    def _offset(self, cid, field):
        super_id, fields = self.fields[cid]
        offset = 0
        for name, kind in fields:
            if self.names.get(name) == field:
                return offset
            offset += self.id_size if kind == 2 else PRIMITIVE_SIZE[kind]
        raise KeyError(field)

    def _references(self, data, oid, holder, start):
        """Records instance {@code oid} of class {@code holder} as the referrer of every object its fields point at."""
        offset = start
        cid = holder
        while cid:
            super_id, fields = self.fields.get(cid, (0, []))
            for name, kind in fields:
                if kind == 2:
                    ref = struct.unpack_from(self.idf, data, offset)[0]
                    if ref and ref not in self.referrer:
                        self.referrer[ref] = holder
                        self.referrer_id[ref] = oid
                    offset += self.id_size
                else:
                    offset += PRIMITIVE_SIZE[kind]
            cid = super_id

    def _segment(self, data, pos, stop):
        ids = self.id_size
        idf = self.idf
        while pos < stop:
            sub = data[pos]
            pos += 1
            if sub == 0xFF or sub == 0x05 or sub == 0x07:
                pos += ids
            elif sub == 0x01:
                pos += 2 * ids
            elif sub in (0x02, 0x03, 0x08):
                pos += ids + 8
            elif sub in (0x04, 0x06):
                pos += ids + 4
            elif sub == 0x20:  # CLASS DUMP
                cid = struct.unpack_from(idf, data, pos)[0]
                super_id = struct.unpack_from(idf, data, pos + ids + 4)[0]
                pos += 7 * ids + 8  # id, stack serial, super, loader, signers, domain, 2 reserved, instance size
                count = struct.unpack_from(">H", data, pos)[0]
                pos += 2
                for _ in range(count):  # constant pool: index u2, type u1, value
                    kind = data[pos + 2]
                    pos += 3 + (ids if kind == 2 else PRIMITIVE_SIZE[kind])
                count = struct.unpack_from(">H", data, pos)[0]
                pos += 2
                for _ in range(count):  # statics: name id, type u1, value
                    kind = data[pos + ids]
                    pos += ids + 1 + (ids if kind == 2 else PRIMITIVE_SIZE[kind])
                count = struct.unpack_from(">H", data, pos)[0]
                pos += 2
                fields = []
                for _ in range(count):  # instance fields: name id, type u1
                    fields.append((struct.unpack_from(idf, data, pos)[0], data[pos + ids]))
                    pos += ids + 1
                self.fields[cid] = (super_id, fields)
            elif sub == 0x21:  # INSTANCE DUMP
                oid = struct.unpack_from(idf, data, pos)[0]
                cid = struct.unpack_from(idf, data, pos + ids + 4)[0]
                n = struct.unpack_from(">I", data, pos + 2 * ids + 4)[0]
                start = pos + 2 * ids + 8
                self.instances.append((oid, cid, start, start + n))
                pos = start + n
            elif sub == 0x22:  # OBJECT ARRAY
                aid = struct.unpack_from(idf, data, pos)[0]
                n = struct.unpack_from(">I", data, pos + ids + 4)[0]
                cid = struct.unpack_from(idf, data, pos + ids + 8)[0]
                start = pos + 2 * ids + 8
                for i in range(n):
                    ref = struct.unpack_from(idf, data, start + i * ids)[0]
                    if ref and ref not in self.array_referrer:
                        self.array_referrer[ref] = cid
                pos = start + n * ids
            elif sub == 0x23:  # PRIMITIVE ARRAY
                aid = struct.unpack_from(idf, data, pos)[0]
                n = struct.unpack_from(">I", data, pos + ids + 4)[0]
                kind = data[pos + ids + 8]
                if kind == BYTE:
                    self.byte_arrays[aid] = n
                pos += ids + 9 + n * PRIMITIVE_SIZE[kind]
            else:
                raise ValueError(f"unknown heap dump sub-record 0x{sub:02x} at {pos - 1}")

    def holder(self, oid):
        cid = self.referrer.get(oid)
        if cid is not None:
            return self.class_name.get(cid, "?")
        cid = self.array_referrer.get(oid)
        if cid is not None:
            return self.class_name.get(cid, "?") + " (element)"
        return "(no referrer found)"


    def chain(self, oid, depth=4):
        """The classes of the first referrers up from {@code oid}, nearest first."""
        names = []
        while depth > 0 and oid in self.referrer:
            names.append(self.class_name.get(self.referrer[oid], "?"))
            oid = self.referrer_id[oid]
            depth -= 1
        return " <- ".join(names) or self.holder(oid)


def summary(dump):
    by_size = collections.Counter()
    by_holder = collections.Counter()
    string_of_value = {value: sid for sid, value in dump.strings.items()}
    for aid, n in dump.byte_arrays.items():
        size = aligned(16 + n)
        bucket = next(b for b in (32, 64, 128, 256, 1024, 4096, 65536, 1 << 40) if size <= b)
        by_size[bucket] += size
        sid = string_of_value.get(aid)
        if sid is not None:
            by_holder["String held by " + dump.holder(sid)] += size
        else:
            by_holder["byte[] held by " + dump.holder(aid)] += size
    for sid in dump.strings:
        by_holder["String object held by " + dump.holder(sid)] += 24
    return by_size, by_holder


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("first")
    parser.add_argument("added")
    parser.add_argument("flows", type=int)
    parser.add_argument("--top", type=int, default=25)
    args = parser.parse_args()
    first, added = Dump(args.first), Dump(args.added)
    (size0, holder0), (size1, holder1) = summary(first), summary(added)
    print(f"byte[] growth per added flow by size (shallow, up to the size given):")
    for bucket in sorted(set(size0) | set(size1)):
        label = "larger" if bucket > 65536 else f"<= {bucket} B"
        print(f"  {label:>12}: {(size1[bucket] - size0[bucket]) / args.flows:8.1f} B")
    print("byte[]s over 64 KiB, first -> added dump (size: holders up the chain):")
    for name, dump in (("first", first), ("added", added)):
        big = sorted(((n, a) for a, n in dump.byte_arrays.items() if n > 65536), reverse=True)
        for n, aid in big:
            if "ZipFile" not in dump.holder(aid):  # the class path's jar directories: the same in both dumps
                print(f"  {name}: {n} B: {dump.chain(aid)}")
    print(f"byte[] and String growth per added flow by holder (top {args.top}):")
    rows = sorted(((holder1[k] - holder0[k], k) for k in set(holder0) | set(holder1)), reverse=True)
    for grown, key in rows[:args.top]:
        print(f"  {grown / args.flows:8.1f} B  {key}")


if __name__ == "__main__":
    sys.exit(main())
