"""What a run audits, as data: a source (a file, a URL or standard input) and the selection of
files in the folders walked. Both the folder walk (run/collect.py) and object storage
(run/storage.py) make sources: they share these types without importing each other."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pathspec import GitIgnoreSpec


# Text, PDF, page images (read by OCR), ALTO (`.xml`) and hOCR (`.hocr`; hOCR saved as `.html`
# is read when named or with --extensions html). In a folder, an `.xml` file that is not ALTO
# (METS, Dublin Core, a finding aid) is passed over: it is the collection's metadata, not a
# document. Named on the command line, it is listed as not audited.
DEFAULT_EXTENSIONS = ("txt", "md", "pdf", "xml", "hocr", "png", "jpg", "jpeg", "tif", "tiff")
STDIN = "-"
STDIN_NAME = "<stdin>"

@dataclass(frozen=True, slots=True)
class Source:
    """One file to audit, and the top-level folder (below the folder given) it was found in."""

    path: str
    folder: str = "."
    """Its row in `--group-by folder`: the folder given and, for a file deeper down, the first
    subfolder below it (`c/jfk`, `c/jfk/box1`). A file named directly counts in the folder it is
    in (`c/seed/a.txt` in `c/seed`), standard input in `<stdin>`. With one path given, rows are
    named relative to it: `box1`, and `.` for the files at its top (or a file named alone)."""
    refused: str | None = None
    """Why the walk lists it without it being read (a pipe, a symlink out of the folder)."""

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

    def excludes(self, relative: str) -> bool:
        """True if the exclude patterns name `relative`, or a folder it is in."""
        return self._exclude is not None and self._exclude.match_file(relative)

    def skips_folder(self, relative: str) -> bool:
        """True if a whole folder is excluded (`drafts/`): it is not walked at all."""
        return self._exclude is not None and self._exclude.match_file(relative + "/")


def _spec(patterns: Sequence[str]) -> GitIgnoreSpec:
    from pathspec import GitIgnoreSpec

    return GitIgnoreSpec.from_lines(patterns)
