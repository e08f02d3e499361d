"""Field parsers: the text a pattern captured -> a structured value.

A rule's `fields` names a parser for each field. Values are plain JSON types (dates are
`YYYY-MM-DD` strings) so that reports and checks read them alike.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import regex

from markaudit.engine.vocabulary import Vocabulary

MONTHS = {
    name: number
    for number, names in enumerate(
        [("JANUARY", "JAN"), ("FEBRUARY", "FEB"), ("MARCH", "MAR"), ("APRIL", "APR"), ("MAY",),
         ("JUNE", "JUN"), ("JULY", "JUL"), ("AUGUST", "AUG"), ("SEPTEMBER", "SEP", "SEPT"),
         ("OCTOBER", "OCT"), ("NOVEMBER", "NOV"), ("DECEMBER", "DEC")],
        start=1,
    )
    for name in names
}
_MONTH = "|".join(sorted(MONTHS, key=len, reverse=True))
_DATE_FORMATS: list[tuple[regex.Pattern[str], str]] = [
    (regex.compile(r"(?P<y>\d{4})\s*[/.-]\s*(?P<m>\d{1,2})\s*[/.-]\s*(?P<d>\d{1,2})"), "ymd"),
    # OCR reads a separator as ':' or a space ("11-03:2021", "11 09 - 2020")
    (regex.compile(r"(?P<m>\d{1,2})\s*[/.:-]\s*(?P<d>\d{1,2})\s*[/.:-]\s*(?P<y>\d{4}|\d{2})"
                   r"(?!\d)"), "mdy"),
    (regex.compile(r"(?<!\d)(?P<m>\d{2})\s(?P<d>\d{2})\s*-\s*(?P<y>\d{4})"), "mdy"),
    # OCR's slashes read as 1, I, l or |, its digits as O or Z (`2002111I18`, `2003I11IZ1`):
    # ten characters, the whole token, before the eight-digit form would read `20031111`
    (regex.compile(r"(?<![\w/])(?P<y>(?:19|20)\d{2})[/1Il|](?P<m>[0-1OZ][\dOZ])[/1Il|]"
                   r"(?P<d>[0-3OZ][\dOZ])(?![\w/])"), "ymd"),
    (regex.compile(r"(?P<y>(?:19|20)\d{2})(?P<m>[01]\d)(?P<d>[0-3]\d)"), "ymd"),
    (regex.compile(rf"(?P<mon>{_MONTH})\.?\s+(?P<d>\d{{1,2}}),?\s+(?P<y>\d{{4}})", regex.I), "mdy"),
    (regex.compile(rf"(?P<d>\d{{1,2}})\s+(?P<mon>{_MONTH})\.?,?\s+(?P<y>\d{{4}}|\d{{2}})", regex.I),
     "dmy"),
]
_OCR_DIGITS = str.maketrans("OZ", "02")  # a date's digits, never its month's name
PIVOT = 30  # two-digit years below this are 20xx, others 19xx: archival documents are 1930-2029


def parse_date(text: str) -> str | None:
    """A date in any of the archive's usual forms, as `YYYY-MM-DD`; None if it is no date."""
    for pattern, _order in _DATE_FORMATS:
        match = pattern.search(text)
        if not match:
            continue
        parts = {name: (value.translate(_OCR_DIGITS) if value and name != "mon" else value)
                 for name, value in match.groupdict().items()}
        year = int(parts["y"])
        if len(parts["y"]) == 2:
            year += 2000 if year < PIVOT else 1900
        month = MONTHS[parts["mon"].upper()] if parts.get("mon") else int(parts["m"])
        try:
            return dt.date(year, month, int(parts["d"])).isoformat()
        except ValueError:
            return None
    return None


@dataclass(frozen=True, slots=True)
class ParseContext:
    """What a parser may consult: the rule pack's vocabularies and the rule's OCR budget."""

    vocabularies: Mapping[str, Vocabulary]
    ocr_edits: int = 0


def _text(value: str, _: ParseContext) -> str:
    return " ".join(value.split()).strip("\"' ")


def _upper(value: str, context: ParseContext) -> str:
    return _text(value, context).upper()


_NOT_DIGITS = regex.compile(r"\D")
_LETTERS_AS_DIGITS = str.maketrans("OoIl", "0011")


def _int(value: str, _: ParseContext) -> int | None:
    digits = _NOT_DIGITS.sub("", value.translate(_LETTERS_AS_DIGITS))
    return int(digits) if digits else None


_RDP_TAIL = regex.compile(r"(\d\d)([A-Z]|-)([\dO]{5})([AR])([\dO]{4})([\dO]{4})([\dO]{4})-(\d)")


