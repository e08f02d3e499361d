"""The windows a rule with anchor words searches (engine/detect.py `_windows`): the same
stretches as one window per occurrence, merged, found with work that grows with the text, not
with the text times the occurrences (a fuzzed 400 KB line of repeated anchors took 13 s)."""

from __future__ import annotations

import random

import pytest

from markaudit.engine.detect import WINDOW_AFTER, WINDOW_BEFORE, _windows


def _one_per_occurrence(upper: str, anchors: tuple[str, ...]) -> list[tuple[int, int]]:
    spans = []
    for anchor in anchors:
        at = upper.find(anchor)
        while at >= 0:
            start = upper.rfind("\n", 0, max(at - WINDOW_BEFORE, 0)) + 1
            end = upper.find("\n", at + len(anchor) + WINDOW_AFTER)
            spans.append((start, len(upper) if end < 0 else end))
            at = upper.find(anchor, at + 1)
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


@pytest.mark.parametrize("seed", range(30))
def test_the_windows_are_those_of_every_occurrence_merged(seed: int) -> None:
    chance = random.Random(seed)
    pieces = ["SECRET", "CLASS", "BY", " ", "\n", "x" * chance.choice((1, 50, 400, 900))]
    upper = "".join(chance.choice(pieces) for _ in range(chance.randrange(1, 400)))
    anchors = tuple(chance.sample(["SECRET", "CLASS", "BY", "ET"], chance.randrange(1, 4)))
    assert _windows(upper, anchors) == _one_per_occurrence(upper, anchors)


class _Counting(str):
    """A page's text that counts the characters searched backwards for line breaks."""

    backwards = 0

    def rfind(self, sub: str, start: int = 0, end: int | None = None) -> int:  # type: ignore[override]
        _Counting.backwards += (len(self) if end is None else end) - start
        return super().rfind(sub, start, end)


def test_a_long_line_of_repeated_anchors_is_not_searched_once_per_occurrence() -> None:
    line = "SECRET CLASSIFIED BY " * 20_000  # 420 KB, one line, 60,000 occurrences
    upper = _Counting("HEADER\n" + line + "\nFOOTER\n")
    _Counting.backwards = 0
    windows = _windows(upper, ("SECRET", "CLASS", "BY"))
    searches = _Counting.backwards
    assert windows == _one_per_occurrence(str(upper), ("SECRET", "CLASS", "BY"))
    # about the text once per anchor, not once per occurrence (60,000 times before)
    assert searches <= 3 * len(upper)
