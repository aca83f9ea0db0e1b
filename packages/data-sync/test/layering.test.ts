// No import runs upward in src/: the engine (with the interfaces it consumes and its errors) at
// the bottom, the adapters (source/, storage/) above it, the CLI on top, the bins last. An
// adapter may import the engine; the engine never imports an adapter, nor the SDK or commander.
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { expect, test } from "vitest";

const srcDir = fileURLToPath(new URL("../src", import.meta.url));

const LAYER: Record<string, number> = { engine: 0, source: 1, storage: 1, cli: 2, bin: 3 };

function tsFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((d) =>
    d.isDirectory()
      ? tsFiles(join(dir, d.name))
      : d.name.endsWith(".ts")
        ? [join(dir, d.name)]
        : [],
  );
}

const layerOf = (file: string) => {
  const top = relative(srcDir, file).split("/")[0] ?? "";
  const layer = LAYER[top];
  if (layer === undefined) throw new Error(`src/${top}: not in the layer table of this test`);
  return layer;
};

function imports(file: string): string[] {
  const text = readFileSync(file, "utf8");
  return [...text.matchAll(/(?:from|import)\s*\(?\s*"([^"]+)"/g)].map((m) => m[1] as string);
}

test("no import in src/ runs from a lower layer to a higher one", () => {
  const upward: string[] = [];
  const engineExternals: string[] = [];
  for (const file of tsFiles(srcDir)) {
    const from = relative(srcDir, file);
    for (const spec of imports(file)) {
      if (spec.startsWith(".")) {
        const to = relative(srcDir, resolve(dirname(file), spec));
        if (to.startsWith("..")) continue; // package.json: data, no layer
        if (layerOf(join(srcDir, to)) > layerOf(file)) upward.push(`${from} -> ${to}`);
      } else if (from.startsWith("engine/") && /^(@aws-sdk\/|@smithy\/|commander$)/.test(spec)) {
        engineExternals.push(`${from} -> ${spec}`);
      }
    }
  }
  expect(upward).toEqual([]);
  expect(engineExternals).toEqual([]);
});
