import { join } from "node:path";
import { beforeEach, describe, expect, it } from "vitest";
import { formatIssue, loadConfigFile, validateFiles } from "../src/index.ts";
import { editYaml, makeProject, writeText } from "./helpers.ts";

let root: string;
let smoke: string;
const SMOKE = "configs/smoke_test.yaml";

beforeEach(() => {
  root = makeProject();
  smoke = join(root, SMOKE);
});

const lines = (files: string[]) => validateFiles(files, root);
/** The rest of a minimal training config that draws no warning of its own. */
const QUIET =
  "data: { cache_dir: c }\nexperiment: { cache_dir: c }\nmodel: { graph: { enabled: true } }\n";

describe("validateFiles on a broken copy of a training config", () => {
  it("names file and key path for an unknown key", () => {
    editYaml(smoke, [[["training", "learnig_rate"], 0.001]]);
    expect(lines([smoke])).toEqual({
      ok: false,
      lines: [`${SMOKE}: training.learnig_rate: unknown key (did you mean learning_rate?)`],
    });
  });

  it("names file and key path for a wrong type", () => {
    editYaml(smoke, [[["training", "batch_size"], "large"]]);
    expect(lines([smoke])).toEqual({
      ok: false,
      lines: [`${SMOKE}: training.batch_size: expected number, got the string "large"`],
    });
  });

  it("names file and key path for a broken cross-field rule", () => {
    editYaml(smoke, [[["postprocessing", "duration", "max_duration_s"], 2]]);
    expect(lines([smoke])).toEqual({
      ok: false,
      lines: [
        `${SMOKE}: postprocessing.duration.min_duration_s: min_duration_s (3) must not exceed max_duration_s (2)`,
      ],
    });
  });

  it("reports every error of a file at once, in file order", () => {
    editYaml(smoke, [
      [["data", "num_workers"], 64],
      [["training", "batch_size"], "large"],
      [["training", "epoch"], 2],
      [["postprocessing", "hysteresis", "tau_on"], 0.7],
    ]);
    expect(lines([smoke]).lines).toEqual([
      `${SMOKE}: data.num_workers: must be <= 32 (got 64)`,
      `${SMOKE}: postprocessing.hysteresis.tau_on: tau_on (0.7) must be greater than tau_off (0.78)`,
      `${SMOKE}: training.batch_size: expected number, got the string "large"`,
      `${SMOKE}: training.epoch: unknown key (did you mean epochs?)`,
    ]);
  });

  it("suggests the section a misplaced key belongs to", () => {
    editYaml(smoke, [[["experiment", "save_plots"], true]]);
    expect(lines([smoke]).lines).toEqual([
      `${SMOKE}: experiment.save_plots: unknown key (did you mean evaluation.save_plots?)`,
    ]);
  });

  it("suggests a truncated key and a misspelled enum value", () => {
    editYaml(smoke, [
      [["training", "gradient_accumulation"], 2],
      [["training", "early_stopping", "mode"], "maxx"],
    ]);
    expect(lines([smoke]).lines).toEqual([
      `${SMOKE}: training.early_stopping.mode: expected one of max | min, got "maxx" (did you mean max?)`,
      `${SMOKE}: training.gradient_accumulation: unknown key (did you mean gradient_accumulation_steps?)`,
    ]);
  });
});

