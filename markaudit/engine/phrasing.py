"""A phrase of a declarative rule -> the regex the engine runs, and the fields it fills.

A phrase is what the archivist reads on the page, with slots for what varies:

    Approved For Release {date} : {document_id:rdp}
    DECLASSIFIED [Authority] NND {authority:number}

- words are matched in order, whatever the case, with any spacing or line break between
  them; a run of words takes the OCR edits the pack's policy allows for its letters
  (engine/ocr.py), so the archivist never writes a budget;
- `{name}` is a slot of the type `name` (engine/slots/, or a vocabulary of the pack);
  `{name:type}` names the slot and its type apart; a rule's `slots:` may type it at length;
- `[...]` is optional;
- punctuation standing alone (`:`, `,`, `#`, `/`, `--`) is optional: OCR drops it, and so does
  the typist; inside a word (`E.O.`) it is optional too; a rule whose punctuation tells it from
  prose (`Derived From:`, `(b)(1)`) makes it required (`punctuation: required`);
- `...` is up to ten characters of anything on the line, as few as will do: OCR's debris
  between two parts of a stamp (`NW 50955 ~ DocId:32244357`).

The compiled phrase keeps its words (`words`), which the engine needs to know without parsing
the regex back (prefilters, a multi-pattern scan).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import regex

from markaudit.core.hints import did_you_mean
from markaudit.engine.backtrack import catastrophic
from markaudit.engine.ocr import OcrPolicy
from markaudit.engine.slots import SLOT_TYPES
from markaudit.engine.vocabulary import Vocabulary

_TOKEN = regex.compile(r"\{[^{}]*\}|\[|\]|[{}]|[^\s\[\]{}]+")
_SLOT = regex.compile(r"^\{\s*(?P<name>[A-Za-z_]\w*)\s*(?::\s*(?P<type>[A-Za-z_]\w*)\s*)?\}$")
# No letter or digit: "_" too is punctuation, never a word (a word with no letter to look for
# would match nothing, or anything).
_PUNCTUATION_ONLY = regex.compile(r"^[\W_]+$")
# Between two words of a run; around a slot or punctuation, nothing need stand between.
WORD_GAP = r"\s+"
GAP = r"\s*"
# The same within one line, for a phrase that spans no line break (`one_line: true`).
LINE_WORD_GAP = r"[ \t]+"
LINE_GAP = r"[ \t]*"
_NO_LETTER_BEFORE = r"(?<![^\W\d_])"
_NO_LETTER_AFTER = r"(?![^\W\d_])"
_STARTS_ON_WORD = r"(?=\w)"


def _starts_on(word: str) -> str:
    """Where a match of a phrase that opens with `word` may start."""
    if word[0].isalnum():
        return _STARTS_ON_WORD
    return rf"(?=\w|{regex.escape(word[0])})"


class PhraseError(ValueError):
    """A phrase the engine cannot compile; the message says why, for the rule's author.
    `item` is the index of the phrase in its rule's list, where it is one of several."""

    def __init__(self, message: str, item: int | None = None) -> None:
        super().__init__(message)
        self.item = item


@dataclass(frozen=True, slots=True)
class SlotField:
    """A field a slot fills: the regex group it reads and the parser its text goes through."""

    name: str
    parser: str


@dataclass(slots=True)
class CompiledPhrase:
    pattern: str
    fields: list[SlotField] = field(default_factory=list)
    words: list[str] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class _Word:
    text: str


@dataclass(frozen=True, slots=True)
class _Punctuation:
    text: str


@dataclass(frozen=True, slots=True)
class _Slot:
    name: str
    type: str | None


@dataclass(frozen=True, slots=True)
class _Skip:
    """`...`: a few characters of anything on the line."""


SKIP = r"[^\n]{0,10}?"


@dataclass(slots=True)
class _Optional:
    items: list[Any]


