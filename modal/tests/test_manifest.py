"""Reading `.bgb-manifest.json` (contracts.md section 1)."""

import json

import pytest

from bgb_modal.manifest import (
    ManifestError,
    compute_version,
    load_manifest,
    parse_manifest,
    sample_check,
)


def test_loads_and_verifies_version(dataset):
    root, doc = dataset
    m = load_manifest(root, expected_version=doc["version"])
    assert m.version == doc["version"] == compute_version(m.files)
    assert m.counts == {"dev": 1, "eval": 1, "train": 3}
    assert sample_check(root, m, n=100) == []


def test_version_is_sha256_of_lines_in_contract_form():
    import hashlib

    from bgb_modal.manifest import FileEntry

    files = [FileEntry("a/b.edf", 3, "0" * 64), FileEntry("c.edf", 10, "f" * 64)]
    text = f"{'0' * 64} 3 a/b.edf\n{'f' * 64} 10 c.edf\n"
    assert compute_version(files) == hashlib.sha256(text.encode()).hexdigest()


def test_wrong_expected_version_is_reported(dataset):
    root, _ = dataset
    with pytest.raises(ManifestError, match="the launch expected"):
        load_manifest(root, expected_version="b" * 64)


def test_missing_manifest(tmp_path):
    with pytest.raises(ManifestError, match="not found"):
        load_manifest(tmp_path)


def _mutate(root, fn):
    doc = json.loads((root / ".bgb-manifest.json").read_text())
    fn(doc)
    return json.dumps(doc)


@pytest.mark.parametrize(
    ("mutation", "needle"),
    [
        (lambda d: d.update(format=2), "unsupported format"),
        (lambda d: d["files"].reverse(), "not sorted"),
        (lambda d: d.update(files_total=99), "files_total"),
        (lambda d: d.update(bytes_total=1), "bytes_total"),
        (lambda d: d["files"][0].update(sha256="0" * 64), "does not match its files"),
        (lambda d: d["files"][0].update(key="../etc/passwd"), "not a plain relative path"),
        (lambda d: d["files"][0].update(key="/abs"), "not a plain relative path"),
    ],
)
def test_inconsistent_manifests_are_rejected(dataset, mutation, needle):
    root, _ = dataset
    with pytest.raises(ManifestError, match=needle):
        parse_manifest(_mutate(root, mutation))


def test_sample_check_finds_changed_and_missing_files(dataset):
    root, _ = dataset
    m = load_manifest(root)
    first, second = m.files[0], m.files[1]
    p = root / first.key
    p.write_bytes(bytes(len(p.read_bytes())))  # same size, different content
    (root / second.key).unlink()
    problems = sample_check(root, m, n=100)
    assert any(first.key in x and "sha256" in x for x in problems)
    assert any(second.key in x and "missing" in x for x in problems)
