#!/usr/bin/env node
// Summarises a V8 .cpuprofile (node --cpu-prof) of the built CLI: self time by category, by
// bundled module (the "// path" comments esbuild leaves in dist chunks) and by function.
// Usage: node scripts/cpuprofile-summary.mjs <file.cpuprofile|dir> [top-n]
// The profiler samples the main thread's wall time: on a busy machine native calls look longer
// than the CPU they use, so read proportions, and measure CPU seconds with /usr/bin/time.
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";

const [arg, topArg] = process.argv.slice(2);
if (!arg) {
  console.error("usage: node scripts/cpuprofile-summary.mjs <file.cpuprofile|dir> [top-n]");
  process.exit(2);
}
const file = statSync(arg).isDirectory()
  ? join(arg, readdirSync(arg).find((x) => x.endsWith(".cpuprofile")) ?? "")
  : arg;
const top = Number(topArg ?? 20);
const prof = JSON.parse(readFileSync(file, "utf8"));
const nodes = new Map(prof.nodes.map((n) => [n.id, n]));
const self = new Map();
prof.samples.forEach((id, i) => {
  self.set(id, (self.get(id) ?? 0) + (prof.timeDeltas[i] ?? 0));
});

const marks = new Map();
function moduleOf(url, line) {
  const path = url.replace(/^file:\/\//, "");
  if (!path.includes("/dist/")) return path || "(native)";
  if (!marks.has(path)) {
    const m = [];
    let text = "";
    try {
      text = readFileSync(path, "utf8");
    } catch {
      // rebuilt since the profile was taken: the chunk's name is all there is
    }
    text.split("\n").forEach((l, i) => {
      if (/^\/\/ \S+\.(js|ts|mjs|cjs|json)$/.test(l)) m.push([i, l.slice(3)]);
    });
    marks.set(path, m);
  }
  let best = path.split("/").pop();
  for (const [at, name] of marks.get(path)) {
    if (at > line) break;
    best = name;
  }
  return best.replace(/.*node_modules\/\.pnpm\/[^/]+\/node_modules\//, "");
}
const NATIVE_FS = new Set([
  "fstat",
  "close",
  "read",
  "openFileHandle",
  "fdatasync",
  "stat",
  "writeBuffer",
  "writeString",
  "open",
]);
function category(mod, fn) {
  if (fn === "(idle)") return "idle";
  if (fn === "(garbage collector)") return "garbage collector";
  if (mod === "(native)")
    return fn === "writev" ? "http/socket" : NATIVE_FS.has(fn) ? "fs" : "other native";
  if (/^@(aws-sdk|smithy|aws-crypto)\//.test(mod)) return "AWS SDK";
  if (/^zod\//.test(mod)) return "zod (config parse)";
  if (mod.startsWith("node:internal/crypto")) return "SHA-256/HMAC";
  if (/^node:(net|_http|internal\/stream|stream|internal\/streams)/.test(mod)) return "http/socket";
  if (/^node:(internal\/fs|fs)/.test(mod)) return "fs";
  if (mod.startsWith("node:")) return "node other";
  return `ours: ${mod.split("/").slice(-2).join("/")}`;
}
const byCat = new Map();
const byMod = new Map();
const byFn = new Map();
let busy = 0;
const add = (m, k, t) => m.set(k, (m.get(k) ?? 0) + t);
for (const [id, t] of self) {
  const cf = nodes.get(id).callFrame;
  const mod = moduleOf(cf.url, cf.lineNumber);
  const cat = category(mod, cf.functionName);
  if (cat === "idle") continue;
  busy += t;
  add(byCat, cat, t);
  add(byMod, mod, t);
  add(byFn, `${cf.functionName || "(anonymous)"}  ${mod}:${cf.lineNumber + 1}`, t);
}
const show = (title, m) => {
  console.log(`-- ${title}`);
  for (const [k, t] of [...m].sort((a, b) => b[1] - a[1]).slice(0, top))
    console.log(
      `${(t / 1000).toFixed(0).padStart(7)} ms ${((100 * t) / busy).toFixed(1).padStart(5)}%  ${k}`,
    );
};
console.log(`${file}: ${(busy / 1e6).toFixed(2)} s busy (sampled, idle excluded)`);
show("by category", byCat);
show("by module", byMod);
show("by function", byFn);
