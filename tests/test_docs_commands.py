"""Every command the README and the documentation site show is run, and prints what they say.

A page's ```console blocks hold commands (`$ ` lines) each followed by the output shown. The
commands of a page run in order, through bash, in one temporary folder holding a copy of the
repository's `fixtures/` and `examples/` (the folders the pages name), with this environment's
`markaudit` and `python3` first on the PATH; their standard output and error, as a terminal
shows them together, must be the output shown. Only what changes from run to run is
normalised: the temporary folder's path and the repository's path. A line `…` alone in the
shown output stands for any lines (an abridged output says so in the page).

The page source sets up what its prose describes, in HTML comments the site does not show:
- `<!-- file: PATH -->` before a fenced block writes that block's text to PATH (a rule file or
  a script the page shows, then run);
- `<!-- append: PATH -->` adds that block's text to the end of PATH (the next rules of a
  rule file the page grows step by step);
- `<!-- setup: COMMAND -->` runs COMMAND before the next block (a draft rule file the prose
  describes but does not print in full);
- `<!-- requires: PROGRAM -->` before a block skips its commands where PROGRAM is not
  installed (Tesseract), except in CI, which installs it and sets MARKAUDIT_REQUIRE_OCR;
- `<!-- not-run: REASON -->` before a block marks commands that cannot run here (object
  storage, a cluster, installing from PyPI); NOT_RUN lists them all, so that a new one is a
  decision.
A ```sh block is a command without its output: it must be marked `not-run`, or be a step
`tests/test_precommit.py` runs (`<!-- readme-step: NAME -->`).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PAGES = sorted([ROOT / "README.md", *(ROOT / "docs").rglob("*.md")])
COPIED = ("fixtures", "examples")  # what the pages' commands read, copied into their folder

# Every block not run, by page: (page, the reason given). Keep it short.
NOT_RUN = {
    ("README.md", "installs markaudit into a new virtual environment from PyPI: CI and a "
                  "fresh clone run it"),
    ("docs/getting-started.md", "installs markaudit into a new virtual environment from PyPI: "
                                "CI and a fresh clone run it"),
    ("docs/engines.md", "needs PyPI, an S3 bucket and a Dask scheduler"),
}

_DIRECTIVE = re.compile(
    r"<!--\s*(file|append|setup|not-run|readme-step|requires):\s*(.*?)\s*-->", re.DOTALL)
_FENCE = re.compile(r"^```(\w*)\s*$")


@dataclass
class Block:
    """A fenced block and the directives just before it."""

    language: str
    text: str
    line: int  # where the fence opens, 1-based
    directives: list[tuple[str, str]] = field(default_factory=list)

    def directive(self, name: str) -> str | None:
        return next((value for key, value in self.directives if key == name), None)


@dataclass
class Command:
    command: str
    expected: list[str]
    line: int


def blocks(path: Path) -> list[Block]:
    """The fenced blocks of a page, each with the directives that stand since the last one."""
    found: list[Block] = []
    pending: list[tuple[str, str]] = []
    lines = path.read_text(encoding="utf-8").split("\n")
    index = 0
    prose: list[str] = []
    while index < len(lines):
        opening = _FENCE.match(lines[index])
        if not opening:
            prose.append(lines[index])
            index += 1
            continue
        pending += _DIRECTIVE.findall("\n".join(prose))
        prose = []
        end = next(i for i in range(index + 1, len(lines)) if lines[i].startswith("```"))
        found.append(Block(opening.group(1), "\n".join(lines[index + 1:end]) + "\n", index + 1,
                           pending))
        pending = []
        index = end + 1
    return found


def commands(block: Block) -> list[Command]:
    """The `$ ` commands of a console block, each with the lines shown after it."""
    result: list[Command] = []
    for number, line in enumerate(block.text.rstrip("\n").split("\n"), block.line + 1):
        if line.startswith("$ "):
            result.append(Command(line[2:], [], number))
        else:
            assert result, f"line {number}: output before any `$ ` command"
            result[-1].expected.append(line)
    return result


def _relative(path: Path) -> str:
    return path.relative_to(ROOT).as_posix()


def _environment() -> dict[str, str]:
    environment = {key: value for key, value in os.environ.items()
                   if not key.startswith(("MARKAUDIT_", "GITHUB_")) and key != "COLUMNS"}
    environment["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{environment['PATH']}"
    environment["NO_COLOR"] = "1"
    return environment


def _normalise(output: str, folder: Path) -> list[str]:
    output = output.replace(f"{folder}/", "").replace(str(folder), ".")
    output = output.replace(f"{ROOT}/", "")
    lines = [line.rstrip() for line in output.rstrip("\n").split("\n")]
    return lines if lines != [""] else []


def _matches(expected: list[str], actual: list[str]) -> bool:
    """Line by line; a line `…` alone stands for any lines, none included."""
    if not expected:
        return not actual
    if expected[0] == "…":
        return any(_matches(expected[1:], actual[start:]) for start in range(len(actual) + 1))
    return bool(actual) and expected[0].rstrip() == actual[0] and _matches(expected[1:],
                                                                           actual[1:])


def _run(command: str, folder: Path) -> str:
    finished = subprocess.run(["bash", "-c", command], cwd=folder, env=_environment(),
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                              timeout=600)
    return finished.stdout


PAGES_WITH_BLOCKS = [page for page in PAGES
                     if any(b.language in ("console", "sh") for b in blocks(page))]


@pytest.mark.parametrize("page", PAGES_WITH_BLOCKS, ids=_relative)
def test_the_commands_of_a_page_print_what_it_shows(page: Path, tmp_path: Path) -> None:
    for name in COPIED:
        shutil.copytree(ROOT / name, tmp_path / name)
    ran = 0
    for block in blocks(page):
        for key, value in block.directives:
            if key == "setup":
                setup = subprocess.run(["bash", "-e", "-c", value], cwd=tmp_path,
                                       env=_environment(), capture_output=True, text=True)
                assert setup.returncode == 0, f"{_relative(page)}:{block.line}: setup " \
                                              f"{value!r} failed: {setup.stderr}"
        if (target := block.directive("file")) is not None:
            (tmp_path / target).parent.mkdir(parents=True, exist_ok=True)
            (tmp_path / target).write_text(block.text, encoding="utf-8")
        if (target := block.directive("append")) is not None:
            with (tmp_path / target).open("a", encoding="utf-8") as grown:
                grown.write(block.text)
        if block.language != "console" or block.directive("not-run") is not None:
            continue
        program = block.directive("requires")
        if program and not shutil.which(program) and not os.environ.get("MARKAUDIT_REQUIRE_OCR"):
            continue  # as tests/test_ocr.py skips; CI installs it and runs these
        for command in commands(block):
            actual = _normalise(_run(command.command, tmp_path), tmp_path)
            where = f"{_relative(page)}:{command.line}: $ {command.command}"
            assert _matches(command.expected, actual), (
                f"{where}\nshown:\n" + "\n".join(command.expected) + "\nprinted:\n"
                + "\n".join(actual))
            ran += 1
    assert ran or all(b.language == "sh" for b in blocks(page))


def test_every_command_shown_is_run_or_marked_with_the_reason_it_is_not() -> None:
    not_run: set[tuple[str, str]] = set()
    unmarked: list[str] = []
    counted = {"run": 0, "not run": 0}
    for page in PAGES:
        for block in blocks(page):
            reason = block.directive("not-run")
            if block.language == "console":
                shown = len(commands(block))
                counted["not run" if reason is not None else "run"] += shown
            elif block.language == "sh":
                if block.directive("readme-step") is not None:
                    continue  # tests/test_precommit.py runs it, as written
                counted["not run"] += reason is not None
            elif "\n$ " in f"\n{block.text}":
                unmarked.append(f"{_relative(page)}:{block.line}: a transcript in a "
                                f"```{block.language} block: make it ```console to run it")
                continue
            else:
                continue
            if reason is not None:
                not_run.add((_relative(page), " ".join(reason.split())))
            elif block.language == "sh":
                unmarked.append(f"{_relative(page)}:{block.line}: a ```sh block neither run "
                                f"nor marked <!-- not-run: REASON -->")
    assert not unmarked, "\n".join(unmarked)
    assert not_run == NOT_RUN, f"commands not run: {sorted(not_run)}"
    assert counted["run"] >= 30, counted
    print(f"doc commands: {counted['run']} run, {counted['not run']} blocks not run: "
          + "; ".join(f"{page}: {reason}" for page, reason in sorted(not_run)))
