"""Rule files: loading, validation and compilation into a RuleSet (engine/ruleset.py).

The keys a file, a marking and a check may hold are declared in engine/spec.py, the
declarative kinds in engine/kinds/, a check's option kinds in engine/options.py: the loader
reads them from there, and judges what depends on more than one key.

A rule file is YAML with these sections:

- `levels`: the classification levels, lowest first (each a name, or `{name, aliases}`);
- `vocabularies`: named word lists (`caveat: {NOFORN: [NO FOREIGN DISSEM]}`), used in patterns
  as `{{caveat}}` and by parsers;
- `markings`: detectors (id, kind, pattern(s), fields, OCR tolerance, zones);
- `checks`: consistency checks (id, type, the markings they read, severity, message);
- `ocr` and `page_layout`: the pack's OCR policy and the words its page split reads.

Every problem in every file is collected and reported as `file:line:column: message` (the
column where it is known) before any document is read. Patterns compile once, after a static
check refuses those that can backtrack exponentially (markaudit/engine/backtrack.py); recursion,
which `regex` cannot bound, is refused as a bad pattern (engine/bounded.py).

Given a cache folder, a pack loaded without problems is kept there as plain data
(engine/packdata.py, engine/compiled.py), under a key made of its files' names and bytes, the
versions of markaudit, `regex` and Python, and the code of the engine, the check types and the
model: the next run of the same pack reads it back, checked, instead of parsing and validating
the YAML again (the pre-commit case). The YAML reader and the backtracking check are imported by
the loader's methods only: such a run needs neither.
"""

from __future__ import annotations

import fnmatch
import hashlib
import os
import sys
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

import regex

from markaudit.checks import CHECK_TYPES
from markaudit.core.errors import RuleFileError, RuleProblem
from markaudit.core.hints import did_you_mean
from markaudit.core.page_layout import DEFAULT_LAYOUT, PageLayout, RecordForm
from markaudit.core.version import __version__
from markaudit.engine import spec as spec_tables
from markaudit.engine.bounded import MAX_LENGTH
from markaudit.engine.compiled import (
    CompiledPatterns,
    compile_pattern,
    keep_pack,
    open_store,
    read_pack,
)
from markaudit.engine.fields import PARSER_HELP, resolve_parser
from markaudit.engine.kinds import KINDS
from markaudit.engine.ocr import DEFAULT_POLICY, POLICY_KEYS, OcrPolicy
from markaudit.engine.options import is_string_list, option_value, placeholders
from markaudit.engine.phrasing import PhraseCompiler, PhraseError
from markaudit.engine.ruleset import (
    CheckRule,
    FieldSpec,
    FormLists,
    MarkingRule,
    NotNear,
    RuleSet,
)
from markaudit.engine.spec import (
    DECLARATIVE_KEYS,
    LAYOUT_KEYS,
    MAX_OCR_EDITS,
    WORKED_OUT_KEYS,
    ZONES,
)
from markaudit.engine.vocabulary import Vocabulary
from markaudit.engine.yamldata import Position, YamlList, YamlMap

# The keys, declared once with their documentation and checks in engine/spec.py.
FILE_KEYS = tuple(spec_tables.FILE_KEYS)
MARKING_KEYS = tuple(spec_tables.MARKING_KEYS)
CHECK_KEYS = tuple(spec_tables.CHECK_KEYS)
_VOCABULARY_REFERENCE = regex.compile(r"\{\{\s*(\w+)\s*\}\}")
_KIND = regex.compile(r"^[a-z][a-z0-9-]*$")
# Unicode categories refused in ids: controls, format characters (right-to-left marks and
# overrides, zero-width spaces and joiners, BOM), surrogates, private use, unassigned, line and
# paragraph separators.
_INVISIBLE = frozenset({"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"})
# The package, whose code decides what a loaded pack holds: see `_pack_key`.
_PACKAGE = Path(__file__).parent.parent


def rule_files(paths: Iterable[str | Path]) -> tuple[list[Path], list[RuleProblem]]:
    """Expand folders into their `*.yaml`/`*.yml` files (recursively, sorted), each once.

    Expectation files (`NAME.expect.yaml`) in a folder are left out: a pack keeps its tests
    beside its rules, and `--rules PACK/` must not read them as rules.
    """
    files: list[Path] = []
    problems: list[RuleProblem] = []
    for path in map(Path, paths):
        if path.is_dir():
            found = sorted(p for p in path.rglob("*") if p.suffix in (".yaml", ".yml")
                           and not p.name.endswith((".expect.yaml", ".expect.yml"))
                           and p.is_file())
            if not found:
                problems.append(RuleProblem(str(path), None, "folder holds no .yaml rule file"))
            files.extend(found)
        elif path.is_file():
            files.append(path)
        else:
            problems.append(RuleProblem(str(path), None, "no such rule file or folder"))
    # A file named twice (the shipped pack and `--rules rules/`) is read once, where first named.
    unique: dict[Path, Path] = {}
    for path in files:
        unique.setdefault(path.resolve(), path)
    return list(unique.values()), problems


def load_rules(paths: Iterable[str | Path], compiled_in: str | Path | None = None) -> RuleSet:
    """Load, validate and compile rule files; raise RuleFileError listing every problem.

    With `compiled_in` (a cache folder), the pack loaded by an earlier run of the same files is
    taken from there, and so are the patterns compiled by earlier runs; this run's are kept
    there (see engine.compiled).
    """
    files, problems = rule_files(paths)
    key = _pack_key(files) if compiled_in is not None and not problems else None
    if compiled_in is not None and key is not None:
        from markaudit.engine import packdata  # here: it reads the classes of this module

        kept = packdata.from_data(read_pack(compiled_in, key), [str(p) for p in files])
        if kept is not None:
            open_store(compiled_in, kept.digest)
            return kept
    loader = _Loader(compiled_in)
    for problem in problems:
        loader.problems.append(problem)
    for path in files:
        loader.read_file(path)
    rules = loader.finish()  # a pack with problems raises here: only valid packs are kept
    # A file edited while it was loaded gave the pack other bytes than the key's: not kept.
    if compiled_in is not None and key is not None and key == _pack_key(files):
        from markaudit.engine import packdata

        keep_pack(compiled_in, key, packdata.to_data(rules))
    return rules


