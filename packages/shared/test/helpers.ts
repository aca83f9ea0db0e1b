import { cpSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseDocument } from "yaml";
import { findRepoRoot } from "../src/index.ts";

export const repoRoot = findRepoRoot(import.meta.dirname);

/** A throwaway project root holding a copy of the repo's configs/. */
export function makeProject(): string {
  const root = mkdtempSync(join(tmpdir(), "bgb-shared-"));
  writeFileSync(join(root, "pnpm-workspace.yaml"), "packages: []\n");
  cpSync(join(repoRoot, "configs"), join(root, "configs"), { recursive: true });
  return root;
}

/** Edits a YAML file in place (comments kept); `null` value deletes the key. */
export function editYaml(file: string, edits: [path: (string | number)[], value: unknown][]): void {
  const doc = parseDocument(readFileSync(file, "utf8"));
  for (const [path, value] of edits) {
    if (value === undefined) doc.deleteIn(path);
    else doc.setIn(path, value);
  }
  writeFileSync(file, doc.toString());
}

export function writeText(file: string, text: string): void {
  writeFileSync(file, text);
}
