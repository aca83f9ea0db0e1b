// `--help` and `--version` load commander and the help text only (docs/benchmarks.md,
// "Start-up": 44 MiB instead of 77): every file the bin imports statically, followed through the
// package, reaches no AWS SDK, zod, yaml, preflight or command code, and takes from @bgb/shared only its
// `cli` entry (the barrel would bring every schema). Commands load inside their actions.
import { readFileSync } from "node:fs";
import { dirname, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { expect, test } from "vitest";

const pkgDir = fileURLToPath(new URL("../..", import.meta.url));
const ALLOWED = new Set(["commander", "@bgb/shared/cli", "@bgb/shared/aws-sdk-node20"]);

/** Specifiers of the value imports and re-exports that run when the file loads (no `import type`, no `import()`). */
function staticImports(file: string): string[] {
  const text = readFileSync(file, "utf8");
  const found = [
    ...text.matchAll(/^(?:import|export)\s+(?!type\s)[^;]*?\sfrom\s+"([^"]+)"/gms),
    ...text.matchAll(/^import\s+"([^"]+)"/gm),
  ];
  return found.map((m) => m[1] as string);
}

function reached(entry: string): { files: string[]; packages: string[] } {
  const files = new Set<string>();
  const packages = new Set<string>();
  const visit = (file: string) => {
    if (files.has(file)) return;
    files.add(file);
    for (const spec of staticImports(file)) {
      if (spec.startsWith(".")) {
        if (spec.endsWith(".ts")) visit(resolve(dirname(file), spec));
      } else if (!spec.startsWith("node:")) packages.add(spec);
    }
  };
  visit(resolve(pkgDir, entry));
  return { files: [...files].map((f) => relative(pkgDir, f)).sort(), packages: [...packages] };
}

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