def _pack_key(files: Sequence[Path]) -> str | None:
    """What a kept pack of `files` is found under; None when a file cannot be read (loading
    reports why)."""
    key = hashlib.sha256(f"{__version__}\0{regex.__version__}\0{sys.version}\0".encode())
    # The engine, the check types (their options) and the model (severities): a pack kept by
    # other code, a working copy's say, is not read back.
    # Every module below engine/ and checks/: a kind or slot type changed changes the key too;
    # and the page layout's defaults, which a pack that declares none keeps.
    code = sorted([*_PACKAGE.glob("engine/**/*.py"), *_PACKAGE.glob("checks/**/*.py"),
                   _PACKAGE / "core" / "model.py", _PACKAGE / "core" / "page_layout.py"])
    try:
        for path in files:
            data = path.read_bytes()
            key.update(b"%s\0%d\0%s" % (os.fsencode(path), len(data), data))
        for path in code:
            key.update(path.read_bytes())
    except OSError:
        return None
    return key.hexdigest()[:32]


def load_rule_texts(files: Iterable[tuple[str, str]]) -> RuleSet:
    """Load rule files from their (name, text) pairs, as `load_rules` loads them from disk:
    for a worker on another machine, which has the texts but not the files."""
    loader = _Loader()
    for name, text in files:
        loader.read_text(name, text)
    return loader.finish()


