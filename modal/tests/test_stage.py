"""Staging: parallel, resumable copy from a local tree standing in for the S3 mount to a local
directory standing in for the data Volume, verified against the manifest."""

import pytest

from bgb_modal.manifest import load_manifest, sha256_file
from bgb_modal.stage import (
    PARTIAL_SUFFIX,
    STAGED_MARKER,
    is_staged,
    resolve_data_root,
    stage,
    staged_dir,
)

from .conftest import make_dataset


def _all_match(src, dst, m):
    return all(sha256_file(dst / f.key) == f.sha256 for f in m.files) and not list(
        dst.rglob("*" + PARTIAL_SUFFIX)
    )


def test_copies_a_tree_and_marks_it_complete(dataset, tmp_path):
    src, _ = dataset
    m = load_manifest(src)
    dst = staged_dir(tmp_path / "staged", "tuh", m.version)
    r = stage(src, dst, m, workers=4)
    assert (r.copied, r.skipped, r.failed, r.complete) == (m.files_total, 0, [], True)
    assert r.bytes_copied == m.bytes_total
    assert _all_match(src, dst, m)
    assert is_staged(dst, m.version) and (dst / ".bgb-manifest.json").exists()
    assert resolve_data_root(str(src), str(tmp_path / "staged"), "tuh", m.version) == str(dst)
    again = stage(src, dst, m, workers=4)
    assert (again.copied, again.skipped, again.complete) == (0, m.files_total, True)


def test_resumes_after_an_interruption(tmp_path):
    src = tmp_path / "mount"
    src.mkdir()
    make_dataset(src, [f"chb{i:02d}/chb{i:02d}_01.edf" for i in range(1, 41)], size=2000)
    m = load_manifest(src)
    dst = tmp_path / "staged"

    class Interrupted(Exception):
        pass

    def interrupt(result):
        if result.done >= 5:
            raise Interrupted

    with pytest.raises(Interrupted):
        stage(src, dst, m, workers=2, on_progress=interrupt, progress_every_s=0)
    done_before = sum(1 for f in m.files if (dst / f.key).exists())
    assert 5 <= done_before < m.files_total
    assert not (dst / STAGED_MARKER).exists()
    # what a killed copy leaves behind: a partial file, and a complete-looking corrupt file
    missing = next(f for f in m.files if not (dst / f.key).exists())
    partial = dst / (missing.key + PARTIAL_SUFFIX)
    partial.parent.mkdir(parents=True, exist_ok=True)
    partial.write_bytes(b"half")
    done = next(f for f in m.files if (dst / f.key).exists())
    (dst / done.key).write_bytes(bytes(done.size))

    r = stage(src, dst, m, workers=4)
    assert r.complete and r.failed == []
    assert r.skipped == done_before - 1  # kept what was verified, re-copied the corrupt one
    assert r.copied == m.files_total - r.skipped
    assert _all_match(src, dst, m)


def test_rejects_a_source_file_whose_hash_disagrees_with_the_manifest(dataset, tmp_path):
    src, _ = dataset
    m = load_manifest(src)
    bad = m.files[2]
    (src / bad.key).write_bytes(bytes(bad.size))  # same size, other content
    dst = tmp_path / "staged"
    r = stage(src, dst, m, workers=3)
    assert not r.complete and len(r.failed) == 1
    assert bad.key in r.failed[0] and "rejected" in r.failed[0]
    assert not (dst / bad.key).exists()
    assert not list(dst.rglob("*" + PARTIAL_SUFFIX))
    assert not is_staged(dst, m.version)
    assert r.copied == m.files_total - 1  # the other files still arrived
    assert resolve_data_root("/data/tuh", str(tmp_path), "tuh", m.version) == "/data/tuh"
