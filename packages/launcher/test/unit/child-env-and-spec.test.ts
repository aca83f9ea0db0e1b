import { expect, test } from "vitest";
import { childEnv, envNames } from "../../src/plan/child-env.ts";
import { buildLaunchSpec } from "../../src/plan/launch-spec.ts";
import { resolveRequest } from "../../src/plan/request.ts";
import { projectConfigs } from "../helpers/project.ts";

const c = projectConfigs();
const req = resolveRequest(c.launch, "smoke", {}, new Date("2026-11-28T00:00:00Z"), "ab12");
const spec = buildLaunchSpec(req, c.datasets, {
  gitSha: "0123456789abcdef0123456789abcdef01234567",
  gitDirty: true,
  trainerCommit: c.launch.trainer.commit,
  trainerDirty: true,
  versions: { tuh: "e".repeat(64) },
});

test("BGB_LAUNCH_SPEC follows docs/contracts.md section 2", () => {
  expect(Object.keys(spec).sort()).toEqual(
    [
      "preset",
      "gpu",
      "timeout_s",
      "cpu",
      "memory_mib",
      "preemptible",
      "wandb",
      "limit_files",
      "train_retries",
      "trainer_source",
      "git_sha",
      "git_dirty",
      "trainer_commit",
      "trainer_dirty",
      "datasets",
    ].sort(),
  );
  expect(spec).toMatchObject({
    preset: "smoke",
    limit_files: c.launch.presets.smoke.limit_files,
    train_retries: 2, // a smoke plan fits one attempt: two spares for preemptions
    trainer_source: `${c.launch.trainer.checkout}/src`,
    git_dirty: true,
    trainer_commit: c.launch.trainer.commit,
    trainer_dirty: true,
    datasets: [
      {
        name: "tuh",
        bucket: c.datasets.datasets.tuh?.bucket,
        prefix: "tuh/",
        endpoint_url: null,
        version: "e".repeat(64),
        mount: "/data/tuh",
      },
    ],
  });
});

test("the child env carries the spec, drops BGB_LIMIT_FILES, and only names are reported", () => {
  const base = {
    PATH: "/bin",
    BGB_LIMIT_FILES: "50",
    MODAL_TOKEN_ID: "ak-1",
    MODAL_TOKEN_SECRET: "as-secret",
    AWS_SECRET_ACCESS_KEY: "aws-secret",
  };
  const env = childEnv(base, spec);
  expect(env.BGB_LIMIT_FILES).toBeUndefined();
  expect(JSON.parse(env.BGB_LAUNCH_SPEC ?? "")).toEqual(spec);
  expect(env.MODAL_TOKEN_SECRET).toBe("as-secret"); // inherited for modal, never shown
  const names = envNames(base);
  expect(names).toEqual({
    set: ["BGB_LAUNCH_SPEC", "PYTHONUNBUFFERED", "COLUMNS"],
    inherited: ["AWS_SECRET_ACCESS_KEY", "MODAL_TOKEN_ID", "MODAL_TOKEN_SECRET"],
    removed: ["BGB_LIMIT_FILES"],
  });
  expect(JSON.stringify(names)).not.toMatch(/as-secret|aws-secret/);
  expect(env.BGB_LAUNCH_SPEC).not.toMatch(/secret/i);
});
