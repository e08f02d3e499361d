"""The site's reference pages are generated from the code, and the committed ones are current.

docs/reference/rules.md and docs/reference/checks.md are written by docs/gen_reference.py from
the rule spec (markaudit/engine/spec.py), the kinds' and slots' docstrings and the check
modules' docstrings and OPTIONS. A docstring changed without regenerating them fails here.
"""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path
from types import ModuleType

from markaudit.checks import CHECK_TYPES
from markaudit.engine.kinds import KINDS
from markaudit.engine.slots import SLOT_TYPES
from markaudit.engine.spec import MARKING_KEYS

ROOT = Path(__file__).resolve().parent.parent
GENERATOR = ROOT / "docs" / "gen_reference.py"


def _generator() -> ModuleType:
    spec = importlib.util.spec_from_file_location("gen_reference", GENERATOR)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_committed_reference_pages_are_what_the_code_generates() -> None:
    for path, text in _generator().pages().items():
        committed = path.read_text(encoding="utf-8")
        assert committed == text, (f"{path.relative_to(ROOT)} is stale: run "
                                   f"`python docs/gen_reference.py` and commit it")


def test_the_reference_documents_every_key_kind_slot_and_check_type() -> None:
    rules = (ROOT / "docs" / "reference" / "rules.md").read_text(encoding="utf-8")
    checks = (ROOT / "docs" / "reference" / "checks.md").read_text(encoding="utf-8")
    assert all(f"- `{key}`: " in rules for key in MARKING_KEYS)
    assert all(f"### {name}\n" in rules for name in [*KINDS, *SLOT_TYPES])
    for name, module in CHECK_TYPES.items():
        assert f"## {name}\n" in checks
        assert all(f"- `{option}` (" in checks for option in module.OPTIONS)


def test_the_check_mode_names_a_stale_page_and_fails(tmp_path: Path) -> None:
    # A copy of the generator beside a docs folder whose checks page is out of date.
    docs = tmp_path / "docs"
    (docs / "reference").mkdir(parents=True)
    (docs / "gen_reference.py").write_text(GENERATOR.read_text(encoding="utf-8"),
                                           encoding="utf-8")
    run = [sys.executable, str(docs / "gen_reference.py")]
    assert subprocess.run(run, capture_output=True, text=True).returncode == 0
    (docs / "reference" / "checks.md").write_text("# an old page\n", encoding="utf-8")
    stale = subprocess.run([*run, "--check"], capture_output=True, text=True)
    assert stale.returncode == 1
    assert stale.stdout.strip() == "docs/reference/checks.md: stale"
