// A reader that stops reading (`bgb-sync --help | head -1`) or a terminal that went away
// (SIGHUP: EIO) is not our error: without a listener, the failed write becomes an unhandled
// 'error' event, a stack trace and exit 1. Every CLI's error boundary calls this first.
export function ignoreClosedOutput(
  streams: NodeJS.WriteStream[] = [process.stdout, process.stderr],
) {
  for (const stream of streams) stream.on("error", () => {});
}
