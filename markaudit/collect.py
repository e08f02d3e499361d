"""Which files a run audits: the paths given, folders walked, patterns applied.

Folders are walked recursively in sorted order, so a run's report is the same on every machine.
`--include`/`--exclude` take gitignore-style patterns (via pathspec, as black and yamllint do),
matched against a file's path relative to the folder given. Files named directly are always
audited, as in ruff: the user asked for them. A file reached twice (the same folder given twice,
a symlink to a file already seen) is audited once, and a symlink loop is never followed round.
A URL (`s3://bucket/prefix/`) is listed the same way through fsspec, in `markaudit.storage`.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pathspec import GitIgnoreSpec


# Text, PDF text layers, ALTO (`.xml`) and hOCR (`.hocr`; hOCR saved as `.html` is read when
# named or with --extensions html). In a folder, an `.xml` file that is not ALTO (METS, Dublin
# Core, a finding aid) is passed over: it is the collection's metadata, not a document. Named on
# the command line, it is listed as not audited.
DEFAULT_EXTENSIONS = ("txt", "md", "pdf", "xml", "hocr")
STDIN = "-"
STDIN_NAME = "<stdin>"


@dataclass(frozen=True, slots=True)
class Source:
    """One file to audit, and the top-level folder (below the folder given) it was found in."""

    path: str
    folder: str = "."

    @property
    def name(self) -> str:
        """The name its report carries: the path as given, `<stdin>` for standard input."""
        return STDIN_NAME if self.path == STDIN else self.path


class Selection:
    """What to pick from the folders walked: extensions, then include and exclude patterns."""

    def __init__(self, extensions: Sequence[str] = DEFAULT_EXTENSIONS,
                 include: Sequence[str] = (), exclude: Sequence[str] = ()) -> None:
        self.extensions = tuple(extensions)
        # Compiled once here, so that a bad pattern fails before anything is read; pathspec is
        # imported only for patterns (a hook run on one file has none).
        self._include = _spec(include) if include else None
        self._exclude = _spec(exclude) if exclude else None

    def wants(self, relative: str) -> bool:
        """True if a file found at `relative` (to the folder walked) is to be audited."""
        name = relative.rsplit("/", 1)[-1]
        suffix = name.rsplit(".", 1)[-1].lower() if "." in name else ""
        if suffix not in self.extensions:
            return False
        if self._include is not None and not self._include.match_file(relative):
            return False
        return self._exclude is None or not self._exclude.match_file(relative)

    def skips_folder(self, relative: str) -> bool:
        """True if a whole folder is excluded (`drafts/`): it is not walked at all."""
        return self._exclude is not None and self._exclude.match_file(relative + "/")


def _spec(patterns: Sequence[str]) -> GitIgnoreSpec:
    from pathspec import GitIgnoreSpec

    return GitIgnoreSpec.from_lines(patterns)


def parse_extensions(text: str) -> tuple[str, ...]:
    """'txt, .md' -> ('txt', 'md')."""
    return tuple(e.strip().lstrip(".").lower() for e in text.split(",") if e.strip())


def collect(paths: Sequence[str | Path], selection: Selection | None = None) -> Iterator[Source]:
    """The files to audit, in order: each given path in turn, folders walked in sorted order."""
    selection = selection or Selection()
    seen: set[tuple[int, int]] = set()
    urls_seen: set[str] = set()
    for given in paths:
        if str(given) == STDIN:
            yield Source(STDIN)
            continue
        if isinstance(given, str) and "://" in given:
            from markaudit.storage import collect_url, is_url  # fsspec only when a URL is given

            if is_url(given):
                yield from collect_url(given, selection, urls_seen)
                continue
        path = Path(given)
        if path.is_dir():
            yield from _walk(path, selection, seen)
        elif _first_visit(path, seen):
            # Missing or unreadable files are yielded too: the report lists them with the reason.
            yield Source(str(given))


def _first_visit(path: Path, seen: set[tuple[int, int]]) -> bool:
    try:
        status = path.stat()
    except OSError:
        return True
    key = (status.st_dev, status.st_ino)
    if key in seen:
        return False
    seen.add(key)
    return True


def _is_document(path: str) -> bool:
    if not path.lower().endswith(".xml"):
        return True
    from markaudit.read.formats import is_alto  # only for .xml files: it loads the XML readers

    return is_alto(path)


def _walk(root: Path, selection: Selection, seen: set[tuple[int, int]]) -> Iterator[Source]:
    folders_seen: set[tuple[int, int]] = set()

    def walk(folder: Path) -> Iterator[Source]:
        if not _first_visit(folder, folders_seen):
            return  # a symlink loop, or a folder reached twice
        try:
            entries = sorted(os.scandir(folder), key=lambda e: e.name)
        except OSError:
            return
        for entry in entries:
            relative = Path(entry.path).relative_to(root).as_posix()
            try:
                is_dir = entry.is_dir()
            except OSError:
                continue
            if is_dir:
                if not selection.skips_folder(relative):
                    yield from walk(Path(entry.path))
            elif (selection.wants(relative) and _is_document(entry.path)
                  and _first_visit(Path(entry.path), seen)):
                top = relative.split("/", 1)[0] if "/" in relative else "."
                yield Source(entry.path, top)

    yield from walk(root)