describe("YAML 1.1 vs 1.2 and normalisation", () => {
  it('normalises learning_rate: "3e-4" to a number with a warning', () => {
    editYaml(smoke, [[["training", "learning_rate"], "3e-4"]]);
    const r = loadConfigFile(smoke);
    expect(r.errors).toEqual([]);
    expect(r.kind).toBe("training");
    expect(r.config && "training" in r.config ? r.config.training.learning_rate : undefined).toBe(
      0.0003,
    );
    expect(r.warnings.map(formatIssue)).toEqual([
      `${smoke}: training.learning_rate: the string "3e-4" was read as the number 0.0003 (write the number without quotes)`,
    ]);
  });

  it("warns that PyYAML reads an unquoted 3e-4 as a string", () => {
    writeText(
      smoke,
      `training:\n  learning_rate: 3e-4\n  epochs: 1\n  early_stopping: { metric: auroc }\n${QUIET}`,
    );
    const r = loadConfigFile(smoke, "training");
    expect(r.config?.training.learning_rate).toBe(0.0003);
    expect(r.warnings.map(formatIssue)).toEqual([
      `${smoke}: training.learning_rate: 3e-4 is a number in YAML 1.2 but the string "3e-4" to PyYAML (YAML 1.1), which the trainer uses (write 3.0e-4)`,
    ]);
    expect(r.warnings[0]?.line).toBe(2);
  });

  it("warns about YAML 1.1 booleans and octals", () => {
    writeText(
      smoke,
      `experiment:\n  name: off\n  seed: 0755\n  cache_dir: c\ntraining:\n  early_stopping: { metric: auroc }\ndata: { cache_dir: c }\nmodel: { graph: { enabled: true } }\n`,
    );
    const r = loadConfigFile(smoke, "training");
    expect(r.errors).toEqual([]);
    expect(r.warnings.map((w) => w.path)).toEqual(["experiment.name", "experiment.seed"]);
    expect(r.warnings[1]?.message).toContain("octal");
  });

  it("does not apply the PyYAML check to files only TypeScript reads", () => {
    const gpus = join(root, "configs/gpus.yaml");
    editYaml(gpus, [[["gpus", "T4", "source"], "yes"]]);
    expect(loadConfigFile(gpus).warnings).toEqual([]);
  });
});

