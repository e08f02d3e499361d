"""Expectation files: the markings and findings a document must produce.

A fixture is a document plus `NAME.expect.yaml`:

```yaml
document: NAME.txt            # relative to this file (it may point into ../shared/corpus)
pages: 2                      # optional
classification: {level: TOP SECRET, caveats: [EYES ONLY]}   # optional; null for none
kinds: [banner, release]      # optional: which markings are compared (see below)
rules: [release.sanitized]    # optional: the same, by rule id
lines: [[1, 120], [900, 1020]]  # optional: only these line ranges were labelled (a sample)
markings:                     # the compared markings, no more, no less
  - {rule: banner.classification, page: 1, line: 29, value: TOP SECRET -- EYES ONLY,
     fields: {level: TOP SECRET}}
checks: [banner.every-page]   # optional: compare only findings of these checks
findings:                     # optional: every finding (of `checks`), no more, no less
  - {rule: banner.every-page, page: 1}
```

Which of the audit's markings are compared with `markings` (each compared one the file does
not list is an extra; markings outside are not looked at):

- `kinds: [...]` and/or `rules: [...]`: the markings of these kinds or rule ids;
- `kinds: all`: every marking, so any new marking on the document fails;
- neither: the markings of the rules the listed entries name (and of the kind, for an entry
  that names no rule), so a file written for one rule tests that rule alone. An empty
  `markings: []` names none, and says that the document has no marking at all.

`markaudit rules test` refuses a kind or rule id in `kinds`/`rules` that no active rule has
(`unknown_names`): misspelt, it would compare nothing.

An expected entry matches when every key it gives agrees (`fields` need only hold the fields
listed). Comparison yields one readable line per miss or extra. `updated_text` writes a file
anew from what an audit produced (`markaudit rules test --update`), for a person to review.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from markaudit.core.files import write_atomic
from markaudit.core.hints import did_you_mean
from markaudit.core.model import DocumentReport

MARKING_KEYS = ("rule", "kind", "page", "line", "zone", "value", "text", "fields", "confidence")
FINDING_KEYS = ("rule", "severity", "page", "line", "message")
FILE_KEYS = ("document", "pages", "classification", "kinds", "rules", "markings", "checks",
             "findings", "notes", "lines")
EVERY_KIND = "all"  # `kinds: all`


@dataclass(frozen=True, slots=True)
class Expectation:
    path: Path
    document: Path
    data: Mapping[str, Any]


def load_expectation(path: str | Path) -> Expectation:
    """Read an expectation file; ValueError names the file and what is wrong."""
    path = Path(path)
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as error:
        raise ValueError(f"{path}: cannot read expectation: {error}") from None
    if not isinstance(data, dict) or not isinstance(data.get("document"), str):
        raise ValueError(f"{path}: an expectation file is a mapping with a 'document' path")
    unknown = set(data) - set(FILE_KEYS)
    if unknown:
        raise ValueError(f"{path}: unknown key(s) {', '.join(sorted(unknown))}")
    for key in ("kinds", "rules"):
        value = data.get(key)
        if value is None or (key == "kinds" and value == EVERY_KIND):
            continue
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            also = f" or '{EVERY_KIND}'" if key == "kinds" else ""
            raise ValueError(f"{path}: '{key}' must be a list of {key[:-1]} names{also}")
    return Expectation(path=path, document=(path.parent / data["document"]).resolve(),
                       data=data)


@dataclass(frozen=True, slots=True)
class Scope:
    """Which of the audit's markings a file compares: all of them, or those of some kinds or
    rule ids."""

    kinds: frozenset[str] = frozenset()
    rules: frozenset[str] = frozenset()
    everything: bool = False

    def holds(self, rule: str, kind: str) -> bool:
        return self.everything or kind in self.kinds or rule in self.rules


def marking_scope(data: Mapping[str, Any]) -> Scope:
    """The markings a file's `markings` list is compared with: `kinds`/`rules` as given, or
    the rules (and kinds) its entries name, so that a file listing one rule's markings tests
    that rule and no other (see the module's docstring)."""
    kinds, rules = data.get("kinds"), data.get("rules")
    if kinds == EVERY_KIND:
        return Scope(everything=True)
    if kinds is not None or rules is not None:
        return Scope(frozenset(kinds or ()), frozenset(rules or ()))
    listed = [entry for entry in data.get("markings") or [] if isinstance(entry, dict)]
    if not listed or any("rule" not in e and "kind" not in e for e in listed):
        return Scope(everything=True)  # `markings: []`: no marking at all
    return Scope(kinds=frozenset(e["kind"] for e in listed if "rule" not in e),
                 rules=frozenset(e["rule"] for e in listed if "rule" in e))


def unknown_names(expectation: Expectation, kinds: Collection[str],
                  rules: Collection[str]) -> list[str]:
    """The kinds and rule ids the file's `kinds` and `rules` name that no active rule has: a
    misspelt one would compare nothing, and `markings: []` would then pass whatever is found."""
    problems = []
    for key, known in (("kinds", kinds), ("rules", rules)):
        named = expectation.data.get(key)
        for name in [] if named in (None, EVERY_KIND) else named:
            if name not in known:
                hint = did_you_mean(name, known)
                problems.append(f"{expectation.path}: '{key}' names '{name}', which no active "
                                f"rule has{hint}")
    return problems


def _agrees(expected: Mapping[str, Any], actual: Mapping[str, Any]) -> bool:
    for key, want in expected.items():
        have = actual.get(key)
        if key == "fields":
            if not all(_same(v, (have or {}).get(k)) for k, v in want.items()):
                return False
        elif key == "confidence":
            if have is None or have < want:  # an expectation gives a floor
                return False
        elif not _same(want, have):
            return False
    return True


def _same(want: Any, have: Any) -> bool:
    if isinstance(want, list | tuple) and isinstance(have, list | tuple):
        return list(want) == list(have)
    return want == have or (want is not None and str(want) == str(have))


def _describe(entry: Mapping[str, Any]) -> str:
    return ", ".join(f"{k}={entry[k]!r}" for k in ("rule", "page", "line", "value", "fields",
                                                   "severity", "message") if k in entry)


def _match(expected: Sequence[Mapping[str, Any]], actual: Sequence[Mapping[str, Any]],
           what: str) -> list[str]:
    unmatched = list(range(len(actual)))
    problems: list[str] = []
    for entry in expected:
        hit = next((i for i in unmatched if _agrees(entry, actual[i])), None)
        if hit is None:
            near = [actual[i] for i in unmatched
                    if actual[i].get("rule") == entry.get("rule")
                    and actual[i].get("page") == entry.get("page")]
            hint = f" (nearest on that page: {_describe(near[0])})" if near else ""
            problems.append(f"missing {what}: {_describe(entry)}{hint}")
        else:
            unmatched.remove(hit)
    for index in unmatched:
        problems.append(f"unexpected {what}: {_describe(actual[index])}")
    return problems


def compare(expectation: Expectation, report: DocumentReport) -> list[str]:
    """Every difference between what the file expects and what the audit produced."""
    data = expectation.data
    problems = [f"document not audited: {e}" for e in report.errors]
    if "pages" in data and data["pages"] != report.pages:
        problems.append(f"pages: expected {data['pages']}, found {report.pages}")
    if "classification" in data:
        want = data["classification"]
        have = report.classification.to_dict() if report.classification else None
        if not (want == have or (want and have and _agrees(want, have))):
            problems.append(f"classification: expected {want}, found {have}")
    for section, known in (("markings", MARKING_KEYS), ("findings", FINDING_KEYS)):
        for item in data.get(section) or []:
            if set(item) - set(known):
                problems.append(f"expectation has unknown {section[:-1]} key(s) in {item}")
    if "markings" in data:
        scope = marking_scope(data)
        actual = [m.to_dict() for m in report.markings if scope.holds(m.rule, m.kind)]
        problems += _match(data["markings"] or [], actual, "marking")
    if "findings" in data:
        checks = data.get("checks")
        problems += _match(data["findings"] or [], [f.to_dict() for f in report.findings
                                                     if not checks or f.rule in checks],
                           "finding")
    return problems


def updated_text(expectation: Expectation, report: DocumentReport) -> str:
    """The expectation file rewritten from `report`: every marking the file compares (see
    `marking_scope`) and every finding, one a line.

    Kept from the old file: the comment lines at its top, its `document:` line as written,
    `notes`, `kinds` and `rules`. A file that compared the rules its entries named, without
    `kinds` or `rules`, gets them written out, so that it goes on comparing the same markings
    when a rule now finds nothing. Comments elsewhere, and keys an entry gave beyond those
    written here (`text`, `confidence`, a finding's `message`), are not kept: they would
    describe the old output. Written: `pages`, `classification`, `markings` (rule, page, line,
    zone, value, fields) and `findings` (rule, page, severity).
    """
    data = expectation.data
    lines = expectation.path.read_text(encoding="utf-8").splitlines()
    header = []
    for line in lines:
        if line.strip() and not line.lstrip().startswith("#"):
            break
        header.append(line)
    document = next((line for line in lines if line.startswith("document:")),
                    f"document: {_flow(data['document'])}")
    out = [*header, document]
    scope = marking_scope(data)
    written = dict(data)
    if "kinds" not in data and "rules" not in data and not scope.everything:
        written.update({k: sorted(v) for k, v in (("kinds", scope.kinds), ("rules", scope.rules))
                        if v})
    for key in ("notes", "kinds", "rules"):
        if key in written:
            out.append(f"{key}: {_flow(written[key])}")
    out.append(f"pages: {report.pages}")
    out.append("classification: " + _flow(report.classification.to_dict()
                                          if report.classification else None))
    markings = [m for m in report.markings if scope.holds(m.rule, m.kind)]
    out.append("markings:" + ("" if markings else " []"))
    for marking in markings:
        entry: dict[str, Any] = {"rule": marking.rule, "page": marking.page,
                                 "line": marking.line, "zone": marking.zone,
                                 "value": marking.value}
        if marking.fields:
            entry["fields"] = dict(marking.fields)
        out.append(f"  - {_flow(entry)}")
    out.append("findings:" + ("" if report.findings else " []"))
    out += [f"  - {_flow({'rule': f.rule, 'page': f.page, 'severity': f.severity})}"
            for f in report.findings]
    return "\n".join(out) + "\n"


def update_file(expectation: Expectation, report: DocumentReport) -> bool:
    """Rewrite the expectation file from `report` (atomically: a reader sees the old file or
    the whole new one) when that changes it; whether it did."""
    text = updated_text(expectation, report)
    if text == expectation.path.read_text(encoding="utf-8"):
        return False
    write_atomic(expectation.path, text)
    return True


def _flow(value: Any) -> str:
    """A value as one line of YAML (flow style), quoted where YAML would misread it."""
    return yaml.safe_dump(value, default_flow_style=True, sort_keys=False, width=1 << 30,
                          allow_unicode=True).strip().removesuffix("\n...").strip()


@dataclass
class Tally:
    """Counts for one kind of marking over a set of labelled documents."""

    true_positives: int = 0
    false_positives: int = 0
    false_negatives: int = 0
    field_hits: dict[str, int] = field(default_factory=dict)
    field_total: dict[str, int] = field(default_factory=dict)
    field_labelled: dict[str, int] = field(default_factory=dict)  # found or not

    @property
    def precision(self) -> float:
        found = self.true_positives + self.false_positives
        return self.true_positives / found if found else 1.0

    @property
    def recall(self) -> float:
        labelled = self.true_positives + self.false_negatives
        return self.true_positives / labelled if labelled else 1.0

    def field_accuracy(self, name: str) -> float | None:
        total = self.field_total.get(name, 0)
        return self.field_hits.get(name, 0) / total if total else None

    def field_precision(self, name: str) -> float | None:
        """Markings found with the labelled value of `name`, among all markings found."""
        found = self.true_positives + self.false_positives
        return self.field_hits.get(name, 0) / found if found else None

    def field_recall(self, name: str) -> float | None:
        """Labels of `name` found with the right value, among all labels that give it."""
        labelled = self.field_labelled.get(name, 0)
        return self.field_hits.get(name, 0) / labelled if labelled else None


SCORED_FIELDS = ("level", "issuer", "date")
LINE_SLACK = 2  # a stamp over several lines may be anchored a line or two from its label


def score(expectation: Expectation, report: DocumentReport,
          tallies: dict[str, Tally]) -> list[str]:
    """Add one labelled document to per-kind tallies; return a line for each miss.

    A labelled marking is found when the audit has a marking of the same kind starting within
    LINE_SLACK lines of it (each found marking answers one label, nearest first). Fields are
    scored on found pairs, for the fields the label gives. Where the file labels only a sample
    of a long document (`lines`), markings found outside it are not scored.
    """
    misses: list[str] = []
    labels = [m for m in expectation.data.get("markings") or [] if m.get("kind")]
    kinds = expectation.data.get("kinds") or []
    if kinds == EVERY_KIND:
        kinds = sorted({m["kind"] for m in labels} | {m.kind for m in report.markings})
    sample = expectation.data.get("lines")
    labels = [m for m in labels if m["kind"] in kinds]
    for kind in kinds:
        tally = tallies.setdefault(kind, Tally())
        wanted = [m for m in labels if m["kind"] == kind]
        for label in wanted:
            for name in SCORED_FIELDS:
                if name in (label.get("fields") or {}):
                    tally.field_labelled[name] = tally.field_labelled.get(name, 0) + 1
        found = [m for m in report.markings if m.kind == kind
                 and (not sample or any(first <= m.line <= last for first, last in sample))]
        free = list(range(len(found)))
        pairs: list[tuple[dict, int]] = []
        unpaired = sorted(wanted, key=lambda m: m["line"])
        for slack in range(LINE_SLACK + 1):  # exact lines first, so neighbours pair right
            for label in list(unpaired):
                near = [i for i in free if abs(found[i].line - label["line"]) == slack]
                if near:
                    free.remove(near[0])
                    unpaired.remove(label)
                    pairs.append((label, near[0]))
        for label in unpaired:
            tally.false_negatives += 1
            misses.append(f"missed {kind} at line {label['line']} {label.get('fields', '')}")
        for label, index in pairs:
            tally.true_positives += 1
            for name in SCORED_FIELDS:
                if name in (label.get("fields") or {}):
                    tally.field_total[name] = tally.field_total.get(name, 0) + 1
                    have = found[index].fields.get(name)
                    if _same(label["fields"][name], have):
                        tally.field_hits[name] = tally.field_hits.get(name, 0) + 1
                    else:
                        misses.append(f"wrong {kind} {name} at line {label['line']}: "
                                      f"{have!r}, labelled {label['fields'][name]!r}")
        tally.false_positives += len(free)
        misses += [f"extra {kind} at line {found[i].line}: {found[i].text!r}" for i in free]
    return misses
