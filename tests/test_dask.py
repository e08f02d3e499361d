"""The Dask engine: a batch audited on a cluster's workers reports exactly what a local run does."""

from __future__ import annotations

import contextlib
import json
import logging
import shutil
import socket
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from distributed import LocalCluster

from markaudit.engine.rules import load_rules
from markaudit.read import read_document
from markaudit.run.audit import audit_document, default_rules_path
from markaudit.run.rulepack import load, pack_of, parse
from tests.conftest import FIXTURES, ROOT, SEED, run_markaudit

SYNTHETIC = FIXTURES / "synthetic"


@pytest.fixture(scope="module")
def scheduler() -> Iterator[str]:
    """One cluster of two worker processes for the module: starting one costs seconds."""
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                      dashboard_address=None, silence_logs=logging.ERROR) as cluster:
        yield cluster.scheduler_address


@pytest.fixture(scope="module")
def batch(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The synthetic documents three times over, in nested folders, with a seed among them."""
    root = tmp_path_factory.mktemp("batch")
    shutil.copytree(SYNTHETIC, root / "box1", ignore=shutil.ignore_patterns("*.yaml"))
    shutil.copytree(SYNTHETIC, root / "box2" / "folder", ignore=shutil.ignore_patterns("*.yaml"))
    shutil.copytree(SYNTHETIC, root / "box3", ignore=shutil.ignore_patterns("*.yaml"))
    shutil.copy(SEED, root / "box3" / "seed.txt")
    (root / "box3" / "empty.txt").write_bytes(b"")  # not audited: listed with its reason
    return root


def _audit(*args: str) -> tuple[dict, str, int]:
    """(the whole JSON report, the console roll-up, the exit code) of one run."""
    with tempfile.TemporaryDirectory() as folder:
        output = Path(folder) / "report.json"
        result = run_markaudit("audit", *args, "--group-by", "folder", "-f", "json", "-o",
                               str(output), "-f", "console", "--statistics")
        assert "Traceback" not in result.stderr, result.stderr
        return json.loads(output.read_text(encoding="utf-8")), result.stdout, result.returncode


def test_a_batch_on_a_cluster_reports_what_local_workers_and_one_process_report(
        scheduler: str, batch: Path):
    on_cluster, cluster_rollup, cluster_code = _audit(str(batch), "--scheduler", scheduler,
                                                      "--no-cache")
    two, two_rollup, two_code = _audit(str(batch), "--jobs", "2", "--no-cache")
    one, one_rollup, one_code = _audit(str(batch), "--jobs", "1", "--no-cache")
    assert len(on_cluster["documents"]) == len(list((batch / "box1").glob("*.txt"))) * 3 + 2
    assert on_cluster == two == one  # the whole JSON report: documents, order, roll-up
    assert cluster_rollup == two_rollup == one_rollup
    assert "box2" in cluster_rollup  # the counts per folder
    assert cluster_code == two_code == one_code == 1  # the empty file: a not-audited finding


def test_without_a_scheduler_a_local_cluster_is_started(tmp_path: Path):
    report, _, _ = _audit(str(SYNTHETIC), "--engine", "dask", "--jobs", "2", "--no-cache")
    local, _, _ = _audit(str(SYNTHETIC), "--no-cache")
    assert report == local
    assert len(report["documents"]) == len(list(SYNTHETIC.glob("*.txt")))


def test_a_local_cluster_prints_nothing_when_the_usual_dashboard_port_is_taken():
    # A notebook's own Dask cluster often holds port 8787: the run's output stays clean.
    with socket.socket() as taken:
        # Held by another process already, it is the case under test too.
        with contextlib.suppress(OSError):
            taken.bind(("127.0.0.1", 8787))
            taken.listen()
        result = run_markaudit("audit", str(SEED), "--engine", "dask", "--jobs", "1",
                               "--no-cache")
    assert "8787" not in result.stderr and "Warning" not in result.stderr, result.stderr
    assert result.returncode in (0, 1), result.stderr


def test_the_cache_is_shared_between_engines(scheduler: str, batch: Path, tmp_path: Path):
    cache = ["--cache-dir", str(tmp_path / "cache")]
    cold, _, _ = _audit(str(batch / "box1"), *cache)
    warm, _, _ = _audit(str(batch / "box1"), "--scheduler", scheduler, *cache)
    assert cold["rollup"]["cached"] == 0
    # The workers found the local engine's entries.
    assert warm["rollup"]["cached"] == len(cold["documents"])
    assert warm["documents"] == cold["documents"]


def test_standard_input_and_relative_paths_are_read_for_the_workers(scheduler: str):
    result = subprocess.run(
        [sys.executable, "-m", "markaudit", "audit", "-", "fixtures/synthetic/cia-cable.txt",
         "--scheduler", scheduler, "--format", "json", "--no-cache"],
        input=SEED.read_text(encoding="utf-8"), capture_output=True, text=True, cwd=ROOT,
        timeout=120)
    report = json.loads(result.stdout)
    assert [d["path"] for d in report["documents"]] == [
        "<stdin>", "fixtures/synthetic/cia-cable.txt"]
    assert report["documents"][0]["classification"]["level"] == "TOP SECRET"
    assert not any(d["errors"] for d in report["documents"])


def test_the_rule_pack_travels_as_text_and_loads_without_its_files(tmp_path: Path):
    extra = tmp_path / "house.yaml"
    extra.write_text("markings:\n  - id: house.box\n    kind: control-number\n"
                     "    pattern: 'BOX \\d+'\n", encoding="utf-8")
    rules = load_rules([default_rules_path(), extra])
    pack = pack_of(rules)
    extra.unlink()  # as on a worker that never had the file
    shipped = parse(pack)
    assert shipped.digest == rules.digest and shipped.sources == rules.sources
    document = read_document(SEED)
    assert audit_document(document, shipped) == audit_document(document, rules)
    assert load(pack) is load(pack)  # parsed once per process


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_an_unreachable_scheduler_is_one_line():
    address = f"tcp://127.0.0.1:{_free_port()}"
    result = run_markaudit("audit", str(SEED), "--scheduler", address,
                           env={"DASK_DISTRIBUTED__COMM__TIMEOUTS__CONNECT": "1s"})
    assert result.returncode == 2
    assert result.stderr.strip() == (f"markaudit: cannot reach the Dask scheduler at {address}: "
                                     f"Timed out trying to connect to {address} after 1 s")
    assert result.stdout == ""


def test_without_the_dask_extra_the_message_names_it():
    hide = ("import sys; sys.modules['distributed'] = None; "
            "sys.argv = ['markaudit', 'audit', sys.argv[1], '--engine', 'dask']; "
            "from markaudit.cli import main; main()")
    result = subprocess.run([sys.executable, "-c", hide, str(SEED)], capture_output=True,
                            text=True, cwd=ROOT, timeout=120)
    assert result.returncode == 2
    assert result.stderr == ("markaudit: --engine dask needs the dask extra: "
                             "pip install 'markaudit[dask]'\n")