describe("upstream traps", () => {
  it("fa_rates floats: sensitivity_at_10fa is an error with a hint", () => {
    editYaml(smoke, [[["training", "early_stopping", "metric"], "sensitivity_at_10fa"]]);
    expect(lines([smoke]).lines).toEqual([
      `${SMOKE}: training.early_stopping.metric: sensitivity_at_10fa is not a metric the trainer computes per epoch: it reads as 0.0 every epoch, so best.pt is just the latest epoch and early stopping ends the run at epoch patience + 2 (did you mean sensitivity_at_10.0fa?)`,
    ]);
  });

  it("the trainer's default metric (sensitivity_at_10fa) is the same trap", () => {
    editYaml(smoke, [[["training", "early_stopping"], undefined]]);
    expect(lines([smoke]).lines).toEqual([
      expect.stringMatching(
        /training\.early_stopping\.metric: sensitivity_at_10fa is not a metric/,
      ),
    ]);
  });

  it("evaluation.metrics names are not per-epoch metrics the loop can track", () => {
    editYaml(smoke, [[["training", "early_stopping", "metric"], "specificity"]]);
    expect(lines([smoke]).lines).toEqual([
      expect.stringMatching(/metric: specificity is not a metric the trainer computes per epoch/),
    ]);
  });

  it("metric names follow Python float formatting of every fa_rate", () => {
    editYaml(smoke, [
      [
        ["evaluation", "fa_rates"],
        [2.5, 0.00001],
      ],
      [["training", "early_stopping", "metric"], "sensitivity_at_1e-05fa"],
    ]);
    expect(lines([smoke])).toEqual({ ok: true, lines: [] });
    editYaml(smoke, [[["training", "early_stopping", "metric"], "sensitivity_at_2.5fa"]]);
    expect(lines([smoke]).ok).toBe(true);
    editYaml(smoke, [[["training", "early_stopping", "metric"], "auroc"]]);
    expect(lines([smoke]).ok).toBe(true);
  });

  it("uses the trainer's default fa_rates when evaluation omits them", () => {
    editYaml(smoke, [
      [["evaluation", "fa_rates"], undefined],
      [["training", "early_stopping", "metric"], "sensitivity_at_5fa"],
    ]);
    expect(lines([smoke]).lines).toEqual([
      expect.stringMatching(
        /metric: sensitivity_at_5fa is not a metric .* \(did you mean sensitivity_at_5\.0fa\?\)$/,
      ),
    ]);
  });

  it("data.cache_dir vs experiment.cache_dir: different values warn, as the trainer's loop does", () => {
    editYaml(smoke, [[["experiment", "cache_dir"], "/cache"]]);
    expect(lines([smoke])).toEqual({
      ok: true,
      lines: [
        `warning: ${SMOKE}: experiment.cache_dir: differs from data.cache_dir (/results/cache/tusz); the trainer's window cache is data.cache_dir only (set both to /results/cache/tusz)`,
      ],
    });
  });

  it("the defaults differ too (cache/data vs cache)", () => {
    editYaml(smoke, [
      [["data", "cache_dir"], undefined],
      [["experiment", "cache_dir"], undefined],
    ]);
    expect(lines([smoke]).lines).toEqual([
      expect.stringMatching(
        /^warning: .*experiment\.cache_dir: differs from data\.cache_dir \(cache\/data\)/,
      ),
    ]);
  });

  it("mamba conv_kernel is 2..4 in the trainer's schema, on any device", () => {
    editYaml(smoke, [
      [["model", "mamba", "conv_kernel"], 5],
      [["experiment", "device"], "cpu"],
      [["training", "mixed_precision"], false],
    ]);
    expect(lines([smoke]).lines).toEqual([
      `${SMOKE}: model.mamba.conv_kernel: must be <= 4 (got 5)`,
    ]);
  });

  it("an unknown split_policy passes the trainer's schema (a plain str) but stops its loop", () => {
    editYaml(smoke, [[["data", "split_policy"], "official"]]);
    expect(lines([smoke]).lines).toEqual([
      `${SMOKE}: data.split_policy: the trainer's loop stops with "Unknown split_policy: official" after the GPU has started (did you mean official_tusz?)`,
    ]);
  });

  it("edge_mamba_d_model must be a multiple of 8 (the model asserts it when built)", () => {
    editYaml(smoke, [[["model", "graph", "edge_mamba_d_model"], 12]]);
    expect(lines([smoke]).lines).toEqual([
      `${SMOKE}: model.graph.edge_mamba_d_model: must be a multiple of 8 for the CUDA kernels (got 12); the trainer asserts it when it builds the model (use 16)`,
    ]);
  });

  it("gradient_accumulation_steps is accepted but never read: a value other than 1 warns", () => {
    editYaml(smoke, [[["training", "gradient_accumulation_steps"], 4]]);
    expect(lines([smoke])).toEqual({
      ok: true,
      lines: [
        `warning: ${SMOKE}: training.gradient_accumulation_steps: the trainer's schema accepts 4 but its training loop never reads it: every step updates the weights (remove it (or set 1))`,
      ],
    });
  });

  it("mixed precision on a cpu device is ignored by the trainer: a warning", () => {
    editYaml(smoke, [[["experiment", "device"], "cpu"]]);
    expect(lines([smoke])).toEqual({
      ok: true,
      lines: [
        `warning: ${SMOKE}: training.mixed_precision: ignored: mixed precision needs CUDA but experiment.device is cpu (set mixed_precision: false)`,
      ],
    });
  });

  it("an upstream-era config with every trap reports them all in one pass", () => {
    writeText(
      smoke,
      [
        "data:",
        "  data_dir: /data/edf/train",
        "  validaton_split: 0.2",
        "model:",
        "  mamba: { conv_kernel: 5 }",
        "training:",
        "  learning_rate: 3e-4",
        "  gradient_accumulation_step: 2",
        "  early_stopping: { metric: sensitivity_at_10fa }",
        "evaluation:",
        "  fa_rates: [10, 5, 2.5, 1]",
        "experiment:",
        "  device: auto",
        "  cache_dir: /results/cache/tusz",
        "resources:",
        "  compile_modle: true",
        "",
      ].join("\n"),
    );
    const r = lines([smoke]);
    expect(r.ok).toBe(false);
    expect(
      r.lines.map((l) => l.replace(/^(warning: )?configs\/smoke_test\.yaml: ([^:]+):.*$/, "$1$2")),
    ).toEqual([
      "data.validaton_split",
      "model.mamba.conv_kernel",
      "training.gradient_accumulation_step",
      "training.early_stopping.metric",
      "resources.compile_modle",
      "warning: model.graph",
      "warning: training.learning_rate",
      "warning: experiment.cache_dir",
    ]);
  });
});

