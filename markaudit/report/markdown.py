"""Markdown: a report to paste into a GitHub issue, a pull request or a wiki page.

Read by reviewers in a browser: a heading, the summary, the roll-up tables (levels, release
issuers, findings by check), then a table of findings for each document that has any. GitHub
caps a comment at 65,536 characters: for a large batch attach the file instead of pasting it.

Every piece of document text (messages quote it, paths name it) is untrusted and escaped, so
that OCR debris can neither break a table nor become markup, a link, a mention or an issue
reference. The per-document tables are spooled (memory while small, disk past that) because the
summary that heads the report is known only at the end.
"""

from __future__ import annotations

import re
import shutil
import tempfile
from collections import Counter
from collections.abc import Iterable, Sequence

from markaudit.core.model import DocumentReport
from markaudit.report.base import Reporter, plural, summary_line
from markaudit.report.locate import level_text, position
from markaudit.run.rollup import Rollup

SPOOL_BYTES = 4 * 1024 * 1024
INLINE = re.compile(r"([\\`*_\[\]|~])")
HTML = {"&": "&amp;", "<": "&lt;", ">": "&gt;"}
# OCR debris: NUL becomes U+FFFD in a browser anyway; an ESC or a backspace only garbles a terminal.
CONTROL = re.compile("[\x00-\x08\x0e-\x1f\x7f]")
# Block syntax that would take effect at the start of a heading or line: #, >, list markers,
# setext underlines, ordered-list numbers (whose dot is escaped: a digit cannot be).
LEADING = re.compile(r"^(\s*)(\d+(?=[.)])|)([#+\-=.)])")
# GitHub links '@name' to a user (and notifies them) and '#12' to an issue (and cross-references
# it): a zero-width space after the sign keeps the text and drops the link.
REFERENCE = re.compile(r"(?<!\w)([@#])(?=\w)")


def escape(text: str) -> str:
    """`text` as inert Markdown on one line: a table cell or a heading."""
    text = CONTROL.sub("\ufffd", " ".join(text.split()))
    text = INLINE.sub(r"\\\1", text)
    text = "".join(HTML.get(c, c) for c in text)
    text = LEADING.sub(r"\1\2\\\3", text)
    return REFERENCE.sub("\\1\u200b", text)


def table(header: Sequence[str], rows: Iterable[Sequence[object]],
          right: Sequence[int] = ()) -> str:
    """A GFM table; every cell escaped. `right`: the indexes of right-aligned columns."""
    lines = ["| " + " | ".join(header) + " |",
             "|" + "|".join("---:" if i in right else "---" for i in range(len(header))) + "|"]
    lines += ["| " + " | ".join(escape("" if v is None else str(v)) for v in row) + " |"
              for row in rows]
    return "\n".join(lines) + "\n"


def summary(rollup: Rollup) -> str:
    return summary_line(rollup, strong=lambda text: f"**{text}**")


def _counts(title: str, label: str, counts: Counter[str]) -> str:
    return (f"### {title}\n\n"
            + table((label, "count"), counts.most_common(), right=(1,)) + "\n")


def document_section(document: DocumentReport) -> str:
    """A heading and the findings table of one document; '' for a clean document."""
    if not document.errors and not document.findings:
        return ""
    heading = f"### {escape(document.path)}\n\n"
    if document.errors:
        return heading + f"Not audited: {escape('; '.join(document.errors))}\n\n"
    level = escape(level_text(document.classification)) or "no classification marked"
    about = f"{plural(document.pages, 'page')} · {level}"
    rows = []
    for finding in document.findings:
        line, _ = position(finding)
        rows.append((finding.page, line, finding.severity, finding.rule, finding.message))
    return (heading + about + "\n\n"
            + table(("page", "line", "severity", "rule", "message"), rows, right=(0, 1)) + "\n")


class MarkdownReporter(Reporter):
    """Documents spooled as they arrive; heading, summary and roll-up written first at the end."""

    def start(self) -> None:
        self._sections = tempfile.SpooledTemporaryFile(  # noqa: SIM115 (closed in finish)
            max_size=SPOOL_BYTES, mode="w+", encoding="utf-8", newline="")
        self._written = False

    def document(self, document: DocumentReport) -> None:
        section = document_section(document)
        if section:
            self._sections.write(section)
            self._written = True

    def finish(self, rollup: Rollup) -> None:
        total = rollup.total
        out = self.stream
        out.write(f"## markaudit report\n\n{summary(rollup)}\n\n")
        out.write(_counts("Documents by overall level", "level", total.levels))
        if total.issuers:
            out.write(_counts("Release stamps by issuer", "issuer", total.issuers))
        if total.checks:
            out.write(_counts("Findings by check", "check", total.checks))
        if self._written:
            out.write("## Findings by document\n\n")
            self._sections.seek(0)
            shutil.copyfileobj(self._sections, out)
        self._sections.close()
        out.write(f"markaudit {self.run.version}\n")
