"""OCR of scans: page images and image-only PDFs read by Tesseract, then audited.

The scans in fixtures/ocr/scans/ are typed pages made to look scanned (fixtures/ocr/make_scans.py).
What markaudit finds in them is compared with the expectation files of the text versions; what
OCR loses or changes on them is written down here, one entry per loss, with its cause.

These tests need Tesseract (Debian: apt-get install tesseract-ocr). They skip without it on a
developer's machine, and fail in CI (`.ci/run` installs it and sets MARKAUDIT_REQUIRE_OCR).
Tesseract's pages are cached for the whole session (conftest's MARKAUDIT_CACHE_DIR): each page
is read once however many tests look at it.
"""

from __future__ import annotations

import json
import os
import stat
from collections import Counter
from pathlib import Path

import pytest
import yaml

from markaudit.core.model import DocumentReport
from markaudit.read import read_document
from markaudit.read.ocr import OcrOptions, tesseract_version
from markaudit.run.audit import audit_document, load_rules, rule_paths
from tests.conftest import FIXTURES, run_markaudit

SCANS = FIXTURES / "ocr" / "scans"
SEED_SCANS = [SCANS / "frus-1962-10-27-inr.tif", SCANS / "frus-1962-10-27-inr.pdf"]
TESSERACT = tesseract_version()

if TESSERACT is None:
    if os.environ.get("MARKAUDIT_REQUIRE_OCR"):
        raise RuntimeError("MARKAUDIT_REQUIRE_OCR is set but Tesseract is not installed")
    pytestmark = pytest.mark.skip(reason="Tesseract is not installed (apt-get install "
                                         "tesseract-ocr)")

# (rule, page) of the text version's expected markings that OCR of these scans loses, and
# (rule, page) it finds instead. Each is a real OCR error on the noisy page, not a rule's fault.
SEED_LOSSES: dict[str, Counter[tuple[str, int]]] = {
    "lost": Counter({
        # "00820" alone at the top of page 1 is read with a speck beside it ("90820 |",
        # "00820."): the serial rule wants the number alone.
        ("control-number.serial", 1): 1,
        # "37.56361/10-27-62" is read "37 .56361/10-27-62": the decimal file number is split.
        ("control-number.state-decimal-file", 1): 1,
        # Page 1's banner has a speck between its dashes ("TOP SECRET --' EYES ONLY") ...
        ("banner.classification", 1): 1,
    }),
    # ... and the banner rule for a level among debris takes it, as SECRET at low confidence.
    "found instead": Counter({("banner.in-debris", 1): 1}),
}


@pytest.fixture(scope="module")
def rules():
    return load_rules(rule_paths())


@pytest.fixture(scope="module")
def options() -> OcrOptions:
    return OcrOptions(engine=TESSERACT, cache_dir=os.environ["MARKAUDIT_CACHE_DIR"], threads=2)


def _audit(path: Path, rules, options: OcrOptions) -> DocumentReport:
    return audit_document(read_document(path, options), rules)


def _expected(name: str) -> Counter[tuple[str, int]]:
    path = next(p for p in [FIXTURES / f"{name}.expect.yaml",
                            FIXTURES / "synthetic" / f"{name}.expect.yaml"] if p.exists())
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    return Counter((m["rule"], m["page"]) for m in data["markings"])


def _found(report: DocumentReport) -> Counter[tuple[str, int]]:
    return Counter((m.rule, m.page) for m in report.markings)


@pytest.mark.parametrize("scan", SEED_SCANS, ids=lambda p: p.suffix)
def test_the_seed_scanned_keeps_what_its_text_has_but_the_written_down_losses(
        scan, rules, options):
    report = _audit(scan, rules, options)
    expected, found = _expected("frus-1962-10-27-inr"), _found(report)
    assert {"lost": expected - found, "found instead": found - expected} == SEED_LOSSES
    assert report.pages == 2


