"""Batch audits as archive staff run them: folders, patterns, workers, cache, roll-up, Ctrl-C."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import FIXTURES, ROOT, SEED, run_markaudit

SYNTHETIC = FIXTURES / "synthetic"


@pytest.fixture
def collection(tmp_path: Path) -> Path:
    """A small collection: two boxes of documents, a draft folder, notes that are not documents."""
    root = tmp_path / "collection"
    for box, names in {"box1": ["contradictions", "cia-cable"], "box2": ["state-foia"]}.items():
        (root / box).mkdir(parents=True)
        for name in names:
            shutil.copy(SYNTHETIC / f"{name}.txt", root / box / f"{name}.txt")
    (root / "box2" / "drafts").mkdir()
    shutil.copy(SEED, root / "box2" / "drafts" / "draft.txt")
    (root / "box1" / "notes.csv").write_text("not,a,document\n", encoding="utf-8")
    return root


def _json_run(*args: str, cwd: Path | None = None) -> tuple[subprocess.CompletedProcess[str],
                                                           dict]:
    result = run_markaudit("audit", *args, "--format", "json", cwd=cwd)
    return result, json.loads(result.stdout)


def _paths(report: dict) -> list[str]:
    return [Path(d["path"]).as_posix() for d in report["documents"]]


def test_a_folder_is_walked_recursively_in_a_stable_order(collection: Path):
    _, report = _json_run(str(collection), "--no-cache")
    assert [p.split("collection/")[1] for p in _paths(report)] == [
        "box1/cia-cable.txt", "box1/contradictions.txt", "box2/drafts/draft.txt",
        "box2/state-foia.txt"]


def test_exclude_and_include_take_gitignore_patterns(collection: Path):
    _, report = _json_run(str(collection), "--exclude", "drafts/", "--no-cache")
    assert not any("draft" in p for p in _paths(report))
    _, report = _json_run(str(collection), "--include", "box1/*", "--no-cache")
    assert [Path(p).name for p in _paths(report)] == ["cia-cable.txt", "contradictions.txt"]


def test_extensions_choose_which_files_are_documents(collection: Path):
    result, report = _json_run(str(collection), "--extensions", "csv", "--no-cache")
    assert [Path(p).name for p in _paths(report)] == ["notes.csv"]
    result = run_markaudit("audit", str(collection), "--extensions", "pdf")
    assert result.returncode == 2
    assert "no documents to audit" in result.stderr


@pytest.mark.skipif(sys.platform == "win32", reason="symlinks need privileges on Windows")
def test_symlink_loops_and_files_reached_twice_are_audited_once(collection: Path):
    (collection / "box1" / "loop").symlink_to(collection, target_is_directory=True)
    (collection / "box2" / "same.txt").symlink_to(collection / "box1" / "cia-cable.txt")
    _, report = _json_run(str(collection), str(collection / "box1"), "--no-cache")
    audited = [d["path"] for d in report["documents"] if not d["errors"]]
    assert len(audited) == 4
    assert sum(p.endswith("cia-cable.txt") or p.endswith("same.txt") for p in audited) == 1
    # Walking box1, the loop leads out of it (to the collection): listed, not followed.
    [refused] = [d for d in report["documents"] if d["errors"]]
    assert refused["path"] == str(collection / "box1" / "loop")
    assert refused["errors"][0].startswith("symlink to a folder outside the folder walked")


def test_standard_input_is_read_with_a_dash():
    result = subprocess.run(
        [sys.executable, "-m", "markaudit", "audit", "-", "--format", "json"],
        input=SEED.read_text(encoding="utf-8"), capture_output=True, text=True, cwd=ROOT,
        timeout=120)
    report = json.loads(result.stdout)
    assert _paths(report) == ["<stdin>"]
    assert report["documents"][0]["classification"]["level"] == "TOP SECRET"


def test_unreadable_files_are_listed_and_the_batch_goes_on(collection: Path):
    (collection / "box1" / "empty.txt").write_bytes(b"")
    (collection / "box1" / "scan.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00IHDR")
    result, report = _json_run(str(collection), "--no-cache")
    assert result.returncode == 1  # each unreadable one is a finding
    errors = {Path(d["path"]).name: d["errors"] for d in report["documents"] if d["errors"]}
    assert set(errors) == {"empty.txt", "scan.txt"}
    assert len(report["documents"]) == 6
    assert "empty.txt: empty file" in result.stderr
    assert "Traceback" not in result.stderr


def test_two_workers_give_the_same_report_as_one(collection: Path):
    _, one = _json_run(str(SYNTHETIC), "--jobs", "1", "--no-cache")
    _, two = _json_run(str(SYNTHETIC), "--jobs", "2", "--no-cache")
    assert one["documents"] == two["documents"]
    assert len(one["documents"]) == len(list(SYNTHETIC.glob("*.txt")))


def test_the_cache_returns_the_same_report_and_notices_changes(tmp_path: Path):
    folder = tmp_path / "docs"
    shutil.copytree(SYNTHETIC, folder, ignore=shutil.ignore_patterns("*.yaml"))
    cache = ["--cache-dir", str(tmp_path / "cache")]
    _, cold = _json_run(str(folder), *cache)
    _, warm = _json_run(str(folder), *cache)
    assert cold["rollup"]["cached"] == 0
    assert warm["rollup"]["cached"] == len(cold["documents"])
    assert warm["documents"] == cold["documents"]
    # An edited document is audited again; the others still come from the cache.
    edited = folder / "contradictions.txt"
    edited.write_text(edited.read_text(encoding="utf-8") + "\nTOP SECRET\n", encoding="utf-8")
    _, after = _json_run(str(folder), *cache)
    assert after["rollup"]["cached"] == len(cold["documents"]) - 1
    # Another rule pack is another cache key: nothing is reused.
    extra = tmp_path / "extra.yaml"
    extra.write_text("markings:\n  - id: local.stamp\n    kind: control-number\n"
                     "    pattern: 'BOX \\d+'\n", encoding="utf-8")
    _, other_rules = _json_run(str(folder), *cache, "--rules", str(extra))
    assert other_rules["rollup"]["cached"] == 0


def test_a_run_that_finds_everything_cached_starts_no_worker(tmp_path: Path,
                                                            monkeypatch: pytest.MonkeyPatch):
    from markaudit.engine.rules import load_rules
    from markaudit.run import batch
    from markaudit.run.audit import default_rules_path
    from markaudit.run.source import Settings
    from markaudit.run.sources import Source

    folder = tmp_path / "docs"
    shutil.copytree(SYNTHETIC, folder, ignore=shutil.ignore_patterns("*.yaml"))
    sources = [Source(str(p)) for p in sorted(folder.glob("*.txt"))[:5]]
    rules = load_rules([default_rules_path()])
    settings = Settings(cache_dir=str(tmp_path / "cache"))
    cold = list(batch.audit_sources(sources, rules, settings, jobs=1))

    def no_pool(*_: object) -> None:
        raise AssertionError("a worker pool was started")

    monkeypatch.setattr(batch, "_executor", no_pool)
    warm = list(batch.audit_sources(sources, rules, settings, jobs=2))
    assert [r.report for r in warm] == [r.report for r in cold]
    assert all(r.cached for r in warm)
    # One edited file needs a worker; the others still come from the cache, in order.
    monkeypatch.undo()
    edited = Path(sources[2].path)
    edited.write_text(edited.read_text(encoding="utf-8") + "\nTOP SECRET\n", encoding="utf-8")
    mixed = list(batch.audit_sources(sources, rules, settings, jobs=2))
    assert [r.source for r in mixed] == sources
    assert [r.cached for r in mixed] == [True, True, False, True, True]


def test_cache_clean_removes_the_cache_and_only_a_cache(tmp_path: Path):
    cache = tmp_path / "cache"
    run_markaudit("audit", str(SEED), "--cache-dir", str(cache))
    assert (cache / "CACHEDIR.TAG").exists()
    result = run_markaudit("cache", "clean", "--cache-dir", str(cache))
    assert result.returncode == 0 and not cache.exists()
    precious = tmp_path / "precious"
    precious.mkdir()
    (precious / "thesis.txt").write_text("years of work", encoding="utf-8")
    result = run_markaudit("cache", "clean", "--cache-dir", str(precious))
    assert result.returncode == 2
    assert "not a markaudit cache" in result.stderr
    assert (precious / "thesis.txt").exists()


def test_no_cache_writes_nothing(tmp_path: Path):
    run_markaudit("audit", str(SEED), "--no-cache", "--cache-dir", str(tmp_path / "cache"))
    assert not (tmp_path / "cache").exists()


def test_rollup_counts_levels_issuers_checks_and_folders(collection: Path):
    _, report = _json_run(str(collection), "--group-by", "folder", "--no-cache")
    rollup = report["rollup"]
    assert rollup["documents"] == 4
    assert sum(rollup["levels"].values()) == 4
    assert rollup["levels"]["TOP SECRET"] >= 1
    assert set(rollup["folders"]) == {"box1", "box2"}
    assert rollup["folders"]["box1"]["documents"] == 2
    assert rollup["folders"]["box2"]["pages"] == sum(
        d["pages"] for d in report["documents"] if "/box2/" in d["path"])
    findings = [f["rule"] for d in report["documents"] for f in d["findings"]]
    assert rollup["checks"] == {rule: findings.count(rule) for rule in set(findings)}
    assert rollup["most_errors"][0]["path"].endswith("contradictions.txt")


def test_statistics_prints_only_the_rollup(collection: Path):
    result = run_markaudit("audit", str(collection), "--statistics", "--group-by", "folder",
                           "--no-cache")
    assert "documents by overall level" in result.stdout
    assert "release stamps by issuer" in result.stdout
    assert "by top-level folder" in result.stdout
    assert "box1" in result.stdout
    assert "page 1:" not in result.stdout  # no per-document finding rows
    assert "4 documents" in result.stdout


def test_several_formats_in_one_run(tmp_path: Path):
    target = tmp_path / "report.json"
    lines = tmp_path / "report.jsonl"
    result = run_markaudit("audit", str(SYNTHETIC), "-f", "json", "-o", str(target),
                           "-f", "jsonl", "-o", str(lines), "-f", "console", "--no-cache")
    assert "documents by overall level" in result.stdout
    report = json.loads(target.read_text(encoding="utf-8"))
    records = [json.loads(line) for line in lines.read_text(encoding="utf-8").splitlines()]
    assert [r["path"] for r in records[:-1]] == [d["path"] for d in report["documents"]]
    assert records[-1]["type"] == "rollup"
    assert records[-1]["documents"] == report["summary"]["documents"]


def test_format_and_output_pairs_are_checked(tmp_path: Path):
    result = run_markaudit("audit", str(SEED), "-f", "json", "-f", "jsonl")
    assert result.returncode == 2
    assert "only one format can go to standard output" in result.stderr
    result = run_markaudit("audit", str(SEED), "-o", str(tmp_path / "a"), "-o",
                           str(tmp_path / "b"))
    assert result.returncode == 2
    assert "more --output files than --format" in result.stderr
    result = run_markaudit("audit", str(SEED), "-f", "yaml")
    assert result.returncode == 2
    assert "'yaml' is not one of" in result.stderr


def _slow_document(path: Path) -> None:
    """A document that holds the run for seconds: a megabyte of text with no line break, whose
    search runs to the page time limit (10 s)."""
    text = " ".join(SEED.read_text(encoding="utf-8").split())
    path.write_text((text + " ") * (1_000_000 // len(text) + 1), encoding="utf-8")


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals")
@pytest.mark.parametrize(("signum", "code", "said"), [
    (signal.SIGINT, 130, "interrupted"), (signal.SIGTERM, 143, "terminated")])
def test_ctrl_c_or_sigterm_leaves_a_whole_partial_report(tmp_path: Path, signum: int,
                                                         code: int, said: str):
    folder = tmp_path / "docs"
    folder.mkdir()
    shutil.copy(SEED, folder / "a.txt")
    _slow_document(folder / "b.txt")  # surely mid-batch when the signal comes
    (folder / "c.txt").write_text(SEED.read_text(encoding="utf-8") + "\nEND\n",
                                  encoding="utf-8")
    cache = tmp_path / "cache"
    target = tmp_path / "out" / "report.json"
    target.parent.mkdir()
    process = subprocess.Popen(
        [sys.executable, "-m", "markaudit", "audit", str(folder), "--jobs", "1",
         "--cache-dir", str(cache), "-f", "json", "-o", str(target)],
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        # A test run started in the background of a script inherits SIGINT ignored, and so
        # would markaudit: give it the terminal's default, as a user's shell does.
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    deadline = time.monotonic() + 60
    while not list(cache.glob("??/*.json")) and time.monotonic() < deadline:
        time.sleep(0.05)  # until a.txt is audited and cached
    time.sleep(0.5)  # into b.txt's search
    process.send_signal(signum)
    _, stderr = process.communicate(timeout=60)
    assert process.returncode == code
    assert said in stderr and "Traceback" not in stderr
    report = json.loads(target.read_text(encoding="utf-8"))
    assert report["summary"]["partial"] is True
    assert [Path(d["path"]).name for d in report["documents"]] == ["a.txt"]
    assert [p.name for p in target.parent.iterdir()] == ["report.json"]  # no temp file left
    # The cache stays valid: its entry serves the next run.
    os.unlink(folder / "b.txt")
    _, warm = _json_run(str(folder), "--cache-dir", str(cache))
    assert warm["rollup"]["cached"] == 1


def test_github_actions_get_annotations_by_default():
    result = run_markaudit("audit", str(SEED), env={"GITHUB_ACTIONS": "true"})
    assert result.stdout.startswith("::warning file=")
    assert "title=banner.every-page::" in result.stdout
    assert "\n::" not in run_markaudit("audit", str(SEED)).stdout  # elsewhere: the console


def _children(pid: int) -> list[int]:
    """Process ids whose parent is `pid` (Linux /proc)."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            found.append(int(stat.parent.name))
    return found


