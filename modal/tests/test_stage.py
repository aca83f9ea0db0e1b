"""Staging: parallel, resumable copy from a local tree standing in for the S3 mount to a local
directory standing in for the data Volume, verified against the manifest."""

import io
import json
import os
import threading
from pathlib import Path

import pytest

from bgb_modal import run_record
from bgb_modal.manifest import load_manifest, sha256_file
from bgb_modal.stage import (
    PARTIAL_SUFFIX,
    STAGED_MARKER,
    StageRunTaken,
    end_stage_attempt,
    is_staged,
    resolve_data_root,
    stage,
    stage_attempt_record,
    staged_dir,
)

from .conftest import make_dataset


def open_files_under(root: Path) -> list[str]:
    """Files under root that this process holds open (what Modal's reload refuses)."""
    found = []
    for fd in os.listdir("/proc/self/fd"):
        try:
            target = os.readlink(f"/proc/self/fd/{fd}")
        except OSError:
            continue
        if target.startswith(str(root) + os.sep):
            found.append(target)
    return found


class VolumeCommit:
    """Stands in for modal 1.6.4's Volume.commit() on the data Volume: commit, then reload,
    and the reload fails while files on the Volume are open, with Modal's message."""

    def __init__(self, root: Path):
        self.root = root
        self.calls: list[int] = []  # files done at each commit
        self.called = threading.Event()

    def __call__(self, done: int) -> None:
        try:
            held = open_files_under(self.root)
            if held:
                raise RuntimeError(
                    f"there are open files preventing the operation: {held[0]} is open"
                )
            self.calls.append(done)
        finally:
            self.called.set()


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


def test_commits_while_copying_never_meet_an_open_file(tmp_path):
    """Two sources are pipes, so copies stay open for as long as the test wants: file B
    finishes while file A is still being written. Committing at that moment (what the
    previous code did) fails like Modal; stage() must let A finish first and then commit."""
    src = tmp_path / "mount"
    src.mkdir()
    keys = ["a/slow.edf", "b/fast.edf"]
    make_dataset(src, keys, size=5000)
    m = load_manifest(src)
    data = {k: (src / k).read_bytes() for k in keys}
    for k in keys:  # replace both sources with pipes carrying the same bytes
        (src / k).unlink()
        os.mkfifo(src / k)
    dst = tmp_path / "staged"
    commit = VolumeCommit(dst)

    def feed() -> None:
        with open(src / keys[0], "wb") as slow:  # returns once A's copy has opened its source
            partial = dst / (keys[0] + PARTIAL_SUFFIX)
            while not partial.exists():  # A's copy holds its .bgb-partial open from here on
                threading.Event().wait(0.005)
            (src / keys[1]).write_bytes(data[keys[1]])  # B completes now
            # A stays open until the first commit ran or (when commits wait for A, as they
            # must) a while has passed; this bounds the test, it asserts nothing about time.
            commit.called.wait(2)
            slow.write(data[keys[0]])

    feeder = threading.Thread(target=feed)
    feeder.start()
    try:
        r = stage(
            src, dst, m, workers=2, on_progress=lambda res: commit(res.done), progress_every_s=0
        )
    finally:
        feeder.join()
    assert r.complete and r.failed == [] and r.copied == 2
    assert commit.calls and commit.calls[-1] == 2
    assert all(sha256_file(dst / f.key) == f.sha256 for f in m.files)


def test_the_commit_stand_in_fails_on_an_open_file(tmp_path):
    """The stand-in above refuses exactly when a file under the Volume is open."""
    commit = VolumeCommit(tmp_path)
    with (
        open(tmp_path / "x", "wb"),
        pytest.raises(RuntimeError, match="open files preventing the operation"),
    ):
        commit(0)
    commit(1)
    assert commit.calls == [1]


def test_an_interrupted_stage_continues_under_the_same_run_and_ends_verified(tmp_path):
    """A stage killed mid-way (here: its commit raises, as a lost container would stop it) is
    run again over the same destination: it keeps what was verified and committed, copies
    the rest with commits in between, and ends with the staged marker."""
    src = tmp_path / "mount"
    src.mkdir()
    make_dataset(src, [f"edf/train/p{i:02d}/s001/f.edf" for i in range(24)], size=4000)
    m = load_manifest(src)
    dst = staged_dir(tmp_path / "staged", "tuh", m.version)
    commit = VolumeCommit(tmp_path / "staged")

    def first_attempt(res):
        commit(res.done)
        if len(commit.calls) == 2:
            raise KeyboardInterrupt  # the container goes away after its second commit

    with pytest.raises(KeyboardInterrupt):
        stage(src, dst, m, workers=3, on_progress=first_attempt, progress_every_s=0)
    kept = commit.calls[-1]
    assert 0 < kept < m.files_total and not is_staged(dst, m.version)
    assert not list(dst.rglob("*" + PARTIAL_SUFFIX))  # quiesced before the commit

    r = stage(src, dst, m, workers=3, on_progress=lambda res: commit(res.done), progress_every_s=0)
    assert r.complete and r.failed == []
    assert (r.skipped, r.copied) == (kept, m.files_total - kept)
    assert is_staged(dst, m.version) and _all_match(src, dst, m)
    # a third run (another retry of the same run) has nothing left to do
    again = stage(src, dst, m, workers=3)
    assert (again.copied, again.skipped, again.complete) == (0, m.files_total, True)


