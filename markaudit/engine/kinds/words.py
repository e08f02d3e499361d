"""words: any one term of a list, or of a vocabulary of the pack, as a marking.

    - id: caveat.dissemination
      kind: caveat
      words: caveat              # a vocabulary: its terms and their spellings
      line: whole                # only where the term is its line

    - id: handling.limdis
      kind: caveat
      words: [LIMDIS, LIMITED DISTRIBUTION]
      field: handling            # the field the term fills (default `term`)

Each term takes the OCR edits the pack's policy allows; a term found reads as its canonical
form (the vocabulary's term) in the field `term`, or the one `field:` names, and is the
marking's value.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import regex

from markaudit.engine.kinds.base import Compiled
from markaudit.engine.phrasing import PhraseCompiler, PhraseError, SlotField

KEYS = {
    "words": "a vocabulary's name, or a list of terms",
    "line": "where on its line the term stands: anywhere (the default), start, or whole",
    "field": "the name of the field the term fills (default term)",
}
LINES = ("anywhere", "start", "whole")
# A few characters of OCR debris may stand beside a line's term: "• NOFORN", "SECRET.".
_LINE_START = r"^[^A-Za-z0-9\n]{0,3}"
_LINE_END = r"[^A-Za-z0-9\n]{0,3}$"
_FIELD_NAME = regex.compile(r"^[A-Za-z_]\w*$")


def compile_rule(entry: Mapping[str, Any], compiler: PhraseCompiler) -> Compiled:

    words = entry["words"]
    line = entry.get("line", "anywhere")
    if line not in LINES:
        raise PhraseError(f"'line' is one of {', '.join(LINES)}")
    name = entry.get("field", "term")
    if not isinstance(name, str) or not _FIELD_NAME.match(name):
        raise PhraseError("'field' is a name of letters, digits and '_' (such as grading)")
    if isinstance(words, str):
        if words not in compiler.vocabularies:
            raise PhraseError(f"'words' names vocabulary '{words}', which no rule file defines "
                              f"(defined: {', '.join(sorted(compiler.vocabularies))})")
        vocabulary = compiler.vocabularies[words]
        edits = min(2, compiler.policy.max_edits if compiler.cap is None else compiler.cap)
        body, parser = vocabulary.pattern(edits), ("level" if words == "level"
                                                   else f"term:{words}")
        terms = vocabulary.spellings
    elif isinstance(words, list) and words and all(isinstance(w, str) and w.strip()
                                                   for w in words):
        body = "(?:" + "|".join(compiler.compile(w, bounded=False).pattern
                                for w in sorted(words, key=len, reverse=True)) + ")"
        parser, terms = "upper", list(words)
    else:
        raise PhraseError("'words' is a vocabulary's name or a list of terms")
    before = _LINE_START if line != "anywhere" else r"(?<![^\W_])"
    after = _LINE_END if line == "whole" else r"(?![^\W_])"
    compiled = Compiled()
    compiled.add(f"{before}(?P<{name}>{body}){after}", [SlotField(name, parser)],
                 [w for term in terms for w in term.split()])
    return compiled
