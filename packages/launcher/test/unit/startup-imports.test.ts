// `--help` and `--version` load commander and the help text only (docs/benchmarks.md,
// "Start-up": 44 MiB instead of 77): every file the bin imports statically, followed through the
// package, reaches no AWS SDK, zod, yaml, preflight or command code, and takes from @bgb/shared only its
// `cli` entry (the barrel would bring every schema). Commands load inside their actions.
import { resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { reachedFrom, staticImports } from "@bgb/testkit";
import { expect, test } from "vitest";

const pkgDir = fileURLToPath(new URL("../..", import.meta.url));
const ALLOWED = new Set(["commander", "@bgb/shared/cli", "@bgb/shared/aws-sdk-node20"]);

const reached = (entry: string) => reachedFrom(pkgDir, entry);

test("src/bin/launch.ts loads commander, the command line and @bgb/shared/cli at start, nothing else", () => {
  const r = reached("src/bin/launch.ts");
  expect(r.packages.filter((p) => !ALLOWED.has(p))).toEqual([]);
  expect(r.files).toContain("src/cli/program.ts");
  // Not a command, the context (registry, modal, S3 reader), the preflight or the plan.
  expect(r.files.filter((f) => !/^src\/(bin\/launch|cli\/program)\.ts$/.test(f))).toEqual([]);
});

test("the regex sees through the forms used here (a value import, a re-export, a side-effect import)", () => {
  expect(staticImports(resolve(pkgDir, "src/cli/program.ts"))).toContain("commander");
  expect(staticImports(resolve(pkgDir, "src/errors.ts"))).toContain("@bgb/shared/cli");
  expect(staticImports(resolve(pkgDir, "src/bin/launch.ts"))).toContain(
    "@bgb/shared/aws-sdk-node20",
  );
});