class _Loader:
    """Collects the sections of every file, then validates across files."""

    def __init__(self, compiled_in: str | Path | None = None) -> None:
        self.compiled_in = compiled_in
        self.store: CompiledPatterns | None = None
        self.problems: list[RuleProblem] = []
        self.levels: tuple[str, Position, list[tuple[str, list[str]]]] | None = None
        self.vocabularies: dict[str, dict[str, list[str]]] = {}
        self.raw_markings: list[tuple[str, YamlMap]] = []
        self.raw_checks: list[tuple[str, YamlMap]] = []
        self.digest = hashlib.sha256()
        self.texts: list[tuple[str, str]] = []
        self.policy = DEFAULT_POLICY
        self.policy_at: str | None = None
        self.compiled: list[tuple[str, int]] = []  # (pattern, flags) compiled and checked
        self.vocabulary_where: dict[str, tuple[str, Position]] = {}  # where first defined
        self.layout: dict[str, list[Any]] = {}  # the page_layout lists the files declare

    def problem(self, path: str, where: int | Position | None, message: str) -> None:
        """Record a problem at a line, or at a (line, column) position."""
        line, column = where if isinstance(where, tuple) else (where, None)
        self.problems.append(RuleProblem(path, line, message, column))

    # --- reading -------------------------------------------------------------------------

    def read_file(self, path: Path) -> None:
        name = str(path)
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as error:
            self.problem(name, None, f"cannot read rule file: {error}")
            return
        self.read_text(name, text)

    def read_text(self, name: str, text: str) -> None:
        import yaml  # here: a run whose pack comes from the cache reads no YAML

        from markaudit.engine import yamlfile

        self.digest.update(name.encode() + b"\0" + text.encode() + b"\0")
        self.texts.append((name, text))
        try:
            data = yamlfile.load(text)
        except yaml.YAMLError as error:
            line = yamlfile.error_line(error)
            self.problem(name, (line, yamlfile.error_column(error)) if line else None,
                         yamlfile.error_message(error, text))
            return
        if data is None:
            self.problem(name, None, "empty rule file")
            return
        if not isinstance(data, YamlMap):
            self.problem(name, 1, "a rule file is a mapping with levels, vocabularies, "
                                  "markings and/or checks")
            return
        for key in data:
            if key not in FILE_KEYS:
                self.problem(name, data.where(key), f"unknown key '{key}'"
                             f"{did_you_mean(str(key), list(FILE_KEYS))} "
                             f"(expected one of: {', '.join(FILE_KEYS)})")
        if "ocr" in data:
            self._read_policy(name, data)
        if "page_layout" in data:
            self._read_page_layout(name, data)
        if "levels" in data:
            self._read_levels(name, data)
        if "vocabularies" in data:
            self._read_vocabularies(name, data)
        for section, target in (("markings", self.raw_markings), ("checks", self.raw_checks)):
            entries = data.get(section)
            if entries is None:
                continue
            if not isinstance(entries, YamlList):
                self.problem(name, data.value_where(section), f"'{section}' must be a list")
                continue
            for index, entry in enumerate(entries):
                if isinstance(entry, YamlMap):
                    target.append((name, entry))
                else:
                    self.problem(name, entries.where(index),
                                 f"each entry of '{section}' must be a mapping")

    def _read_policy(self, name: str, data: YamlMap) -> None:
        """The pack's OCR policy (engine/ocr.py), declared once in any one file."""
        section = data["ocr"]
        where = data.value_where("ocr")
        if not isinstance(section, YamlMap) or not section:
            self.problem(name, where, "'ocr' maps letters_per_edit and max_edits to numbers")
            return
        values: dict[str, Any] = {}
        for key, value in section.items():
            if key == "lookalikes":
                if not isinstance(value, dict) or not all(
                        isinstance(k, str) and len(k) == 1 and isinstance(v, str)
                        for k, v in value.items()):
                    self.problem(name, section.value_where(key), "ocr: 'lookalikes' maps a "
                                 "character to the characters OCR reads for it: {O: 0Q}")
                else:
                    values[key] = tuple((k.upper(), v) for k, v in value.items())
            elif key not in POLICY_KEYS:
                self.problem(name, section.where(key), f"ocr: unknown key '{key}'"
                             f"{did_you_mean(str(key), list(POLICY_KEYS))} (expected one of: "
                             f"{', '.join(POLICY_KEYS)})")
            elif not isinstance(value, int) or isinstance(value, bool) or not (
                    1 if key == "letters_per_edit" else 0) <= value <= 9:
                self.problem(name, section.value_where(key),
                             f"ocr: '{key}' is a whole number ({POLICY_KEYS[key]})")
            else:
                values[str(key)] = value
        if self.policy_at is not None:
            self.problem(name, data.where("ocr"), "the OCR policy is declared once for the "
                         f"pack; it is declared already at {self.policy_at}")
            return
        self.policy_at = f"{name}:{data.line_of('ocr')}"
        self.policy = OcrPolicy(**values)

    def _read_page_layout(self, name: str, data: YamlMap) -> None:
        """The pack's page layout (core/page_layout.py): lists the files add to, each entry
        judged alone by its key's check in engine/spec.py."""
        section = data["page_layout"]
        if not isinstance(section, YamlMap) or not section:
            self.problem(name, data.value_where("page_layout"), "'page_layout' maps "
                         f"{', '.join(LAYOUT_KEYS)} to lists")
            return
        for key, entries in section.items():
            spec = LAYOUT_KEYS.get(key)
            if spec is None:
                self.problem(name, section.where(key), f"page_layout: unknown key '{key}'"
                             f"{did_you_mean(str(key), list(LAYOUT_KEYS))} (expected one of: "
                             f"{', '.join(LAYOUT_KEYS)})")
                continue
            if not isinstance(entries, YamlList):
                self.problem(name, section.value_where(key), f"page_layout: '{key}' is a list")
                continue
            declared = self.layout.setdefault(str(key), [])
            for index, entry in enumerate(entries):
                if error := spec.problem(entry):
                    self.problem(name, entries.where(index), f"page_layout: {key} entry "
                                 f"{entry!r} {error}")
                elif key == "forms":
                    declared.append(RecordForm(" ".join(entry["last_field"].split()),
                                               " ".join(entry["dated_field"].split())))
                else:
                    declared.append(" ".join(entry.upper().split()))

    def _page_layout(self) -> PageLayout:
        """The default layout, each list a file declares replaced by what the files declare."""
        if not self.layout:
            return DEFAULT_LAYOUT
        return PageLayout(**{key: tuple(dict.fromkeys(entries))
                             for key, entries in self.layout.items()})

    def _read_levels(self, name: str, data: YamlMap) -> None:
        entries = data["levels"]
        line = data.where("levels")
        if not isinstance(entries, YamlList) or not entries:
            self.problem(name, line, "'levels' must be a non-empty list, lowest level first")
            return
        levels: list[tuple[str, list[str]]] = []
        for index, entry in enumerate(entries):
            if isinstance(entry, str):
                levels.append((entry, []))
            elif isinstance(entry, YamlMap) and isinstance(entry.get("name"), str):
                aliases = entry.get("aliases", [])
                unknown = set(entry) - {"name", "aliases"}
                if unknown or not is_string_list(aliases):
                    self.problem(name, entries.where(index),
                                 "a level is a name or {name, aliases: [spellings]}")
                levels.append((entry["name"], list(aliases) if is_string_list(aliases) else []))
            else:
                self.problem(name, entries.where(index),
                             "a level is a name or {name, aliases: [spellings]}")
        names = [n for n, _ in levels]
        if len(set(names)) != len(names):
            self.problem(name, line, "a level is listed twice in 'levels'")
        if self.levels is not None and [n for n, _ in self.levels[2]] != names:
            first, (first_line, _), _ = self.levels
            self.problem(name, line, f"'levels' differ from those defined at {first}:{first_line}")
            return
        self.levels = (name, line, levels)

    def _read_vocabularies(self, name: str, data: YamlMap) -> None:
        section = data["vocabularies"]
        if not isinstance(section, YamlMap):
            self.problem(name, data.value_where("vocabularies"),
                         "'vocabularies' maps a name to a list of terms or to "
                         "{term: [spellings]}")
            return
        for vocab_name, terms in section.items():
            line = section.value_where(vocab_name)
            if vocab_name == "level":
                self.problem(name, section.where(vocab_name),
                             "the 'level' vocabulary comes from 'levels'")
                continue
            target = self.vocabularies.setdefault(str(vocab_name), {})
            self.vocabulary_where.setdefault(str(vocab_name), (name, line))
            if is_string_list(terms) and terms:
                for term in terms:
                    target.setdefault(term, [])
            elif isinstance(terms, YamlMap) and terms and all(
                isinstance(k, str) and (v is None or is_string_list(v)) for k, v in terms.items()
            ):
                for term, spellings in terms.items():
                    target.setdefault(term, []).extend(spellings or [])
            else:
                self.problem(name, line, f"vocabulary '{vocab_name}' must be a non-empty list "
                                         "of terms or a mapping {term: [spellings]}")

    # --- validating across files ---------------------------------------------------------

    def finish(self) -> RuleSet:
        self.store = open_store(self.compiled_in, self.digest.hexdigest())
        vocabularies = {n: Vocabulary.from_terms(n, t.items())
                        for n, t in self.vocabularies.items()}
        if self.levels is not None:
            vocabularies["level"] = Vocabulary.from_terms("level", self.levels[2])
            self.vocabulary_where["level"] = (self.levels[0], self.levels[1])
        for vocabulary in vocabularies.values():
            # Parsers search a field's text for any term of a word list: one pattern of all
            # its terms, which must compile as a rule's pattern must (engine/bounded.py).
            size = len(vocabulary.pattern(MAX_OCR_EDITS))
            if size > MAX_LENGTH:
                path, where = self.vocabulary_where[vocabulary.name]
                self.problem(path, where, f"vocabulary '{vocabulary.name}' is too large: its "
                             f"terms make a pattern of {size:,} characters; at most "
                             f"{MAX_LENGTH:,}")
        seen: dict[str, str] = {}
        markings = [rule for path, entry in self.raw_markings
                    if (rule := self._marking(path, entry, vocabularies, seen))]
        # Ids of markings with problems count too: their problems are reported once, not again
        # through every check that reads them.
        marking_ids = {e["id"] for _, e in self.raw_markings if isinstance(e.get("id"), str)}
        levels = [name for name, _ in self.levels[2]] if self.levels else []
        checks = [rule for path, entry in self.raw_checks
                  if (rule := self._check(path, entry, marking_ids, levels, seen))]
        produced = {e["id"]: _produced_fields(e) for _, e in self.raw_markings
                    if isinstance(e.get("id"), str)}
        for rule in markings:  # a declarative rule's slots fill fields its entry does not name
            produced[rule.id] |= {spec.name for spec in rule.fields}
        for check in checks:
            path, entry = next((p, e) for p, e in self.raw_checks if e.get("id") == check.id)
            self._fields_read(path, entry, check, produced)
        self._levels_read(markings)
        if self.problems:
            raise RuleFileError(self.problems)
        if self.store is not None:  # only a pack without problems: its patterns passed every check
            for pattern, flags in self.compiled:
                self.store.checked(pattern, flags)
            self.store.save()
        return RuleSet(vocabularies=vocabularies, markings=tuple(markings), checks=tuple(checks),
                       sources=tuple(name for name, _ in self.texts), ocr=self.policy,
                       digest=self.digest.hexdigest(), texts=tuple(self.texts),
                       layout=self._page_layout())

    def _fields_read(self, path: str, entry: YamlMap, check: CheckRule,
                     produced: Mapping[str, set[str]]) -> None:
        """A check that reads a field none of its markings produces would never fire."""
        refs = check.options.get("marking")
        if not refs:
            return
        ids = sorted(i for i in produced if any(fnmatch.fnmatchcase(i, r) for r in refs))
        made = set().union(*(produced[i] for i in ids))
        wanted = [("field", check.options["field"])] if isinstance(
            check.options.get("field"), str) and check.options["field"] != "value" else []
        wanted += [("where", name) for name in check.options.get("where") or {}]
        for key, name in wanted:
            if name in made:
                continue
            shown = ", ".join(ids[:4]) + (f" and {len(ids) - 4} more" if len(ids) > 4 else "")
            self.problem(path, entry.value_where(key) if key in entry
                         else (entry.line, entry.column),
                         f"check '{check.id}': reads field '{name}', which none of its markings "
                         f"({shown}) produces (their fields: {', '.join(sorted(made)) or 'none'};"
                         " add it to a marking's 'fields' or 'set', or name another field)")

    def _levels_read(self, markings: list[MarkingRule]) -> None:
        """Levels no marking can carry: defined, but no field of any marking parses a level.
        (A file of levels alone, without markings, is a library, and not judged.)"""
        if self.levels is None or not self.raw_markings:
            return
        if any(spec.parser == "level" for rule in markings for spec in rule.fields):
            return
        for _, entry in self.raw_markings:
            fields = entry.get("fields")
            if isinstance(fields, dict) and any(
                    spec == "level" or (isinstance(spec, dict) and spec.get("parse") == "level")
                    for spec in fields.values()):
                return
        path, where, _ = self.levels
        self.problem(path, where, "no marking can carry these levels: no field of any marking "
                     "uses the 'level' parser (add `level: level` to the 'fields' of the rule "
                     "that matches {{level}}), so checks on levels would never hold")

    def _identity(self, path: str, entry: YamlMap, seen: dict[str, str]) -> str | None:
        rule_id = entry.get("id")
        if not isinstance(rule_id, str) or not rule_id.strip():
            self.problem(path, (entry.line, entry.column), "every entry needs an 'id'")
            return None
        hidden = next(((i, c) for i, c in enumerate(rule_id)
                       if unicodedata.category(c) in _INVISIBLE), None)
        if hidden is not None:
            # Shown in every report and on terminals: a right-to-left override or a zero-width
            # space would make one id look like another, or reorder the line it stands in.
            self.problem(path, entry.value_where("id"), f"id {rule_id!a} holds the "
                         f"invisible or control character U+{ord(hidden[1]):04X} at position "
                         f"{hidden[0]} (an id is letters, digits and punctuation)")
            return None
        here = f"{path}:{entry.line_of('id')}"
        if rule_id in seen:
            self.problem(path, entry.value_where("id"),
                         f"duplicate id '{rule_id}' (first defined at {seen[rule_id]})")
            return None
        seen[rule_id] = here
        return rule_id

    def _marking(self, path: str, entry: YamlMap, vocabularies: Mapping[str, Vocabulary],
                 seen: dict[str, str]) -> MarkingRule | None:
        problems_before = len(self.problems)
        rule_id = self._identity(path, entry, seen)
        for key in entry:
            if key not in MARKING_KEYS:
                self.problem(path, entry.where(key), f"marking '{rule_id}': unknown key "
                             f"'{key}'{did_you_mean(str(key), list(MARKING_KEYS))} "
                             f"(expected one of: {', '.join(MARKING_KEYS)})")
        kind = entry.get("kind")
        if not isinstance(kind, str) or not _KIND.match(kind):
            self.problem(path, entry.value_where("kind"), f"marking '{rule_id}': 'kind' must be a "
                         "lower-case word such as banner, release, page-number")
        # Every key whose value is judged alone, as the spec declares it.
        refused = set()
        for key, spec in spec_tables.MARKING_KEYS.items():
            if key in entry and (error := spec.problem(entry[key])):
                self.problem(path, entry.value_where(key),
                             f"marking '{rule_id}': '{key}' {error}")
                refused.add(key)

        def given(key: str, default: Any) -> Any:
            return default if key in refused else entry.get(key, default)

        ocr_edits = given("ocr_edits", 0)
        declared = self._declared_kind(path, entry, rule_id)
        compiled_kind = None
        if declared:
            compiled_kind = self._declarative(path, entry, rule_id, declared, vocabularies)
            patterns = compiled_kind.patterns if compiled_kind else []
            pattern_lines = [entry.value_where(declared)] * len(patterns)
        else:
            patterns, pattern_lines = self._patterns(path, entry, rule_id, ocr_edits)
            self._ignored_ocr_edits(path, entry, rule_id, patterns)
        case_sensitive = given("case_sensitive", False)
        # ENHANCEMATCH, not BESTMATCH: BESTMATCH makes finditer jump to the best match on the
        # page and lose every fuzzy one before it (a damaged top banner above an exact one).
        flags = regex.MULTILINE | regex.ENHANCEMATCH | (0 if case_sensitive else regex.IGNORECASE)
        compiled: list[regex.Pattern[str]] = []
        written = not declared  # a generated pattern is safe by construction
        for pattern, line in zip(patterns, pattern_lines, strict=True):
            expanded = (pattern if declared else
                        self._expand(path, line, rule_id, pattern, vocabularies, ocr_edits))
            if expanded is not None and (done := self._compile(path, line, rule_id, expanded,
                                                                flags, checked=False)):
                compiled.append(done)
                if written and not self._known(expanded, flags):
                    self._refuse_backtracking(path, line, rule_id, pattern, flags)
        groups = {g for c in compiled for g in c.groupindex}
        fields = self._fields(path, entry, rule_id, groups, vocabularies, bool(compiled))
        if compiled_kind is not None:
            fields += self._slot_fields(compiled_kind, fields)
        constants = given("set", {})
        value = entry.get("value")
        if value is not None and not (declared and compiled_kind is None):
            known = {f.name for f in fields} | set(constants)
            names = placeholders(value) if isinstance(value, str) else None
            if names is None:
                self.problem(path, entry.value_where("value"),
                             f"marking '{rule_id}': 'value' must be a template like "
                             "\"{level} -- {caveats}\"")
            elif unknown := sorted(names - known):
                self.problem(path, entry.value_where("value"), f"marking '{rule_id}': 'value' "
                             f"names unknown field(s) {', '.join(unknown)}")
        zones = given("zones", list(ZONES))
        pages = given("pages", "all")
        exclude = self._regex_list(path, entry, rule_id, flags, "exclude")
        not_near = self._not_near(path, entry, rule_id, flags)
        form_lists = self._form_lists(path, entry, rule_id)
        min_confidence = float(given("min_confidence", 0.0))
        max_confidence = float(given("max_confidence", 1.0))
        examples = given("examples", {})
        anchors = (compiled_kind.anchors if compiled_kind else ()) if declared else \
            tuple(a.upper() for a in given("anchors", ())) or self._phrase_anchors(entry,
                                                                                   ocr_edits)
        max_line_length = given("max_line_length", compiled_kind.max_line_length
                                if compiled_kind else None)
        min_capitals = float(given("min_capitals",
                                   compiled_kind.min_capitals if compiled_kind else 0.0))
        if "min_capitals" in entry and max_line_length is None:
            self.problem(path, entry.value_where("min_capitals"), f"marking '{rule_id}': "
                         "'min_capitals' needs 'max_line_length' (it filters lines)")
        line_ends_with = self._line_ends_with(path, entry, rule_id, vocabularies, ocr_edits,
                                              flags, max_line_length is not None)
        if compiled_kind is not None and compiled_kind.line_ends_with:
            line_ends_with = self._compile(path, entry.value_where(declared), rule_id,
                                           f"(?r)(?:{compiled_kind.line_ends_with})$", flags,
                                           checked=False)
        if len(self.problems) > problems_before or rule_id is None:
            return None
        return MarkingRule(
            id=rule_id, kind=str(kind), description=str(entry.get("description", "")),
            patterns=tuple(patterns), compiled=tuple(compiled),
            source=f"{path}:{entry.line}", ocr_edits=ocr_edits, zones=frozenset(zones),
            first_page_only=pages == "first", fields=tuple(fields), constants=dict(constants),
            value=value, exclude=tuple(exclude), min_confidence=min_confidence,
            max_confidence=max_confidence,
            examples={k: tuple(v) for k, v in examples.items()}, anchors=anchors,
            not_near=tuple(not_near), form_lists=form_lists, max_line_length=max_line_length,
            min_capitals=min_capitals, line_ends_with=line_ends_with,
            declared=declared, written=_as_written(entry.get(declared)) if declared else (),
            words=tuple(compiled_kind.words) if compiled_kind else (),
            scan_runs=tuple(compiled_kind.cores) if compiled_kind and compiled_kind.cores
            and None not in compiled_kind.cores else (),
            example_places=_example_places(entry),
        )

    def _declared_kind(self, path: str, entry: YamlMap, rule_id: str | None) -> str:
        """The declarative kind a marking is written in, or "" for a raw pattern."""
        if "phrases" in entry and "phrase" not in entry:
            entry["phrase"] = entry.pop("phrases")  # the older spelling of a list of phrases
            for places in (entry.key_lines, getattr(entry, "key_columns", {}),
                           getattr(entry, "value_positions", {})):
                if "phrases" in places:
                    places["phrase"] = places.pop("phrases")
        given = [key for key in KINDS if key in entry]
        found = [key for key in entry if key in KINDS or key in ("pattern", "patterns")]
        if len(found) > 1:
            self.problem(path, entry.where(found[1]), f"marking '{rule_id}': give one of "
                         f"{', '.join(KINDS)}, or 'pattern' (found {' and '.join(found)})")
        if not given:
            for key in (k for k in DECLARATIVE_KEYS if k not in KINDS):
                if key in entry:
                    self.problem(path, entry.where(key), f"marking '{rule_id}': '{key}' would "
                                 "be ignored: it belongs to a declarative kind "
                                 f"({', '.join(KINDS)})")
            return ""
        kind = given[0]
        for key in entry:
            if key in DECLARATIVE_KEYS and key not in KINDS[kind].keys:
                self.problem(path, entry.where(key), f"marking '{rule_id}': '{key}' would be "
                             f"ignored: a {kind} rule reads {', '.join(KINDS[kind].keys)}")
            if key in WORKED_OUT_KEYS:
                self.problem(path, entry.where(key), f"marking '{rule_id}': '{key}' is not "
                             f"needed: the engine works it out for a {kind} rule")
        return kind

    def _declarative(self, path: str, entry: YamlMap, rule_id: str | None, kind: str,
                     vocabularies: Mapping[str, Vocabulary]) -> Any:
        """The patterns, fields and words a declarative rule compiles to; None after reporting
        why it cannot be compiled."""
        slots = entry.get("slots", YamlMap())
        if not isinstance(slots, YamlMap):
            self.problem(path, entry.value_where("slots"), f"marking '{rule_id}': 'slots' maps "
                         "each slot's name to its type")
            return None
        cap = entry.get("ocr_edits")
        compiler = PhraseCompiler(self.policy, vocabularies, slots,
                                  cap if isinstance(cap, int) else None)
        compiler.case_sensitive = entry.get("case_sensitive") is True
        try:
            compiled = KINDS[kind].compile(entry, compiler)
        except PhraseError as error:
            value = entry[kind]
            where = (value.where(error.item) if error.item is not None
                     and isinstance(value, YamlList) else entry.value_where(kind))
            self.problem(path, where, f"marking '{rule_id}': {error}")
            return None
        for name in slots:
            if name not in compiler.used_slots:
                self.problem(path, slots.where(name), f"marking '{rule_id}': slot '{name}' is "
                             f"typed in 'slots' but no {kind} names {{{name}}}")
        compiled.anchors = _anchors_of(compiler.anchor_sets)
        return compiled

    def _slot_fields(self, compiled: Any, given: list[FieldSpec]) -> list[FieldSpec]:
        """The fields a declarative rule's slots fill, but those its `fields` parse anew."""
        named = {spec.name for spec in given}
        specs = []
        for slot in compiled.fields:
            resolved = resolve_parser(slot.parser)
            if slot.name not in named and resolved is not None:
                specs.append(FieldSpec(slot.name, slot.name, slot.parser, resolved[0]))
        return specs

    def _ignored_ocr_edits(self, path: str, entry: YamlMap, rule_id: str | None,
                           patterns: list[str]) -> None:
        """`ocr_edits` on a pattern reaches only its `{{vocabularies}}`: without one it would
        be silently ignored."""
        fields = entry.get("fields")
        parsers = [spec if isinstance(spec, str) else spec.get("parse", "")
                   for spec in (fields.values() if isinstance(fields, dict) else [])
                   if isinstance(spec, str | dict)]
        edits = entry.get("ocr_edits")
        if type(edits) is int and 0 < edits <= 5 and patterns and not any(
                _VOCABULARY_REFERENCE.search(p) for p in patterns) and not any(
                p == "caveats" or str(p).startswith("terms:") for p in parsers):
            self.problem(path, entry.where("ocr_edits"), f"marking '{rule_id}': 'ocr_edits' "
                         "would be ignored: it bends the {{vocabularies}} a pattern names, and "
                         "this pattern names none (write the budget in the pattern, {e<=2}, or "
                         "write the rule as a phrase)")

    def _line_ends_with(self, path: str, entry: YamlMap, rule_id: str | None,
                        vocabularies: Mapping[str, Vocabulary], ocr_edits: int, flags: int,
                        line_rule: bool) -> regex.Pattern[str] | None:
        """What a line must end with to be searched at all, compiled to be matched backwards
        from the line's end: for a pattern whose costly part comes first (a list of caveats)
        and whose telling part comes last (the level), this rejects most lines for a fraction
        of the cost (measured: a fifth)."""
        if "line_ends_with" not in entry:
            return None
        text = entry["line_ends_with"]
        where = entry.value_where("line_ends_with")
        if not line_rule:
            self.problem(path, where, f"marking '{rule_id}': 'line_ends_with' needs "
                         "'max_line_length' (it filters lines)")
            return None
        if not isinstance(text, str) or not text.strip():
            self.problem(path, where, f"marking '{rule_id}': 'line_ends_with' is a pattern")
            return None
        expanded = self._expand(path, where, rule_id, text, vocabularies, ocr_edits)
        if expanded is None:
            return None
        # Compiled as written first, so that an error names a place in what the author wrote.
        if self._compile(path, where, rule_id, expanded, flags, checked=False) is None:
            return None
        # (?r): the engine starts at the line's end and works back, so a line that does not end
        # so is given up after a few characters, not tried from every position.
        return self._compile(path, where, rule_id, f"(?r)(?:{expanded})$", flags, checked=False)

    def _not_near(self, path: str, entry: YamlMap, rule_id: str | None,
                  flags: int) -> list[NotNear]:
        specs = entry.get("not_near", [])
        shape = (f"marking '{rule_id}': 'not_near' is a list of "
                 "{pattern: REGEX, before: LINES, after: LINES}")
        if not isinstance(specs, list):
            self.problem(path, entry.value_where("not_near"), shape)
            return []
        result = []
        for index, spec in enumerate(specs):
            line = specs.where(index) if isinstance(specs, YamlList) else entry.where("not_near")
            if (not isinstance(spec, dict) or not isinstance(spec.get("pattern"), str)
                    or set(spec) - {"pattern", "before", "after"}
                    or not all(isinstance(spec.get(k, 0), int) and spec.get(k, 0) >= 0
                               for k in ("before", "after"))):
                self.problem(path, line, shape)
                continue
            if compiled := self._compile(path, line, rule_id, spec["pattern"], flags):
                result.append(NotNear(compiled, spec.get("before", 0), spec.get("after", 0)))
        return result

    def _form_lists(self, path: str, entry: YamlMap, rule_id: str | None) -> FormLists | None:
        spec = entry.get("form_lists")
        if spec is None:
            return None
        keys = {"field", "distinct", "within_lines"}
        if (not isinstance(spec, dict) or set(spec) != keys or not isinstance(spec["field"], str)
                or not all(isinstance(spec[k], int) and spec[k] >= 1
                           for k in ("distinct", "within_lines"))):
            self.problem(path, entry.value_where("form_lists"), f"marking '{rule_id}': "
                         "'form_lists' is {field: NAME, distinct: N, within_lines: N}")
            return None
        return FormLists(spec["field"], spec["distinct"], spec["within_lines"])

    def _phrase_anchors(self, entry: YamlMap, ocr_edits: int) -> tuple[str, ...]:
        """Words one of which every match of a literal phrase contains (see _anchors_of for
        a declarative rule's)."""
        phrases = entry.get("phrases", [entry.get("phrase")] if "phrase" in entry else [])
        if not is_string_list(phrases) or not phrases:
            return ()
        anchors: list[str] = []
        for phrase in phrases:
            long_words = [w.upper() for w in phrase.split() if len(w) >= 4 and w.isalpha()]
            if len(long_words) <= ocr_edits:
                return ()  # this phrase could match with none of them intact
            anchors.extend(long_words)
        return tuple(dict.fromkeys(anchors))

    def _patterns(self, path: str, entry: YamlMap, rule_id: str | None, ocr_edits: int
                  ) -> tuple[list[str], list[Position]]:
        given = [key for key in ("pattern", "patterns", "phrase", "phrases") if key in entry]
        if len(given) > 1:
            self.problem(path, entry.value_where(given[1]), f"marking '{rule_id}': give one of "
                         "'pattern', 'patterns', 'phrase' or 'phrases'")
        if given and given[0] in ("phrase", "phrases"):
            phrases = entry[given[0]]
            phrases = [phrases] if isinstance(phrases, str) else phrases
            if not is_string_list(phrases) or not phrases or not all(p.split() for p in phrases):
                self.problem(path, entry.value_where(given[0]),
                             f"marking '{rule_id}': '{given[0]}' is text, or a list of texts")
                return [], []
            lines = ([phrases.where(i) for i in range(len(phrases))]
                     if isinstance(phrases, YamlList)
                     else [entry.value_where(given[0])] * len(phrases))
            return [phrase_pattern(p, ocr_edits) for p in phrases], lines
        if "pattern" in entry:
            if isinstance(entry["pattern"], str) and entry["pattern"]:
                return [entry["pattern"]], [entry.value_where("pattern")]
            self.problem(path, entry.value_where("pattern"),
                         f"marking '{rule_id}': 'pattern' must be a regular expression")
            return [], []
        patterns = entry.get("patterns")
        if isinstance(patterns, YamlList) and patterns and is_string_list(patterns):
            return list(patterns), [patterns.where(i) for i in range(len(patterns))]
        self.problem(path, entry.value_where("patterns") if "patterns" in entry
                     else (entry.line, entry.column),
                     f"marking '{rule_id}': needs a 'pattern' or a non-empty list of 'patterns'")
        return [], []

    def _expand(self, path: str, line: Position, rule_id: str | None, pattern: str,
                vocabularies: Mapping[str, Vocabulary], ocr_edits: int) -> str | None:
        missing = [m.group(1) for m in _VOCABULARY_REFERENCE.finditer(pattern)
                   if m.group(1) not in vocabularies]
        if missing:
            self.problem(path, line, f"marking '{rule_id}': pattern uses unknown vocabulary "
                         f"{{{{{missing[0]}}}}} (defined: {', '.join(sorted(vocabularies))})")
            return None
        return _VOCABULARY_REFERENCE.sub(
            lambda m: vocabularies[m.group(1)].pattern(ocr_edits), pattern
        )

    def _compile(self, path: str, line: Position, rule_id: str | None, pattern: str,
                 flags: int, checked: bool = True) -> regex.Pattern[str] | None:
        """The compiled pattern, or None after reporting why it is refused; `checked` also
        refuses a pattern that can backtrack exponentially."""
        try:
            done = compile_pattern(pattern, flags)
        except regex.error as error:
            where = f" at position {error.pos}" if error.pos is not None else ""
            self.problem(path, line, f"marking '{rule_id}': bad regular expression: "
                         f"{error.msg}{where}")
            return None
        if checked and not self._known(pattern, flags) and self._refuse_backtracking(
                path, line, rule_id, pattern, flags):
            return None
        self.compiled.append((pattern, flags))
        return done

    def _known(self, pattern: str, flags: int) -> bool:
        return self.store is not None and self.store.known_before(pattern, flags)

    def _refuse_backtracking(self, path: str, line: Position, rule_id: str | None,
                             pattern: str, flags: int) -> bool:
        """Report a pattern that can backtrack exponentially (`(a+)+`); True if it was one.
        Checked on the pattern as written, word lists unexpanded: their terms are plain."""
        from markaudit.engine.backtrack import catastrophic

        danger = catastrophic(pattern, case_sensitive=not flags & regex.IGNORECASE)
        if danger is not None:
            self.problem(path, line, f"marking '{rule_id}': {danger}")
        return danger is not None

    def _fields(self, path: str, entry: YamlMap, rule_id: str | None, groups: set[str],
                vocabularies: Mapping[str, Vocabulary], compiled: bool) -> list[FieldSpec]:
        section = entry.get("fields", YamlMap())
        if not isinstance(section, YamlMap):
            self.problem(path, entry.value_where("fields"), f"marking '{rule_id}': 'fields' maps a "
                         "field name to a parser, or to {group, parse}")
            return []
        specs: list[FieldSpec] = []
        for name, spec in section.items():
            line = section.value_where(name)
            if isinstance(spec, str):
                group, parser = str(name), spec
            elif isinstance(spec, YamlMap) and set(spec) <= {"group", "parse"}:
                group, parser = str(spec.get("group", name)), str(spec.get("parse", "text"))
            else:
                self.problem(path, line, f"marking '{rule_id}': field '{name}' must name a "
                             "parser, or be {group, parse}")
                continue
            resolved = resolve_parser(parser)
            if resolved is None:
                self.problem(path, line, f"marking '{rule_id}': field '{name}' uses unknown "
                             f"parser '{parser}' (known: {PARSER_HELP})")
                continue
            parse, needed = resolved
            if needed and needed not in vocabularies:
                source = "'levels'" if needed == "level" else f"vocabulary '{needed}'"
                self.problem(path, line, f"marking '{rule_id}': parser '{parser}' needs "
                             f"{source}, which no rule file defines")
                continue
            if compiled and group not in groups:
                self.problem(path, line, f"marking '{rule_id}': field '{name}' reads group "
                             f"'{group}', which no pattern captures (?P<{group}>...)")
                continue
            specs.append(FieldSpec(str(name), group, parser, parse))
        return specs

    def _regex_list(self, path: str, entry: YamlMap, rule_id: str | None,
                    flags: int, key: str) -> list[regex.Pattern[str]]:
        exclude = entry.get(key, [])
        if isinstance(exclude, str):
            exclude = YamlList([exclude])
            (exclude.line, exclude.column), exclude.item_lines = entry.value_where(key), []
        if not is_string_list(exclude):
            self.problem(path, entry.value_where(key),
                         f"marking '{rule_id}': '{key}' is a list of regular expressions")
            return []
        compiled = []
        for index, pattern in enumerate(exclude):
            line = exclude.where(index) if isinstance(exclude, YamlList) else entry.where(key)
            if done := self._compile(path, line, rule_id, pattern, flags):
                compiled.append(done)
        return compiled

    def _check(self, path: str, entry: YamlMap, marking_ids: set[str], levels: list[str],
               seen: dict[str, str]) -> CheckRule | None:
        problems_before = len(self.problems)
        rule_id = self._identity(path, entry, seen)
        check_type = entry.get("type")
        module = CHECK_TYPES.get(check_type) if isinstance(check_type, str) else None
        if module is None:
            self.problem(path, entry.value_where("type"), f"check '{rule_id}': unknown check type "
                         f"'{check_type}' (known: {', '.join(CHECK_TYPES)})")
            return None
        allowed = (*CHECK_KEYS, *module.OPTIONS)
        for key in entry:
            if key not in allowed:
                self.problem(path, entry.where(key), f"check '{rule_id}': unknown key '{key}' "
                             f"for type {check_type} (expected one of: {', '.join(allowed)})")
        refused = set()
        for key, spec in spec_tables.CHECK_KEYS.items():
            if key in entry and (error := spec.problem(entry[key])):
                self.problem(path, entry.value_where(key), f"check '{rule_id}': '{key}' {error}")
                refused.add(key)
        severity = entry.get("severity", "warning")
        message = entry.get("message", module.MESSAGE)
        names = placeholders(message) if isinstance(message, str) else None
        allowed_names = set(module.PLACEHOLDERS) | {"page", "line", "id"}
        if names is None:
            self.problem(path, entry.value_where("message"),
                         f"check '{rule_id}': 'message' must be text with {{placeholders}}")
        elif unknown := sorted(names - allowed_names):
            self.problem(path, entry.value_where("message"), f"check '{rule_id}': message uses "
                         f"unknown placeholder {{{unknown[0]}}} (known: "
                         f"{', '.join(sorted(allowed_names))})")
        whole_file = entry.get("whole_file", False) if "whole_file" not in refused else False
        options: dict[str, Any] = {}
        for key, option in module.OPTIONS.items():
            if key not in entry:
                if option.required:
                    self.problem(path, (entry.line, entry.column), f"check '{rule_id}': type "
                                 f"{check_type} needs "
                                 f"'{key}' ({option.help})")
                options[key] = option.default
                continue
            value, error = option_value(option, entry[key], marking_ids, levels)
            if error:
                self.problem(path, entry.value_where(key), f"check '{rule_id}': '{key}' {error}")
            options[key] = value
        if len(self.problems) > problems_before or rule_id is None:
            return None
        return CheckRule(id=rule_id, type=str(check_type),
                         description=str(entry.get("description", "")), severity=str(severity),
                         message=str(message), options=options, source=f"{path}:{entry.line}",
                         whole_file=whole_file is True)