def parse_phrase(text: str) -> list[Any]:
    """The phrase's items: words, punctuation, slots and optional groups."""
    stack: list[list[Any]] = [[]]
    for token in _TOKEN.findall(text):
        if token == "[":
            stack.append([])
        elif token == "]":
            if len(stack) == 1:
                raise PhraseError("a ']' closes no '['")
            group = stack.pop()
            if not group:
                raise PhraseError("'[]' holds nothing")
            stack[-1].append(_Optional(group))
        elif token in ("{", "}"):
            raise PhraseError(f"a '{token}' that {'opens' if token == '{' else 'closes'} no "
                              "slot: write {name}, or {name:type}")
        elif token.startswith("{"):
            slot = _SLOT.match(token)
            if slot is None:
                raise PhraseError(f"'{token}' is not a slot: write {{name}} or {{name:type}}")
            stack[-1].append(_Slot(slot["name"], slot["type"]))
        elif token == "...":
            stack[-1].append(_Skip())
        elif _PUNCTUATION_ONLY.match(token):
            stack[-1].append(_Punctuation(token))
        else:
            stack[-1].append(_Word(token))
    if len(stack) > 1:
        raise PhraseError("a '[' is never closed by ']'")
    if not stack[0]:
        raise PhraseError("the phrase is empty")
    if not any(isinstance(item, _Word | _Slot) for item in _flatten(stack[0])):
        raise PhraseError("the phrase has no word and no slot")
    return stack[0]


def _flatten(items: list[Any]) -> list[Any]:
    flat: list[Any] = []
    for item in items:
        flat.extend(_flatten(item.items) if isinstance(item, _Optional) else [item])
    return flat


