#!/usr/bin/env python3
"""Renders a terminal screen captured with `tmux capture-pane -e -p` to a PNG, cell by cell.

    ansi2png.py SCREEN.ansi OUT.png --cols 100 --rows 30 [--title T] [--cursor X,Y]

Text is drawn in DejaVu Sans Mono (regular and bold), emoji in Noto Color Emoji, on a fixed
cell grid, so columns line up exactly as in the terminal. Light box-drawing characters are
drawn as lines, so borders join without gaps whatever the font's metrics. Understands the SGR
codes tmux emits: reset, bold, dim, italic, underline, reverse, 16/256/true colours.
Needs Pillow (pip install pillow) and fontconfig's fc-match.
"""

import argparse
import re
import subprocess
import unicodedata

from PIL import Image, ImageDraw, ImageFont

FONT_SIZE = 16
PAD = 14
TITLE_BAR = 30
BG = (30, 30, 30)
FG = (212, 212, 212)
# The 16 ANSI colours (a dark theme close to common terminal defaults).
PALETTE16 = [
    (30, 30, 30), (205, 49, 49), (13, 188, 121), (229, 229, 16),
    (36, 114, 200), (188, 63, 188), (17, 168, 205), (204, 204, 204),
    (118, 118, 118), (241, 76, 76), (35, 209, 139), (245, 245, 67),
    (59, 142, 234), (214, 112, 214), (41, 184, 219), (242, 242, 242),
]


