// bgb-launch as a user installs it: the packed tarball, installed by npm into an empty folder
// outside this checkout, validates a project's configs and plans a run (--dry-run).
import { spawnSync } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { cleanEnv, type InstalledPackage, packAndInstall } from "@bgb/testkit/pack-install";
import { afterAll, beforeAll, expect, test } from "vitest";
import { PACKAGE_DIR, REPO_ROOT } from "../helpers/paths.ts";

let pkg: InstalledPackage;
let work: string;
let project: string;

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), "bgb-packed-launch-"));
  pkg = await packAndInstall(PACKAGE_DIR, work);
  // A project: the configs of this repo, no trainer checkout, no modal CLI on PATH.
  project = join(work, "project");
  mkdirSync(project);
  writeFileSync(join(project, "pnpm-workspace.yaml"), "packages: []\n");
  cpSync(join(REPO_ROOT, "configs"), join(project, "configs"), { recursive: true });
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

function launch(args: string[]) {
  const r = spawnSync(pkg.bin("bgb-launch"), args, {
    cwd: project,
    encoding: "utf8",
    env: cleanEnv({
      PATH: `${join(process.execPath, "..")}:/usr/bin:/bin`,
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: undefined,
    }),
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

test("the tarball holds the built bin and depends on nothing", () => {
  expect(pkg.manifest.bin).toEqual({ "bgb-launch": "./dist/launch.js" });
  expect(pkg.manifest.dependencies ?? {}).toEqual({});
  expect(pkg.manifest.engines?.node).toBe(">=20.15.0");
});

test("bgb-launch --help", () => {
  const r = launch(["--help"]);
  expect(r.code).toBe(0);
  expect(r.stdout).toMatch(/^Usage: launch /);
  expect(r.stderr).toBe("");
});

test("bgb-launch validate checks the project's configs", () => {
  const r = launch(["validate"]);
  expect(r.stdout).toMatch(/the trainer's own schema was not run: no checkout/);
  expect(r.code).toBe(0);
  expect(r.stdout).toMatch(/^valid: configs\//m);
});

test("bgb-launch smoke --dry-run --json prints the plan; the preflight refuses without modal", () => {
  const r = launch(["smoke", "--dry-run", "--json"]);
  const plan = JSON.parse(r.stdout);
  expect(plan).toMatchObject({ dry_run: true, ok: false, preset: "smoke", action: "train" });
  expect(plan.argv.slice(0, 3)).toEqual(["modal", "run", "--detach"]);
  expect(plan.argv).toContain("configs/smoke_test.yaml");
  expect(r.code).toBe(3);
  expect(r.stderr).toMatch(/nothing launched/);
});
