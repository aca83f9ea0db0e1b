import {
  type Document,
  isMap,
  isPair,
  isScalar,
  isSeq,
  LineCounter,
  type Node,
  parseDocument,
} from "yaml";
import type { PathSegment } from "./issues.ts";

export type ParsedYaml =
  | {
      ok: true;
      data: unknown;
      doc: Document;
      lines: LineCounter;
      warnings: { message: string; line?: number }[];
    }
  | { ok: false; message: string; line?: number };

/** Parses as YAML 1.2 (the `yaml` default); syntax errors carry their line. */
export function parseYaml(text: string): ParsedYaml {
  const lines = new LineCounter();
  const doc = parseDocument(text, {
    version: "1.2",
    lineCounter: lines,
    prettyErrors: false,
    uniqueKeys: true,
  });
  const first = doc.errors[0];
  if (first) {
    // Later errors are nearly always cascades of the first one; one precise line is more useful.
    const { line, col } = lines.linePos(first.pos[0]);
    return {
      ok: false,
      message: `YAML syntax error at line ${line}, column ${col}: ${firstLine(first.message)}`,
      line,
    };
  }
  const warnings = doc.warnings.map((w) => ({
    message: firstLine(w.message),
    line: lines.linePos(w.pos[0]).line,
  }));
  let data: unknown;
  try {
    data = doc.toJS({ maxAliasCount: 100 });
  } catch (e) {
    // An alias bomb (aliases of aliases, billions of nodes): refused before it is expanded.
    if (e instanceof ReferenceError && /alias/i.test(e.message)) {
      return { ok: false, message: "too many YAML aliases (more than 100 expansions): refused" };
    }
    throw e;
  }
  return { ok: true, data, doc, lines, warnings };
}

function firstLine(s: string): string {
  return (s.split("\n")[0] ?? s).replace(/ at line \d+, column \d+:?$/, "").trim();
}

/** 1-based line of the key (or item) at `path`, if present in the document. */
export function lineOf(
  doc: Document,
  lines: LineCounter,
  path: readonly PathSegment[],
): number | undefined {
  let node: unknown = doc.contents;
  let offset: number | undefined = rangeStart(node);
  for (const seg of path) {
    if (isMap(node)) {
      const pair = node.items.find(
        (p) => isPair(p) && isScalar(p.key) && String(p.key.value) === String(seg),
      );
      if (!pair) return offset === undefined ? undefined : lines.linePos(offset).line;
      offset = rangeStart(pair.key) ?? offset;
      node = pair.value;
    } else if (isSeq(node)) {
      const item = node.items[Number(seg)];
      if (item === undefined) return offset === undefined ? undefined : lines.linePos(offset).line;
      offset = rangeStart(item) ?? offset;
      node = item;
    } else break;
  }
  return offset === undefined ? undefined : lines.linePos(offset).line;
}

function rangeStart(n: unknown): number | undefined {
  const r = (n as Node | null | undefined)?.range;
  return r ? r[0] : undefined;
}

/** Calls `visit` for every plain (unquoted) scalar value with its path and source text. */
export function forEachPlainScalar(
  doc: Document,
  text: string,
  visit: (path: PathSegment[], source: string, value: unknown, line: number | undefined) => void,
  lines: LineCounter,
): void {
  const walk = (node: unknown, path: PathSegment[]): void => {
    if (isMap(node)) {
      for (const p of node.items) {
        if (isScalar(p.key)) walk(p.value, [...path, String(p.key.value)]);
      }
    } else if (isSeq(node)) {
      node.items.forEach((item, i) => {
        walk(item, [...path, i]);
      });
    } else if (isScalar(node) && node.type === "PLAIN" && node.range) {
      const src = text.slice(node.range[0], node.range[1]).trim();
      visit(path, src, node.value, lines.linePos(node.range[0]).line);
    }
  };
  walk(doc.contents, []);
}