def xterm256(n):
    if n < 16:
        return PALETTE16[n]
    if n < 232:
        n -= 16
        steps = [0, 95, 135, 175, 215, 255]
        return (steps[n // 36], steps[(n // 6) % 6], steps[n % 6])
    v = 8 + (n - 232) * 10
    return (v, v, v)


def font_file(pattern):
    out = subprocess.run(["fc-match", "-f", "%{file}", pattern], capture_output=True, text=True)
    return out.stdout.strip()


def cell_width(ch):
    if unicodedata.combining(ch) or unicodedata.category(ch) in ("Mn", "Me", "Cf"):
        return 0
    return 2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1


class Style:
    def __init__(self):
        self.reset()

    def reset(self):
        self.fg = None
        self.bg = None
        self.bold = self.dim = self.italic = self.underline = self.reverse = False

    def copy(self):
        s = Style()
        s.__dict__.update(self.__dict__)
        return s

    def apply(self, params):
        codes = [int(p) if p else 0 for p in params.split(";")] if params else [0]
        i = 0
        while i < len(codes):
            c = codes[i]
            if c == 0:
                self.reset()
            elif c == 1:
                self.bold = True
            elif c == 2:
                self.dim = True
            elif c == 3:
                self.italic = True
            elif c == 4:
                self.underline = True
            elif c == 7:
                self.reverse = True
            elif c == 22:
                self.bold = self.dim = False
            elif c == 23:
                self.italic = False
            elif c == 24:
                self.underline = False
            elif c == 27:
                self.reverse = False
            elif 30 <= c <= 37:
                self.fg = PALETTE16[c - 30]
            elif 90 <= c <= 97:
                self.fg = PALETTE16[c - 90 + 8]
            elif 40 <= c <= 47:
                self.bg = PALETTE16[c - 40]
            elif 100 <= c <= 107:
                self.bg = PALETTE16[c - 100 + 8]
            elif c == 39:
                self.fg = None
            elif c == 49:
                self.bg = None
            elif c in (38, 48) and i + 1 < len(codes):
                if codes[i + 1] == 5 and i + 2 < len(codes):
                    colour = xterm256(codes[i + 2])
                    i += 2
                elif codes[i + 1] == 2 and i + 4 < len(codes):
                    colour = tuple(codes[i + 2:i + 5])
                    i += 4
                else:
                    colour = None
                if c == 38:
                    self.fg = colour
                else:
                    self.bg = colour
            i += 1

    def colours(self):
        fg = self.fg or FG
        bg = self.bg or BG
        if self.reverse:
            fg, bg = bg, fg
        if self.dim:
            fg = tuple((a + b) // 2 for a, b in zip(fg, bg))
        return fg, bg


SGR = re.compile(r"\x1b\[([0-9;]*)m")
OTHER_ESC = re.compile(r"\x1b[^a-zA-Z]*[a-zA-Z]")


def parse(text, cols, rows):
    """Returns rows of cells: (char, width, Style) with width 0 for the right half of wide ones."""
    grid = []
    style = Style()
    for line in text.split("\n")[:rows]:
        row = []
        pos = 0
        while pos < len(line):
            m = SGR.match(line, pos)
            if m:
                style.apply(m.group(1))
                pos = m.end()
                continue
            m = OTHER_ESC.match(line, pos)
            if m:
                pos = m.end()
                continue
            ch = line[pos]
            pos += 1
            w = cell_width(ch)
            if w == 0:
                if row:  # combining mark or variation selector: part of the previous cell
                    c, cw, st = row[-1] if row[-1][1] else row[-2]
                    idx = -1 if row[-1][1] else -2
                    row[idx] = (c + ch, cw, st)
                continue
            row.append((ch, w, style.copy()))
            if w == 2:
                row.append(("", 0, style.copy()))
        grid.append(row[:cols])
    while len(grid) < rows:
        grid.append([])
    return grid


# Light box drawing: (left, right, up, down) arms.
BOX = {
    "─": (1, 1, 0, 0), "│": (0, 0, 1, 1), "┌": (0, 1, 0, 1), "┐": (1, 0, 0, 1),
    "└": (0, 1, 1, 0), "┘": (1, 0, 1, 0), "├": (0, 1, 1, 1), "┤": (1, 0, 1, 1),
    "┬": (1, 1, 0, 1), "┴": (1, 1, 1, 0), "┼": (1, 1, 1, 1), "╭": (0, 1, 0, 1),
    "╮": (1, 0, 0, 1), "╰": (0, 1, 1, 0), "╯": (1, 0, 1, 0),
}


def paste_emoji(img, emoji, glyph, px, py, cw, ch):
    """Draws a colour emoji scaled into two cells; False if the emoji font lacks it."""
    try:
        tile = Image.new("RGBA", (200, 200), (0, 0, 0, 0))
        ImageDraw.Draw(tile).text((20, 20), glyph, font=emoji, embedded_color=True)
    except (OSError, ValueError):
        return False
    bbox = tile.getbbox()
    if not bbox:
        return False
    tile = tile.crop(bbox)
    scale = min((2 * cw - 2) / tile.width, (ch - 2) / tile.height)
    size = (max(1, round(tile.width * scale)), max(1, round(tile.height * scale)))
    tile = tile.resize(size, Image.LANCZOS)
    img.paste(tile, (px + (2 * cw - tile.width) // 2, py + (ch - tile.height) // 2), tile)
    return True


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("src")
    ap.add_argument("dst")
    ap.add_argument("--cols", type=int, default=100)
    ap.add_argument("--rows", type=int, default=30)
    ap.add_argument("--title", default="")
    ap.add_argument("--cursor", default="", help="X,Y of a visible cursor")
    args = ap.parse_args()

    regular = ImageFont.truetype(font_file("DejaVu Sans Mono:style=Book"), FONT_SIZE)
    bold = ImageFont.truetype(font_file("DejaVu Sans Mono:style=Bold"), FONT_SIZE)
    fallback = ImageFont.truetype(font_file("DejaVu Sans:style=Book"), FONT_SIZE)
    emoji_file = font_file("Noto Color Emoji")
    emoji = ImageFont.truetype(emoji_file, 109) if "Emoji" in emoji_file else None

    cw = round(regular.getlength("M"))
    ascent, descent = regular.getmetrics()
    ch = ascent + descent + 2
    top = PAD + (TITLE_BAR if args.title else 0)
    width, height = args.cols * cw + 2 * PAD, args.rows * ch + top + PAD
    img = Image.new("RGB", (width, height), BG)
    draw = ImageDraw.Draw(img)
    if args.title:
        draw.rectangle([0, 0, width, TITLE_BAR], fill=(48, 48, 48))
        for i, colour in enumerate([(255, 95, 86), (255, 189, 46), (39, 201, 63)]):
            x = PAD + 6 + i * 20
            draw.ellipse([x - 6, TITLE_BAR // 2 - 6, x + 6, TITLE_BAR // 2 + 6], fill=colour)
        tw = fallback.getlength(args.title)
        draw.text(((width - tw) / 2, (TITLE_BAR - FONT_SIZE) / 2 - 1), args.title,
                  font=fallback, fill=(200, 200, 200))

    text = open(args.src, encoding="utf-8").read()
    grid = parse(text, args.cols, args.rows)
    cursor = tuple(int(v) for v in args.cursor.split(",")) if args.cursor else None
    for y, row in enumerate(grid):
        x = 0
        for glyph, w, style in row:
            if w == 0:
                x += 1
                continue
            fg, bg = style.colours()
            if cursor == (x, y):
                fg, bg = bg, fg
            px, py = PAD + x * cw, top + y * ch
            if bg != BG:
                draw.rectangle([px, py, px + w * cw - 1, py + ch - 1], fill=bg)
            if glyph in BOX:
                left, right, up, down = BOX[glyph]
                cx, cy = px + cw // 2, py + ch // 2
                if left:
                    draw.line([px, cy, cx, cy], fill=fg)
                if right:
                    draw.line([cx, cy, px + cw - 1, cy], fill=fg)
                if up:
                    draw.line([cx, py, cx, cy], fill=fg)
                if down:
                    draw.line([cx, cy, cx, py + ch - 1], fill=fg)
            elif w == 2 and emoji is not None and paste_emoji(img, emoji, glyph, px, py, cw, ch):
                pass
            elif glyph.strip():
                font = bold if style.bold else regular
                if not font.getmask(glyph).getbbox() and fallback.getmask(glyph).getbbox():
                    font = fallback
                draw.text((px, py + 1), glyph, font=font, fill=fg)
            if style.underline:
                draw.line([px, py + ch - 2, px + w * cw - 1, py + ch - 2], fill=fg)
            x += 1
        if cursor and cursor[1] == y and cursor[0] >= x:
            px, py = PAD + cursor[0] * cw, top + y * ch
            draw.rectangle([px, py, px + cw - 1, py + ch - 1], fill=FG)
    img.save(args.dst)


if __name__ == "__main__":
    main()
