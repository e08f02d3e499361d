"""The HTML report, rendered in headless Chromium: the DOM it dumps (after the page's script ran)
is parsed and checked, so the tests see what a reader's browser sees.

The browser tests are skipped only where no Chromium is installed (`.ci/run` installs the
Debian `chromium`); the last tests read the file as written and need no browser.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

import pytest

import markaudit
from markaudit.core.model import Document, Report
from markaudit.engine.rules import load_rules
from markaudit.read import read_document
from markaudit.report import render
from markaudit.run.audit import rule_paths
from tests.conftest import FIXTURES, SEED, run_markaudit

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
NO_CHROMIUM = ("no chromium binary on PATH (Debian: apt-get install chromium); the HTML report "
               "is tested by rendering it in a real browser")

BROWSER_TIMEOUT = 60  # seconds; a render takes about one
XSS_SCRIPT = "<script>alert(1)</script>"
XSS_IMG = '"><img src=x onerror=alert(1)>'
# A marking rule and a check that copy the payload into a marking value and a finding message.
PAYLOAD_RULES = r"""
markings:
  - id: test.payload
    kind: payload
    description: a script tag, to prove marking values are escaped
    pattern: '(?P<tag><script>[^\n]*</script>)'
    fields:
      tag: text
    value: "{tag}"
checks:
  - id: test.payload-format
    type: format
    description: always fails, to prove messages are escaped
    marking: test.payload
    field: tag
    pattern: 'never'
    severity: error
"""

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
        "track", "wbr"}


@dataclass
class Element:
    tag: str
    attrs: dict[str, str | None]
    parent: Element | None = None
    children: list[Element | str] = field(default_factory=list)

    @property
    def text(self) -> str:
        return "".join(c if isinstance(c, str) else c.text for c in self.children)

    def iter(self, tag: str | None = None) -> Iterator[Element]:
        for child in self.children:
            if isinstance(child, Element):
                if tag is None or child.tag == tag:
                    yield child
                yield from child.iter(tag)

    def by_id(self, id_: str) -> Element:
        return next(e for e in self.iter() if e.attrs.get("id") == id_)

    def classes(self) -> set[str]:
        return set((self.attrs.get("class") or "").split())


class _TreeBuilder(HTMLParser):
    """Chromium's serialisation closes every non-void element, so a stack is enough."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Element("#document", {})
        self.stack = [self.root]

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        element = Element(tag, dict(attrs), self.stack[-1])
        self.stack[-1].children.append(element)
        if tag not in VOID:
            self.stack.append(element)

    def handle_endtag(self, tag: str) -> None:
        for depth in range(len(self.stack) - 1, 0, -1):
            if self.stack[depth].tag == tag:
                del self.stack[depth:]
                return

    def handle_data(self, data: str) -> None:
        self.stack[-1].children.append(data)


def parse(dom: str) -> Element:
    builder = _TreeBuilder()
    builder.feed(dom)
    builder.close()
    return builder.root


def browse(page: Path, tmp_path: Path, fragment: str = "") -> Element:
    """The DOM of `page` as Chromium holds it once its script has run."""
    if CHROMIUM is None:
        pytest.skip(NO_CHROMIUM)
    profile = tmp_path / "chromium-profile"
    command = [CHROMIUM or "chromium", "--headless", "--no-sandbox", "--disable-gpu",
               "--disable-quic", "--no-first-run", "--disable-background-networking",
               "--disable-component-update", "--disable-sync", f"--user-data-dir={profile}",
               "--virtual-time-budget=2000", "--dump-dom", page.as_uri() + fragment]
    # Its own session, so that a hang is ended with every renderer it started.
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               text=True, start_new_session=True)
    try:
        stdout, stderr = process.communicate(timeout=BROWSER_TIMEOUT)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.communicate()
        pytest.fail(f"Chromium did not finish within {BROWSER_TIMEOUT} s: an injected alert() "
                    "blocks a headless page, so markup from a document may have run")
    assert process.returncode == 0, stderr[-2000:]
    assert "</html>" in stdout, stderr[-2000:]
    return parse(stdout)


def as_read(report: Report) -> dict[str, Document]:
    """The documents of a report as the audit read them: what a run hands the HTML report."""
    return {d.path: read_document(d.path) for d in report.documents if not d.errors}


