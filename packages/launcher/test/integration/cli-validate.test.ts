// `pnpm launch validate` through the real bin: 0 on the project's configs/, 2 with file and key
// path on a copy with an unknown key, a wrong type and a broken cross-field rule.
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, expect, inject, test } from "vitest";
import { REAL_TRAINER_SCHEMA, REPO_ROOT, TRAINER_CHECK_VENV } from "../helpers/paths.ts";
import { runBin } from "../helpers/run-bin.ts";
import { makeTempRepo, type TempRepo } from "../helpers/temp-repo.ts";

let repo: TempRepo;
beforeAll(async () => {
  repo = await makeTempRepo(inject("s3"), { manifest: false });
  const file = join(repo.root, "configs", "tusz_train_a100.yaml");
  const text = readFileSync(file, "utf8")
    .replace("  batch_size: 64", '  lerning_rate: 0.001\n  batch_size: "large"') // unknown key, wrong type
    .replace("tau_on: 0.86", "tau_on: 0.70"); // cross-field: tau_on must exceed tau_off (0.78)
  writeFileSync(file, text);
});
afterAll(() => repo.cleanup());

const env = { PATH: process.env.PATH, BGB_TRAINER_CHECK_VENV: TRAINER_CHECK_VENV };
const PINNED = "7504b397de24"; // configs/launch.yaml trainer.commit

test("validate passes on the project's configs/ (exit 0), with the pinned trainer's own Config when checked out", async () => {
  const r = await runBin(["validate"], { cwd: REPO_ROOT, env });
  expect(r.stderr).toBe("");
  expect(r.stdout).toContain("valid: configs/");
  expect(r.code).toBe(0);
  if (existsSync(REAL_TRAINER_SCHEMA)) {
    expect(r.stdout).toContain(
      `the trainer's own Config (${PINNED}) accepts configs/smoke_test.yaml, configs/tusz_train_a100.yaml`,
    );
  } else {
    expect(r.stdout).toContain(
      `note: the trainer's own schema was not run: no checkout at vendor/brain-go-brr-v2 (sh scripts/trainer.sh fetches ${PINNED})`,
    );
  }
});

// The stand-in schema (no checkout) forbids unknown keys only in the model section, which
// trainer-pin.test.ts covers; a training-section key needs the real schemas.py.
test.skipIf(!existsSync(REAL_TRAINER_SCHEMA))(
  "the trainer's own rejections are reported too, each tagged with its commit",
  async () => {
    const r = await runBin(["validate", "configs/tusz_train_a100.yaml"], { cwd: repo.root, env });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(
      /^configs\/tusz_train_a100\.yaml: training\.lerning_rate: Extra inputs are not permitted \(the trainer's schema has no such key\) \[trainer [0-9a-f]{12}\]$/m,
    );
  },
);

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
