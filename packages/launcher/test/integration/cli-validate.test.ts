// `pnpm launch validate` through the real bin: 0 on the project's configs/, 2 with file and key
// path on a copy with an unknown key, a wrong type and a broken cross-field rule.
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, expect, inject, test } from "vitest";
import { REPO_ROOT } from "../helpers/paths.ts";
import { runBin } from "../helpers/run-bin.ts";
import { makeTempRepo, type TempRepo } from "../helpers/temp-repo.ts";

let repo: TempRepo;
beforeAll(async () => {
  repo = await makeTempRepo(inject("s3"), { manifest: false });
  const file = join(repo.root, "configs", "tusz_train_a100.yaml");
  const text = readFileSync(file, "utf8")
    .replace("  epochs: 100\n", "  epochs: 100\n  lerning_rate: 0.001\n") // unknown key
    .replace("  batch_size: 64", '  batch_size: "large"') // wrong type
    .replace("tau_on: 0.86", "tau_on: 0.70"); // cross-field: tau_on must exceed tau_off (0.78)
  writeFileSync(file, text);
});
afterAll(() => repo.cleanup());

test("validate passes on the project's configs/ (exit 0)", async () => {
  const r = await runBin(["validate"], { cwd: REPO_ROOT, env: { PATH: process.env.PATH } });
  expect(r.stderr).toBe("");
  expect(r.stdout).toContain("valid: configs/");
  expect(r.code).toBe(0);
});

test("validate fails with file and key path for each problem (exit 2)", async () => {
  const r = await runBin(["validate"], { cwd: repo.root, env: { PATH: process.env.PATH } });
  expect(r.code).toBe(2);
  const lines = r.stderr.split("\n");
  const file = "configs/tusz_train_a100.yaml";
  expect(lines).toContainEqual(
    expect.stringMatching(
      new RegExp(
        `^${file}: training\\.lerning_rate: unknown key \\(did you mean learning_rate\\?\\)`,
      ),
    ),
  );
  expect(lines).toContainEqual(
    expect.stringMatching(new RegExp(`^${file}: training\\.batch_size: expected`)),
  );
  expect(lines).toContainEqual(
    expect.stringMatching(new RegExp(`^${file}: postprocessing\\.hysteresis\\.tau_on: .*tau_off`)),
  );
  expect(r.stderr).toMatch(/error: invalid config\n$/);
  expect(r.stderr).not.toMatch(/\n\s+at /); // no stack trace
});

test("validate <file> checks just that file", async () => {
  const bad = await runBin(["validate", "configs/tusz_train_a100.yaml"], {
    cwd: repo.root,
    env: { PATH: process.env.PATH },
  });
  expect(bad.code).toBe(2);
  expect(bad.stderr).toContain("configs/tusz_train_a100.yaml: training.lerning_rate: unknown key");
  const good = await runBin(["validate", "configs/smoke_test.yaml", "--json"], {
    cwd: repo.root,
    env: { PATH: process.env.PATH },
  });
  expect(good.code).toBe(0);
  expect(JSON.parse(good.stdout)).toMatchObject({ ok: true });
});
