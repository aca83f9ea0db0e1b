#!/usr/bin/env node
// `pnpm build` of a CLI package (run from the package folder): one esbuild bundle per `bin`
// entry, ESM for Node 20, with linked source maps, into dist/.
//
// What goes into the bundle is read from the package's own package.json:
// - `bin` names the outputs: "bgb-sync": "./dist/sync.js" is built from src/bin/sync.ts.
// - `dependencies` stay outside the bundle (installed next to it by npm); keep that list for
//   what cannot be bundled (native addons). Everything else the code imports, the workspace
//   packages (@bgb/shared, as TypeScript source) and the npm packages listed under
//   devDependencies, is bundled, so the packed tarball runs outside this checkout with no
//   install step of its own.
// Shared code between entries goes into dist/chunks/; code the CLI imports lazily
// (`await import(...)`) stays in its own chunk and is read only when used: each program.ts
// imports its commands inside their actions, so `--help` reads commander and the help text
// only. esbuild puts whole files into chunks by who imports them, so a file the bin loads at
// start must not import the `@bgb/shared` barrel (it would bring zod, yaml and every schema
// into a start-up chunk); it takes `@bgb/shared/cli`. Without splitting, the same lazy code
// still costs its parse: --help at 76 MiB instead of 44 (docs/benchmarks.md, "Start-up").
// Native addons (a package that loads a .node file) cannot be bundled and are always left
// outside. One that a bin loads at start must be in `dependencies` (the build fails otherwise);
// one that only a lazy chunk loads may be left out of them (the launcher never renders the
// dataset report's PNG charts): the build names it, and that path fails in an installed copy.
//
// Why a bundle and not tsc: `--help` starts in about a quarter of tsc output's time because
// Node reads a few large files instead of ~2,000 small ones (docs/benchmarks.md, "Start-up"),
// and the workspace packages need no build and no publishing of their own.
import { existsSync, readdirSync } from "node:fs";
import { chmod, readFile, rm } from "node:fs/promises";
import { isBuiltin } from "node:module";
import { dirname, join } from "node:path";
import { build } from "esbuild";

const pkgDir = process.cwd();
const pkg = JSON.parse(await readFile(join(pkgDir, "package.json"), "utf8"));
const bins = Object.entries(pkg.bin ?? {});
if (bins.length === 0) {
  console.error(`${pkg.name}: package.json has no "bin" entries; nothing to build`);
  process.exit(2);
}
const entryPoints = {};
for (const [name, out] of bins) {
  const m = /^\.\/dist\/([\w-]+)\.js$/.exec(out);
  if (!m) {
    console.error(`${pkg.name}: bin "${name}" is ${out}; expected ./dist/<name>.js`);
    process.exit(2);
  }
  entryPoints[m[1]] = join("src", "bin", `${m[1]}.ts`);
}

/** Packages whose folder holds a .node binary, or whose platform package does (resvg, swc). */
const nativeCache = new Map();
function isNative(dir) {
  if (!nativeCache.has(dir)) {
    const binding = (d) => existsSync(d) && readdirSync(d).some((f) => f.endsWith(".node"));
    const js = join(dir, "js-binding.js");
    const viaPlatformPackage = existsSync(js) || existsSync(join(dir, "binding.js"));
    nativeCache.set(dir, binding(dir) || viaPlatformPackage);
  }
  return nativeCache.get(dir);
}
const leaveNativeOut = {
  name: "leave-native-addons-out",
  setup(b) {
    b.onResolve({ filter: /^(@[^/]+\/)?[^./][^/]*/ }, async (args) => {
      if (args.pluginData === "native-probe") return undefined;
      const m = /^((?:@[^/]+\/)?[^/]+)/.exec(args.path);
      const name = m?.[1];
      if (!name || name.startsWith("node:")) return undefined;
      const r = await b.resolve(`${name}/package.json`, {
        kind: args.kind,
        resolveDir: args.resolveDir,
        pluginData: "native-probe",
      });
      if (r.errors.length > 0 || !r.path) return undefined;
      return isNative(dirname(r.path)) ? { path: args.path, external: true } : undefined;
    });
  },
};

const started = Date.now();
await rm(join(pkgDir, "dist"), { recursive: true, force: true });
const result = await build({
  absWorkingDir: pkgDir,
  entryPoints,
  outdir: "dist",
  entryNames: "[name]",
  chunkNames: "chunks/[name]-[hash]",
  bundle: true,
  splitting: true,
  format: "esm",
  platform: "node",
  // package.json engines: zlib.crc32 (20.15) is the newest Node API the code uses.
  target: "node20.15",
  external: Object.keys(pkg.dependencies ?? {}),
  // Bundled CommonJS packages (the AWS SDK's dependencies) call require() for Node's modules.
  banner: {
    js: 'import { createRequire as __bgbCreateRequire } from "node:module"; const require = __bgbCreateRequire(import.meta.url);',
  },
  // Maps name the original files and lines (NODE_OPTIONS=--enable-source-maps); sources stay
  // out of them to keep the tarball small.
  sourcemap: "linked",
  sourcesContent: false,
  legalComments: "eof",
  metafile: true,
  logLevel: "warning",
  plugins: [leaveNativeOut],
});

// Which external packages each bin loads at start (static imports through its chunks) and which
// only lazily. Node's own modules are always there.
const outputs = result.metafile.outputs;
const declared = new Set(Object.keys(pkg.dependencies ?? {}));
const pkgOf = (p) => /^((?:@[^/]+\/)?[^/]+)/.exec(p)?.[1] ?? p;
const atStart = new Set();
const seen = new Set();
const walk = (file) => {
  if (seen.has(file)) return;
  seen.add(file);
  for (const i of outputs[file]?.imports ?? []) {
    if (i.kind !== "import-statement" && i.kind !== "require-call") continue;
    if (i.external) atStart.add(i.path);
    else walk(i.path);
  }
};
for (const name of Object.keys(entryPoints)) walk(`dist/${name}.js`);
const externals = new Set(
  Object.values(outputs).flatMap((o) => o.imports.filter((i) => i.external).map((i) => i.path)),
);
const builtin = (p) => p.startsWith("node:") || isBuiltin(p);
const problems = [];
for (const path of externals) {
  if (builtin(path) || declared.has(pkgOf(path))) continue;
  if ([...atStart].some((p) => pkgOf(p) === pkgOf(path)))
    problems.push(
      `${pkg.name}: ${pkgOf(path)} cannot be bundled (native addon) and a bin loads it at start: add it to "dependencies" in ${join(pkgDir, "package.json")}`,
    );
  else
    console.log(
      `${pkg.name}: note: ${pkgOf(path)} (native addon) is only loaded lazily and is not in "dependencies": that code path fails in an installed copy`,
    );
}
if (problems.length > 0) {
  for (const p of problems) console.error(p);
  process.exit(1);
}

for (const name of Object.keys(entryPoints)) await chmod(join(pkgDir, "dist", `${name}.js`), 0o755);
const bytes = Object.entries(result.metafile.outputs)
  .filter(([f]) => f.endsWith(".js"))
  .reduce((n, [, o]) => n + o.bytes, 0);
const outs = Object.keys(entryPoints).map((n) => `dist/${n}.js`);
const mib = (bytes / 1024 / 1024).toFixed(1);
console.log(
  `${pkg.name}: ${outs.join(", ")} (${mib} MiB of JavaScript) in ${Date.now() - started} ms`,
);