class PhraseCompiler:
    """Compiles the phrases of one rule: its slot types, the pack's vocabularies and policy."""

    def __init__(self, policy: OcrPolicy, vocabularies: Mapping[str, Vocabulary],
                 slot_specs: Mapping[str, Any] | None = None, cap: int | None = None) -> None:
        self.policy = policy
        self.vocabularies = vocabularies
        self.slot_specs = dict(slot_specs or {})
        self.cap = cap
        # Whether the rule matches letter case exactly (its code slots are checked so).
        self.case_sensitive = False
        # `punctuation: required`: the phrase's punctuation must stand on the page as written.
        self.punctuation_required = False
        # `one_line: true`: no line break between the phrase's words.
        self.one_line = False
        self.used_slots: set[str] = set()
        # For each phrase compiled: long words one of which every match keeps intact (a run
        # of n long words matched with e < n edits keeps n - e of them), or None.
        self.anchor_sets: list[list[str] | None] = []
        # For each phrase compiled: the required run of words with the most letters, and the
        # edits it may take: what the scan looks for first (engine/scan.py), or None.
        self.cores: list[tuple[tuple[str, ...], int] | None] = []

    def compile(self, text: str, *, bounded: bool = True) -> CompiledPhrase:
        """The phrase as a regex; `bounded` keeps a letter from standing against its ends."""
        items = parse_phrase(text)
        out = CompiledPhrase("")
        seen: set[str] = set()
        # After optional words only, the first word must still not follow a letter.
        first_word = next((index for index, item in enumerate(items)
                           if not isinstance(item, _Optional)), None)
        bound = (first_word if bounded and first_word and isinstance(items[first_word], _Word)
                 else None)
        body = self._sequence(items, out, seen, bound)
        flat = _flatten(items)
        # A match starts on a letter or digit, or on the punctuation its first word opens
        # with ("(b)"): a fuzzy run would otherwise take the punctuation and line breaks
        # before it as insertions, and start a line early.
        before = ((_NO_LETTER_BEFORE if bounded else "") + _starts_on(items[0].text)
                  if isinstance(items[0], _Word) else "")
        after = _NO_LETTER_AFTER if bounded and isinstance(flat[-1], _Word) else ""
        out.pattern = f"{before}{body}{after}"
        self.anchor_sets.append(self._anchor_words(items))
        self.cores.append(self._core(items))
        return out

    def _core(self, items: list[Any]) -> tuple[tuple[str, ...], int] | None:
        """The required run of words with the most letters, and its budget."""
        runs: list[list[str]] = [[]]
        for item in items:
            if isinstance(item, _Word):
                runs[-1].append(item.text)
            elif runs[-1]:
                runs.append([])
        best = max(runs, key=lambda run: len(_LETTERS.findall(" ".join(run))))
        if not best:
            return None
        return tuple(best), self.policy.budget(" ".join(best), self.cap)

    def _anchor_words(self, items: list[Any]) -> list[str] | None:
        """Pieces of a required run of words, one of which every match keeps intact.

        A run matched with at most e edits, cut into e + 1 pieces, keeps one piece whole: an
        edit touches one piece at most. The run whose shortest piece is longest anchors the
        phrase; pieces shorter than three letters would anchor nothing, and give none.
        """
        best: list[str] | None = None
        run: list[str] = []
        for item in [*items, None]:
            if isinstance(item, _Word):
                run.append(item.text)
                continue
            if run:
                pieces = _pieces(run, self.policy.budget(" ".join(run), self.cap) + 1)
                if pieces and (best is None or min(map(len, pieces)) > min(map(len, best))):
                    best = pieces
                run = []
        return best

    def _sequence(self, items: list[Any], out: CompiledPhrase, seen: set[str],
                  bound: int | None = None) -> str:
        parts: list[str] = []
        run: list[str] = []
        previous: object = None

        def close_run() -> None:
            if run:
                parts.append(self._run(run, out))
                run.clear()

        for index, item in enumerate(items):
            if isinstance(item, _Word):
                if run:
                    run.append(item.text)
                    continue
                if previous is not None:
                    parts.append(self._gap)
                if index == bound:
                    parts.append(_NO_LETTER_BEFORE)
                run.append(item.text)
            else:
                close_run()
                if isinstance(item, _Optional):
                    inner = self._sequence(item.items, out, seen)
                    parts.append(f"(?:{self._gap if previous is not None else ''}{inner})?")
                else:
                    if previous is not None:
                        parts.append(self._gap)
                    parts.append(self._slot(item, out, seen) if isinstance(item, _Slot)
                                 else SKIP if isinstance(item, _Skip)
                                 else _punctuation(item.text, self.policy,
                                                   self.punctuation_required))
            previous = item
        close_run()
        return "".join(parts)

    def _run(self, words: list[str], out: CompiledPhrase, cap: int | None = None) -> str:
        out.words.extend(words)
        caps = [c for c in (self.cap, cap) if c is not None]
        budget = self.policy.budget(" ".join(words), min(caps) if caps else None)
        return run_pattern(words, budget, self.policy, self.punctuation_required,
                           self.one_line)

    @property
    def _gap(self) -> str:
        return LINE_GAP if self.one_line else GAP

    def _slot(self, slot: _Slot, out: CompiledPhrase, seen: set[str]) -> str:
        if slot.name in seen:
            raise PhraseError(f"slot {{{slot.name}}} is used twice")
        seen.add(slot.name)
        self.used_slots.add(slot.name)
        spec = self.slot_specs.get(slot.name, slot.type or slot.name)
        pattern, parser, subfields = self._slot_type(slot.name, spec)
        out.fields.append(SlotField(slot.name, parser))
        out.fields.extend(SlotField(name, sub) for name, sub in subfields.items())
        return f"(?P<{slot.name}>{pattern})"

    def _slot_type(self, name: str, spec: Any) -> tuple[str, str, dict[str, str]]:
        """(pattern, parser, sub-fields) of a slot typed by `spec`: a type's name, a list of
        words, or {code: REGEX}."""
        if isinstance(spec, str):
            if spec in SLOT_TYPES:
                kind = SLOT_TYPES[spec]
                return kind.pattern, kind.parser, kind.subfields
            if spec in self.vocabularies:
                edits = min(2, self.policy.max_edits if self.cap is None else self.cap)
                parser = "level" if spec == "level" else f"term:{spec}"
                return self.vocabularies[spec].pattern(edits), parser, {}
            known = ", ".join([*SLOT_TYPES, "code", *sorted(self.vocabularies)])
            hint = did_you_mean(spec, [*SLOT_TYPES, *self.vocabularies])
            raise PhraseError(f"slot {{{name}}} has unknown type '{spec}'{hint} "
                              f"(types: {known})")
        if isinstance(spec, list) and spec and all(isinstance(w, str) and w.strip()
                                                    for w in spec):
            choices = sorted(spec, key=len, reverse=True)  # the longest first: IN FULL, IN
            if any("|" in w for w in spec):
                raise PhraseError(f"slot {{{name}}}: a listed word may not hold '|'")
            # Listed words are matched as written (case and spacing aside): they qualify a
            # marking more than they find it, and an optional list before a phrase, fuzzy,
            # would be tried at every place of a page (measured: the CREST stamp's search took
            # 8 times as long). A vocabulary is the way to a list OCR may bend.
            return "(?:" + "|".join(self._run(w.split(), CompiledPhrase(""), cap=0)
                                    for w in choices) + ")", "one-of:" + "|".join(spec), {}
        if isinstance(spec, Mapping) and set(spec) == {"code"} and isinstance(spec["code"], str):
            try:
                compiled = regex.compile(spec["code"])
            except regex.error as error:
                raise PhraseError(f"slot {{{name}}}: bad code pattern: {error}") from None
            if compiled.groups:
                raise PhraseError(f"slot {{{name}}}: a code pattern may not capture groups; "
                                  "write (?:...) for a group")
            # The one regex of a declarative rule its author writes: checked as a `pattern:`
            # is, since the rest of the rule is bounded by construction.
            danger = catastrophic(spec["code"], case_sensitive=self.case_sensitive)
            if danger is not None:
                raise PhraseError(f"slot {{{name}}}: {danger}")
            return f"(?:{spec['code']})", "upper", {}
        raise PhraseError(f"slot {{{name}}} is typed by a type's name, a list of words, "
                          "or {code: REGEX}")


