#!/usr/bin/env python3
"""Draws the application icon (a globe over a safe-box arrow) into assets/icon.png and
assets/icon.ico with the standard library only. Run from the project root."""
import math, struct, zlib

def png(size):
    rows = []
    c = (size - 1) / 2
    for y in range(size):
        row = bytearray([0])
        for x in range(size):
            dx, dy = x - c, y - c
            r = math.hypot(dx, dy) / (size / 2)
            if r > 0.96:
                px = (0, 0, 0, 0)
            elif r > 0.86:
                px = (20, 70, 120, 255)
            else:
                lat = abs(dy) / (size / 2)
                grid = (abs((x * 8 // size) * size / 8 - x) < max(1, size / 64)) or (abs((y * 6 // size) * size / 6 - y) < max(1, size / 64))
                base = (46, 134, 193) if not grid else (180, 220, 245)
                # downward arrow = "backup"
                ax = abs(dx) < size * 0.08 and -size * 0.25 < dy < size * 0.12
                head = dy >= size * 0.05 and dy < size * 0.3 and abs(dx) < (size * 0.3 - dy) * 0.9
                if ax or head:
                    base = (255, 196, 0)
                px = (*base, 255)
            row.extend(px)
        rows.append(bytes(row))
    raw = b"".join(rows)
    def chunk(t, d):
        return struct.pack(">I", len(d)) + t + d + struct.pack(">I", zlib.crc32(t + d) & 0xFFFFFFFF)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", size, size, 8, 6, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b""))

big = png(256)
open("assets/icon.png", "wb").write(big)
imgs = [png(s) for s in (16, 32, 48, 256)]
hdr = struct.pack("<HHH", 0, 1, len(imgs))
off = 6 + 16 * len(imgs)
dirs = b""
for s, d in zip((16, 32, 48, 256), imgs):
    dirs += struct.pack("<BBBBHHII", s % 256, s % 256, 0, 0, 1, 32, len(d), off)
    off += len(d)
open("assets/icon.ico", "wb").write(hdr + dirs + b"".join(imgs))
