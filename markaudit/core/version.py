"""The version of markaudit: cache keys, reports and `--version` carry it."""

__version__ = "0.1.0"
