"""The pack's OCR policy: how far OCR may bend the words of a declarative rule.

Declared once for the whole pack, in any rule file:

    ocr:
      letters_per_edit: 5   # a run of words takes one edit per five letters...
      max_edits: 3          # ...and never more than three

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


@dataclass(frozen=True, slots=True)
class OcrPolicy:
    """How many edits a run of words of N letters may take."""

    letters_per_edit: int = 5
    max_edits: int = 3

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
}