@pytest.mark.parametrize("scan", SEED_SCANS, ids=lambda p: p.suffix)
def test_the_seed_scanned_gives_its_banners_stamps_and_note_with_boxes_and_confidence(
        scan, rules, options):
    report = _audit(scan, rules, options)
    by_kind: dict[str, list] = {}
    for marking in report.markings:
        by_kind.setdefault(marking.kind, []).append(marking)
    assert [(m.page, m.zone) for m in by_kind["banner"]] == [
        (1, "bottom"), (2, "top"), (2, "bottom")]
    # Page 1's banner: a speck of dust between the dashes ("TOP SECRET --' EYES ONLY") leaves
    # only its level (TOP SECRET, read with the word before it) to the banner rules. Page 2's
    # banners are read whole.
    assert [m.value for m in by_kind["banner"]] == [
        "TOP SECRET", "TOP SECRET -- EYES ONLY", "TOP SECRET -- EYES ONLY"]
    assert report.classification is not None
    assert report.classification.level == "TOP SECRET"
    [stamp] = by_kind["desensitization"]
    assert stamp.fields["category"] == "A"
    [note] = by_kind["transmittal"]
    assert note.fields["office"] == "O/R/INR" and note.fields["date"] == "1962-10-27"
    assert [m.fields["issuer"] for m in by_kind["release"]] == ["STATE", "STATE"]
    for marking in report.markings:
        # where it stands on the page image (pixels), and how sure Tesseract was
        assert marking.box is not None and marking.page_size is not None
        assert 0 <= marking.box[0] < marking.box[2] <= marking.page_size[0]
        assert marking.image == f"{scan.name}#page={marking.page}"
    # the stamp stands in the lower part of page 1, below the banner
    assert stamp.box[1] > by_kind["banner"][0].box[1] > stamp.page_size[1] / 2


def test_synthetic_scans_as_tiff_and_png_keep_their_texts_markings_but_the_written_down_losses(
        rules, options):
    crest = _found(_audit(SCANS / "crest-memo.tif", rules, options))
    expected = _expected("crest-memo")
    # Page 1: both SECRET banners stand in specks Tesseract reads as letters ("e SECRET ."); the
    # banner rule for a level among debris finds them, at lower confidence.
    assert {"lost": expected - crest, "found instead": crest - expected} == {
        "lost": Counter({("banner.classification", 1): 2}),
        "found instead": Counter({("banner.in-debris", 1): 2})}
    # One PNG per page: each is a document of its own, its page 1.
    nara = _expected("nara-nnd")
    for number in (1, 2):
        found = _found(_audit(SCANS / f"nara-nnd-p{number}.png", rules, options))
        wanted = Counter({(rule, 1): n for (rule, page), n in nara.items() if page == number})
        lost = Counter()
        if number == 1:
                # The NARA stamp at the foot of page 1 is read with debris in its first line
            # ("DECLASSIFIED | . :"): the stamp rule does not take it.
            lost = Counter({("release.nara", 1): 1})
        assert {"lost": wanted - found, "found instead": found - wanted} == {
            "lost": lost, "found instead": Counter()}, number


def test_audit_of_a_folder_of_scans_finds_the_seeds_markings_then_serves_a_rerun_from_cache(
        tmp_path):
    scans = _seed_scans_in(tmp_path / "scans")
    log = tmp_path / "tesseract.log"
    counting = _counting_tesseract(tmp_path, log)
    cache = tmp_path / "cache"
    env = {"MARKAUDIT_TESSERACT": str(counting), "MARKAUDIT_CACHE_DIR": str(cache)}
    first = run_markaudit("audit", str(scans), "-f", "json", env=env)
    assert first.returncode == 1 or first.returncode == 0, first.stderr
    report = json.loads(first.stdout)
    assert [d["path"] for d in report["documents"]] == [
        str(scans / "frus-1962-10-27-inr.pdf"), str(scans / "frus-1962-10-27-inr.tif")]
    for document in report["documents"]:
        kinds = Counter(m["kind"] for m in document["markings"])
        assert kinds["banner"] == 3 and kinds["release"] == 2, document["path"]
        assert kinds["desensitization"] == 1 and kinds["transmittal"] == 1, document["path"]
    pages_read = log.read_text().count("hocr")
    assert pages_read == 4
    # Again: the reports come from the cache; with other rules, the pages do (no OCR at all).
    again = json.loads(run_markaudit("audit", str(scans), "-f", "json", env=env).stdout)
    assert again["documents"] == report["documents"]
    assert (report["rollup"]["cached"], again["rollup"]["cached"]) == (0, 2)
    rules = tmp_path / "extra.yaml"
    rules.write_text("markings: []\n", encoding="utf-8")
    other = run_markaudit("audit", str(scans), "-f", "json", "--rules", str(rules), env=env)
    assert other.returncode in (0, 1), other.stderr
    assert log.read_text().count("hocr") == pages_read


def _seed_scans_in(folder: Path) -> Path:
    """A folder holding the seed's scans, as an archivist's folder of scans would."""
    folder.mkdir()
    for scan in SEED_SCANS:
        (folder / scan.name).write_bytes(scan.read_bytes())
    return folder


def _counting_tesseract(folder: Path, log: Path) -> Path:
    """A Tesseract that notes each run in `log`, then runs the real one."""
    import shutil

    real = shutil.which("tesseract")
    script = folder / "tesseract"
    script.write_text(f'#!/bin/sh\necho "$@" >> "{log}"\nexec "{real}" "$@"\n')
    script.chmod(script.stat().st_mode | stat.S_IEXEC)
    return script