def write_report(report: Report, path: Path, extra_rules: list[Path] | None = None) -> Path:
    ruleset = load_rules(rule_paths(extra_rules or []))
    path.write_text(render(report, "html", rules=ruleset, documents=as_read(report)),
                    encoding="utf-8")
    return path


def finding_rows(dom: Element) -> list[Element]:
    body = next(dom.by_id("findings-table").iter("tbody"))
    return [row for row in body.iter("tr") if "empty" not in row.classes()]


def cells(row: Element) -> list[str]:
    return [cell.text for cell in row.iter("td")]


@pytest.fixture(scope="module")
def seed_report() -> Report:
    return markaudit.audit_paths([SEED])


@pytest.fixture(scope="module")
def seed_dom(seed_report: Report, tmp_path_factory: pytest.TempPathFactory) -> Element:
    folder = tmp_path_factory.mktemp("seed")
    return browse(write_report(seed_report, folder / "report.html"), folder)


@pytest.fixture(scope="module")
def batch(tmp_path_factory: pytest.TempPathFactory) -> tuple[Report, Path]:
    """The synthetic fixtures and a hostile document (payloads in its name, text and markings)."""
    folder = tmp_path_factory.mktemp("batch")
    hostile = folder / f"{XSS_IMG}.txt"
    hostile.write_text(
        "SECRET\n\nMEMORANDUM FOR: The Director\n\n"
        f"Subject: {XSS_SCRIPT}\n{XSS_IMG}\n{XSS_SCRIPT}{XSS_IMG}\n\nSECRET\n",
        encoding="utf-8")
    rules = folder / "payload.yaml"
    rules.write_text(PAYLOAD_RULES, encoding="utf-8")
    paths = [*sorted((FIXTURES / "synthetic").glob("*.txt")), hostile]
    report = markaudit.audit_paths(paths, rules=[rules])
    return report, write_report(report, folder / "report.html", [rules])


@pytest.fixture(scope="module")
def batch_dom(batch: tuple[Report, Path]) -> Element:
    _, page = batch
    return browse(page, page.parent)


def test_seed_table_has_one_row_per_finding(seed_report: Report, seed_dom: Element) -> None:
    rows = finding_rows(seed_dom)
    findings = seed_report.findings
    assert len(rows) == len(findings) >= 1
    assert [(c[0], c[3], c[4], c[5]) for c in map(cells, rows)] == [
        (str(SEED), f.severity, f.rule, f.message) for f in findings]
    assert not any("hidden" in row.attrs for row in rows)


def test_seed_banner_is_highlighted_in_its_text(seed_dom: Element) -> None:
    banners = [m for m in seed_dom.iter("mark")
               if "kind-banner" in m.classes() and m.attrs.get("title")]
    assert [m.text for m in banners] == ["TOP SECRET -- EYES ONLY"] * 3
    assert banners[0].attrs["title"] == "banner.classification · TOP SECRET -- EYES ONLY · 1.00"
    line = banners[0].parent
    assert line is not None and line.classes() == {"l"} and line.text == banners[0].text
    page = line.parent.parent if line.parent else None
    assert page is not None and page.attrs["id"] == "doc-1-p1"
    # one document: the script opened its section
    assert "open" in seed_dom.by_id("doc-1").attrs


def test_seed_rollup(seed_dom: Element) -> None:
    summary = seed_dom.by_id("summary")
    captions = [c.text for c in summary.iter("caption")]
    assert captions[:3] == ["Documents by overall level", "Release stamps by issuer",
                            "Findings by check"]
    tables = {t.text: t.parent for t in summary.iter("caption")}
    levels = tables["Documents by overall level"]
    assert levels is not None and [cells(r) for r in levels.iter("tr")][1:] == [["TOP SECRET", "1"]]


def test_batch_table_has_one_row_per_finding(batch: tuple[Report, Path],
                                              batch_dom: Element) -> None:
    report, _ = batch
    rows = finding_rows(batch_dom)
    assert len(rows) == len(report.findings) > 0
    sections = [e for e in batch_dom.iter("details") if "doc" in e.classes()]
    assert len(sections) == len(report.documents)
    assert batch_dom.by_id("findings-count").text == f"{len(rows)} findings"
    # every finding links to its document, and to its page or line where it has one
    ids = {e.attrs.get("id") for e in batch_dom.iter()}
    links = [a.attrs["href"] for row in rows for a in row.iter("a")]
    assert len(links) == len(rows) + sum(1 for f in report.findings if f.page)
    assert all(link.startswith("#") and link[1:] in ids for link in links)
    flagged = [e for e in batch_dom.iter("span") if "flag-error" in e.classes()]
    assert len(flagged) == len({(d.path, f.page, f.line) for d in report.documents
                                for f in d.findings if f.severity == "error" and f.line})


