"""Which files a run audits: the paths given, folders walked, patterns applied.

Folders are walked recursively in sorted order, so a run's report is the same on every machine.
`--include`/`--exclude` take gitignore-style patterns (via pathspec, as black and yamllint do),
matched against a file's path relative to the folder given. Like ruff, a walk skips
version-control folders (.git, .hg, .svn) and caches: any folder holding a CACHEDIR.TAG (as
markaudit's own .markaudit_cache/ does). A path named directly, file or folder, is always
audited, as in ruff: the user asked for it (unless `force-exclude` is on, as the pre-commit
hook turns it on: then exclude patterns apply to named files too). A file reached twice (the
same folder given twice, a symlink to a file already seen, `-` given twice) is audited once; a
folder symlink loop is never followed round, and a file symlink loop is listed as not audited,
with the reason, as a dangling symlink is. A URL (`s3://bucket/prefix/`) is listed the same way
through fsspec, in `markaudit.run.storage`.

Only regular files are read from a walk: a named pipe, device or socket there is listed as not
audited, unread (a pipe may never be written to, /dev/zero never ends). A symlink leading
outside the folder walked (`passwd.txt -> /etc/passwd`) is not followed either, as ripgrep and
ruff do not: it is listed with the reason, unless `--follow-links` says to follow it.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator, Sequence
from dataclasses import replace
from pathlib import Path, PurePath

from markaudit.run.sources import STDIN, STDIN_NAME, Selection, Source

VCS_FOLDERS = frozenset({".git", ".hg", ".svn"})
# https://bford.info/cachedir/: a tag is a cache's only if it opens with this signature, so that
# a note that happens to carry the name hides no documents.
CACHEDIR_TAG = "CACHEDIR.TAG"
CACHEDIR_SIGNATURE = b"Signature: 8a477f597d28d172789f06886806bc55"


def parse_extensions(text: str) -> tuple[str, ...]:
    """'txt, .md' -> ('txt', 'md')."""
    return tuple(e.strip().lstrip(".").lower() for e in text.split(",") if e.strip())


def collect(paths: Sequence[str | Path], selection: Selection | None = None,
            follow_links: bool = False,
            force_exclude_from: Path | None = None) -> Iterator[Source]:
    """The files to audit, in order: each given path in turn, folders walked in sorted order.

    `follow_links` follows symlinks that lead outside the folder walked. With
    `force_exclude_from` (a folder: the configuration's), a file named directly is left out
    too when the exclude patterns name its path relative to that folder, as ruff's
    `--force-exclude` does for the files pre-commit names.
    """
    selection = selection or Selection()
    seen: set[tuple[int, int]] = set()
    urls_seen: set[str] = set()
    # With several paths, rows of --group-by folder carry the path given: otherwise the top of
    # every folder given would be one row ".", and c/jfk/box1 one row with c/state/box1.
    several = len(paths) > 1
    stdin_read = False
    for given in paths:
        if str(given) == STDIN:
            if not stdin_read:  # a second read would find it empty
                stdin_read = True
                yield Source(STDIN, STDIN_NAME if several else ".")
            continue
        if isinstance(given, str) and "://" in given:
            from markaudit.run.storage import collect_url, is_url  # fsspec only when a URL is given

            if is_url(given):
                for source in collect_url(given, selection, urls_seen):
                    yield replace(source, folder=_url_row(given, source)) if several else source
                continue
        path = Path(given)
        if path.is_dir():
            yield from _walk(path, selection, seen, PurePath(given) if several else None,
                             follow_links)
        elif force_exclude_from is not None and selection.excludes(
                _relative(path, force_exclude_from)):
            continue
        elif _first_visit(path, seen):
            # Missing or unreadable files are yielded too: the report lists them with the reason.
            yield Source(str(given), PurePath(given).parent.as_posix() if several else ".")


def _relative(path: Path, root: Path) -> str:
    """`path` relative to `root` with forward slashes; as given when it lies outside."""
    try:
        return Path(os.path.abspath(path)).relative_to(os.path.abspath(root)).as_posix()
    except ValueError:
        return path.as_posix()


def _url_row(url: str, source: Source) -> str:
    """The --group-by folder row of an object listed from a URL, when several paths are given."""
    if source.path == url:  # an object named directly
        return url.rsplit("/", 1)[0]
    base = url.rstrip("/")
    return base if source.folder == "." else f"{base}/{source.folder}"


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
    from markaudit.read.formats import is_xml_document  # only for .xml: it loads the XML readers

    return is_xml_document(path)


def _is_cache(entries: Sequence[os.DirEntry[str]]) -> bool:
    tag = next((e for e in entries if e.name == CACHEDIR_TAG), None)
    if tag is None:
        return False
    try:
        with open(tag.path, "rb") as stream:
            return stream.read(len(CACHEDIR_SIGNATURE)) == CACHEDIR_SIGNATURE
    except OSError:
        return False


def _is_folder(entry: os.DirEntry[str]) -> bool:
    try:
        return entry.is_dir()
    except OSError:
        # A symlink loop, or a target that cannot be examined: taken as a file, so that the
        # report lists it with the reason instead of leaving it out.
        return False


def _outside(entry: os.DirEntry[str], root: str) -> bool:
    """True for a symlink whose target (after every link on the way) is not below `root`."""
    if not entry.is_symlink():
        return False
    target = os.path.realpath(entry.path)
    try:
        return os.path.commonpath([target, root]) != root
    except ValueError:  # on another drive (Windows)
        return True


def _not_regular(entry: os.DirEntry[str]) -> str | None:
    """Why a file found in a walk is not read (a pipe, a device, a socket); None to read it."""
    try:
        mode = entry.stat().st_mode
    except OSError:
        return None  # a dangling link or a loop: reading it says so
    if stat.S_ISREG(mode):
        return None
    from markaudit.read.text import not_regular

    return not_regular(mode)


def _walk(root: Path, selection: Selection, seen: set[tuple[int, int]],
          label: PurePath | None, follow_links: bool = False) -> Iterator[Source]:
    """The files below `root`; `label` is the folder as given, prefixed to --group-by rows."""
    folders_seen: set[tuple[int, int]] = set()
    real_root = os.path.realpath(root)

    def row(relative: str) -> str:
        top = relative.split("/", 1)[0] if "/" in relative else "."
        return top if label is None else (label / top).as_posix()

    def outside(entry: os.DirEntry[str], what: str) -> Source:
        target = os.path.realpath(entry.path)
        return Source(entry.path, row(Path(entry.path).relative_to(root).as_posix()), refused=(
            f"symlink to a {what} outside the folder walked ({target}), not followed; "
            "--follow-links follows it"))

    def walk(folder: Path) -> Iterator[Source]:
        if not _first_visit(folder, folders_seen):
            return  # a symlink loop, or a folder reached twice
        try:
            entries = sorted(os.scandir(folder), key=lambda e: e.name)
        except OSError:
            return
        if folder != root and _is_cache(entries):
            return  # a cache holds entries, not documents (the folder given is still walked)
        for entry in entries:
            relative = Path(entry.path).relative_to(root).as_posix()
            leaves = not follow_links and _outside(entry, real_root)
            if _is_folder(entry):
                if entry.name in VCS_FOLDERS or selection.skips_folder(relative):
                    continue
                if leaves:
                    yield outside(entry, "folder")
                else:
                    yield from walk(Path(entry.path))
            elif not selection.wants(relative):
                continue
            elif leaves:
                yield outside(entry, "file")
            elif (refused := _not_regular(entry)) is not None:
                yield Source(entry.path, row(relative), refused=refused)
            elif _is_document(entry.path) and _first_visit(Path(entry.path), seen):
                yield Source(entry.path, row(relative))

    yield from walk(root)
