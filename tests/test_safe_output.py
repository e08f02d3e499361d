"""Output is safe everywhere (issue 24, item 7): what documents and file names hold cannot drive
the terminal or forge a line, in the console report (on a terminal or piped) and on stderr."""

from __future__ import annotations

import io
import json
import sys
from pathlib import Path

import pytest

from markaudit.core.model import DocumentReport, Finding, Marking
from markaudit.report import reporter
from markaudit.report.base import RunInfo
from markaudit.run.rollup import Rollup
from tests.conftest import SEED, run_markaudit

# Clear the screen, set the window title, an OSC 8 link, a bidirectional override, rich markup.
HOSTILE = "\x1b[2J\x1b]0;pwned\x07\x1b]8;;http://evil/\x1b\\click\x1b]8;;\x1b\\\u202e[/][link=x]"


def _console(document: DocumentReport, color: bool) -> str:
    stream = io.StringIO()
    writer = reporter("console", stream, RunInfo(version="0", show_markings=True, color=color,
                                                 width=300))
    writer.start()
    writer.document(document)
    rollup = Rollup()
    rollup.add(document, ".")
    writer.finish(rollup)
    return stream.getvalue()


@pytest.mark.parametrize("color", [True, False], ids=["terminal", "piped"])
def test_the_console_report_escapes_control_characters_from_documents(color: bool):
    marking = Marking(rule="banner", kind="banner", text=HOSTILE, value=f"SECRET{HOSTILE}",
                      page=1, line=1, column=0, zone="top", confidence=1.0)
    document = DocumentReport(
        path=f"memo{HOSTILE}\nmarkaudit: ok.txt: fine.txt", pages=1, markings=(marking,),
        findings=(Finding(rule="banner.every-page", severity="error",
                          message=f"page 1 says {HOSTILE}", page=1, line=1),))
    shown = _console(document, color)
    # The only ESC sequences left are rich's colours (Select Graphic Rendition, `ESC[...m`).
    assert "\x1b]" not in shown and "\x1b[2J" not in shown and "\x07" not in shown
    assert "\u202e" not in shown
    assert ("\x1b" not in shown) if not color else ("\x1b[" in shown)
    assert "\\x1b[2J\\x1b]0;pwned\\x07" in shown  # still there to see, escaped
    assert "[/][link=x]" in shown  # text, not markup
    assert "\nmarkaudit: ok.txt" not in shown
    assert "memo\\x1b[2J" in shown and "\\nmarkaudit: ok.txt: fine.txt" in shown


def test_the_console_escapes_a_reason_not_audited():
    shown = _console(DocumentReport(path="a\rb.txt", errors=("bad \x1b[31mred",)), color=False)
    assert "\x1b" not in shown and "\r" not in shown
    assert "a\\rb.txt  not audited: bad \\x1b[31mred" in shown


@pytest.mark.skipif(sys.platform == "win32", reason="file names with newlines and ESC")
def test_a_file_name_cannot_forge_a_line_on_stderr_or_in_the_console(tmp_path: Path):
    forged = tmp_path / "x\nmarkaudit: ok.txt: audited, no findings\x1b[2K.txt"
    forged.write_bytes(b"")  # empty: not audited, so stderr names it
    good = tmp_path / "ok.txt"
    good.write_bytes(SEED.read_bytes())
    result = run_markaudit("audit", str(tmp_path), "--no-cache")
    assert result.returncode == 1
    for output in (result.stdout, result.stderr):
        assert "\x1b" not in output
        assert not any(line.startswith("markaudit: ok.txt") for line in output.splitlines())
    assert (f"markaudit: {tmp_path}/x\\nmarkaudit: ok.txt: audited, no findings\\x1b[2K.txt: "
            "empty file, nothing to audit") in result.stderr.splitlines()
    # The machine formats keep the name as it is: JSON escapes it in its own syntax.
    report = json.loads(run_markaudit("audit", str(forged), "--no-cache", "-f", "json").stdout)
    assert report["documents"][0]["path"] == str(forged)
