import { join } from "node:path";
import { beforeEach, describe, expect, it } from "vitest";
import { formatIssue, loadProjectConfigs, validateFiles } from "../src/index.ts";
import { editYaml, makeProject, writeText } from "./helpers.ts";

let root: string;
const launch = () => join(root, "configs/launch.yaml");
const datasets = () => join(root, "configs/datasets.yaml");
const errors = () => loadProjectConfigs(root).errors.map(formatIssue);

beforeEach(() => {
  root = makeProject();
});

describe("loadProjectConfigs", () => {
  it("a preset's GPU must be a key of gpus.yaml", () => {
    editYaml(launch(), [[["presets", "full", "gpu"], "A100-80G"]]);
    expect(errors()).toEqual([
      "configs/launch.yaml: presets.full.gpu: GPU A100-80G is not in configs/gpus.yaml (did you mean A100-80GB?)",
    ]);
  });

  it("a preset's datasets must be keys of datasets.yaml", () => {
    editYaml(launch(), [
      [
        ["presets", "smoke", "datasets"],
        ["tuh", "chb-mit"],
      ],
    ]);
    expect(errors()).toEqual([
      "configs/launch.yaml: presets.smoke.datasets.1: dataset chb-mit is not in configs/datasets.yaml (did you mean chbmit?)",
    ]);
  });

  it("a preset's config must exist and live under configs/", () => {
    editYaml(launch(), [
      [["presets", "full", "config"], "configs/missing.yaml"],
      [["presets", "eval", "config"], "configs/../elsewhere.yaml"],
    ]);
    expect(errors()).toEqual([
      'configs/launch.yaml: presets.eval.config: expected a path relative to the repo root, without ".." (got "configs/../elsewhere.yaml")',
      "configs/launch.yaml: presets.full.config: configs/missing.yaml does not exist",
    ]);
  });

  it("only the smoke preset may limit files; timeout is capped at 24 h", () => {
    editYaml(launch(), [
      [["presets", "full", "limit_files"], 50],
      [["presets", "full", "timeout_s"], 90000],
    ]);
    expect(errors()).toEqual([
      "configs/launch.yaml: presets.full.timeout_s: Modal rejects a timeout above 86400 s (24 h); longer runs resume in segments (got 90000)",
      "configs/launch.yaml: presets.full.limit_files: only the smoke preset may limit files; full would run on 50 files (set limit_files: null)",
    ]);
  });

  it("a dataset's storage class needs a price", () => {
    editYaml(datasets(), [[["datasets", "tuh", "storage_class"], "DEEP_ARCHIVE"]]);
    expect(errors()).toEqual([
      "configs/datasets.yaml: datasets.tuh.storage_class: storage class DEEP_ARCHIVE has no price in storage_prices.usd_per_gb_month (add it there or use one of STANDARD, INTELLIGENT_TIERING, STANDARD_IA, ONEZONE_IA, GLACIER_IR)",
      "configs/datasets.yaml: datasets.tuh.storage_class: DEEP_ARCHIVE objects must be restored before they can be read, so the training mount cannot read them (use STANDARD, INTELLIGENT_TIERING or GLACIER_IR)",
    ]);
  });

  it("the training config must agree with its preset (W&B secret, dataset)", () => {
    editYaml(join(root, "configs/tusz_train_a100.yaml"), [
      [["experiment", "wandb", "enabled"], true],
      [["data", "dataset"], "chb_mit"],
      [["data", "split_policy"], "custom"],
      [["data", "split_seed"], 7],
    ]);
    expect(errors()).toEqual([
      "configs/launch.yaml: presets.full.wandb: configs/tusz_train_a100.yaml enables experiment.wandb but the preset does not pass the W&B secret (set wandb: true or disable experiment.wandb.enabled)",
      "configs/launch.yaml: presets.full.datasets: configs/tusz_train_a100.yaml trains on chb_mit but the preset mounts tuh (layout tusz)",
      "configs/launch.yaml: presets.eval.wandb: configs/tusz_train_a100.yaml enables experiment.wandb but the preset does not pass the W&B secret (set wandb: true or disable experiment.wandb.enabled)",
      "configs/launch.yaml: presets.eval.datasets: configs/tusz_train_a100.yaml trains on chb_mit but the preset mounts tuh (layout tusz)",
    ]);
  });

  it("a preset's training config errors are reported once, and cross-file checks still run", () => {
    editYaml(join(root, "configs/smoke_test.yaml"), [[["training", "epochz"], 1]]);
    editYaml(launch(), [[["presets", "smoke", "gpu"], "B300"]]);
    const r = validateFiles([], root);
    expect(r.ok).toBe(false);
    expect(r.lines).toEqual([
      "configs/smoke_test.yaml: training.epochz: unknown key (did you mean epochs?)",
      "configs/launch.yaml: presets.smoke.gpu: GPU B300 is not in configs/gpus.yaml (one of T4, L4, A10, L40S, A100-40GB, A100-80GB, H100, H200)",
    ]);
  });

  it("a broken launch.yaml still gets its cross-file checks", () => {
    editYaml(launch(), [
      [["presets", "eval", "cpu"], "many"],
      [["presets", "full", "gpu"], "A100"],
    ]);
    expect(errors()).toEqual([
      'configs/launch.yaml: presets.eval.cpu: expected number, got the string "many"',
      "configs/launch.yaml: presets.full.gpu: GPU A100 is not in configs/gpus.yaml (did you mean A100-40GB or A100-80GB?)",
    ]);
    expect(loadProjectConfigs(root).launch).toBeUndefined();
  });

  it("a missing project file is one error", () => {
    writeText(join(root, "configs/gpus.yaml"), "");
    expect(errors()).toEqual([
      "configs/gpus.yaml: the file is empty (expected a mapping of sections)",
    ]);
  });
});

