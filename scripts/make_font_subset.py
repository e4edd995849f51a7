#!/usr/bin/python3
"""Builds the desk's CJK font: Noto Sans CJK SC cut down to the characters the
desk needs at first (GB2312 level 1, the 3,755 most common hanzi; ASCII; CJK and
full-width punctuation; every character of the UI tables and the demo data).
Kept as CFF OpenType, which ImGui's stb_truetype reads. Run with Debian's python3,
which has fontTools (python3-fonttools)."""
import argparse, os, sys

from fontTools import subset

ap = argparse.ArgumentParser()
ap.add_argument("--font", required=True)
ap.add_argument("--face", type=int, default=2, help="face index in the .ttc: 2 is Simplified Chinese")
ap.add_argument("--out", required=True)
ap.add_argument("--text-from", nargs="*", default=[])
a = ap.parse_args()

chars = set()
for cp in range(0x20, 0x7F):
    chars.add(chr(cp))
for lo, hi in [(0xA0, 0xFF), (0x2000, 0x206F), (0x2190, 0x21FF), (0x2460, 0x24FF), (0x25A0, 0x25FF),
               (0x3000, 0x303F), (0xFF00, 0xFFEF)]:
    chars.update(chr(cp) for cp in range(lo, hi + 1))
for hi in range(0xB0, 0xD8):  # GB2312 level 1: rows 16-55
    for lo in range(0xA1, 0xFF):
        try:
            chars.add(bytes([hi, lo]).decode("gb2312"))
        except UnicodeDecodeError:
            pass
for path in a.text_from:
    with open(path, encoding="utf-8") as f:
        chars.update(ch for ch in f.read() if ord(ch) >= 0x20)

opts = subset.Options()
opts.font_number = a.face
opts.hinting = False
opts.desubroutinize = False
opts.layout_features = []  # no shaping engine in ImGui: GSUB/GPOS are dead weight
opts.name_IDs = [0, 1, 2, 3, 4, 5, 6]
opts.notdef_outline = True
font = subset.load_font(a.font, opts)
s = subset.Subsetter(opts)
s.populate(unicodes=[ord(c) for c in chars])
s.subset(font)
os.makedirs(os.path.dirname(a.out), exist_ok=True)
tmp = a.out + ".tmp"
subset.save_font(font, tmp, opts)
os.replace(tmp, a.out)
print(f"font subset: {len(chars)} characters requested, {len(font.getGlyphOrder())} glyphs, "
      f"{os.path.getsize(a.out)} bytes -> {a.out}")
