"""TEI XML as input (read/tei.py): a scholarly edition's document, its classification read from
the source note (rules/frus.yaml), as in a printed FRUS volume and its tag-stripped text."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from markaudit.read import document_from_bytes, read_document
from markaudit.run.audit import audit_document, load_rules, rule_paths
from tests.conftest import SHARED, run_markaudit

FRUS = SHARED / "corpus" / "frus-tei"
TEI_OPEN = ('<TEI xmlns="http://www.tei-c.org/ns/1.0" '
            'xmlns:frus="http://history.state.gov/frus/ns/1.0">')
# A document written for this test in the form FRUS volumes take.
EDITION = f"""<?xml version="1.0" encoding="UTF-8"?>
{TEI_OPEN}
<teiHeader><fileDesc><titleStmt><title>Secret Talks, 1961</title></titleStmt></fileDesc></teiHeader>
<text><body>
<div type="document" xml:id="d4" n="4">
<head>4. Memorandum From the Secretary of State to the President<note n="1" type="source">Source:
  Eisenhower Library, Whitman File, Dulles-Herter Series. Secret; Eyes Only. Drafted by Smith.
  </note></head>
<dateline><placeName>Washington</placeName>,
  <date when="1961-01-05">January 5, 1961</date>.</dateline>
<p>The Secretary met the Ambassador<note n="2">Telegram 12 from Paris, not printed.</note> and
   spoke of a secret meeting.</p>
<pb n="12"/>
<p>He will report again.</p>
<closer><signed><persName>Christian A. Herter</persName></signed></closer>
</div>
</body></text></TEI>
"""


@pytest.fixture(scope="module")
def rules():
    return load_rules(rule_paths())


def test_a_tei_document_reads_as_its_printed_pages_with_the_source_note_at_the_foot():
    document = document_from_bytes(EDITION.encode(), "edition.xml")
    pages = [[line.text for line in page.lines] for page in document.pages]
    assert len(pages) == 2
    assert pages[0][0] == "4. Memorandum From the Secretary of State to the President"
    assert "The Secretary met the Ambassador and spoke of a secret meeting." in pages[0]
    assert pages[0][-2:] == [
        "1 Source: Eisenhower Library, Whitman File, Dulles-Herter Series. Secret; Eyes Only. "
        "Drafted by Smith.", "2 Telegram 12 from Paris, not printed."]
    assert pages[1][:2] == ["He will report again.", "Christian A. Herter"]
    assert not any("Secret Talks" in line for page in pages for line in page)  # the header


def test_the_source_note_gives_the_document_its_level_and_caveats(tmp_path):
    (tmp_path / "edition.xml").write_text(EDITION, encoding="utf-8")
    result = run_markaudit("audit", str(tmp_path / "edition.xml"), "-f", "json", "--no-cache")
    document = json.loads(result.stdout)["documents"][0]
    assert document["errors"] == []
    assert document["classification"] == {"level": "SECRET", "caveats": ["EYES ONLY"]}
    banners = [m for m in document["markings"] if m["kind"] == "banner"]
    assert [(m["rule"], m["page"]) for m in banners] == [("frus.source-note", 1)]


@pytest.mark.skipif(not FRUS.is_dir(), reason="../shared/corpus is not present")
@pytest.mark.parametrize("number, level", [(26, "TOP SECRET"), (27, "TOP SECRET"),
                                           (28, "TOP SECRET")])
def test_frus_documents_take_their_level_from_the_source_note_in_tei_and_in_text(
        number, level, rules):
    # The corpus holds each document's <div>, cut by hand from the volume without the volume's
    # namespace declarations: it is read here inside the TEI root the volume has.
    fragment = (FRUS / f"frus1958-60v11_d{number}.xml").read_bytes()
    tei = document_from_bytes(f"{TEI_OPEN}<text><body>".encode() + fragment
                              + b"</body></text></TEI>", f"d{number}.xml")
    text = read_document(FRUS / f"frus1958-60v11_d{number}.txt")
    for document in (tei, text):
        report = audit_document(document, rules)
        assert report.classification is not None and report.classification.level == level
        assert [m.rule for m in report.markings if m.kind == "banner"] == ["frus.source-note"]


def test_tei_in_a_folder_is_audited_and_other_xml_passed_over(tmp_path):
    (tmp_path / "edition.xml").write_text(EDITION, encoding="utf-8")
    (tmp_path / "mets.xml").write_bytes(b"<?xml version='1.0'?><mets><dmdSec/></mets>")
    result = run_markaudit("audit", str(tmp_path), "-f", "json", "--no-cache")
    documents = json.loads(result.stdout)["documents"]
    assert [Path(d["path"]).name for d in documents] == ["edition.xml"]
    assert documents[0]["classification"]["level"] == "SECRET"


@pytest.mark.parametrize("data, reason", [
    (EDITION[: len(EDITION) // 2].encode(), "malformed TEI XML"),
    (f'<!DOCTYPE TEI [<!ENTITY a "aaaa">]>{TEI_OPEN}<text><body><p>&a;</p></body></text></TEI>'
     .encode(), "could be unsafe"),
    (f"{TEI_OPEN}<teiHeader><fileDesc/></teiHeader><text><body/></text></TEI>".encode(),
     "TEI without text"),
    (b"<div type='document'><head>Top Secret</head></div>", "not ALTO or TEI"),
])
def test_bad_tei_is_not_audited_with_a_one_line_reason(tmp_path, data, reason):
    (tmp_path / "bad.xml").write_bytes(data)
    result = run_markaudit("audit", str(tmp_path / "bad.xml"), "-f", "json", "--no-cache")
    assert result.returncode == 1 and "Traceback" not in result.stderr  # a not-audited finding
    errors = json.loads(result.stdout)["documents"][0]["errors"]
    assert len(errors) == 1 and reason in errors[0] and "\n" not in errors[0], errors
