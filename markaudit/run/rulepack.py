"""A rule pack as data: the names and texts of its files, to load it where the files are not.

Workers on other machines (a Dask cluster) may not have the rule files the user named, or may
have other versions of them. The client sends the texts it loaded; each worker parses them once
and keeps the result under the pack's digest, so a long run parses the pack once per process.
The loaded pack is the one the client loaded: same file names, same digest, same cache keys.
"""

from __future__ import annotations

from dataclasses import dataclass

from markaudit.engine.rules import RuleSet, load_rule_texts


@dataclass(frozen=True, slots=True)
class RulePack:
    """The files of a rule pack as (name, text) pairs, in load order, and the pack's digest."""

    digest: str
    files: tuple[tuple[str, str], ...]


def pack_of(rules: RuleSet) -> RulePack:
    """The texts of the files `rules` was loaded from, as the loader read them."""
    return RulePack(rules.digest, rules.texts)


def parse(pack: RulePack) -> RuleSet:
    """Load a pack from its texts, as `load_rules` loads it from its files."""
    return load_rule_texts(pack.files)


# One entry per pack this process has been sent; a worker serves one run, or a few.
_loaded: dict[str, RuleSet] = {}


def load(pack: RulePack) -> RuleSet:
    """The parsed pack, parsed at most once per process."""
    rules = _loaded.get(pack.digest)
    if rules is None:
        rules = _loaded[pack.digest] = parse(pack)
    return rules