def test_hostile_document_stays_text(batch: tuple[Report, Path], batch_dom: Element) -> None:
    report, _ = batch
    hostile = report.documents[-1]
    assert any(f.rule == "test.payload-format" and XSS_SCRIPT in f.message
               for f in hostile.findings)
    scripts = list(batch_dom.iter("script"))
    assert len(scripts) == 1 and "alert" not in scripts[0].text
    assert not list(batch_dom.iter("img"))
    handlers = [(e.tag, name) for e in batch_dom.iter() for name in e.attrs
                if name.startswith("on")]
    assert handlers == []
    # The payloads are there, as text: in the path, the page text, a finding and a marking.
    section = batch_dom.by_id(f"doc-{len(report.documents)}")
    assert XSS_IMG in next(section.iter("summary")).text
    lines = [e.text for e in section.iter("span") if "l" in e.classes()]
    assert f"{XSS_SCRIPT}{XSS_IMG}" in lines
    payload_marks = [m for m in section.iter("mark") if "kind-payload" in m.classes()]
    assert len(payload_marks) == 2
    assert payload_marks and all(m.text == XSS_SCRIPT for m in payload_marks)
    assert f"test.payload · {XSS_SCRIPT} · 1.00" in {m.attrs["title"] for m in payload_marks}
    messages = [c[5] for c in map(cells, finding_rows(batch_dom))
                if c[4] == "test.payload-format"]
    assert messages and all(XSS_SCRIPT in m for m in messages)


def test_fragment_filters_and_sorts(batch: tuple[Report, Path], tmp_path: Path) -> None:
    """A shared link `#filter=…&severity=…&sort=-line` opens on that view of the table."""
    report, page = batch
    dom = browse(page, tmp_path, "#filter=banner&severity=error&sort=-line")
    rows = finding_rows(dom)
    assert len(rows) == len(report.findings)
    shown = [cells(r) for r in rows if "hidden" not in r.attrs]
    expected = [f for d in report.documents for f in d.findings if f.severity == "error"
                and "banner" in f"{d.path} {f.rule} {f.message}".lower()]
    assert 0 < len(shown) == len(expected) < len(rows)
    assert all(c[3] == "error" and "banner" in " ".join(c).lower() for c in shown)
    lines = [int(c[2]) if c[2] != "-" else -1 for c in map(cells, rows)]
    assert lines == sorted(lines, reverse=True)
    assert dom.by_id("findings-count").text == f"{len(shown)} of {len(rows)} findings shown"
    sorted_by = [th.attrs.get("aria-sort") for th in dom.by_id("findings-table").iter("th")]
    assert sorted_by == [None, None, "descending", None, None, None]
    assert "hidden" not in dom.by_id("filters").attrs