describe("datasets.yaml and launch.yaml single-file rules", () => {
  const cases: [string, () => void, string][] = [
    [
      "prefix without trailing slash",
      () => editYaml(datasets(), [[["datasets", "tuh", "prefix"], "tuh"]]),
      'configs/datasets.yaml: datasets.tuh.prefix: the prefix must end in "/" (got "tuh")',
    ],
    [
      "bad bucket name",
      () => editYaml(datasets(), [[["datasets", "tuh", "bucket"], "My_Bucket"]]),
      "configs/datasets.yaml: datasets.tuh.bucket: bucket names use lower-case letters, digits, '.' and '-', and start and end with a letter or digit (got \"My_Bucket\")",
    ],
    [
      "http source",
      () =>
        editYaml(datasets(), [
          [["datasets", "chbmit", "source"], "http://physionet.org/files/chb-mit/1.0.0/"],
        ]),
      'configs/datasets.yaml: datasets.chbmit.source: a URL source must use https:// or s3://bucket/prefix/ (or give a local directory) (got "http://physionet.org/files/chb-mit/1.0.0/")',
    ],
    [
      "S3 source with a bad bucket name",
      () =>
        editYaml(datasets(), [[["datasets", "chbmit", "source"], "s3://PhysioNet_Open/chbmit/"]]),
      'configs/datasets.yaml: datasets.chbmit.source: an S3 source is s3://<bucket>/<prefix>/ with a valid bucket name (got "s3://PhysioNet_Open/chbmit/")',
    ],
    [
      "source_anonymous without an S3 source",
      () =>
        editYaml(datasets(), [
          [["datasets", "chbmit", "source"], "https://physionet.org/files/chbmit/1.0.0/"],
        ]),
      "configs/datasets.yaml: datasets.chbmit.source_anonymous: source_anonymous describes an s3:// source, but the source is https://physionet.org/files/chbmit/1.0.0/ (remove it, or make the source s3://<bucket>/<prefix>/)",
    ],
    [
      "split not in layout",
      () => editYaml(datasets(), [[["datasets", "chbmit", "expected_counts"], { train: 600 }]]),
      'configs/datasets.yaml: datasets.chbmit.expected_counts.train: layout chbmit has no split "train" (layout chbmit counts splits: all)',
    ],
    [
      "overlapping prefixes",
      () => editYaml(datasets(), [[["datasets", "chbmit", "prefix"], "tuh/chbmit/"]]),
      "configs/datasets.yaml: datasets.chbmit.prefix: prefix tuh/chbmit/ overlaps tuh's prefix tuh/ in bucket your-eeg-bucket (give each dataset its own prefix)",
    ],
    [
      "unknown preset",
      () => editYaml(launch(), [[["presets", "smok"], { action: "train" }]]),
      "configs/launch.yaml: presets.smok: unknown key (did you mean smoke?)",
    ],
  ];
  it.each(cases)("%s", (_name, edit, expected) => {
    edit();
    expect(errors()).toEqual([expected]);
  });
});

describe("validateFiles on a broken copy of launch.yaml", () => {
  it("names file and key path for an unknown key, a wrong type and a cross-field rule", () => {
    editYaml(launch(), [
      [["presets", "full", "gpu_type"], "H100"],
      [["presets", "full", "preemptible"], "sometimes"],
      [["presets", "eval", "limit_files"], 10],
    ]);
    expect(validateFiles([launch()], root)).toEqual({
      ok: false,
      lines: [
        'configs/launch.yaml: presets.full.preemptible: expected boolean, got the string "sometimes"',
        "configs/launch.yaml: presets.full.gpu_type: unknown key (did you mean gpu?)",
        "configs/launch.yaml: presets.eval.limit_files: only the smoke preset may limit files; eval would run on 10 files (set limit_files: null)",
      ],
    });
  });

  it("says when a launch config is named like a training config", () => {
    const copy = join(root, "configs/launch.local.yaml");
    writeText(copy, "presets: {}\n");
    expect(validateFiles([copy], root).lines).toContain(
      "configs/launch.local.yaml: presets: unknown key (launch.local.yaml is read as a training config; a launch config must be named launch.yaml)",
    );
  });

  it("preemptible: false is refused: Modal has no nonpreemptible GPU functions", () => {
    editYaml(launch(), [[["presets", "full", "preemptible"], false]]);
    expect(validateFiles([launch()], root)).toEqual({
      ok: false,
      lines: [
        "configs/launch.yaml: presets.full.preemptible: must be true: Modal does not support nonpreemptible (preemptible: false) for GPU functions; a preempted run resumes from last.pt (got false)",
      ],
    });
  });

  it("the trainer pin needs the full 40-character commit", () => {
    editYaml(launch(), [[["trainer", "commit"], "7504b39"]]);
    expect(validateFiles([launch()], root).lines).toEqual([
      'configs/launch.yaml: trainer.commit: expected the full 40-character lower-case commit id (git rev-parse <tag>^{commit}) (got "7504b39")',
    ]);
  });
});
