"""Typing errors in transcribed markings: finding them, and correcting the unambiguous ones.

A transcription must say what the page says, so a banner or stamp that the rules matched only
with OCR tolerance ("TOP SECRT" read as TOP SECRET) is a typing error, not OCR damage. Where
the document's other pages carry one clear form of the same marking, the fix is that form:

- the markings compared have the same rule and canonical value, each on one line;
- the majority form is read exactly (confidence 1.0), stands at least twice, and more often than
  every other form together;
- the odd form needed OCR tolerance (confidence below 1.0) and is within two edits of the
  majority form (at most one edit per four characters).

Anything else is left alone and reported without a fix. Fixes are never made on OCR text
(the CLI refuses `--fix` for input `ocr`): there the text is evidence of what the scan shows.
"""

from __future__ import annotations

import difflib
import os
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from markaudit.core.builtin import MISSPELLED_MARKING
from markaudit.core.model import DocumentReport, Finding, Marking
from markaudit.engine.vocabulary import edit_distance

MISSPELLED_RULE = MISSPELLED_MARKING.id
# Banners and stamps: the markings a page repeats in one form. Dates and numbers differ by page.
FIXABLE_KINDS = ("banner", "release", "desensitization", "transmittal", "downgrading",
                 "authority")
MAX_EDITS = 2


@dataclass(frozen=True, slots=True)
class Fix:
    """Replace `marking.text` on its line by `replacement`, the form of `pages`."""

    marking: Marking
    replacement: str
    pages: tuple[int, ...]


def _form(text: str) -> str:
    return " ".join(text.split())


def find_fixes(report: DocumentReport) -> list[Fix]:
    """The unambiguous corrections of a document's markings, in document order."""
    groups: dict[tuple[str, str], list[Marking]] = defaultdict(list)
    for marking in report.markings:
        if marking.kind in FIXABLE_KINDS and "\n" not in marking.text:
            groups[(marking.rule, marking.value)].append(marking)
    fixes: list[Fix] = []
    for markings in groups.values():
        forms = Counter(_form(m.text) for m in markings)
        if len(forms) < 2:
            continue
        majority, count = forms.most_common(1)[0]
        backing = [m for m in markings if _form(m.text) == majority]
        if count < 2 or count <= len(markings) - count or \
                any(m.confidence < 1.0 for m in backing):
            continue
        pages = tuple(sorted({m.page for m in backing}))
        for marking in markings:
            form = _form(marking.text)
            if form == majority or marking.confidence >= 1.0:
                continue
            distance = edit_distance(form, majority)
            if 1 <= distance <= min(MAX_EDITS, len(majority) // 4):
                fixes.append(Fix(marking, majority, pages))
    fixes.sort(key=lambda f: (f.marking.line, f.marking.column))
    return fixes


def misspellings(report: DocumentReport, caps: Mapping[str, float]) -> list[Finding]:
    """Findings for the markings of a transcription typed differently from the rules' form.

    `caps` gives each rule's highest confidence (a loose heuristic is never sure): a marking
    below its cap needed OCR tolerance. With a fix it is an error, without one a warning.
    """
    fixes = {(f.marking.line, f.marking.column, f.marking.rule): f for f in find_fixes(report)}
    findings: list[Finding] = []
    for marking in report.markings:
        if marking.kind not in FIXABLE_KINDS:
            continue
        fix = fixes.get((marking.line, marking.column, marking.rule))
        if fix is not None:
            pages = ", ".join(map(str, fix.pages))
            findings.append(Finding(
                rule=MISSPELLED_RULE, severity=MISSPELLED_MARKING.severity, page=marking.page,
                line=marking.line,
                markings=(marking,), message=(
                    f"{marking.kind} '{_form(marking.text)}' where page{'s' * (len(fix.pages) > 1)}"
                    f" {pages} {'have' if len(fix.pages) > 1 else 'has'} '{fix.replacement}': "
                    "a typing error? (markaudit audit --fix corrects it)")))
        elif marking.confidence < caps.get(marking.rule, 1.0):
            findings.append(Finding(
                rule=MISSPELLED_RULE, severity="warning", page=marking.page, line=marking.line,
                markings=(marking,), message=(
                    # No word of OCR: this message is for transcriptions only.
                    f"{marking.kind} '{_form(marking.text)}' matches {marking.value} only "
                    "loosely, as a misspelling would: a typing error in the transcription?")))
    return findings


_LINE_BREAK = re.compile(r"(\r\n|\r|\n)")


def apply_fixes(text: str, fixes: Iterable[Fix]) -> tuple[str, list[Fix]]:
    """`text` with the fixes made, and the fixes made.

    A fix is made only where its line holds the marking's text exactly once, so that a fix
    never lands on the wrong words.
    """
    pieces = _LINE_BREAK.split(text)  # lines at even places, their line breaks at odd ones
    made: list[Fix] = []
    for fix in fixes:
        index = 2 * (fix.marking.line - 1)
        if index >= len(pieces) or pieces[index].count(fix.marking.text) != 1:
            continue
        pieces[index] = pieces[index].replace(fix.marking.text, fix.replacement)
        made.append(fix)
    return "".join(pieces), made


def unified_diff(path: str, before: str, after: str) -> str:
    """A unified diff of one file's fixes."""
    def lines(text: str) -> list[str]:
        pieces = _LINE_BREAK.split(text)
        joined = [pieces[i] + (pieces[i + 1] if i + 1 < len(pieces) else "")
                  for i in range(0, len(pieces), 2)]
        return [line if line.endswith(("\n", "\r")) else line + "\n" for line in joined if line]

    # Both headers name the file itself, as ruff's --diff does.
    return "".join(difflib.unified_diff(lines(before), lines(after), path, path))


@dataclass(frozen=True, slots=True)
class FileFix:
    """The fixes of one file: its text before and after."""

    path: str
    before: str
    after: str
    encoding: str
    made: tuple[Fix, ...]


def fix_file(path: str, report: DocumentReport) -> FileFix | None:
    """The fixed text of the file a report came from, or None when nothing is to be fixed."""
    from markaudit.read.text import decode

    fixes = find_fixes(report)
    if not fixes:
        return None
    data = Path(path).read_bytes()
    before, encoding = decode(data, path)
    after, made = apply_fixes(before, fixes)
    if not made:
        return None
    return FileFix(path, before, after, encoding, tuple(made))


def write_fixed(fixed: FileFix) -> None:
    """Replace the file with its fixed text, atomically, in its own encoding and mode.

    A symbolic link is written through: its target gets the text and the link stays a link. A
    file with hard links is rewritten in place, not replaced, so that every name of it keeps
    the same file (a rename would give this name a new file, apart from the others).
    """
    from markaudit.core.files import AtomicFile

    data = fixed.after.encode(fixed.encoding)  # utf-8-sig and utf-16 write their BOM again
    path = os.path.realpath(fixed.path)
    if os.stat(path).st_nlink > 1:
        with open(path, "r+b") as stream:
            stream.write(data)
            stream.truncate()
            stream.flush()
            os.fsync(stream.fileno())
        return
    target = AtomicFile(path)
    try:
        target.stream.buffer.write(data)  # bytes: the file's own encoding, not UTF-8
    except BaseException:
        target.discard()
        raise
    target.commit()  # the file keeps its mode: AtomicFile gives the replacement the old one's


def summary(fixed: Sequence[FileFix]) -> str:
    count = sum(len(f.made) for f in fixed)
    return (f"fixed {count} marking{'s' * (count != 1)} in {len(fixed)} "
            f"file{'s' * (len(fixed) != 1)}")
