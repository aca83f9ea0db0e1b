// A workspace CLI as a user gets it: `pnpm pack` (its prepack script builds dist/ first), then
// `npm install <tarball>` into an empty folder outside the checkout, where no workspace package,
// pnpm-workspace.yaml or TypeScript source can help it start.
import { execFile } from "node:child_process";
import { mkdirSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";

const run = promisify(execFile);

export interface InstalledPackage {
  tarball: string;
  /** The folder npm installed into: node_modules/<name>, node_modules/.bin/<bin>. */
  appDir: string;
  /** The package.json inside the tarball, as npm saw it. */
  manifest: {
    name: string;
    bin?: Record<string, string>;
    dependencies?: Record<string, string>;
    engines?: Record<string, string>;
  };
  /** Absolute path of an installed bin. */
  bin: (name: string) => string;
}

/** The caller's environment without the npm_* variables pnpm exports to its scripts. */
export function cleanEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!/^npm_/i.test(k)) env[k] = v;
  return { ...env, ...extra };
}

export async function packAndInstall(pkgDir: string, into: string): Promise<InstalledPackage> {
  const env = cleanEnv();
  await run("pnpm", ["pack", "--pack-destination", into], { cwd: pkgDir, env });
  const tgz = readdirSync(into).filter((f) => f.endsWith(".tgz"));
  if (tgz.length !== 1) throw new Error(`pnpm pack left ${tgz.length} tarballs in ${into}`);
  const tarball = join(into, tgz[0] as string);
  const appDir = join(into, "app");
  mkdirSync(appDir);
  const { stdout } = await run("tar", ["-xzOf", tarball, "package/package.json"]);
  const manifest = JSON.parse(stdout) as InstalledPackage["manifest"];
  // Nothing to fetch for a package without dependencies: prove it by forbidding the network.
  const network =
    Object.keys(manifest.dependencies ?? {}).length === 0 ? "--offline" : "--prefer-offline";
  await run("npm", ["install", network, "--no-audit", "--no-fund", "--loglevel=error", tarball], {
    cwd: appDir,
    env,
  });
  const installed = JSON.parse(
    readFileSync(join(appDir, "node_modules", manifest.name, "package.json"), "utf8"),
  ) as InstalledPackage["manifest"];
  return {
    tarball,
    appDir,
    manifest: installed,
    bin: (name) => join(appDir, "node_modules", ".bin", name),
  };
}
