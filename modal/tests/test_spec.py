"""BGB_LAUNCH_SPEC parsing (contracts.md section 2)."""

import json

import pytest

from bgb_modal.spec import LaunchSpec, SpecError, parse_spec, pick_dataset

V = "a" * 64


def doc(**over):
    d = {
        "preset": "full",
        "gpu": "A100-80GB",
        "timeout_s": 86400,
        "cpu": 24,
        "memory_mib": 98304,
        "preemptible": True,
        "wandb": False,
        "limit_files": None,
        "trainer_source": "vendor/brain-go-brr-v2/src",
        "git_sha": "0123abc",
        "git_dirty": False,
        "trainer_commit": "7504b397de24911f89b255efd468792d406dd2eb",
        "trainer_dirty": True,
        "datasets": [
            {
                "name": "tuh",
                "bucket": "my-eeg",
                "prefix": "tuh/",
                "endpoint_url": None,
                "version": V,
                "mount": "/data/tuh",
            }
        ],
    }
    d.update(over)
    return json.dumps(d)


def test_absent_or_blank_gives_the_contract_defaults():
    for text in (None, "", "  "):
        s = parse_spec(text)
        assert (s.gpu, s.timeout_s, s.datasets, s.from_env) == ("A100-80GB", 86400, (), False)


def test_contract_example_parses_and_round_trips():
    s = parse_spec(doc())
    assert s.cpu == 24.0 and s.memory_mib == 98304 and s.preemptible and s.limit_files is None
    assert s.datasets[0].mount == "/data/tuh" and s.datasets[0].prefix == "tuh/"
    assert (s.trainer_commit, s.trainer_dirty) == ("7504b397de24911f89b255efd468792d406dd2eb", True)
    assert parse_spec(s.to_json()) == s


@pytest.mark.parametrize(
    ("text", "needle"),
    [
        ("{not json", "not valid JSON"),
        ("[]", "must be a JSON object"),
        (doc(gpu="A100-800GB"), "gpu:"),
        (doc(timeout_s=90000), "timeout_s:"),
        (doc(timeout_s=True), "timeout_s:"),
        (doc(limit_files=0), "limit_files:"),
        (doc(preemptible="yes"), "preemptible:"),
        (doc(trainer_source="../src"), "trainer_source:"),
        (doc(trainer_commit="7504b39"), "trainer_commit: must be null or 40 lowercase hex"),
        (doc(trainer_dirty="no"), "trainer_dirty:"),
        (doc(gpuu="T4"), "unknown key(s) gpuu"),
        (doc(datasets=[{"name": "tuh"}]), "datasets[0]: missing key(s)"),
    ],
)
def test_malformed_specs_fail_with_one_line_naming_the_field(text, needle):
    with pytest.raises(SpecError) as e:
        parse_spec(text)
    assert needle in str(e.value)
    assert "\n" not in str(e.value)


def ds(**over):
    d = {
        "name": "tuh",
        "bucket": "b",
        "prefix": "tuh/",
        "endpoint_url": None,
        "version": V,
        "mount": "/data/tuh",
    }
    d.update(over)
    return d


@pytest.mark.parametrize(
    ("bad", "needle"),
    [
        (ds(prefix="tuh"), "must be a key prefix ending in '/'"),
        (ds(prefix="/tuh/"), "ending in '/'"),
        (ds(version="abc"), "version"),
        (ds(mount="data/tuh"), "mount"),
        (ds(mount="/results/x"), "collides with /results"),
        (ds(endpoint_url="ftp://x"), "endpoint_url"),
        (ds(bucket="a/b"), "bucket"),
    ],
)
def test_dataset_entries_are_validated(bad, needle):
    with pytest.raises(SpecError, match=r"datasets\[0\]") as e:
        parse_spec(doc(datasets=[bad]))
    assert needle in str(e.value)


def test_version_may_be_null_but_then_cannot_be_required():
    s = parse_spec(doc(datasets=[ds(version=None)]))
    with pytest.raises(SpecError, match="has no version"):
        s.datasets[0].require_version()
    assert parse_spec(doc()).datasets[0].require_version() == V


def test_duplicate_and_nested_mounts_are_rejected():
    with pytest.raises(SpecError, match="duplicate name"):
        parse_spec(doc(datasets=[ds(), ds(mount="/data/x")]))
    with pytest.raises(SpecError, match="inside mount"):
        parse_spec(doc(datasets=[ds(), ds(name="chb", mount="/data/tuh/chb")]))


def test_pick_dataset_by_config_name():
    two = parse_spec(doc(datasets=[ds(), ds(name="chbmit", mount="/data/chbmit")]))
    assert pick_dataset(two, "chb_mit").name == "chbmit"
    assert pick_dataset(two, "tuh_eeg").name == "tuh"
    assert pick_dataset(two, "tuh").name == "tuh"
    with pytest.raises(SpecError, match="cannot tell"):
        pick_dataset(two, None)
    with pytest.raises(SpecError, match="no dataset"):
        pick_dataset(LaunchSpec(), "tuh_eeg")


def test_preemptible_false_is_refused_because_modal_has_no_nonpreemptible_gpu_functions():
    with pytest.raises(SpecError) as e:
        parse_spec(doc(preemptible=False, gpu="H100"))
    assert str(e.value) == (
        "preemptible: false is not supported: Modal does not support nonpreemptible GPU "
        "functions (gpu H100); preempted runs resume from last.pt"
    )
    # Absent means the default, preemptible.
    d = json.loads(doc())
    del d["preemptible"]
    assert parse_spec(json.dumps(d)).preemptible is True
