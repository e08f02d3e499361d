"""Documents named by URL (`s3://bucket/prefix/`, `gs://…`, `file://…`), through fsspec.

Local paths never come here, so a run without a URL never imports fsspec. A URL is listed like a
folder (the same extensions, include and exclude patterns, sorted order, top-level folder for
`--group-by`) and its objects are read into bytes for the same readers as files on disk. Reports
keep the URL as the user wrote it. Credentials are those fsspec's backends find themselves (for
S3: `AWS_*` variables, `~/.aws/`, an instance role), never options on the command line.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from markaudit.core.errors import InputError, MarkauditError
from markaudit.read.text import unreadable

if TYPE_CHECKING:
    from markaudit.run.sources import Selection, Source

# A scheme of two letters or more: `C:\docs` is a Windows path, not a URL.
_URL = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]+://")
# Which extra brings the backend of a scheme, for the message when it is missing.
EXTRAS = {"s3": "s3", "s3a": "s3", "gs": "gcs", "gcs": "gcs"}
_HEAD = 4096


def is_url(path: str) -> bool:
    """True for `scheme://…` names, which are read through fsspec."""
    return bool(_URL.match(path))


def _extra(url: str) -> str:
    return EXTRAS.get(url.split("://", 1)[0].lower(), "s3")


def filesystem(url: str) -> tuple[Any, str]:
    """(the fsspec filesystem of `url`, the path in it), or MarkauditError in one line."""
    try:
        import fsspec.core
    except ImportError:
        raise MarkauditError(f"{url}: reading URLs needs the {_extra(url)} extra: pip install "
                             f"'markaudit[{_extra(url)}]'") from None
    try:
        return fsspec.core.url_to_fs(url)
    except ImportError:  # fsspec is there, the backend of this scheme (s3fs, gcsfs) is not
        raise MarkauditError(f"{url}: reading this URL needs the {_extra(url)} extra: pip "
                             f"install 'markaudit[{_extra(url)}]'") from None
    except ValueError as error:
        if "Protocol not known" in str(error):
            scheme = url.split("://", 1)[0]
            raise MarkauditError(f"{url}: unknown URL scheme '{scheme}' (use s3://, gs://, "
                                 "file:// or a local path)") from None
        raise MarkauditError(f"{url}: {_one_line(error)}") from None


def _one_line(error: BaseException) -> str:
    text = " ".join(str(error).split()) or type(error).__name__
    return text if len(text) <= 300 else text[:297] + "..."


def collect_url(url: str, selection: Selection, seen: set[str]) -> Iterator[Source]:
    """The objects a URL names: itself if it is an object, else everything below it, walked
    as `collect` walks a folder. A bucket or server that cannot be reached is MarkauditError."""
    from markaudit.run.sources import Source

    fs, root = filesystem(url)
    try:
        is_folder = url.endswith("/") or fs.isdir(root)
        if not is_folder:
            if not fs.exists(root):
                _check_container(fs, root, url)
            if url not in seen:
                seen.add(url)
                yield Source(url)  # missing: the report says so, as for a missing file
            return
        _check_container(fs, root, url)
        found = fs.find(root, withdirs=False)
    except MarkauditError:
        raise
    except Exception as error:  # each backend raises its own kinds
        raise MarkauditError(f"{url}: cannot list: {_one_line(error)}") from None
    base = root.rstrip("/")
    relatives = []
    for path in found:
        if not path.startswith(base + "/") or path.endswith("/"):
            continue  # a folder marker object, or the prefix itself
        relatives.append(path[len(base) + 1:])
    prefix = url.rstrip("/")
    for relative in sorted(relatives, key=lambda r: r.split("/")):
        parts = relative.split("/")
        if any(selection.skips_folder("/".join(parts[:i])) for i in range(1, len(parts))):
            continue
        if not selection.wants(relative):
            continue
        full = f"{prefix}/{relative}"
        if relative.lower().endswith(".xml") and not _is_alto(fs, f"{base}/{relative}", full):
            continue
        if full in seen:
            continue
        seen.add(full)
        yield Source(full, parts[0] if len(parts) > 1 else ".")


def _check_container(fs: Any, root: str, url: str) -> None:
    """Refuse a bucket that does not exist (a typo), rather than report an empty collection."""
    bucket = root.strip("/").split("/", 1)[0]
    if not bucket or getattr(fs, "protocol", None) in ("file", ("file", "local")):
        if not fs.exists(root):
            raise MarkauditError(f"{url}: no such file or folder")
        return
    if not fs.exists(bucket):
        raise MarkauditError(f"{url}: bucket '{bucket}' not found (or not visible with these "
                             "credentials)")


def _is_alto(fs: Any, path: str, url: str) -> bool:
    from markaudit.read.formats import input_format

    try:
        with fs.open(path, "rb") as stream:
            head = stream.read(_HEAD)
    except Exception:  # unreadable: the audit says why
        return True
    return input_format(head, url) in ("alto", "tei")


def size(url: str) -> int:
    """An object's size in bytes; 0 when it cannot be told (reading it then says why)."""
    try:
        fs, path = filesystem(url)
        return int(fs.size(path) or 0)
    except Exception:
        return 0


def read_bytes(url: str) -> bytes:
    """An object's bytes, or InputError with the reason in a user's words."""
    try:
        fs, path = filesystem(url)
    except MarkauditError as error:
        raise InputError(url, str(error).removeprefix(f"{url}: ")) from None
    try:
        return fs.cat_file(path)
    except (FileNotFoundError, IsADirectoryError, PermissionError) as error:
        raise unreadable(url, error) from None
    except Exception as error:  # a network or backend error costs this file only
        raise InputError(url, f"cannot read: {_one_line(error)}") from None
