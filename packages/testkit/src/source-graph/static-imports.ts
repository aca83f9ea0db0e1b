// What a TypeScript file runs when it loads: its static value imports, followed through the
// package. The start-up tests of both CLIs use it to show `--help` loads no command, SDK or schema.
import { readFileSync } from "node:fs";
import { dirname, relative, resolve } from "node:path";

/** Specifiers of the value imports and re-exports that run when the file loads (no `import type`, no `import()`). */
export function staticImports(file: string): string[] {
  const text = readFileSync(file, "utf8");
  const found = [
    ...text.matchAll(/^(?:import|export)\s+(?!type\s)[^;]*?\sfrom\s+"([^"]+)"/gms),
    ...text.matchAll(/^import\s+"([^"]+)"/gm),
  ];
  return found.map((m) => m[1] as string);
}

/** Every package file `entry` (relative to pkgDir) reaches statically, and the packages it names. */
export function reachedFrom(
  pkgDir: string,
  entry: string,
): { files: string[]; packages: string[] } {
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
