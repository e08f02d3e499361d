"""The pack's OCR policy: how far OCR may bend the words of a declarative rule.

Declared once for the whole pack, in any rule file:

    ocr:
      letters_per_edit: 5   # a run of words takes one edit per five letters...
      max_edits: 3          # ...and never more than three
      lookalikes:           # what OCR reads for a character, at no cost: ClA, E.0., Docld
        O: 0Q
        I: 1l|

A declarative rule (`phrase`, `stamp`, `banner`, `words`) never writes an edit budget: the
engine gives each run of its words the budget the policy allows for the run's letters, so
"Approved For Release" (18 letters) may take three edits ("Approved For Rejse"), "NARA" none.
A rule may tighten the policy with its own `ocr_edits` (a smaller cap), never loosen it.
Look-alike digits and letters (`0`/`O`, `1`/`l`) and words split by OCR are handled by the
normalised view (engine/normalize.py) before any rule is tried.
"""

from __future__ import annotations

from dataclasses import dataclass

import regex

_LETTER = regex.compile(r"[^\W_]")


# The characters OCR reads for another, most often: a declarative rule's word matches them
# as the character itself, without spending an edit. Letters for digits and digits for
# letters, case aside; a dash read as a tilde or an equals sign ("~2-", "=4 =").
LOOKALIKES: dict[str, str] = {"O": "0Q", "0": "O", "I": "1l|", "L": "1I|", "1": "Il|",
                              "S": "5", "5": "S", "B": "8", "8": "B", "Z": "2", "G": "6Q",
                              "-": "~="}


@dataclass(frozen=True, slots=True)
class OcrPolicy:
    """How many edits a run of words of N letters may take, and what OCR reads for a
    character."""

    letters_per_edit: int = 5
    max_edits: int = 3
    lookalikes: tuple[tuple[str, str], ...] = tuple(LOOKALIKES.items())

    def character(self, char: str) -> str:
        """The regex for one character of a word: itself or what OCR reads for it."""
        others = dict(self.lookalikes).get(char.upper(), "")
        if not others:
            return regex.escape(char)
        return "[" + "".join(regex.escape(c) for c in dict.fromkeys(char + others)) + "]"

    def budget(self, words: str, cap: int | None = None) -> int:
        """The edits tolerated in `words`: one per `letters_per_edit` letters, at most
        `max_edits`, and at most `cap` where a rule tightens the policy."""
        letters = len(_LETTER.findall(words))
        edits = min(self.max_edits, letters // self.letters_per_edit)
        return edits if cap is None else min(edits, cap)


DEFAULT_POLICY = OcrPolicy()
POLICY_KEYS = {
    "letters_per_edit": "a run of words takes one OCR edit per this many letters (default 5)",
    "max_edits": "the most edits any run of words may take (default 3)",
    "lookalikes": "for a character, what OCR reads in its place at no cost: {O: 0Q, I: 1l|}, "
                  "replacing the default table; {} for none",
}
