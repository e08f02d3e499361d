"""phrase: words in order, with typed slots that become fields.

    - id: release.sanitized-copy
      kind: release
      phrase: SANITIZED COPY FOR RELEASE {year}
      set: {issuer: CIA}

Words match whatever their case, with any spacing, line break or stray punctuation between
them, and take the OCR edits the pack's policy allows (`ocr:` in a rule file). `{name}` is
a slot of type `name` (`date`, `year`, `number`, `name`, `text`, `rdp`, `jfk_record`,
`case_number`, or a vocabulary such as `level`); `{released: date}` names a slot apart from its
type. `[...]` is optional. A list of phrases matches any of them. `slots:` types a slot at
length: a list of words (`extent: [IN FULL, IN PART]`) or `{code: REGEX}`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from markaudit.engine.kinds.base import Compiled
from markaudit.engine.phrasing import PhraseCompiler, PhraseError

KEYS = {
    "phrase": "the words of the marking, with {slots}; or a list of such phrases",
    "slots": "the type of each slot the phrases name: a type, a list of words, {code: REGEX}",
}


def compile_rule(entry: Mapping[str, Any], compiler: PhraseCompiler) -> Compiled:

    phrases = entry["phrase"]
    phrases = [phrases] if isinstance(phrases, str) else phrases
    if not isinstance(phrases, list) or not phrases or not all(
            isinstance(p, str) and p.strip() for p in phrases):
        raise PhraseError("'phrase' is text, or a list of texts")
    compiled = Compiled()
    for index, text in enumerate(phrases):
        try:
            done = compiler.compile(text)
        except PhraseError as error:
            raise PhraseError(str(error), index if len(phrases) > 1 else None) from None
        compiled.add(done.pattern, done.fields, done.words)
    return compiled