@pytest.mark.skipif(not Path("/proc/self/stat").exists(),
                    reason="finds worker processes through Linux /proc")
def test_a_killed_worker_costs_one_file_not_the_run(tmp_path: Path):
    folder = tmp_path / "docs"
    folder.mkdir()
    shutil.copy(SEED, folder / "a.txt")
    _slow_document(folder / "b.txt")  # its worker takes seconds on it, until it is killed
    shutil.copy(SYNTHETIC / "contradictions.txt", folder / "c.txt")
    cache = tmp_path / "cache"
    process = subprocess.Popen(
        [sys.executable, "-m", "markaudit", "audit", str(folder), "--jobs", "2",
         "--cache-dir", str(cache), "-f", "json"],
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 90
    while len(list(cache.glob("??/*.json"))) < 2 and time.monotonic() < deadline:
        time.sleep(0.05)  # until a.txt and c.txt are done and b.txt holds a worker
    # Kill every worker, as the out-of-memory killer would, until the run ends: b.txt gets a
    # second process of its own, which blocks too and is killed in turn.
    while process.poll() is None and time.monotonic() < deadline:
        for child in _children(process.pid):
            os.kill(child, signal.SIGKILL)
        time.sleep(0.2)
    stdout, stderr = process.communicate(timeout=30)
    assert process.returncode == 1, stderr
    report = json.loads(stdout)
    documents = {Path(d["path"]).name: d for d in report["documents"]}
    assert list(documents) == ["a.txt", "b.txt", "c.txt"]
    assert documents["a.txt"]["classification"]["level"] == "TOP SECRET"
    assert documents["c.txt"]["findings"]
    assert "died" in documents["b.txt"]["errors"][0]
    assert "Traceback" not in stderr


def test_in_a_folder_xml_that_is_not_alto_is_metadata_and_passed_over(tmp_path: Path):
    folder = tmp_path / "box"
    folder.mkdir()
    shutil.copy(FIXTURES / "ocr" / "cia-memo-1964.alto.xml", folder / "page-scan.xml")
    (folder / "mets.xml").write_text('<?xml version="1.0"?><mets xmlns="http://www.loc.gov/'
                                     'METS/"><fileSec/></mets>\n', encoding="utf-8")
    result, report = _json_run(str(folder), "--no-cache")
    assert result.returncode in (0, 1), result.stderr
    assert [Path(p).name for p in _paths(report)] == ["page-scan.xml"]
    # Named on the command line, the same file is listed with the reason.
    named = run_markaudit("audit", str(folder / "mets.xml"), "--no-cache")
    assert named.returncode == 1
    assert "not ALTO" in named.stderr


def test_a_closed_pipe_ends_the_run_quietly(tmp_path: Path):
    """`markaudit audit DIR | head`: the reader goes away; no error message, no traceback."""
    # Sixty copies of the seed: a report far larger than a pipe holds, so writes must fail.
    for number in range(60):
        (tmp_path / f"copy{number:02d}.txt").write_text(
            SEED.read_text(encoding="utf-8") + f"\ncopy {number}\n", encoding="utf-8")
    whole = run_markaudit("audit", str(tmp_path), "-f", "jsonl", "--no-cache")
    assert whole.returncode == 0 and len(whole.stdout) > 200_000  # warnings only: exit 0
    process = subprocess.Popen(
        [sys.executable, "-m", "markaudit", "audit", str(tmp_path), "-f", "jsonl",
         "--no-cache", "--jobs", "1"],
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert process.stdout is not None
    process.stdout.read(10)
    process.stdout.close()
    _, stderr = process.communicate(timeout=120)
    assert stderr == b""
    assert process.returncode == 1  # as click ends on a closed pipe
