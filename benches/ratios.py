#!/usr/bin/env python3
"""Ratios between encodings from the last `cargo bench` run, and the targets.

Reads criterion's estimates under target/criterion (median time of each
benchmark) and prints, per dataset, each encoding's speed relative to the
others as a ratio of times on the same messages (so "1.30x" means 1.30
times as many messages per second), then the benchmark targets as
met/missed. Run from the crate root after `cargo bench`:

    python3 benches/ratios.py [target/criterion]
"""
import json
import os
import sys

ROOT = sys.argv[1] if len(sys.argv) > 1 else "target/criterion"
DATASETS = ["header", "chat", "log", "mesh", "savedata", "bulk"]


def median(*parts):
    path = os.path.join(ROOT, *parts, "new", "estimates.json")
    try:
        with open(path) as f:
            return json.load(f)["median"]["point_estimate"]
    except (OSError, KeyError, ValueError):
        return None


def ratio(slow, fast):
    """How many times faster `fast` is than `slow` (times in ns)."""
    if slow is None or fast is None:
        return None
    return slow / fast


def fmt(x):
    return "-" if x is None else f"{x:.2f}x"


checks = []


def check(label, value, target):
    ok = value is not None and value >= target
    checks.append((label, value, target, ok))


for ds in DATASETS:
    ops = {}
    for op in ["encode", "encode_vec", "decode", "decode_borrowed"]:
        d = os.path.join(ROOT, ds, op)
        if os.path.isdir(d):
            ops[op] = {name: median(ds, op, name) for name in sorted(os.listdir(d))
                       if name != "report"}
    if not ops:
        continue
    print(f"\n## {ds}: speed relative to net (same messages; >1 = faster than net)\n")
    names = []
    for op in ops.values():
        names += [n for n in op if n not in names]
    print("| encoding | " + " | ".join(ops) + " |")
    print("|---|" + "---|" * len(ops))
    for n in names:
        cells = [fmt(ratio(ops[op].get("net"), ops[op].get(n))) for op in ops]
        print(f"| {n} | " + " | ".join(cells) + " |")
    for op in ["encode", "decode", "decode_borrowed"]:
        t = ops.get(op, {})
        if "net" not in t:
            continue
        if "bincode-legacy-be" in t:
            check(f"{ds} {op}: net vs bincode legacy BE >= 1.3", ratio(t["bincode-legacy-be"], t["net"]), 1.3)
        if "postcard" in t:
            check(f"{ds} {op}: net vs postcard >= 1.0", ratio(t["postcard"], t["net"]), 1.0)
        if "ascii" in t and "serde_json" in t:
            check(f"{ds} {op}: ascii vs serde_json >= 3", ratio(t["serde_json"], t["ascii"]), 3.0)
    if ds == "bulk":
        memcpy = ops.get("decode", {}).get("memcpy")
        for op in ["decode", "decode_borrowed"]:
            net = ops.get(op, {}).get("net")
            check(f"bulk {op}: net vs memcpy >= 0.8", ratio(memcpy, net), 0.8)

stream = {}
for group, sources in [("stream", None), ("stream_tcp", "tcp"), ("stream_tcp_headers", "tcp-headers")]:
    gd = os.path.join(ROOT, group)
    if not os.path.isdir(gd):
        continue
    for reader in sorted(os.listdir(gd)):
        rd = os.path.join(gd, reader)
        if reader == "report" or not os.path.isdir(rd):
            continue
        if sources is None:
            for src in sorted(os.listdir(rd)):
                if src != "report":
                    stream[(reader, src)] = median(group, reader, src)
        else:
            stream[(reader, sources)] = median(group, reader)
if stream:
    print("\n## stream: median time per pass over the stream\n")
    for (reader, src), t in sorted(stream.items()):
        if t is not None:
            print(f"- {reader}/{src}: {t / 1e6:.3f} ms")
    nw = {s: stream.get(("netwire", s)) for s in ["slice", "chunks", "tcp", "tcp-headers"]}
    check("stream: netwire chunks vs slice >= 0.8", ratio(nw["slice"], nw["chunks"]), 0.8)
    check("stream: netwire tcp vs naive tcp >= 10", ratio(stream.get(("naive", "tcp")), nw["tcp"]), 10.0)
    check("stream: netwire tcp vs naive tcp, headers >= 10",
          ratio(stream.get(("naive", "tcp-headers")), nw["tcp-headers"]), 10.0)
    for s in ["slice", "chunks", "tcp", "tcp-headers"]:
        check(f"stream: netwire vs tokio-util on {s} >= 1.0",
              ratio(stream.get(("tokio-util", s)), nw[s]), 1.0)

print("\n## targets\n")
for label, value, target, ok in checks:
    print(f"- [{'x' if ok else ' '}] {label}: {fmt(value)}")
