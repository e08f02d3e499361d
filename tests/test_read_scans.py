"""Scans' OCR as input: PDF text layers, ALTO and hOCR, read into the same Document model.

The fixtures in fixtures/ocr/ were made by Tesseract 5.3 from typed pages rendered to images
(see fixtures/ocr/make_fixtures.py): the OCR errors in them are a real engine's.
"""

from __future__ import annotations

import builtins
import json
import re
from pathlib import Path

import pytest

from markaudit.core.errors import InputError
from markaudit.core.model import DocumentReport
from markaudit.read import document_from_bytes, read_document
from markaudit.read.pdf import MISSING_EXTRA, NEEDS_OCR
from markaudit.run.audit import audit_document, load_rules, rule_paths
from markaudit.run.cache import Cache
from markaudit.run.collect import collect
from markaudit.run.source import audit_paths
from tests.conftest import FIXTURES, SEED, run_markaudit

OCR = FIXTURES / "ocr"
MEMO = OCR / "cia-memo-1964.txt"
FORMATS = {
    "seed": [SEED, *(OCR / f"frus-1962-10-27-inr.{s}" for s in ("pdf", "alto.xml", "hocr"))],
    "memo": [MEMO, *(OCR / f"cia-memo-1964.{s}"
                     for s in ("pdf", "born-digital.pdf", "alto.xml", "hocr"))],
}
# What survives Tesseract on these pages: banners, release stamps and page numbers. (On the
# seed it misreads the desensitization stamp, the transmittal note and a file number.)
KINDS = ("banner", "release", "page-number")


@pytest.fixture(scope="module")
def rules():
    return load_rules(rule_paths())


def _audit(path: Path, rules) -> DocumentReport:
    return audit_document(read_document(path), rules)


def _summary(report: DocumentReport) -> dict[str, object]:
    return {
        "pages": report.pages,
        "classification": report.classification,
        # a stamp's value keeps its raw document number, which OCR may split ("0007 -4"):
        # compare stamps by issuer and date
        "markings": sorted((m.kind, m.page, m.zone, m.value if m.kind != "release" else
                            f"{m.fields.get('issuer')} {m.fields.get('date')}")
                           for m in report.markings if m.kind in KINDS),
        "findings": sorted((f.rule, f.page, f.severity) for f in report.findings),
    }


@pytest.mark.parametrize("document", sorted(FORMATS))
def test_the_same_document_as_text_pdf_alto_and_hocr_gives_the_same_audit(document, rules):
    text, *scans = FORMATS[document]
    expected = _summary(_audit(text, rules))
    assert expected["markings"], "the text itself must carry the markings compared"
    for path in scans:
        assert _summary(_audit(path, rules)) == expected, path.name


def test_the_seed_read_by_ocr_keeps_its_banners_stamps_and_page_number(rules):
    for path in FORMATS["seed"][1:]:
        report = _audit(path, rules)
        banners = [(m.page, m.zone) for m in report.markings if m.kind == "banner"]
        assert banners == [(1, "bottom"), (2, "top"), (2, "bottom")], path.name
        assert [m.fields["issuer"] for m in report.markings if m.kind == "release"] == [
            "STATE", "STATE"]
        assert [(m.page, m.fields["number"]) for m in report.markings
                if m.kind == "page-number"] == [(2, 2)]


@pytest.mark.parametrize("suffix", ["alto.xml", "hocr"])
def test_ocr_formats_give_box_image_and_the_engines_confidence(suffix, rules):
    report = _audit(OCR / f"cia-memo-1964.{suffix}", rules)
    banner = next(m for m in report.markings if m.kind == "banner")
    assert banner.image == "cia-memo-1964-p1.png"
    assert banner.page_size == (1700, 2200)
    # The banner is the first line of the page: its box is the word CONFIDENTIAL's, near the
    # top of the scan, centred.
    x0, y0, x1, y1 = banner.box
    assert y0 < 0.12 * 2200 and x0 > 500 and x1 < 1200 and y1 > y0
    # Matched exactly, so its confidence is the engine's for that word, as the file says.
    alto = (OCR / "cia-memo-1964.alto.xml").read_text(encoding="utf-8")
    engine = float(re.search(r'WC="([\d.]+)" CONTENT="CONFIDENTIAL"', alto).group(1))
    assert banner.confidence == pytest.approx(engine)
    assert all(m.confidence < 1.0 for m in report.markings)


