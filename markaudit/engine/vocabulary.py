"""Named word lists from the rule files: the ordered classification levels and other vocabularies.

A vocabulary maps each canonical term to the spellings that stand for it (`NOFORN`: `NO FOREIGN
DISSEM`, …). Patterns refer to it as `{{name}}`; parsers map what OCR produced back to the
nearest canonical term.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

import regex

from markaudit.engine.compiled import compile_pattern
from markaudit.engine.normalize import SplitWords


def edit_distance(a: str, b: str) -> int:
    """Levenshtein distance between two short strings."""
    if a == b:
        return 0
    if len(a) < len(b):
        a, b = b, a
    previous = list(range(len(b) + 1))
    for i, char_a in enumerate(a, start=1):
        current = [i]
        for j, char_b in enumerate(b, start=1):
            current.append(min(previous[j] + 1, current[j - 1] + 1,
                               previous[j - 1] + (char_a != char_b)))
        previous = current
    return previous[-1]


_NOT_LETTERS = regex.compile(r"[^\w&]+|_")


def _squash(text: str) -> str:
    """Letters and digits only: `S-E-C-R-E-T`, `SEC RET` and `SECRET` compare alike."""
    return _NOT_LETTERS.sub("", text.upper())


def edit_budget(spelling: str, cap: int) -> int:
    """Edits tolerated in one term: one per five letters, at most `cap`.

    SECRET takes one edit (SEGRET), CONFIDENTIAL two (COMFIDENTIAI); SI or TK none, since
    one edit would turn them into any two letters. A term of six letters or more may also
    take one more substitution (not insertion or deletion), see `_term_pattern`.
    """
    return min(cap, len(_squash(spelling)) // 5)


def edit_allowance(spelling: str, cap: int) -> int:
    """Edits tolerated in one term in all: its budget, and the one more substitution that a term
    of six letters or more may take (as `_term_pattern` allows)."""
    budget = edit_budget(spelling, cap)
    return budget + (1 if budget and len(_squash(spelling)) >= 6 else 0)


def _term_pattern(spelling: str, ocr_edits: int) -> str:
    # A word OCR split ("SEC RET") or a cable spelled out ("S-E-C-R-E-T") is whole again in
    # the normalised view (normalize.SplitWords), so a term is its words and nothing between.
    body = r"[ \t]*".join(regex.escape(word) for word in spelling.split())
    budget = edit_budget(spelling, ocr_edits)
    if not budget:
        return f"(?:{body})"
    if len(_squash(spelling)) >= 6:
        # OCR misreads letters (SECHET, SaCHET) far more often than it drops or adds them.
        return f"(?:{body}){{s<={budget + 1},i<={budget},d<={budget},e<={budget + 1}}}"
    return f"(?:{body}){{e<={budget}}}"


def split_words(vocabularies: Iterable[Vocabulary]) -> SplitWords:
    """The words of every spelling, for the view to join when OCR split them."""
    return _split_words(tuple(vocabularies))


@lru_cache(maxsize=16)
def _split_words(vocabularies: tuple[Vocabulary, ...]) -> SplitWords:
    words = {word.upper() for vocabulary in vocabularies for _, spellings in vocabulary.terms
             for spelling in spellings for word in spelling.split()
             if len(word) >= 4 and word.isalpha()}
    return SplitWords({word: edit_allowance(word, 2) for word in words})


@dataclass(frozen=True, slots=True)
class Vocabulary:
    """Canonical terms, each with its spellings; order matters for `levels` (lowest first)."""

    name: str
    terms: tuple[tuple[str, tuple[str, ...]], ...]  # (canonical, spellings), hashable

    @classmethod
    def from_terms(cls, name: str, terms: Iterable[tuple[str, Iterable[str]]]) -> Vocabulary:
        return cls(name, tuple((canonical, tuple(dict.fromkeys([canonical, *spellings])))
                               for canonical, spellings in terms))

    @property
    def names(self) -> list[str]:
        """The canonical terms, in the order the rule file gives them."""
        return [canonical for canonical, _ in self.terms]

    @property
    def spellings(self) -> list[str]:
        """Every spelling, longest first, so that an alternation prefers `TOP SECRET`."""
        every = {s for _, spellings in self.terms for s in spellings}
        return sorted(every, key=lambda s: (-len(s), s))

    def pattern(self, ocr_edits: int = 0) -> str:
        """A regex alternation of every spelling, each with its own OCR edit budget."""
        return "(?:" + "|".join(_term_pattern(s, ocr_edits) for s in self.spellings) + ")"

    def canonical(self, text: str, max_edits: int = 2) -> str | None:
        """The canonical term nearest to `text` (OCR-damaged or not), or None if none is near:
        within the term's edit budget (see `edit_budget`), capped at `max_edits`."""
        found = _nearest(self, _squash(text), max_edits)
        return found[0] if found else None

    def closest(self, text: str, max_edits: int = 2) -> tuple[str, int] | None:
        """As `canonical`, with the number of edits that read `text` as that term."""
        return _nearest(self, _squash(text), max_edits)

    def rank(self, term: str) -> int:
        """The position of a canonical term (for levels: higher is more restricted)."""
        return self.names.index(term)

    def find_all(self, text: str, ocr_edits: int = 0) -> list[str]:
        """Every canonical term named in `text`, in order, each once."""
        found: list[str] = []
        for match in _finder(self, ocr_edits).finditer(text, overlapped=False):
            term = self.canonical(match.group(), max_edits=ocr_edits)
            if term and term not in found:
                found.append(term)
        return found


@lru_cache(maxsize=4096)
def _nearest(vocabulary: Vocabulary, squashed: str, max_edits: int) -> tuple[str, int] | None:
    best: tuple[int, int, str] | None = None
    for canonical, spelling, letters, allowance in _squashed(vocabulary, max_edits):
        if abs(len(letters) - len(squashed)) > allowance:
            continue  # as many edits as the lengths differ, at least: too far, not worked out
        distance = edit_distance(squashed, letters)
        if distance > allowance:
            continue
        candidate = (distance, -len(spelling), canonical)
        if best is None or candidate < best:
            best = candidate
    return (best[2], best[0]) if best else None


@lru_cache(maxsize=256)
def _squashed(vocabulary: Vocabulary, max_edits: int) -> list[tuple[str, str, str, int]]:
    """(canonical, spelling, its letters, its edit allowance) of every spelling."""
    return [(canonical, spelling, _squash(spelling), edit_allowance(spelling, max_edits))
            for canonical, spellings in vocabulary.terms for spelling in spellings]


@lru_cache(maxsize=256)
def _finder(vocabulary: Vocabulary, ocr_edits: int) -> regex.Pattern[str]:
    # ENHANCEMATCH: BESTMATCH would skip a damaged term before an exact one ("NOFORM/EYES ONLY")
    return compile_pattern(rf"(?<![A-Z0-9]){vocabulary.pattern(ocr_edits)}(?![A-Z0-9])",
                         regex.IGNORECASE | regex.ENHANCEMATCH)
