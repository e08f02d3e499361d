"""The page-layout table: the marking words that tell where a page of plain text ends.

Text without form feeds is split into pages by its shape (page numbers, running lines; see
read/pages.py), and by three kinds of marking knowledge, which this table declares:

- `banner_words`: the level words a page's banner is made of, so that two pages OCR ran
  together are split between one page's foot banner and the next page's head banner;
- `foot_legends`: the legend a printed form carries at the foot of every page, so that the
  next page starts below it;
- `forms`: a cover form filled in field by field, its last field (`last_field`) with a field
  filled in with a date (`dated_field`) a few lines above it, so that the record's first page
  starts below the last field's value.

The defaults are the US knowledge markaudit has always had; the rule pack declares the same in
rules/layout.yaml, and a pack's `page_layout:` (engine/rules.py) replaces each list it names.
The table is plain data, made by the engine and read by the readers, which never import the
engine.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class RecordForm:
    """A cover form's page end: its last field, and a field above it filled in with a date."""

    last_field: str
    dated_field: str


@dataclass(frozen=True, slots=True)
class PageLayout:
    """The words and forms a page split reads; hashable, so that its patterns are compiled
    once per layout (read/pages.py)."""

    # Levels, in capitals; a level of several words is also read run together ("TOPSECRET").
    banner_words: tuple[str, ...] = ("TOP SECRET", "SECRET", "CONFIDENTIAL")
    # The CIA's message forms, beside the copy number.
    foot_legends: tuple[str, ...] = ("REPRODUCTION BY OTHER THAN THE ISSUING OFFICE",)
    # The JFK collection's Record Identification Form, "COMMENTS" last.
    forms: tuple[RecordForm, ...] = (RecordForm("COMMENTS", "DATE OF LAST REVIEW"),)


DEFAULT_LAYOUT = PageLayout()
