#!/usr/bin/env python3
"""Resident memory of a process by what holds it, from /proc/PID/smaps.

gui-smaps.py PID [MEMSTATS] prints one line per group (MB resident, of which
anonymous): Mesa and LLVM (the software OpenGL renderer), the program's own
code, the C allocator's heap, other anonymous memory (Go's heap and stacks,
Mesa's buffers), fonts mapped from disk, other libraries. With MEMSTATS (the
memstats-N.txt EARSHOT_PROFILE_DIR writes) it also says how much of the
anonymous memory Go holds.
"""
import os
import re
import sys

GROUPS = [
    ("Mesa + LLVM (llvmpipe)", re.compile(r"libLLVM|dri/|libgallium|libGL|libglapi|libEGL|libgbm|libdrm")),
    ("fonts mapped from disk", re.compile(r"\.(ttf|ttc|otf)$")),
    ("C heap (malloc: Mesa, X11, cgo libraries)", re.compile(r"^\[heap\]$")),
    ("anonymous maps (Go heap and stacks, Mesa buffers)", re.compile(r"^\[anon\]$|^\[stack")),
]


def main():
    pid = sys.argv[1]
    exe = os.readlink(f"/proc/{pid}/exe")
    totals, files = {}, {}
    name = None
    for line in open(f"/proc/{pid}/smaps"):
        if re.match(r"^[0-9a-f]+-[0-9a-f]+ ", line):
            parts = line.split()
            name = parts[5] if len(parts) > 5 else "[anon]"
            continue
        key = line.split(":")[0]
        if key not in ("Rss", "Anonymous"):
            continue
        kb = int(line.split()[1])
        group = group_of(name, exe)
        rss, anon = totals.get(group, (0, 0))
        totals[group] = (rss + kb, anon) if key == "Rss" else (rss, anon + kb)
        if key == "Rss":
            files[name] = files.get(name, 0) + kb
    all_rss = sum(r for r, _ in totals.values())
    all_anon = sum(a for _, a in totals.values())
    print(f"  RSS {all_rss / 1024:.1f} MB, of which anonymous (private to the process) {all_anon / 1024:.1f} MB:")
    for group, (rss, anon) in sorted(totals.items(), key=lambda kv: -kv[1][0]):
        print(f"    {rss / 1024:6.1f} MB  {group} (anonymous {anon / 1024:.1f})")
    print("  largest mappings:")
    for name, kb in sorted(files.items(), key=lambda kv: -kv[1])[:6]:
        print(f"    {kb / 1024:6.1f} MB  {name}")
    if len(sys.argv) > 2:
        print("  Go runtime: " + open(sys.argv[2]).read().strip().replace("\n", "; "))


def group_of(name, exe):
    if name == exe:
        return "the program's own code and data"
    for group, pattern in GROUPS:
        if pattern.search(name):
            return group
    return "other libraries and files"


if __name__ == "__main__":
    main()