describe("other cross-field rules", () => {
  const cases: [string, [(string | number)[], unknown][], string][] = [
    [
      "bandpass low >= high",
      [
        [
          ["preprocessing", "bandpass"],
          [40, 30],
        ],
      ],
      "preprocessing.bandpass: low 40 Hz must be below high 30 Hz",
    ],
    [
      "bandpass outside [0.1, 200]",
      [
        [
          ["preprocessing", "bandpass"],
          [0.05, 250],
        ],
      ],
      "preprocessing.bandpass: [0.05, 250] Hz must lie within [0.1, 200] Hz",
    ],
    [
      "tau_on <= tau_off",
      [[["postprocessing", "hysteresis", "tau_off"], 0.9]],
      "postprocessing.hysteresis.tau_on: tau_on (0.86) must be greater than tau_off (0.9)",
    ],
    [
      "even morphology kernel",
      [[["postprocessing", "morphology", "closing_kernel"], 30]],
      "postprocessing.morphology.closing_kernel: must be odd (got 30)",
    ],
    [
      "min_duration_s > max_duration_s",
      [[["postprocessing", "duration", "min_duration_s"], 700]],
      "postprocessing.duration.min_duration_s: min_duration_s (700) must not exceed max_duration_s (600)",
    ],
    [
      "learning rate out of range",
      [[["training", "learning_rate"], 0.1]],
      "training.learning_rate: must be <= 0.01 (got 0.1)",
    ],
  ];
  it.each(cases)("%s", (_name, edits, expected) => {
    editYaml(smoke, edits);
    expect(lines([smoke]).lines).toEqual([`${SMOKE}: ${expected}`]);
  });

  it("the v2.1 U-Net layout and the tcn-only architecture are gone from the pinned trainer", () => {
    editYaml(smoke, [
      [["model", "encoder"], { stages: 4, channels: [64, 128, 256, 512] }],
      [["model", "architecture"], "tcn"],
      [
        ["model", "tcn", "channels"],
        [64, 128, 256, 512],
      ],
      [["resources"], { compile_model: false }],
    ]);
    expect(lines([smoke]).lines).toEqual([
      `${SMOKE}: model.architecture: expected one of v3, got "tcn"`,
      `${SMOKE}: model.tcn.channels: unknown key`,
      `${SMOKE}: model.encoder: unknown key`,
      `${SMOKE}: resources.compile_model: unknown key`,
    ]);
  });
});

describe("files that cannot be read or parsed", () => {
  it("a missing file is one line", () => {
    expect(lines([join(root, "configs/nope.yaml")])).toEqual({
      ok: false,
      lines: ["configs/nope.yaml: file not found"],
    });
  });

  it("a YAML syntax error is one line with its position", () => {
    writeText(smoke, "training:\n  epochs: [1, 2\n  batch_size: 3\n");
    const r = lines([smoke]);
    expect(r.ok).toBe(false);
    expect(r.lines).toHaveLength(1);
    expect(r.lines[0]).toMatch(
      /^configs\/smoke_test\.yaml: YAML syntax error at line 3, column 3: /,
    );
  });

  it("duplicate keys are a syntax error", () => {
    writeText(smoke, "training:\n  epochs: 1\n  epochs: 2\n");
    expect(lines([smoke]).lines).toEqual([
      "configs/smoke_test.yaml: YAML syntax error at line 3, column 3: Map keys must be unique",
    ]);
  });

  it("an empty file and a non-mapping are one line each", () => {
    writeText(smoke, "# nothing\n");
    expect(lines([smoke]).lines).toEqual([
      "configs/smoke_test.yaml: the file is empty (expected a mapping of sections)",
    ]);
    writeText(smoke, "- a\n- b\n");
    expect(lines([smoke]).lines).toEqual([
      "configs/smoke_test.yaml: expected a mapping at the top level",
    ]);
  });

  it("loadConfigFile never throws and picks the kind from the file name", () => {
    expect(loadConfigFile(join(root, "configs/launch.yaml")).kind).toBe("launch");
    expect(loadConfigFile(join(root, "configs/datasets.yaml")).kind).toBe("datasets");
    expect(loadConfigFile(join(root, "configs/gpus.yaml")).kind).toBe("gpus");
    expect(loadConfigFile(join(root, "configs")).errors).toHaveLength(1);
  });
});