def test_without_tesseract_one_line_says_how_to_install_it_and_text_is_still_audited(
        tmp_path):
    folder = _seed_scans_in(tmp_path / "mixed")
    (folder / "seed.txt").write_bytes((FIXTURES / "frus-1962-10-27-inr.txt").read_bytes())
    result = run_markaudit("audit", str(folder), "-f", "json",
                           env={"MARKAUDIT_TESSERACT": str(tmp_path / "no-such-program")})
    assert result.returncode == 1
    assert result.stderr.splitlines() == [
        "markaudit: 2 documents not audited: needs OCR, and Tesseract is not installed; "
        "install it with: sudo apt-get install tesseract-ocr"]
    documents = {Path(d["path"]).name: d for d in json.loads(result.stdout)["documents"]}
    assert documents["seed.txt"]["classification"]["level"] == "TOP SECRET"
    assert "Tesseract is not installed" in documents["frus-1962-10-27-inr.tif"]["errors"][0]


def test_ocr_never_leaves_images_unread_and_says_why(tmp_path):
    result = run_markaudit("audit", str(SCANS / "nara-nnd-p2.png"), "--ocr", "never")
    assert result.returncode == 1
    assert "a PNG image: needs OCR (--ocr never)" in result.stderr


def test_an_unknown_ocr_language_is_a_usage_error_naming_the_installed_ones():
    result = run_markaudit("audit", str(SCANS / "nara-nnd-p2.png"), "--ocr-lang", "klingon")
    assert result.returncode == 2
    assert "Tesseract has no language 'klingon' installed" in result.stderr
    assert "eng" in result.stderr and "Traceback" not in result.stderr


def test_a_damaged_image_is_not_audited_and_the_batch_goes_on(tmp_path):
    broken = tmp_path / "broken.tif"
    broken.write_bytes((SCANS / "crest-memo.tif").read_bytes()[:300])
    good = tmp_path / "page.png"
    good.write_bytes((SCANS / "nara-nnd-p2.png").read_bytes())
    result = run_markaudit("audit", str(broken), str(good), "-f", "json")
    assert result.returncode == 1
    assert f"markaudit: {broken}: damaged image" in result.stderr
    documents = json.loads(result.stdout)["documents"]
    assert documents[1]["classification"]["level"] == "CONFIDENTIAL"


def test_html_pictures_can_be_written_beside_the_report_to_keep_it_small(tmp_path):
    scan = SCANS / "nara-nnd-p2.png"
    embedded, beside = tmp_path / "embedded.html", tmp_path / "beside.html"
    for page, mode in ((embedded, "embed"), (beside, "beside")):
        result = run_markaudit("audit", str(scan), "-f", "html", "-o", str(page),
                               "--html-images", mode)
        assert result.returncode == 0, result.stderr
    written = sorted(p.name for p in (tmp_path / "beside-pages").iterdir())
    assert written == ["doc-1-p1-scan.webp"]
    html = beside.read_text(encoding="utf-8")
    assert 'src="beside-pages/doc-1-p1-scan.webp"' in html and "data:image" not in html
    picture = (tmp_path / "beside-pages" / "doc-1-p1-scan.webp").stat().st_size
    assert embedded.stat().st_size > beside.stat().st_size + picture  # base64 costs a third
    nowhere = run_markaudit("audit", str(scan), "-f", "html", "--html-images", "beside")
    assert nowhere.returncode == 2
    assert "beside needs the html report written to a file (--output)" in nowhere.stderr


def test_ocr_always_reads_a_pdf_again_over_its_text_layer():
    # Tesseract's own PDF of the seed: page images with a text layer. auto keeps the layer
    # (boxes in points, no image); always OCRs the pages (boxes in pixels of the page image).
    pdf = FIXTURES / "ocr" / "frus-1962-10-27-inr.pdf"
    kept = json.loads(run_markaudit("audit", str(pdf), "-f", "json").stdout)["documents"][0]
    read = json.loads(run_markaudit("audit", str(pdf), "-f", "json", "--ocr", "always")
                      .stdout)["documents"][0]
    assert not any("image" in m for m in kept["markings"])
    assert {m["image"] for m in read["markings"]} == {
        "frus-1962-10-27-inr.pdf#page=1", "frus-1962-10-27-inr.pdf#page=2"}
    width, height = read["markings"][0]["page_size"]  # US Letter at 300 dpi
    assert width == 2550 and abs(height - 3300) <= 1
    assert [m["value"] for m in read["markings"] if m["kind"] == "banner"][-2:] == [
        "TOP SECRET -- EYES ONLY", "TOP SECRET -- EYES ONLY"]
