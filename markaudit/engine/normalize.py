"""A normalised view of OCR text, with offsets back to the raw text.

Rules match the normalised view; markings report the raw text. The view:
- applies NFKC (ligatures, full-width letters) and maps typographic quotes and dashes to ASCII;
- writes as one word a known word of the rule pack that typists or OCR split into short pieces
  (`S-E-C-R-E-T`, `SEC RET`, `SE CRE T`, `SEC. REI`): a run of pieces of at most four capitals
  or digits, joined by single spaces, hyphens or full stops, that reads as one of the words of
  the pack's word lists within that word's OCR edit budget (see `SplitWords`);
- inside words of at least two-thirds letters, reads the digits OCR confuses with letters as
  those letters (`T0P` -> `TOP`, `5ECRET` -> `SECRET`, `C1A` -> `CIA`): each such change counts
  as one OCR edit against the marking's confidence.
Numbers (dates, case numbers, the digits of `CIA-RDP80-00630A…`) are left alone.

Joining in the view, rather than allowing a break between any two letters of every word-list
term, is what keeps fuzzy matching affordable: a break allowed everywhere multiplied the ways the
engine could try each term (measured: the banner rule ran 4 to 7 times slower with them).
"""

from __future__ import annotations

import bisect
import re
import unicodedata
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from functools import lru_cache

import regex

from markaudit.engine.compiled import compile_pattern

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
# (character, its plain form) for str.replace: a page holds few of them, and a look for each
# is some ten times quicker than str.translate going through the page character by character
_TYPOGRAPHY_CHARS = tuple((chr(code), plain) for code, plain in _TYPOGRAPHY.items())
_LOOKALIKES = {"0": "O", "1": "I", "5": "S", "|": "I"}
# A word mixing letters with look-alike digits; fixed only when letters dominate. It is the run
# of letters and look-alikes around a letter next to a look-alike, where the run does not
# follow another word character. (`re`, not `regex`: no fuzzy matching here, and `re` finds
# these some 2.5 times quicker.) The pairs are looked for first: a pattern for the whole word
# tried at every word of every page cost more than the rest of the view (measured).
_MIXED_PAIR = re.compile(r"[015|](?:(?<=[A-Za-z].)|(?=[A-Za-z]))")  # a look-alike first: rarer
_RUN_AFTER = re.compile(r"[A-Za-z015|]*")
_RUN_CHARS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz015|")
_WORD_CHAR = re.compile(r"[\w|]")


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


# Pieces of a split word: one to four capitals or digits, one separator between two pieces.
# Markings are typed in capitals; prose, in lower case, would only cost time.
# (`re`: ASCII classes alone, which both modules read alike, and `re` compiles them faster)
_SPLIT_RUN = re.compile(
    r"(?<![A-Za-z0-9])[A-Z0-9]{1,4}(?:(?:[ .-]|\. )[A-Z0-9]{1,4})+(?![A-Za-z0-9])")
_PIECE = re.compile(r"[A-Z0-9]+")


