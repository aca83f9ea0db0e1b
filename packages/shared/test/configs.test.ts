import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadConfigFile, loadProjectConfigs, validateFiles } from "../src/index.ts";
import { repoRoot } from "./helpers.ts";

const yamls = readdirSync(join(repoRoot, "configs")).filter((f) => f.endsWith(".yaml"));

describe("configs/", () => {
  it("holds the configs the product needs", () => {
    expect(yamls.sort()).toEqual(
      expect.arrayContaining([
        "datasets.yaml",
        "gpus.yaml",
        "launch.yaml",
        "smoke_test.yaml",
        "tusz_train_a100.yaml",
      ]),
    );
  });

  it.each(yamls)("%s validates without errors or warnings", (f) => {
    const r = loadConfigFile(join(repoRoot, "configs", f));
    expect(r.errors).toEqual([]);
    expect(r.warnings).toEqual([]);
    expect(r.config).toBeDefined();
  });

  it.each(yamls)("%s points editors at its JSON Schema", (f) => {
    const kind = loadConfigFile(join(repoRoot, "configs", f)).kind;
    const first = readFileSync(join(repoRoot, "configs", f), "utf8").split("\n")[0];
    expect(first).toBe(
      `# yaml-language-server: $schema=../packages/shared/schemas/${kind}.schema.json`,
    );
  });

  it("validateFiles with no file checks all of configs/ and the cross-file rules", () => {
    expect(validateFiles([], repoRoot)).toEqual({ ok: true, lines: [] });
  });

  it("loadProjectConfigs returns the three typed configs", () => {
    const p = loadProjectConfigs(repoRoot);
    expect(p.errors).toEqual([]);
    expect(p.warnings).toEqual([]);
    expect(Object.keys(p.datasets?.datasets ?? {})).toEqual(["tuh", "chbmit"]);
    expect(p.datasets?.datasets.chbmit?.source).toBe("s3://physionet-open/chbmit/1.0.0/");
    expect(p.datasets?.datasets.chbmit?.source_anonymous).toBe(true);
    expect(p.datasets?.datasets.tuh?.expected_counts).toEqual({
      train: 4667,
      dev: 1832,
      eval: 865,
    });
    expect(p.launch?.presets.full.limit_files).toBeNull();
    expect(p.gpus?.gpus["A100-80GB"]?.usd_per_hour).toBe(2.5);
  });

  it("the full training config is the realistic A100 one", () => {
    const r = loadConfigFile(join(repoRoot, "configs/tusz_train_a100.yaml"), "training");
    expect(r.config?.training.epochs).toBe(100);
    expect(r.config?.training.learning_rate).toBe(3e-5); // upstream's tuned value
    expect(r.config?.training.gradient_clip).toBe(0.5);
    expect(r.config?.model.architecture).toBe("v3");
    expect(r.config?.model.graph?.enabled).toBe(true);
    expect(r.config?.training.early_stopping.metric).toBe("sensitivity_at_10.0fa");
    expect(r.config?.data.cache_dir).toBe(r.config?.experiment.cache_dir);
  });
});
