// Runs the bin on a pseudo-terminal (Python's pty module) and answers its y/N question, so the
// confirmation path is tested as a person at a terminal meets it.
import { spawn } from "node:child_process";
import { BIN, tsxLoader } from "./paths.ts";

const DRIVER = `
import os, pty, sys, select
answer = sys.argv[1].encode()
pid, fd = pty.fork()
if pid == 0:
    os.execvp(sys.argv[2], sys.argv[2:])
out = b""
answered = False
while True:
    try:
        r, _, _ = select.select([fd], [], [], 60)
    except OSError:
        break
    if not r:
        break
    try:
        chunk = os.read(fd, 4096)
    except OSError:
        break
    if not chunk:
        break
    out += chunk
    if not answered and b"[y/N]" in out:
        os.write(fd, answer + b"\\r")
        answered = True
_, status = os.waitpid(pid, 0)
sys.stdout.write(out.decode("utf8", "replace"))
sys.exit(os.waitstatus_to_exitcode(status))
`;

export function onTerminal(
  args: string[],
  answer: string,
  opts: { cwd: string; env: NodeJS.ProcessEnv },
): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(
      "python3",
      ["-c", DRIVER, answer, process.execPath, "--import", tsxLoader(), BIN, ...args],
      { cwd: opts.cwd, env: opts.env, stdio: ["ignore", "pipe", "inherit"] },
    );
    let output = "";
    child.stdout.on("data", (b) => {
      output += b;
    });
    child.on("close", (code) => resolve({ code, output }));
  });
}