_SEGMENT = regex.compile(r"[^\W_]+")
_LETTERS = regex.compile(r"[^\W_]")
MIN_PIECE = 3


def _pieces(words: list[str], count: int) -> list[str] | None:
    """`count` disjoint pieces of the words' letters, as long as they can be; None if one
    would be shorter than MIN_PIECE."""
    every = [segment.upper() for word in words for segment in _SEGMENT.findall(word)]
    # Short words (FOR, THE) stand on every page: pieces of the long words are rarer, and
    # fewer pieces, all disjoint, still keep one intact.
    for shortest in (MIN_PIECE + 1, MIN_PIECE):
        pieces = _cut([s for s in every if len(s) >= shortest], count)
        if pieces is not None:
            return pieces
    return None


def _cut(segments: list[str], count: int) -> list[str] | None:
    segments = sorted(segments, key=len, reverse=True)[:count]  # the longest are rarest
    if not segments:
        return None
    cuts = [1] * len(segments)  # how many pieces each segment is cut into
    for _ in range(count - len(segments)):
        widest = max(range(len(segments)), key=lambda i: len(segments[i]) / cuts[i])
        cuts[widest] += 1
    pieces = []
    for segment, parts in zip(segments, cuts, strict=True):
        size, extra = divmod(len(segment), parts)
        start = 0
        for index in range(parts):
            end = start + size + (index < extra)
            pieces.append(segment[start:end])
            start = end
    return pieces if min(map(len, pieces)) >= MIN_PIECE else None


def run_pattern(words: Sequence[str], budget: int, policy: OcrPolicy,
                punctuation_required: bool = False, one_line: bool = False) -> str:
    """A run of words as a regex, OCR's `budget` of edits over the whole run."""
    body = ""
    for index, word in enumerate(words):
        if index:  # punctuation standing alone needs no space around it
            alone = _PUNCTUATION_ONLY.match(word) or _PUNCTUATION_ONLY.match(words[index - 1])
            body += ((LINE_GAP if alone else LINE_WORD_GAP) if one_line
                     else GAP if alone else WORD_GAP)
        body += _word(word, policy, punctuation_required)
    return f"(?:{body}){{e<={budget}}}" if budget else f"(?:{body})"


def _word(word: str, policy: OcrPolicy, punctuation_required: bool = False) -> str:
    """A word of a phrase: each letter or digit, or what OCR reads for it (`ClA`, `E.0.`);
    punctuation inside it (`E.O.`, `FBI/JFK`) is optional, unless the rule requires it."""
    mark = "" if punctuation_required else "?"
    return "".join(policy.character(char) if char.isalnum()
                   else f"{policy.character(char)}{mark}\\s?" for char in word)


def _punctuation(text: str, policy: OcrPolicy, required: bool = False) -> str:
    """Punctuation standing alone, or what OCR reads for it (`~` for `-`)."""
    body = "".join(policy.character(char) for char in text)
    return f"(?:{body})" if required else f"(?:{body})?"

