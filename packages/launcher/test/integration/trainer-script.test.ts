// scripts/trainer.sh puts the trainer pinned in configs/launch.yaml at its checkout folder. A
// local git repository with two commits stands in for GitHub (no network in tests).
import { execFileSync, spawnSync } from "node:child_process";
import {
  appendFileSync,
  cpSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, expect, test } from "vitest";
import { REPO_ROOT } from "../helpers/paths.ts";

let dir: string;
let upstream: string;
let project: string;
let first: string;
let second: string;
const git = (cwd: string, ...args: string[]) =>
  execFileSync("git", ["-c", "user.email=t@example.com", "-c", "user.name=t", ...args], {
    cwd,
    env: { ...process.env, HOME: dir },
  })
    .toString()
    .trim();
const checkout = () => join(project, "vendor", "brain-go-brr-v2");
const script = () =>
  spawnSync("sh", [join(project, "scripts", "trainer.sh")], {
    encoding: "utf8",
    env: { PATH: process.env.PATH, HOME: dir },
  });

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "bgb-trainer-sh-"));
  upstream = join(dir, "upstream");
  mkdirSync(upstream);
  git(upstream, "init", "-q");
  writeFileSync(join(upstream, "version.txt"), "pinned\n");
  git(upstream, "add", "-A");
  git(upstream, "commit", "-qm", "pinned");
  first = git(upstream, "rev-parse", "HEAD");
  writeFileSync(join(upstream, "version.txt"), "later\n");
  git(upstream, "commit", "-qam", "later");
  second = git(upstream, "rev-parse", "HEAD");

  project = join(dir, "project");
  mkdirSync(join(project, "scripts"), { recursive: true });
  mkdirSync(join(project, "configs"));
  cpSync(join(REPO_ROOT, "scripts", "trainer.sh"), join(project, "scripts", "trainer.sh"));
  const launch = readFileSync(join(REPO_ROOT, "configs", "launch.yaml"), "utf8")
    .replace(/repository: \S+/, `repository: ${upstream}`)
    .replace(/commit: [0-9a-f]{40}/, `commit: ${first}`);
  writeFileSync(join(project, "configs", "launch.yaml"), launch);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

test("clones the pinned commit, then brings a moved checkout back to it", () => {
  const r = script();
  expect(r.status, r.stderr).toBe(0);
  expect(r.stderr).toContain(
    `git clone ${upstream} vendor/brain-go-brr-v2 && git -C vendor/brain-go-brr-v2 checkout ${first}`,
  );
  expect(git(checkout(), "rev-parse", "HEAD")).toBe(first);
  expect(readFileSync(join(checkout(), "version.txt"), "utf8")).toBe("pinned\n");

  git(checkout(), "checkout", "-q", second);
  const again = script();
  expect(again.status, again.stderr).toBe(0);
  expect(git(checkout(), "rev-parse", "HEAD")).toBe(first);
  expect(again.stdout).toBe(`trainer.sh: vendor/brain-go-brr-v2 is at the pinned ${first}\n`);
});

test("refuses to move a checkout with local changes, and a folder that is no checkout", () => {
  git(checkout(), "checkout", "-q", second);
  appendFileSync(join(checkout(), "version.txt"), "edited\n");
  const dirty = script();
  expect(dirty.status).toBe(1);
  expect(dirty.stderr).toContain("has uncommitted changes");
  expect(git(checkout(), "rev-parse", "HEAD")).toBe(second);

  rmSync(checkout(), { recursive: true, force: true });
  mkdirSync(checkout(), { recursive: true });
  const plain = script();
  expect(plain.status).toBe(1);
  expect(plain.stderr).toContain("exists but is not a git checkout of its own");
});
