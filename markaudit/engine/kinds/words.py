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
from markaudit.engine.kinds.phrase import place_on_line
from markaudit.engine.phrasing import PhraseCompiler, PhraseError, SlotField

KEYS = {
    "words": "a vocabulary's name, or a list of terms",
    "line": "where on its line the term stands: anywhere (the default), start, end (after "
            "other text), whole, or "
            "alone (the whole line, only spaces beside it)",
    "field": "the name of the field the term fills (default term)",
}
_FIELD_NAME = regex.compile(r"^[A-Za-z_]\w*$")


def compile_rule(entry: Mapping[str, Any], compiler: PhraseCompiler) -> Compiled:

    words = entry["words"]
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
        cores = [None]
    elif isinstance(words, list) and words and all(isinstance(w, str) and w.strip()
                                                   for w in words):
        body = "(?:" + "|".join(compiler.compile(w, bounded=False).pattern
                                for w in sorted(words, key=len, reverse=True)) + ")"
        parser, terms = "upper", list(words)
        cores = compiler.cores[-len(words):]
    else:
        raise PhraseError("'words' is a vocabulary's name or a list of terms")
    term = f"(?P<{name}>{body})"
    compiled = Compiled()
    # One pattern of alternatives: it is scanned for where any term's run could stand.
    compiled.cores = [None] if None in cores else [
        core for core in cores if core is not None]
    compiled.add(place_on_line(term, entry.get("line", "anywhere"),
                               rf"(?<![^\W_]){term}(?![^\W_])"), [SlotField(name, parser)],
                 [w for term in terms for w in term.split()])
    return compiled
