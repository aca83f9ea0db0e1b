// A real Chromium for the HTML test: $CHROMIUM_PATH, else `chromium` on PATH, else Debian's
// `chromium` package installed here when running as root (CI), else a clear message.
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";

function onPath(name: string): string | null {
  try {
    return execFileSync("sh", ["-c", `command -v ${name}`], { encoding: "utf8" }).trim() || null;
  } catch {
    return null;
  }
}

export function ensureChromium(): string {
  const given = process.env.CHROMIUM_PATH;
  if (given) {
    if (!existsSync(given)) throw new Error(`CHROMIUM_PATH=${given} does not exist`);
    return given;
  }
  const found = onPath("chromium") ?? onPath("chromium-browser");
  if (found) return found;
  if (process.getuid?.() !== 0 || !onPath("apt-get"))
    throw new Error(
      "the HTML report test needs Chromium: install Debian's package (sudo apt-get install -y chromium) or set CHROMIUM_PATH",
    );
  console.error("installing Debian's chromium package for the HTML report test (once)");
  const env = { ...process.env, DEBIAN_FRONTEND: "noninteractive" };
  try {
    execFileSync("apt-get", ["install", "-y", "--no-install-recommends", "chromium"], {
      env,
      stdio: "ignore",
    });
  } catch {
    execFileSync("apt-get", ["update"], { env, stdio: "ignore" });
    execFileSync("apt-get", ["install", "-y", "--no-install-recommends", "chromium"], {
      env,
      stdio: "ignore",
    });
  }
  const installed = onPath("chromium");
  if (!installed) throw new Error("apt-get installed chromium but it is not on PATH");
  return installed;
}
