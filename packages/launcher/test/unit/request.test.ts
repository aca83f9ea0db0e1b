import { describe, expect, test } from "vitest";
import { UsageError } from "../../src/errors.ts";
import { resolveRequest } from "../../src/plan/request.ts";
import { defaultRunName } from "../../src/plan/run-name.ts";
import { projectConfigs } from "../helpers/project.ts";

const { launch } = projectConfigs();
const now = new Date("2026-11-28T15:04:05.000Z");

describe("resolveRequest", () => {
  test("takes everything from the preset when no flag is given", () => {
    const r = resolveRequest(launch, "full", {}, now, "ab12");
    expect(r).toMatchObject({
      preset: "full",
      action: "train",
      run: "full-20261128-150405-ab12",
      config: launch.presets.full.config,
      gpu: launch.presets.full.gpu,
      timeoutS: launch.presets.full.timeout_s,
      limitFiles: null,
      resume: false,
      checkpoint: null,
    });
  });

  test("flags override the preset's resources", () => {
    const r = resolveRequest(
      launch,
      "smoke",
      { gpu: "H100", timeout: 1200, cpu: 4, memory: 8192, preemptible: true, name: "my-run" },
      now,
      "0000",
    );
    expect(r).toMatchObject({
      gpu: "H100",
      timeoutS: 1200,
      cpu: 4,
      memoryMib: 8192,
      preemptible: true,
      run: "my-run",
    });
    expect(r.limitFiles).toBe(launch.presets.smoke.limit_files);
  });

  test("every preset runs the one trainer pinned in launch.yaml", () => {
    for (const preset of ["smoke", "full", "eval"]) {
      const r = resolveRequest(launch, preset, {}, now, "x");
      expect(r.trainerSource).toBe("vendor/brain-go-brr-v2");
      expect(r.trainer).toEqual({
        repository: "https://github.com/Clarity-Digital-Twin/brain-go-brr-v2",
        commit: "7504b397de24911f89b255efd468792d406dd2eb",
        checkout: "vendor/brain-go-brr-v2",
      });
    }
  });

  test("--resume reuses the run's name and marks the launch as a resume", () => {
    const r = resolveRequest(launch, "full", { resume: "full-20261101-000000-aaaa" }, now, "x");
    expect(r).toMatchObject({ run: "full-20261101-000000-aaaa", resume: true });
  });

  test.each([
    ["unknown preset", "fulll", {}, /unknown preset or command "fulll"/],
    ["no preset", undefined, {}, /name a preset/],
    [
      "--checkpoint on a training preset",
      "full",
      { checkpoint: "/results/a/checkpoints/best.pt" },
      /--checkpoint is for the evaluate action/,
    ],
    ["--resume on eval", "eval", { resume: "x" }, /--resume continues a training run/],
    ["--resume with another --name", "full", { resume: "a", name: "b" }, /leave out --name/],
    [
      "a run name that could be read as an option",
      "smoke",
      { name: "--detach" },
      /not a usable run name/,
    ],
    ["a run name with a slash", "smoke", { name: "a/b" }, /not a usable run name/],
    ["a fractional timeout", "smoke", { timeout: 1.5 }, /--timeout must be a whole number/],
    ["too little memory", "smoke", { memory: 512 }, /--memory must be whole MiB, at least 1024/],
    [
      "--no-preemptible (Modal has no non-preemptible GPU functions)",
      "full",
      { preemptible: false },
      /^--no-preemptible: Modal does not support non-preemptible GPU functions/,
    ],
    [
      "a config that is not YAML",
      "smoke",
      { config: "configs/x.json" },
      /--config must name a .yaml file/,
    ],
  ])("refuses %s", (_what, preset, flags, message) => {
    expect(() => resolveRequest(launch, preset as string | undefined, flags, now, "x")).toThrow(
      UsageError,
    );
    expect(() => resolveRequest(launch, preset as string | undefined, flags, now, "x")).toThrow(
      message,
    );
  });
});

test("default run names sort by UTC time", () => {
  expect(defaultRunName("eval", now, "beef")).toBe("eval-20261128-150405-beef");
});
