"""A normalised view of OCR text, with offsets back to the raw text.

Rules match the normalised view; markings report the raw text. The view:
- applies NFKC (ligatures, full-width letters) and maps typographic quotes and dashes to ASCII;
- inside words of at least two-thirds letters, reads the digits OCR confuses with letters as
  those letters (`T0P` -> `TOP`, `5ECRET` -> `SECRET`, `C1A` -> `CIA`): each such change counts
  as one OCR edit against the marking's confidence.
Numbers (dates, case numbers, the digits of `CIA-RDP80-00630A…`) are left alone.
"""

from __future__ import annotations

import bisect
import unicodedata
from dataclasses import dataclass

import regex

_TYPOGRAPHY = str.maketrans({
    "\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'",
    "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u201f": '"',
    "\u2010": "-", "\u2011": "-", "\u2012": "-", "\u2013": "-", "\u2014": "-", "\u2015": "-",
    "\u00a0": " ", "\u20ac": "E", "\u00a3": "E",
    # Cyrillic letters that OCR engines with a Russian model put for Latin ones ("СЕСПЕТ")
    "\u0410": "A", "\u0412": "B", "\u0415": "E", "\u041a": "K", "\u041c": "M",
    "\u041d": "H", "\u041e": "O", "\u0420": "P", "\u0421": "C", "\u0422": "T",
    "\u0425": "X", "\u0423": "Y", "\u0430": "a", "\u0435": "e", "\u043e": "o",
    "\u0440": "p", "\u0441": "c", "\u0443": "y", "\u0445": "x",
})
_LOOKALIKES = {"0": "O", "1": "I", "5": "S", "|": "I"}
# A word mixing letters with look-alike digits; fixed only when letters dominate.
_MIXED_WORD = regex.compile(
    r"(?<![\w|])[A-Za-z015|]*(?:[A-Za-z][015|]|[015|][A-Za-z])[A-Za-z015|]*")


@dataclass(frozen=True, slots=True)
class NormalizedText:
    """`text` is the normalised view of `raw`; `offsets[i]` is the raw index of `text[i]`."""

    text: str
    raw: str
    offsets: tuple[int, ...] | None  # None: same length, index i is raw index i
    fixes: tuple[int, ...]  # sorted positions in `text` where an OCR confusion was corrected

    def raw_index(self, index: int) -> int:
        if self.offsets is None:
            return index
        if index >= len(self.offsets):
            return len(self.raw)
        return self.offsets[index]

    def raw_span(self, start: int, end: int) -> tuple[int, int]:
        if end <= start:
            return self.raw_index(start), self.raw_index(start)
        return self.raw_index(start), self.raw_index(end - 1) + 1

    def fixes_in(self, start: int, end: int) -> int:
        return bisect.bisect_left(self.fixes, end) - bisect.bisect_left(self.fixes, start)


def normalize(raw: str) -> NormalizedText:
    text = raw.translate(_TYPOGRAPHY)
    offsets: tuple[int, ...] | None = None
    if not text.isascii() and not unicodedata.is_normalized("NFKC", text):
        pieces: list[str] = []
        index_map: list[int] = []
        for index, char in enumerate(text):
            folded = unicodedata.normalize("NFKC", char) if ord(char) > 127 else char
            pieces.append(folded)
            index_map.extend([index] * len(folded))
        text = "".join(pieces)
        offsets = tuple(index_map)
    fixes: list[int] = []
    if any(c in text for c in "015|"):
        chars = list(text)
        for match in _MIXED_WORD.finditer(text):
            word = match.group()
            if 3 * sum(c.isalpha() for c in word) < 2 * len(word):
                continue
            for position, char in enumerate(word, start=match.start()):
                if char in _LOOKALIKES:
                    chars[position] = _LOOKALIKES[char]
                    fixes.append(position)
        text = "".join(chars)
    return NormalizedText(text=text, raw=raw, offsets=offsets, fixes=tuple(fixes))