def _rdp(value: str, context: ParseContext) -> str:
    """A CREST document number as the CIA wrote it: OCR's `ClA` read as CIA, its `O` in the
    digit runs as 0, its stray spaces dropped (`CIA-RDP96-00787ROOO300300001-7` ->
    `CIA-RDP96-00787R000300300001-7`)."""
    text = _upper(value, context)
    tail = _RDP_TAIL.fullmatch(text.replace(" ", "").partition("RDP")[2])
    if tail is None:
        return text
    year, series, job, kind, box, folder, sequence, check = tail.groups()
    digits = "".join((job, kind, box, folder, sequence)).replace("O", "0")
    return f"CIA-RDP{year}{series}{digits}-{check}"


NUMBER_WORDS = {word: n for n, word in enumerate((
    "ZERO", "ONE", "TWO", "THREE", "FOUR", "FIVE", "SIX", "SEVEN", "EIGHT", "NINE", "TEN",
    "ELEVEN", "TWELVE", "THIRTEEN", "FOURTEEN", "FIFTEEN", "SIXTEEN", "SEVENTEEN", "EIGHTEEN",
    "NINETEEN", "TWENTY"))}


def _number(value: str, context: ParseContext) -> int | None:
    """A count written in digits or words: `4`, `TWO`, OCR's `l` or `I` for 1."""
    word = _text(value, context).rstrip(".,;:!")
    if word.upper() in NUMBER_WORDS:
        return NUMBER_WORDS[word.upper()]
    return _int(word, context) if len(word) <= 4 else None


def _level(value: str, context: ParseContext) -> str | None:
    """A level name; or, where the rule files define them, a non-level `designation`
    (LIMITED OFFICIAL USE), which reports keep as the value of `level` too."""
    level = context.vocabularies["level"].canonical(value)
    designations = context.vocabularies.get("designation")
    if level is None and designations is not None:
        return designations.canonical(value)
    return level


def _caveats(value: str, context: ParseContext) -> list[str]:
    vocabulary = context.vocabularies.get("caveat")
    return vocabulary.find_all(value, context.ocr_edits) if vocabulary else []


def _date(value: str, _: ParseContext) -> str | None:
    return parse_date(value)


PARSERS: dict[str, Callable[[str, ParseContext], Any]] = {
    "text": _text,
    "upper": _upper,
    "int": _int,
    "number": _number,
    "level": _level,
    "caveats": _caveats,
    "date": _date,
    "rdp": _rdp,
}
# A parser needs this vocabulary defined somewhere in the active rule files.
PARSER_NEEDS: dict[str, str] = {"level": "level", "caveats": "caveat"}
PARSER_HELP = ", ".join([*PARSERS, "term:VOCABULARY", "terms:VOCABULARY"])


def resolve_parser(name: str) -> tuple[Callable[[str, ParseContext], Any], str | None] | None:
    """The parser a rule names and the vocabulary it needs; None for an unknown name.

    Besides the named parsers, `term:NAME` maps the text to the nearest canonical term of the
    vocabulary NAME (`TS` -> `TOP SECRET` with a vocabulary of portion abbreviations), and
    `terms:NAME` lists every term of NAME found in the text.
    """
    if name in PARSERS:
        return PARSERS[name], PARSER_NEEDS.get(name)
    form, _, vocabulary = name.partition(":")
    if not vocabulary:
        return None
    if form == "term":
        return (lambda value, context: context.vocabularies[vocabulary].canonical(value),
                vocabulary)
    if form == "terms":
        return (lambda value, context: context.vocabularies[vocabulary].find_all(
            value, context.ocr_edits), vocabulary)
    if form == "one-of":
        # A slot typed by a list of words: the listed words nearest to what OCR left.
        choices = Vocabulary.from_terms("one-of", [(c, ()) for c in vocabulary.split("|")])
        return (lambda value, context: choices.canonical(value, max_edits=3)
                or _text(value, context)), None
    return None


_PLACEHOLDER = regex.compile(r"\{(\w+)\}")


def render_value(template: str, fields: Mapping[str, Any]) -> str:
    """Fill `{name}` placeholders; an empty field drops itself and the literal text before it.

    `"{level} -- {caveats}"` gives `TOP SECRET -- EYES ONLY`, or `TOP SECRET` with no caveats.
    Lists are joined with `/`.
    """
    out: list[str] = []
    position = 0
    for match in _PLACEHOLDER.finditer(template):
        literal = template[position : match.start()]
        value = fields.get(match.group(1))
        if isinstance(value, list | tuple):
            value = "/".join(str(v) for v in value)
        if value not in (None, ""):
            out.append(literal + str(value))
        position = match.end()
    out.append(template[position:])
    return "".join(out).strip()