def test_a_stamp_over_two_lines_has_the_union_of_their_boxes(rules):
    report = _audit(OCR / "frus-1962-10-27-inr.hocr", rules)
    release = next(m for m in report.markings if m.kind == "release")
    document = read_document(OCR / "frus-1962-10-27-inr.hocr")
    lines = [line for line in document.pages[0].lines if "Publication" in line.text
             or line.text.startswith("Foreign Relations")]
    assert len(lines) == 2
    assert release.box == (min(line.box[0] for line in lines), lines[0].box[1],
                           max(line.box[2] for line in lines), lines[1].box[3])


def test_pdf_lines_have_positions_but_no_ocr_confidence(rules):
    report = _audit(OCR / "cia-memo-1964.pdf", rules)
    assert all(m.box is not None and m.image is None for m in report.markings)
    assert {m.confidence for m in report.markings} == {1.0}
    assert report.markings[0].page_size == (612, 792)


def test_zones_come_from_where_a_line_stands_not_from_its_place_in_the_text():
    # An engine that emits the running head after the body (as some do for header blocks):
    # by its place in the text the banner is the page's last line, by its position its first.
    prose = "The branch has reviewed the weekly reporting of the stations and found it timely."
    lines = "".join(
        f"<span class='ocr_line' title='bbox 100 {300 + 40 * i} 1500 {330 + 40 * i}'>"
        f"<span class='ocrx_word' title='bbox 100 {300 + 40 * i} 1500 {330 + 40 * i}; "
        f"x_wconf 95'>{prose}</span></span>" for i in range(20))
    head = ("<span class='ocr_line' title='bbox 700 60 1000 90'><span class='ocrx_word' "
            "title='bbox 700 60 1000 90; x_wconf 90'>SECRET</span></span>")
    page = (f"<html><body><div class='ocr_page' title='bbox 0 0 1700 2200'>{lines}{head}"
            "</div></body></html>")
    document = document_from_bytes(page.encode(), "late-head.hocr")
    banner = document.pages[0].lines[-1]
    assert banner.text == "SECRET" and banner.zone == "top"
    report = audit_document(document, load_rules(rule_paths()))
    assert [(m.kind, m.zone, m.confidence) for m in report.markings if m.kind == "banner"] == [
        ("banner", "top", 0.9)]


def test_a_pdf_page_without_text_layer_is_reported_as_needing_ocr(rules):
    report = _audit(OCR / "scan-half-ocr.pdf", rules)
    assert report.pages == 2
    assert [(f.rule, f.page, f.message) for f in report.findings if f.page == 2] == [
        ("markaudit.needs-ocr", 2, "page 2 has no text layer: it needs OCR")]
    assert any(m.page == 1 and m.kind == "banner" for m in report.markings)


def test_a_pdf_without_any_text_layer_is_not_audited():
    [document] = audit_paths([OCR / "scan-no-text.pdf"]).documents
    assert document.errors == ("no text layer: needs OCR",) == (NEEDS_OCR,)


def test_without_pypdf_a_pdf_is_not_audited_and_the_reason_names_the_extra(monkeypatch):
    real_import = builtins.__import__

    def no_pypdf(name, *args, **kwargs):
        if name == "pypdf" or name.startswith("pypdf."):
            raise ImportError("No module named 'pypdf'")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_pypdf)
    [document] = audit_paths([OCR / "cia-memo-1964.pdf"]).documents
    assert document.errors == ("PDF input needs the pdf extra: pip install 'markaudit[pdf]'",)
    assert document.errors[0] == MISSING_EXTRA


BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE alto [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>
<alto><Layout><Page WIDTH="100" HEIGHT="100"><PrintSpace><TextBlock><TextLine>
<String CONTENT="&lol3;"/></TextLine></TextBlock></PrintSpace></Page></Layout></alto>"""
EXTERNAL_ENTITY = b"""<?xml version="1.0"?>
<!DOCTYPE alto [<!ENTITY secret SYSTEM "file:///etc/passwd">]>
<alto><Layout><Page WIDTH="100" HEIGHT="100"><PrintSpace><TextBlock><TextLine>
<String CONTENT="&secret;"/></TextLine></TextBlock></PrintSpace></Page></Layout></alto>"""
HOCR_ENTITY = b"""<!DOCTYPE html [<!ENTITY lol "SECRET">]>
<html><body><div class='ocr_page' title='bbox 0 0 100 100'><span class='ocr_line'
title='bbox 0 0 50 10'><span class='ocrx_word' title='bbox 0 0 50 10'>&lol;</span></span>
</div></body></html>"""


def _malformed(tmp_path: Path) -> dict[str, tuple[bytes, str]]:
    """name: (bytes, what the reason must say)."""
    pdf = (OCR / "cia-memo-1964.pdf").read_bytes()
    alto = (OCR / "cia-memo-1964.alto.xml").read_bytes()
    return {
        "truncated.pdf": (pdf[: len(pdf) // 3], "damaged PDF"),
        "not-a-pdf.pdf": (b"just some words, not a PDF at all\n", "damaged PDF"),
        "laughs.alto.xml": (BILLION_LAUGHS, "could be unsafe"),
        "external.xml": (EXTERNAL_ENTITY, "could be unsafe"),
        "truncated.alto.xml": (alto[: len(alto) // 2], "malformed ALTO XML"),
        "mets.xml": (b"<?xml version='1.0'?><mets><dmdSec/></mets>", "not ALTO"),
        "no-pages.hocr": (b"<html><body><p>no pages</p></body></html>", "hOCR without pages"),
        "entity.hocr": (HOCR_ENTITY, "declares XML entities"),
    }


def test_malformed_files_of_each_kind_are_not_audited_with_a_clear_reason(tmp_path):
    cases = _malformed(tmp_path)
    paths = []
    for name, (data, _) in cases.items():
        (tmp_path / name).write_bytes(data)
        paths.append(tmp_path / name)
    report = audit_paths([*paths, OCR / "cia-memo-1964.hocr"])
    for document, (name, (_, reason)) in zip(report.documents, cases.items(), strict=False):
        assert len(document.errors) == 1 and reason in document.errors[0], (name, document.errors)
        assert "\n" not in document.errors[0]
    # the batch goes on: the good file after them is audited
    assert report.documents[-1].errors == () and report.documents[-1].markings


def test_the_command_line_reports_unreadable_scans_and_audits_the_rest(tmp_path):
    (tmp_path / "truncated.pdf").write_bytes((OCR / "cia-memo-1964.pdf").read_bytes()[:2000])
    (tmp_path / "laughs.xml").write_bytes(BILLION_LAUGHS)
    result = run_markaudit("audit", str(tmp_path / "truncated.pdf"), str(tmp_path / "laughs.xml"),
                           str(OCR / "cia-memo-1964.alto.xml"), "-f", "json", "--no-cache")
    assert result.returncode == 1, result.stderr  # two not-audited findings
    assert "Traceback" not in result.stderr
    documents = json.loads(result.stdout)["documents"]
    assert [bool(d["errors"]) for d in documents] == [True, True, False]
    assert documents[0]["errors"][0].startswith("damaged PDF")


def test_json_and_sarif_carry_box_and_image_for_scans_only():
    result = run_markaudit("audit", str(OCR / "cia-memo-1964.hocr"), str(MEMO),
                           str(OCR / "scan-half-ocr.pdf"), "-f", "json", "--no-cache",
                           "--ocr", "never")
    scan, text, half = json.loads(result.stdout)["documents"]
    banner = next(m for m in scan["markings"] if m["kind"] == "banner")
    assert banner["image"] == "cia-memo-1964-p1.png"
    assert banner["page_size"] == [1700, 2200] and len(banner["box"]) == 4
    assert not any({"box", "image", "page_size"} & set(m) for m in text["markings"])
    assert [f["rule"] for f in half["findings"]] == ["markaudit.needs-ocr"]

    results = json.loads(run_markaudit(
        "audit", str(OCR / "frus-1962-10-27-inr.alto.xml"), "-f", "sarif", "--no-cache"
    ).stdout)["runs"][0]["results"]
    # the seed's one finding concerns no marking; the properties carry no box then
    assert results and all("box" not in r["properties"] for r in results)


def test_sarif_result_properties_name_the_box_and_image_of_its_marking(tmp_path):
    # A top banner that disagrees with the bottom one: the finding names both markings.
    alto = (OCR / "cia-memo-1964.alto.xml").read_text(encoding="utf-8")
    changed = alto.replace('CONTENT="CONFIDENTIAL"', 'CONTENT="SECRET"', 1)
    (tmp_path / "disagree.alto.xml").write_text(changed, encoding="utf-8")
    sarif = json.loads(run_markaudit("audit", str(tmp_path / "disagree.alto.xml"), "-f",
                                     "sarif", "--no-cache").stdout)
    placed = [r for r in sarif["runs"][0]["results"] if "box" in r["properties"]]
    assert placed, [r["ruleId"] for r in sarif["runs"][0]["results"]]
    assert placed[0]["properties"]["image"] == "cia-memo-1964-p1.png"
    assert placed[0]["properties"]["pageSize"] == [1700, 2200]


def test_cached_reports_keep_the_geometry(tmp_path, rules):
    report = _audit(OCR / "cia-memo-1964.alto.xml", rules)
    cache = Cache(tmp_path, "salt")
    cache.store("ab" * 32, report)
    again = cache.load("ab" * 32, report.path)
    assert again is not None
    assert again.markings == report.markings
    assert again.to_dict() == report.to_dict()


def test_folders_are_searched_for_pdf_alto_hocr_and_page_images(tmp_path):
    for name in ("a.pdf", "b.alto.xml", "c.hocr", "d.txt", "e.png", "f.TIF", "g.jpeg",
                 "h.gif"):
        (tmp_path / name).write_bytes(b"x")
    found = sorted(Path(s.path).name for s in collect([tmp_path]))
    assert found == ["a.pdf", "b.alto.xml", "c.hocr", "d.txt", "e.png", "f.TIF", "g.jpeg"]


def test_the_format_is_told_by_content_when_the_name_does_not_say():
    alto = (OCR / "cia-memo-1964.alto.xml").read_bytes()
    hocr = (OCR / "cia-memo-1964.hocr").read_bytes()
    pdf = (OCR / "cia-memo-1964.pdf").read_bytes()
    for data in (alto, hocr, pdf):
        document = document_from_bytes(data, "<stdin>")
        assert len(document.pages) == 2 and document.pages[0].width is not None
    # a text file that quotes a format's markup is still text
    text = document_from_bytes(b"<alto> and class='ocr_page' are OCR markup\n", "notes.txt")
    assert text.pages[0].lines[0].text.startswith("<alto>")


def test_an_empty_alto_page_list_is_refused():
    with pytest.raises(InputError, match="without a <Page>"):
        document_from_bytes(b"<alto xmlns='http://www.loc.gov/standards/alto/ns-v4#'>"
                            b"<Layout/></alto>", "empty.xml")
