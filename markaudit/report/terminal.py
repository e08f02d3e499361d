"""Text made safe for a terminal: what a document or a file name holds cannot drive it.

Document text is OCR output and file names come from anyone: an ESC there could clear the
screen, set the window title or hide a link (OSC 8), a newline or carriage return could forge a
line of markaudit's own (`markaudit: ok.txt: ...`), and a bidirectional override could show a
line in another order than it is read. Each such character is shown as its escape (`\\x1b`,
`\\n`, `\\u202e`), so that what was there stays visible; the other formats escape the same text
in their own syntax.
"""

from __future__ import annotations

import re

# C0 controls (tab and newline included: a report line is one line), DEL, C1 controls, the
# line and paragraph separators, and the bidirectional embeddings, overrides and isolates.
_UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069]")


_NAMED = {"\t": "\\t", "\n": "\\n", "\r": "\\r"}


def _escape(match: re.Match[str]) -> str:
    character = match.group()
    if character in _NAMED:
        return _NAMED[character]
    code = ord(character)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def printable(text: str) -> str:
    """`text` with every character that could drive a terminal shown as its escape."""
    return _UNSAFE.sub(_escape, text)