def _fresh(run: str, versions: dict[str, str], action: str = "stage") -> dict:
    rec = run_record.new_record(
        run=run,
        action=action,
        preset="smoke",
        config_path=None,
        config_sha256=None,
        dataset_versions=versions,
        git_sha=None,
        git_dirty=False,
        gpu=None,
    )
    rec["staged"] = {}
    return rec


def test_a_retry_of_the_same_stage_run_continues_its_record(tmp_path):
    """What a retried stage function does with run.json: the first attempt creates it, is
    lost mid-copy; the retry under the same run name continues it and ends succeeded, with
    both attempts recorded. Another run's record under the name is refused."""
    src = tmp_path / "mount"
    src.mkdir()
    make_dataset(src, [f"edf/dev/p{i:02d}/s001/f.edf" for i in range(12)], size=3000)
    m = load_manifest(src)
    versions = {"tuh": m.version}
    path = tmp_path / "results" / "st1" / "run.json"
    dst = staged_dir(tmp_path / "staged", "tuh", m.version)

    rec = stage_attempt_record(run_record.read(path), _fresh("st1", versions))
    run_record.write(path, rec)

    def lost(res):
        if res.done >= 4:
            raise KeyboardInterrupt  # the container dies; nothing more is written

    with pytest.raises(KeyboardInterrupt):
        stage(src, dst, m, workers=2, on_progress=lost, progress_every_s=0)

    rec = stage_attempt_record(run_record.read(path), _fresh("st1", versions))
    assert rec["attempt"] == 2 and rec["exit_status"] == "running"
    r = stage(src, dst, m, workers=2)
    rec["staged"]["tuh"] = {"complete": r.complete, "copied": r.copied, "kept": r.skipped}
    run_record.write(path, end_stage_attempt(rec, r.complete))

    final = json.loads(path.read_text())
    assert final["exit_status"] == "succeeded" and final["exit_code"] == 0
    assert [a["outcome"] for a in final["attempts"]] == ["lost", "completed"]
    assert final["staged"]["tuh"]["kept"] >= 4 and final["staged"]["tuh"]["complete"] is True
    assert is_staged(dst, m.version) and _all_match(src, dst, m)

    with pytest.raises(StageRunTaken, match="already exists"):  # a training run of that name
        stage_attempt_record(_fresh("st1", versions, action="train"), _fresh("st1", versions))
    with pytest.raises(StageRunTaken):
        stage_attempt_record(final, _fresh("st1", {"tuh": "0" * 64}))


def test_do_stage_retried_under_the_same_run_continues_and_ends_verified(dataset, tmp_path):
    """The function body Modal runs: a first attempt lost at its second data commit, then the
    same input again (Modal's restart). The retry is not refused for the existing run.json;
    it keeps the committed files and ends succeeded with both attempts recorded."""
    from bgb_modal.remote import do_stage
    from bgb_modal.spec import parse_spec

    from .conftest import spec_doc

    root, doc = dataset
    spec = parse_spec(json.dumps(spec_doc(root, doc["version"])))
    kw = {
        "run": "stage-1",
        "commit_results": lambda: None,
        "results_root": str(tmp_path / "results"),
        "staged_root": str(tmp_path / "staged"),
        "workers": 2,
        "progress_every_s": 0,
    }
    commits = []

    def lost_on_second_commit():
        commits.append(1)
        if len(commits) == 2:
            raise KeyboardInterrupt  # the container goes away

    with pytest.raises(KeyboardInterrupt):
        do_stage(spec, commit_data=lost_on_second_commit, out=io.StringIO(), **kw)
    first = json.loads((tmp_path / "results/stage-1/run.json").read_text())
    assert first["exit_status"] == "running"

    rec = do_stage(spec, commit_data=lambda: None, out=io.StringIO(), **kw)
    assert rec["exit_status"] == "succeeded", rec.get("message")
    assert [a["outcome"] for a in rec["attempts"]] == ["lost", "completed"]
    dst = staged_dir(tmp_path / "staged", "tuh", doc["version"])
    assert is_staged(dst, doc["version"]) and _all_match(root, dst, load_manifest(root))
