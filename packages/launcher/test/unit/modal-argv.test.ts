import { describe, expect, test } from "vitest";
import {
  APP_PATH,
  appListArgv,
  appLogsArgv,
  appStopArgv,
  modalRunArgv,
  runJsonArgv,
  secretListArgv,
  volumeGetRunArgv,
} from "../../src/plan/modal-argv.ts";
import { resolveRequest } from "../../src/plan/request.ts";
import { projectConfigs } from "../helpers/project.ts";

const { launch } = projectConfigs();
const now = new Date("2026-11-28T15:00:00Z");
const req = (preset: string, flags = {}) => resolveRequest(launch, preset, flags, now, "ab12");

describe("modal run argv", () => {
  test("full: Modal's flags before the script path, the app's after it, no shell", () => {
    const argv = modalRunArgv("/venv/bin/modal", req("full"));
    expect(argv).toEqual([
      "/venv/bin/modal",
      "run",
      "--detach",
      "-n",
      "full-20261128-150000-ab12",
      APP_PATH,
      "--action",
      "train",
      "--config",
      launch.presets.full.config,
      "--run",
      "full-20261128-150000-ab12",
    ]);
    const script = argv.indexOf(APP_PATH);
    expect(argv.indexOf("--detach")).toBeLessThan(script);
    expect(argv.indexOf("-n")).toBeLessThan(script);
    // nothing of Modal's after the path: it would reach the entrypoint instead (the seed's mistake)
    expect(argv.slice(script)).not.toContain("--detach");
  });

  test("eval carries the checkpoint and split; resume adds --resume", () => {
    const ev = modalRunArgv(
      "modal",
      req("eval", { checkpoint: "/results/full-a/checkpoints/best.pt", split: "eval" }),
    );
    expect(ev.slice(ev.indexOf(APP_PATH) + 1)).toEqual([
      "--action",
      "evaluate",
      "--config",
      launch.presets.eval.config,
      "--run",
      "eval-20261128-150000-ab12",
      "--checkpoint",
      "/results/full-a/checkpoints/best.pt",
      "--split",
      "eval",
    ]);
    const resumed = modalRunArgv("modal", req("full", { resume: "full-a" }));
    expect(resumed.slice(-3)).toEqual(["--run", "full-a", "--resume"]);
    expect(resumed.slice(2, 5)).toEqual(["--detach", "-n", "full-a"]);
  });
});

test("the other modal commands put options before positional arguments", () => {
  expect(appListArgv("m")).toEqual(["m", "app", "list", "--json"]);
  expect(secretListArgv("m")).toEqual(["m", "secret", "list", "--json"]);
  expect(appLogsArgv("m", "ap-1", true)).toEqual(["m", "app", "logs", "-f", "ap-1"]);
  expect(appLogsArgv("m", "ap-1", false)).toEqual(["m", "app", "logs", "ap-1"]);
  expect(appStopArgv("m", "ap-1")).toEqual(["m", "app", "stop", "-y", "ap-1"]);
  expect(volumeGetRunArgv("m", "brain-go-brr-results", "r1", "/repo/results", false)).toEqual([
    "m",
    "volume",
    "get",
    "brain-go-brr-results",
    "/r1",
    "/repo/results",
  ]);
  expect(volumeGetRunArgv("m", "v", "r1", "results", true)).toContain("--force");
  expect(runJsonArgv("m", "v", "r1")).toEqual(["m", "volume", "get", "v", "/r1/run.json", "-"]);
});
