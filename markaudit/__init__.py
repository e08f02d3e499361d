"""markaudit: audit classification and declassification markings in archival document text.

    >>> import markaudit
    >>> report = markaudit.audit_paths(["memo.txt"])
    >>> report.documents[0].classification
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from markaudit.core.version import __version__

__all__ = ["Report", "__version__", "audit_paths", "audit_text"]

if TYPE_CHECKING:
    from markaudit.core.model import Report
    from markaudit.run.audit import audit_text
    from markaudit.run.source import audit_paths


def __getattr__(name: str) -> Any:
    # Imported on first use, so that `import markaudit` (and a pre-commit run) starts fast.
    if name == "audit_paths":
        from markaudit.run.source import audit_paths

        return audit_paths
    if name == "audit_text":
        from markaudit.run.audit import audit_text

        return audit_text
    if name == "Report":
        from markaudit.core.model import Report

        return Report
    raise AttributeError(f"module 'markaudit' has no attribute {name!r}")
