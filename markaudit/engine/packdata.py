"""A loaded rule pack as plain data, for the cache folder, and back, checked on the way.

`to_data` writes down what the loader made of the rule files (their texts, and every rule as
the loader validated it, patterns with vocabularies expanded); `from_data` makes the RuleSet
again after checking every value against the types the loader gives, and None for data that
is not such a pack (damaged, planted, or of other files): the caller loads the files instead.
Patterns come back as `LazyPattern`s, compiled when first used, and through `compile_pattern`,
which refuses recursion, whoever wrote the data.

`hyperscan` is the place for a native engine's compiled database (`hyperscan.dumpb`, as base64
text; `hyperscan.loadb` checks it when read back): None while there is no native engine.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any, cast

import regex

from markaudit.checks import CHECK_TYPES
from markaudit.core.cachefile import Invalid, strings, typed
from markaudit.core.model import SEVERITIES
from markaudit.core.page_layout import PageLayout, RecordForm
from markaudit.engine.bounded import MAX_LENGTH, unbounded
from markaudit.engine.compiled import LazyPattern
from markaudit.engine.fields import resolve_parser
from markaudit.engine.kinds import KINDS
from markaudit.engine.ocr import OcrPolicy
from markaudit.engine.options import option_value, placeholders
from markaudit.engine.ruleset import CheckRule, FieldSpec, FormLists, MarkingRule, NotNear, RuleSet
from markaudit.engine.spec import LAYOUT_KEYS, MAX_OCR_EDITS, ZONES
from markaudit.engine.vocabulary import Vocabulary

FORMAT = 3  # 2: declarative rules (their kind, words, scan runs) and the OCR policy; 3: layout
# The flags a compiled pattern may carry (its inline ones too), not DEBUG (which prints) nor
# LOCALE (refused for text); and none of the pairs `regex` refuses together.
_FLAGS = (regex.A | regex.B | regex.E | regex.F | regex.I | regex.M | regex.R | regex.S | regex.U
          | regex.V0 | regex.V1 | regex.W | regex.X)
_EXCLUSIVE = (regex.A | regex.U, regex.V0 | regex.V1)


def to_data(rules: RuleSet) -> dict[str, Any]:
    return {
        "format": FORMAT,
        "sources": list(rules.sources),
        "digest": rules.digest,
        "texts": [list(t) for t in rules.texts],
        "vocabularies": {name: [[c, list(s)] for c, s in v.terms]
                         for name, v in rules.vocabularies.items()},
        "markings": [_marking_data(rule) for rule in rules.markings],
        "ocr": {"letters_per_edit": rules.ocr.letters_per_edit,
                "max_edits": rules.ocr.max_edits,
                "lookalikes": [list(pair) for pair in rules.ocr.lookalikes]},
        "checks": [{"id": c.id, "type": c.type, "description": c.description,
                    "severity": c.severity, "message": c.message, "options": dict(c.options),
                    "source": c.source, "whole_file": c.whole_file} for c in rules.checks],
        "layout": {"banner_words": list(rules.layout.banner_words),
                   "foot_legends": list(rules.layout.foot_legends),
                   "forms": [[f.last_field, f.dated_field] for f in rules.layout.forms]},
        "hyperscan": None,
    }


def from_data(data: object, sources: Sequence[str]) -> RuleSet | None:
    """The pack `data` holds, if it is one loaded from the rule files `sources`; else None."""
    try:
        pack = typed(data, {"format": int, "sources": list, "digest": str, "texts": list,
                              "vocabularies": dict, "markings": list, "checks": list,
                              "ocr": dict, "layout": dict})
        if pack["format"] != FORMAT or pack["sources"] != list(sources):
            return None
        vocabularies = {name: _vocabulary(name, terms)
                        for name, terms in pack["vocabularies"].items()}
        if any(len(v.pattern(MAX_OCR_EDITS)) > MAX_LENGTH for v in vocabularies.values()):
            return None  # as the loader refuses it: its parsers' pattern would not compile
        markings = tuple(_marking(m) for m in pack["markings"])
        ids = {m.id for m in markings}
        level = vocabularies.get("level")
        checks = tuple(_check(c, ids, level.names if level else []) for c in pack["checks"])
        if len(ids | {c.id for c in checks}) != len(markings) + len(checks):
            return None  # an id twice
        texts = tuple(_pair(t, str, str) for t in pack["texts"])
        return RuleSet(vocabularies=vocabularies, markings=markings, checks=checks,
                       sources=tuple(sources), digest=pack["digest"], texts=texts,
                       ocr=_policy(pack["ocr"]), layout=_layout(pack["layout"]))
    except Invalid:
        return None


def _marking_data(rule: MarkingRule) -> dict[str, Any]:
    return {
        "id": rule.id, "kind": rule.kind, "description": rule.description,
        "patterns": list(rule.patterns), "compiled": [_pattern_data(p) for p in rule.compiled],
        "source": rule.source, "ocr_edits": rule.ocr_edits, "zones": sorted(rule.zones),
        "first_page_only": rule.first_page_only,
        "fields": [[f.name, f.group, f.parser] for f in rule.fields],
        "constants": dict(rule.constants), "value": rule.value,
        "exclude": [_pattern_data(p) for p in rule.exclude],
        "min_confidence": rule.min_confidence, "max_confidence": rule.max_confidence,
        "examples": {k: list(v) for k, v in rule.examples.items()},
        "anchors": list(rule.anchors), "max_line_length": rule.max_line_length,
        "min_capitals": rule.min_capitals,
        "line_ends_with": _pattern_data(rule.line_ends_with) if rule.line_ends_with else None,
        "not_near": [[_pattern_data(n.pattern), n.before, n.after] for n in rule.not_near],
        "form_lists": [rule.form_lists.field, rule.form_lists.distinct, rule.form_lists.lines]
        if rule.form_lists else None,
        "declared": rule.declared, "written": list(rule.written), "words": list(rule.words),
        "scan_runs": [[list(words), edits] for words, edits in rule.scan_runs],
        "example_places": {k: [list(place) for place in v]
                           for k, v in rule.example_places.items()},
    }


def _pattern_data(pattern: regex.Pattern[str]) -> list[Any]:
    return [pattern.pattern, int(pattern.flags)]


def _marking(data: object) -> MarkingRule:
    m = typed(data, {
        "id": str, "kind": str, "description": str, "patterns": list, "compiled": list,
        "source": str, "ocr_edits": int, "zones": list, "first_page_only": bool, "fields": list,
        "constants": dict, "value": (str, type(None)), "exclude": list,
        "min_confidence": float, "max_confidence": float, "examples": dict, "anchors": list,
        "max_line_length": (int, type(None)), "min_capitals": float,
        "line_ends_with": (list, type(None)), "not_near": list, "form_lists": (list, type(None)),
        "declared": str, "written": list, "words": list, "scan_runs": list,
        "example_places": dict,
    })
    if m["declared"] not in ("", *KINDS):
        raise Invalid
    if not m["compiled"] or not 0 <= m["ocr_edits"] <= 5 or not set(m["zones"]) <= set(ZONES) \
            or not all(_fraction(m[k]) for k in ("min_confidence", "max_confidence",
                                                 "min_capitals")) \
            or (m["max_line_length"] is not None and m["max_line_length"] < 1) \
            or set(m["examples"]) - {"match", "no_match"} \
            or not all(isinstance(v, str | int | float | bool) for v in m["constants"].values()):
        raise Invalid
    fields = tuple(_field(f) for f in m["fields"])
    if m["value"] is not None and not _fills(m["value"], {f.name for f in fields}
                                             | set(m["constants"])):
        raise Invalid
    form_lists = m["form_lists"]
    return MarkingRule(
        id=m["id"], kind=m["kind"], description=m["description"],
        patterns=strings(m["patterns"]), compiled=tuple(_pattern(p) for p in m["compiled"]),
        source=m["source"], ocr_edits=m["ocr_edits"], zones=frozenset(strings(m["zones"])),
        first_page_only=m["first_page_only"], fields=fields,
        constants=m["constants"], value=m["value"],
        exclude=tuple(_pattern(p) for p in m["exclude"]),
        min_confidence=m["min_confidence"], max_confidence=m["max_confidence"],
        examples={k: strings(v) for k, v in m["examples"].items()},
        anchors=strings(m["anchors"]), max_line_length=m["max_line_length"],
        min_capitals=m["min_capitals"],
        line_ends_with=_pattern(m["line_ends_with"]) if m["line_ends_with"] else None,
        not_near=tuple(_not_near(n) for n in m["not_near"]),
        form_lists=FormLists(*_triple(form_lists)) if form_lists is not None else None,
        declared=m["declared"], written=strings(m["written"]), words=strings(m["words"]),
        scan_runs=tuple(_scan_run(r) for r in m["scan_runs"]),
        example_places={k: tuple(_place(p) for p in _list(v))
                        for k, v in m["example_places"].items() if k in ("match", "no_match")},
    )


def _scan_run(data: object) -> tuple[tuple[str, ...], int]:
    words, edits = _pair(data, list, int)
    if not words or not 0 <= edits <= MAX_OCR_EDITS:
        raise Invalid
    return strings(words), edits


def _place(data: object) -> tuple[int, int | None]:
    if not isinstance(data, list) or len(data) != 2 or not _count(data[0]) or not (
            data[1] is None or _count(data[1])):
        raise Invalid
    return data[0], data[1]


def _list(data: object) -> list[Any]:
    if not isinstance(data, list):
        raise Invalid
    return data


def _policy(data: object) -> OcrPolicy:
    policy = typed(data, {"letters_per_edit": int, "max_edits": int, "lookalikes": list})
    lookalikes = tuple(_pair(p, str, str) for p in policy["lookalikes"])
    if not 1 <= policy["letters_per_edit"] <= 9 or not 0 <= policy["max_edits"] <= 9 or any(
            len(char) != 1 for char, _ in lookalikes):
        raise Invalid
    return OcrPolicy(policy["letters_per_edit"], policy["max_edits"], lookalikes)


def _layout(data: object) -> PageLayout:
    """The page layout, each entry judged as the loader judges it (engine/spec.py)."""
    layout = typed(data, {"banner_words": list, "foot_legends": list, "forms": list})
    forms = [_pair(f, str, str) for f in layout["forms"]]
    if any(LAYOUT_KEYS["forms"].problem({"last_field": last, "dated_field": dated})
           for last, dated in forms) or any(LAYOUT_KEYS[key].problem(entry)
                                            for key in ("banner_words", "foot_legends")
                                            for entry in layout[key]):
        raise Invalid
    return PageLayout(banner_words=strings(layout["banner_words"]),
                      foot_legends=strings(layout["foot_legends"]),
                      forms=tuple(RecordForm(last, dated) for last, dated in forms))


def _check(data: object, marking_ids: set[str], levels: list[str]) -> CheckRule:
    c = typed(data, {"id": str, "type": str, "description": str, "severity": str,
                       "message": str, "options": dict, "source": str, "whole_file": bool})
    module = CHECK_TYPES.get(c["type"])
    if module is None or c["severity"] not in SEVERITIES or set(c["options"]) != set(
            module.OPTIONS) or not _fills(c["message"], {*module.PLACEHOLDERS, "page", "line",
                                                          "id"}):
        raise Invalid
    options = {}
    for key, option in module.OPTIONS.items():
        given = c["options"][key]
        if given == option.default:
            options[key] = option.default
            continue
        value, error = option_value(option, given, marking_ids, levels)
        if error:
            raise Invalid
        options[key] = value
    return CheckRule(id=c["id"], type=c["type"], description=c["description"],
                     severity=c["severity"], message=c["message"], options=options,
                     source=c["source"], whole_file=c["whole_file"])


def _fills(template: str, names: set[str]) -> bool:
    """Whether `template` is one whose placeholders are all of `names`, as the loader checks."""
    used = placeholders(template)
    return used is not None and used <= names


def _vocabulary(name: str, terms: object) -> Vocabulary:
    if not isinstance(terms, list):
        raise Invalid
    pairs = [_pair(t, str, list) for t in terms]
    return Vocabulary(name, tuple((canonical, strings(spellings)) for canonical, spellings
                                  in pairs))


def _pattern(data: object) -> regex.Pattern[str]:
    pattern, flags = _pair(data, str, int)
    if flags & ~_FLAGS or any(flags & both == both for both in _EXCLUSIVE) or len(
            pattern) > MAX_LENGTH or unbounded(pattern) is not None:
        raise Invalid
    # compiled on first use: it behaves as the pattern it stands for
    return cast("regex.Pattern[str]", LazyPattern(pattern, flags))


def _not_near(data: object) -> NotNear:
    if not isinstance(data, list) or len(data) != 3 or not all(_count(v) for v in data[1:]):
        raise Invalid
    return NotNear(_pattern(data[0]), data[1], data[2])


def _field(data: object) -> FieldSpec:
    if not isinstance(data, list) or len(data) != 3 or not all(isinstance(v, str) for v in data):
        raise Invalid
    resolved = resolve_parser(data[2])
    if resolved is None:
        raise Invalid
    return FieldSpec(data[0], data[1], data[2], resolved[0])


def _triple(data: list[Any]) -> tuple[str, int, int]:
    if len(data) != 3 or not isinstance(data[0], str) or not all(
            _count(v) and v >= 1 for v in data[1:]):
        raise Invalid
    return data[0], data[1], data[2]


def _pair(data: object, first: type, second: type) -> tuple[Any, Any]:
    if not isinstance(data, list) or len(data) != 2 or not isinstance(data[0], first) or not \
            isinstance(data[1], second) or isinstance(data[1], bool):
        raise Invalid
    return data[0], data[1]


def _fraction(value: float) -> bool:
    return math.isfinite(value) and 0 <= value <= 1


def _count(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0