def test_long_document_text_is_capped(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("markaudit.report.html.MAX_PAGES", 2)
    report = markaudit.audit_paths([FIXTURES / "synthetic" / "garbled-banners.txt"])
    assert report.documents[0].pages > 2
    dom = parse(render(report, "html", documents=as_read(report)))
    pages = [e for e in dom.iter("section") if "page" in e.classes()]
    assert [p.attrs["id"] for p in pages] == ["doc-1-p1", "doc-1-p2"]
    notes = [e.text for e in dom.iter("p") if "capped" in e.classes()]
    assert notes == [f"Text shown for the first 2 of {report.documents[0].pages} pages only; "
                     "the findings above cover them all."]


def test_a_document_without_its_text_leaves_the_findings() -> None:
    text = SEED.read_text(encoding="utf-8")
    report = markaudit.audit_text(text, path="gone/memo.txt")
    dom = parse(render(report, "html"))
    section = dom.by_id("doc-1")
    assert "The text cannot be shown: this run did not keep it." in section.text
    assert len(finding_rows(dom)) == len(report.findings) >= 1
    assert not [e for e in section.iter("section") if "page" in e.classes()]


def test_standard_input_shows_its_text_in_the_html_report() -> None:
    # The report is given the text the audit read: standard input cannot be read twice.
    result = run_markaudit("audit", "-", "--no-cache", "-f", "html",
                           input=SEED.read_text(encoding="utf-8"))
    assert result.returncode in (0, 1), result.stderr
    dom = parse(result.stdout)
    section = dom.by_id("doc-1")
    assert "cannot be shown" not in section.text
    assert "INR" in section.text and [e for e in dom.iter("section") if "page" in e.classes()]


def test_a_cached_document_shows_its_text_read_again_from_the_same_bytes(tmp_path: Path) -> None:
    memo = tmp_path / "memo.txt"
    memo.write_text(SEED.read_text(encoding="utf-8"), encoding="utf-8")
    cache = tmp_path / "cache"
    run_markaudit("audit", str(memo), "--cache-dir", str(cache), "-f", "json")
    page = run_markaudit("audit", str(memo), "--cache-dir", str(cache), "-f", "html").stdout
    assert "INR" in parse(page).by_id("doc-1").text  # the cached report, its text read again


# ---------------------------------------------------------------------------------------------
# the pictures of a scan: page images with boxes, crops beside findings (needs Tesseract)

STAMP_CHECK = """
checks:
  - id: review.desensitization
    type: format
    description: every desensitization stamp is looked at on the scan
    marking: desensitization.category
    field: category
    pattern: 'never'
    severity: warning
    message: "desensitization stamp: check it against the scan"
"""
OUTLINE = (255, 243, 196)  # the outline of the page picture a link points at (.scan:target)
FLAGGED = (208, 2, 27)  # the stroke of a box a finding concerns (.scan rect.flagged)


def screenshot(page: Path, tmp_path: Path, fragment: str, size: tuple[int, int]) -> Path:
    """A PNG of what Chromium shows of `page` at `fragment`, one pixel per CSS pixel."""
    if CHROMIUM is None:
        pytest.skip(NO_CHROMIUM)
    shot = tmp_path / "screenshot.png"
    command = [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
               "--disable-background-networking", "--disable-component-update",
               f"--user-data-dir={tmp_path / 'chromium-shot'}", "--hide-scrollbars",
               "--force-device-scale-factor=1", f"--window-size={size[0]},{size[1]}",
               "--virtual-time-budget=2000", f"--screenshot={shot}", page.as_uri() + fragment]
    process = subprocess.run(command, capture_output=True, text=True, timeout=BROWSER_TIMEOUT,
                             start_new_session=True, check=False)
    assert process.returncode == 0 and shot.exists(), process.stderr[-2000:]
    return shot


@pytest.fixture(scope="module")
def scanned_seed(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict]:
    """The seed's TIFF scan audited with a check that flags its desensitization stamp, as an
    html report and as JSON (for where the stamp stands)."""
    from markaudit.read.ocr import tesseract_version
    from tests.conftest import run_markaudit

    if tesseract_version() is None:
        if os.environ.get("MARKAUDIT_REQUIRE_OCR"):
            pytest.fail("MARKAUDIT_REQUIRE_OCR is set but Tesseract is not installed")
        pytest.skip("Tesseract is not installed (apt-get install tesseract-ocr)")
    folder = tmp_path_factory.mktemp("scan")
    scan = folder / "seed.tif"
    scan.write_bytes((FIXTURES / "ocr" / "scans" / "frus-1962-10-27-inr.tif").read_bytes())
    check = folder / "stamp.yaml"
    check.write_text(STAMP_CHECK, encoding="utf-8")
    page = folder / "report.html"
    result = run_markaudit("audit", str(scan), "--rules", str(check), "-f", "html", "-o",
                           str(page), "-f", "json", "-o", str(folder / "report.json"))
    assert result.returncode == 0, result.stderr
    report = json.loads((folder / "report.json").read_text(encoding="utf-8"))
    return page, report["documents"][0]


def test_a_scans_page_picture_has_a_box_drawn_where_the_stamp_stands(
        scanned_seed: tuple[Path, dict], tmp_path: Path) -> None:
    from PIL import Image

    page, document = scanned_seed
    [stamp] = [m for m in document["markings"] if m["kind"] == "desensitization"]
    shot = Image.open(screenshot(page, tmp_path, "#doc-1-p1-scan", (1400, 3000))).convert("RGB")
    pixels = shot.load()
    outline = [(x, y) for y in range(shot.height) for x in range(shot.width)
               if pixels[x, y] == OUTLINE]
    assert outline, "the page picture the link points at is not outlined on screen"
    # The picture is inside the 3 px outline and the frame's 1 px border.
    left, top = min(x for x, _ in outline) + 4, min(y for _, y in outline) + 4
    right, bottom = max(x for x, _ in outline) - 4, max(y for _, y in outline) - 4
    width, height = stamp["page_size"]
    x0, y0, x1, y1 = stamp["box"]

    def on_screen(x: float, y: float) -> tuple[int, int]:
        return (round(left + x * (right - left + 1) / width),
                round(top + y * (bottom - top + 1) / height))

    def red_near(x: int, y: int) -> bool:
        return any(_close(pixels[x + dx, y + dy], FLAGGED)
                   for dx in range(-3, 4) for dy in range(-3, 4))

    (sx0, sy0), (sx1, sy1) = on_screen(x0, y0), on_screen(x1, y1)
    assert sx1 - sx0 > 50 and sy1 - sy0 > 8, "the stamp's box is too small to check"
    edges = ([(sx0 + (sx1 - sx0) * i // 10, sy0) for i in range(11)]
             + [(sx0 + (sx1 - sx0) * i // 10, sy1) for i in range(11)]
             + [(sx0, (sy0 + sy1) // 2), (sx1, (sy0 + sy1) // 2)])
    missing = [point for point in edges if not red_near(*point)]
    assert not missing, f"no box edge drawn at {missing} (box {sx0},{sy0}-{sx1},{sy1})"
    # ... and nowhere else: the page's top half has no flagged box.
    assert not any(_close(pixels[x, y], FLAGGED) for x in range(left, right, 2)
                   for y in range(top, (top + bottom) // 2, 2))


def _close(pixel: tuple[int, int, int], colour: tuple[int, int, int]) -> bool:
    return all(abs(a - b) <= 40 for a, b in zip(pixel, colour, strict=True))


def test_a_finding_on_a_scan_shows_its_crop_linked_to_the_whole_page(
        scanned_seed: tuple[Path, dict], tmp_path: Path) -> None:
    page, _ = scanned_seed
    dom = browse(page, tmp_path)
    rows = [row for row in dom.by_id("doc-1").iter("tr")
            if "review.desensitization" in row.text]
    [row] = rows
    [link] = [a for a in row.iter("a") if any(True for _ in a.iter("img"))]
    assert link.attrs["href"] == "#doc-1-p1-scan"
    [crop] = link.iter("img")
    assert crop.attrs["src"].startswith("data:image/webp;base64,")
    assert "crop" in crop.classes() and int(crop.attrs["width"]) > 100
    figure = dom.by_id("doc-1-p1-scan")
    boxes = list(figure.iter("rect"))
    assert sum("flagged" in b.classes() for b in boxes) == 1
    assert {"kind-banner", "kind-desensitization", "kind-transmittal", "kind-release"} <= {
        c for b in boxes for c in b.classes()}


HOCR_NAMING = """<html><body>
<div class="ocr_page" title='image "{image}"; bbox 0 0 400 300'>
<span class="ocr_line" title="bbox 100 20 300 40"><span class="ocrx_word"
 title="bbox 100 20 300 40; x_wconf 95">SECRET</span></span>
</div></body></html>"""


@pytest.mark.parametrize(("image", "shown"), [("page.png", True), ("../outside.png", False)])
def test_an_hocr_page_shows_the_image_it_names_beside_it_and_no_other(
        tmp_path: Path, image: str, shown: bool) -> None:
    from PIL import Image

    from tests.conftest import run_markaudit

    folder = tmp_path / "box"
    folder.mkdir()
    for picture in (folder / "page.png", tmp_path / "outside.png"):
        Image.new("L", (400, 300), 255).save(picture)
    scan = folder / "scan.hocr"
    scan.write_text(HOCR_NAMING.format(image=image), encoding="utf-8")
    page = tmp_path / "report.html"
    result = run_markaudit("audit", str(scan), "-f", "html", "-o", str(page))
    assert result.returncode in (0, 1), result.stderr
    dom = parse(page.read_text(encoding="utf-8"))
    figures = [e for e in dom.iter("figure") if "scan" in e.classes()]
    assert len(figures) == int(shown)
    if shown:
        [box] = figures[0].iter("rect")
        assert (box.attrs["x"], box.attrs["y"], box.attrs["width"], box.attrs["height"]) == (
            "100", "20", "200", "20")