def phrase_pattern(phrase: str, ocr_edits: int = 0) -> str:
    """A literal phrase as a pattern: its words in order, any spacing or line break between."""
    words = r"\s+".join(regex.escape(word) for word in phrase.split())
    budget = f"{{e<={ocr_edits}}}" if ocr_edits > 0 else ""
    return rf"(?<!\w)(?:{words}){budget}(?!\w)"


def _as_written(value: Any) -> tuple[str, ...]:
    """A declarative rule's phrase, stamp lines or banner shapes, one a line, for `explain`."""
    items = value if isinstance(value, list) else [value]
    return tuple(_placed(item) if isinstance(item, dict) and "phrase" in item
                 else " ".join(f"{k}: {v}" for k, v in item.items()) if isinstance(item, dict)
                 else str(item) for item in items)


def _placed(item: dict[str, Any]) -> str:
    """A phrase that sets its own placement, as written: `IMPDET  (ocr_edits: 0)`."""
    place = ", ".join(f"{k}: {str(v).lower() if isinstance(v, bool) else v}"
                      for k, v in item.items() if k != "phrase")
    return f"{item['phrase']}  ({place})"


def _example_places(entry: YamlMap) -> dict[str, tuple[tuple[int, int | None], ...]]:
    """Where each example of a marking stands in its file."""
    examples = entry.get("examples")
    if not isinstance(examples, YamlMap):
        return {}
    places = {}
    for key, texts in examples.items():
        if isinstance(texts, YamlList):
            places[str(key)] = tuple(texts.where(i) for i in range(len(texts)))
        elif isinstance(texts, list):
            places[str(key)] = tuple(examples.value_where(key) for _ in texts)
    return places


def _anchors_of(anchor_sets: list[list[str] | None]) -> tuple[str, ...]:
    """Words one of which every match of the rule contains: each phrase's anchor words; none
    at all where one phrase has none (it could match without any)."""
    if not anchor_sets or any(words is None for words in anchor_sets):
        return ()
    return tuple(dict.fromkeys(w for words in anchor_sets if words for w in words))


def _produced_fields(entry: YamlMap) -> set[str]:
    """The fields a marking rule gives its markings: parsed (`fields`) and fixed (`set`)."""
    return {str(name) for key in ("fields", "set") if isinstance(entry.get(key), dict)
            for name in entry[key]}
