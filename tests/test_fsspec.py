"""Collections in object storage: a bucket on a real S3 server (moto, on loopback) audits to the
report of the same files on disk; URLs never cost a local run an import."""

from __future__ import annotations

import json
import shutil
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import boto3
import pytest
from moto.server import ThreadedMotoServer

from tests.conftest import FIXTURES, ROOT, SEED, run_markaudit

SYNTHETIC = FIXTURES / "synthetic"
CREDENTIALS = {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing",
               "AWS_DEFAULT_REGION": "us-east-1"}


@pytest.fixture(scope="module")
def endpoint() -> Iterator[str]:
    """An S3 server on a free loopback port, for the module."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    yield f"http://127.0.0.1:{port}"
    server.stop()


@pytest.fixture(scope="module")
def collection(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Boxes of documents, a drafts folder, notes and metadata that are not documents."""
    root = tmp_path_factory.mktemp("s3") / "collection"
    shutil.copytree(SYNTHETIC, root / "box1", ignore=shutil.ignore_patterns("*.yaml"))
    (root / "box2" / "drafts").mkdir(parents=True)
    shutil.copy(SEED, root / "box2" / "seed.txt")
    shutil.copy(SEED, root / "box2" / "drafts" / "draft.txt")
    shutil.copy(SYNTHETIC / "cia-cable.txt", root / "top.txt")
    (root / "box2" / "notes.csv").write_text("not,a,document\n", encoding="utf-8")
    (root / "box2" / "mets.xml").write_text("<mets/>\n", encoding="utf-8")
    (root / "box2" / "empty.txt").write_bytes(b"")
    return root


@pytest.fixture(scope="module")
def bucket(endpoint: str, collection: Path) -> str:
    """The collection uploaded under s3://archive/collection/."""
    client = boto3.client("s3", endpoint_url=endpoint, **{
        "aws_access_key_id": "testing", "aws_secret_access_key": "testing",
        "region_name": "us-east-1"})
    client.create_bucket(Bucket="archive")
    for file in sorted(p for p in collection.rglob("*") if p.is_file()):
        key = f"collection/{file.relative_to(collection).as_posix()}"
        client.put_object(Bucket="archive", Key=key, Body=file.read_bytes())
    return "s3://archive/collection/"


def _run(endpoint: str, *args: str) -> subprocess.CompletedProcess[str]:
    # Credentials and the endpoint come from the environment, as they would for a real bucket.
    return run_markaudit("audit", *args, env={**CREDENTIALS, "AWS_ENDPOINT_URL": endpoint})


def _report(result: subprocess.CompletedProcess[str]) -> dict:
    assert "Traceback" not in result.stderr, result.stderr
    return json.loads(result.stdout)


def _relative(report: dict, prefix: str) -> dict:
    """The report with every document's path made relative to where the collection is."""
    text = json.dumps(report)
    return json.loads(text.replace(prefix.rstrip("/") + "/", "COLLECTION/"))


OPTIONS = ("--format", "json", "--no-cache", "--group-by", "folder", "--exclude", "drafts/")


def test_a_bucket_audits_to_the_report_of_the_same_files_on_disk(
        endpoint: str, bucket: str, collection: Path):
    from_s3 = _run(endpoint, bucket, *OPTIONS)
    on_disk = _run(endpoint, str(collection), *OPTIONS)
    s3_report, disk_report = _report(from_s3), _report(on_disk)
    paths = [d["path"] for d in s3_report["documents"]]
    assert paths[:2] == ["s3://archive/collection/box1/cia-cable.txt",
                         "s3://archive/collection/box1/contradictions.txt"]
    assert paths[-1] == "s3://archive/collection/top.txt"
    assert not any("draft" in p or p.endswith((".csv", ".xml")) for p in paths)
    assert _relative(s3_report, bucket) == _relative(disk_report, str(collection))
    assert from_s3.returncode == on_disk.returncode == 1  # the empty file (not audited), in both
    assert "s3://archive/collection/box2/empty.txt: empty file" in from_s3.stderr


def test_a_bucket_audited_on_a_local_dask_cluster_gives_the_same_report(
        endpoint: str, bucket: str):
    local = _report(_run(endpoint, bucket, *OPTIONS))
    on_dask = _report(_run(endpoint, bucket, *OPTIONS, "--engine", "dask", "--jobs", "2"))
    assert on_dask == local


def test_one_object_and_a_missing_object_are_named_as_given(endpoint: str, bucket: str):
    result = _run(endpoint, f"{bucket}box2/seed.txt", f"{bucket}box2/gone.txt",
                  "--format", "json", "--no-cache")
    documents = _report(result)["documents"]
    assert [d["path"] for d in documents] == [f"{bucket}box2/seed.txt", f"{bucket}box2/gone.txt"]
    assert documents[0]["classification"]["level"] == "TOP SECRET"
    assert documents[1]["errors"] == ["no such file"]


def test_a_file_url_audits_like_the_folder(collection: Path):
    url = collection.as_uri() + "/"
    from_url = _report(run_markaudit("audit", url, *OPTIONS))
    on_disk = _report(run_markaudit("audit", str(collection), *OPTIONS))
    assert from_url["documents"][0]["path"] == f"{url}box1/cia-cable.txt"
    assert _relative(from_url, url) == _relative(on_disk, str(collection))


@pytest.mark.parametrize(("url", "message"), [
    ("s3://no-such-bucket/prefix/", "markaudit: s3://no-such-bucket/prefix/: bucket "
     "'no-such-bucket' not found (or not visible with these credentials)"),
    ("nosuch://bucket/prefix/", "markaudit: nosuch://bucket/prefix/: unknown URL scheme "
     "'nosuch' (use s3://, gs://, file:// or a local path)"),
])
def test_a_bad_bucket_or_scheme_is_one_line(endpoint: str, url: str, message: str):
    result = _run(endpoint, url)
    assert result.returncode == 2
    assert result.stderr.strip() == message
    assert result.stdout == ""


def test_without_the_s3_extra_the_message_names_it():
    hide = ("import sys; sys.modules['fsspec'] = None; "
            "sys.argv = ['markaudit', 'audit', 's3://archive/collection/']; "
            "from markaudit.cli import main; main()")
    result = subprocess.run([sys.executable, "-c", hide], capture_output=True, text=True,
                            cwd=ROOT, timeout=120)
    assert result.returncode == 2
    assert result.stderr == ("markaudit: s3://archive/collection/: reading URLs needs the s3 "
                             "extra: pip install 'markaudit[s3]'\n")


def test_a_local_run_imports_neither_fsspec_nor_dask(tmp_path: Path):
    watch = ("import atexit, sys; atexit.register(lambda: print(sorted(m for m in "
             "('fsspec', 's3fs', 'dask', 'distributed') if m in sys.modules), file=sys.stderr)); "
             "sys.argv = ['markaudit', 'audit', sys.argv[1], '-f', 'json', '-o', sys.argv[2]]; "
             "from markaudit.cli import main; main()")
    result = subprocess.run([sys.executable, "-c", watch, str(SYNTHETIC), str(tmp_path / "r")],
                            capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert result.stderr.splitlines()[-1] == "[]"
    assert json.loads((tmp_path / "r").read_text(encoding="utf-8"))["documents"]