class SplitWords:
    """The words that the view writes whole when they stand split into pieces.

    A run of pieces is joined when it has three pieces or six letters at least (two short
    pieces are too often two real words). The words are those of four letters or more of every
    spelling in the rule pack's word lists (`SECRET`, `CONFIDENTIAL`, `NOFORN`, …). A run of
    pieces reads as one when, put together and upper-cased, it is within the word's edit
    budget: one edit per five letters, at most two, and one more substitution for words of six
    letters or more, as the word lists' own patterns allow (see vocabulary.edit_allowance).
    """

    def __init__(self, budgets: Mapping[str, int]) -> None:
        """`budgets`: each word (in capitals) and the edits it tolerates."""
        self._longest = max((len(w) + b for w, b in budgets.items()), default=0)
        self._terms = sorted(budgets.items(), key=lambda item: (-len(item[0]), item[0]))
        self._by_length: dict[int, tuple[re.Pattern[str], regex.Pattern[str]] | None] = {}

    def _words_of_length(self, length: int) -> tuple[re.Pattern[str], regex.Pattern[str]] | None:
        """The words that `length` letters can read as (a word of n letters with b edits spans
        n - b to n + b): one fuzzy pattern of them all, some ten times faster than edit
        distances, and twice as fast as one pattern per word; and before it, their pieces.

        A word cut into b + 1 pieces keeps one of them whole under b edits (each edit falls in
        one piece at most), and b edits move it by b places at most: letters that hold no piece
        of any word within b places of where the word has it cannot read as that word. Most
        runs of pieces are words of cables in capitals ("SAID THAT THE") and numbers: one `re`
        match turns half of them away before the fuzzy match, at a fraction of its cost
        (measured on the benchmark collection and the corpus).
        """
        if length not in self._by_length:
            terms = [(word, budget) for word, budget in self._terms
                     if abs(len(word) - length) <= budget]
            self._by_length[length] = (
                re.compile("|".join(sorted({
                    f".{{{max(0, at - budget)},{at + budget}}}{piece}"
                    for word, budget in terms for at, piece in _cut(word, budget + 1)}))),
                compile_pattern("(?:" + "|".join(
                    f"(?:{word}){{e<={budget}}}" if budget else word for word, budget in terms
                ) + ")"),
            ) if terms else None
        return self._by_length[length]

    @lru_cache(maxsize=65536)  # noqa: B019 - one instance per rule pack, for the whole run
    def reads_as_word(self, joined: str) -> bool:
        words = self._words_of_length(len(joined))
        if words is None:
            return False
        pieces, fuzzy = words
        letters = joined.upper().translate(_DIGITS_AS_LETTERS)
        return pieces.match(letters) is not None and fuzzy.fullmatch(letters) is not None

    def joins(self, text: str) -> list[tuple[int, int]]:
        """The spans of the separators to drop from `text`, in order."""
        drops: list[tuple[int, int]] = []
        if not self._terms:
            return drops
        for run in _SPLIT_RUN.finditer(text):
            pieces = [(m.start(), m.end()) for m in _PIECE.finditer(run.group())]
            offset = run.start()
            first = 0
            while first < len(pieces) - 1:
                last = self._longest_word(run.group(), pieces, first)
                if last is None:
                    first += 1
                    continue
                drops.extend((offset + pieces[i][1], offset + pieces[i + 1][0])
                             for i in range(first, last))
                first = last + 1
        return drops

    def _longest_word(self, run: str, pieces: list[tuple[int, int]], first: int) -> int | None:
        """The last piece of the longest run from `first` that reads as a word, if any.

        A word may stand letter by letter ("C-O-N-F-I-D-E-N-T-I-A-L"): as many pieces as the
        longest word has letters are tried, no more.
        """
        letters: list[str] = []
        count = 0
        for a, b in pieces[first:]:
            if count + b - a > self._longest:
                break
            letters.append(run[a:b])
            count += b - a
        for last in range(first + len(letters) - 1, first, -1):
            joined = "".join(letters[:last - first + 1])
            # Two short pieces make common words ("GO UP" is not GROUP): six letters at least,
            # or three pieces.
            if (len(joined) >= 6 or last - first >= 2) and self.reads_as_word(joined):
                return last
        return None


_DIGITS_AS_LETTERS = str.maketrans("015", "OIS")


def _cut(word: str, count: int) -> list[tuple[int, str]]:
    """`word` cut into `count` pieces of near-equal length (fewer for a shorter word), each with
    where it starts in the word."""
    count = min(count, len(word))
    cuts = [len(word) * i // count for i in range(count + 1)]
    return [(cuts[i], word[cuts[i]:cuts[i + 1]]) for i in range(count)]


def _plain_typography(raw: str) -> str:
    if raw.isascii():  # every character of the table is beyond ASCII
        return raw
    text = raw
    for char, plain in _TYPOGRAPHY_CHARS:
        if char in text:
            text = text.replace(char, plain)
    return text


def _mixed_words(text: str) -> Iterator[tuple[int, str]]:
    """Where each word mixing letters with look-alike digits starts, and the word."""
    pair = _MIXED_PAIR.search(text)
    while pair is not None:
        start = pair.start()
        while start > 0 and text[start - 1] in _RUN_CHARS:
            start -= 1
        end = _RUN_AFTER.match(text, pair.start()).end()  # type: ignore[union-attr]
        if start == 0 or _WORD_CHAR.match(text, start - 1) is None:
            yield start, text[start:end]
        pair = _MIXED_PAIR.search(text, end)


def normalize(raw: str, split_words: SplitWords | None = None) -> NormalizedText:
    text = _plain_typography(raw)
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
    drops = split_words.joins(text) if split_words is not None else []
    if drops:
        kept: list[str] = []
        kept_map: list[int] = []
        position = 0
        for start, end in [*drops, (len(text), len(text))]:
            kept.append(text[position:start])
            kept_map.extend(offsets[position:start] if offsets else range(position, start))
            position = end
        text = "".join(kept)
        offsets = tuple(kept_map)
    fixes: list[int] = []
    if any(c in text for c in "015|"):
        chars: list[str] | None = None  # made only for a page with something to fix
        for start, word in _mixed_words(text):
            if 3 * sum(map(str.isalpha, word)) < 2 * len(word):
                continue
            for position, char in enumerate(word, start=start):
                if char in _LOOKALIKES:
                    if chars is None:
                        chars = list(text)
                    chars[position] = _LOOKALIKES[char]
                    fixes.append(position)
        if chars is not None:
            text = "".join(chars)
    return NormalizedText(text=text, raw=raw, offsets=offsets, fixes=tuple(fixes))
