#!/usr/bin/python3
"""Builds the desk's CJK font: Noto Sans CJK SC cut down to the characters the
desk needs at first (GB2312 level 1, the 3,755 most common hanzi; ASCII; CJK and
full-width punctuation; every character of the UI tables and the demo data).
Kept as CFF OpenType, which ImGui's stb_truetype reads. Run with Debian's python3,
which has fontTools (python3-fonttools).

With --chunks-dir it also cuts every other character of the face into chunk fonts, one per
block of 256 code points (XXXX.otf, the block's number in hex: 0201.otf holds U+20100 to
U+201FF): the desk fetches a chunk when its data holds a character the base font lacks
(a rare surname, a traditional-only character), so no text shows a missing-glyph box."""
import argparse, multiprocessing, os, shutil, sys

from fontTools import subset

ap = argparse.ArgumentParser()
ap.add_argument("--font", required=True)
ap.add_argument("--face", type=int, default=2, help="face index in the .ttc: 2 is Simplified Chinese")
ap.add_argument("--out", required=True)
ap.add_argument("--text-from", nargs="*", default=[])
ap.add_argument("--chunks-dir", help="where the chunk fonts of the other characters go")
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



def options(desubroutinize):
    opts = subset.Options()
    opts.font_number = a.face
    opts.hinting = False
    # the base keeps the shared subroutines (many glyphs share them); a chunk of a few hundred
    # rare characters compresses better without
    opts.desubroutinize = desubroutinize
    opts.layout_features = []  # no shaping engine in ImGui: GSUB/GPOS are dead weight
    opts.name_IDs = [0, 1, 2, 3, 4, 5, 6]
    opts.notdef_outline = True
    return opts


def write(unicodes, out, desubroutinize):
    opts = options(desubroutinize)
    font = subset.load_font(a.font, opts)
    s = subset.Subsetter(opts)
    s.populate(unicodes=unicodes)
    s.subset(font)
    tmp = out + ".tmp"
    subset.save_font(font, tmp, opts)
    os.replace(tmp, out)
    return len(font.getGlyphOrder()), os.path.getsize(out)


def write_chunk(job):
    block, cps = job
    return write(cps, os.path.join(a.chunks_dir, f"{block:04x}.otf"), True)[1]


if __name__ == "__main__":
    os.makedirs(os.path.dirname(a.out), exist_ok=True)
    glyphs, size = write([ord(c) for c in chars], a.out, False)
    print(f"font subset: {len(chars)} characters requested, {glyphs} glyphs, {size} bytes -> {a.out}")
    if a.chunks_dir:
        from fontTools import ttLib
        cmap = ttLib.TTFont(a.font, fontNumber=a.face, lazy=True).getBestCmap()
        base = {ord(c) for c in chars}
        blocks = {}
        for cp in sorted(cmap):
            if cp not in base:
                blocks.setdefault(cp >> 8, []).append(cp)
        shutil.rmtree(a.chunks_dir, ignore_errors=True)
        os.makedirs(a.chunks_dir)
        with multiprocessing.Pool(min(2, os.cpu_count() or 1)) as pool:
            sizes = pool.map(write_chunk, sorted(blocks.items()), chunksize=4)
        sizes.sort()
        print(f"font chunks: {sum(len(v) for v in blocks.values())} more characters in {len(blocks)} chunks of "
              f"256 code points, median {sizes[len(sizes) // 2]} bytes, largest {sizes[-1]}, "
              f"{sum(sizes)} in all -> {a.chunks_dir}")
