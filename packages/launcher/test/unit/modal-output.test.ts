import { expect, test } from "vitest";
import { ModalOutputScanner, parseBgbRun } from "../../src/process/modal-output.ts";

const URL = "https://modal.com/apps/ws/main/ap-Q1w2E3r4";
const BGB = `BGB_RUN {"run":"r1","action":"train","function_call_id":"fc-9","app_id":"ap-Q1w2E3r4"}`;

test("finds app id, URL and BGB_RUN in modal's output, across chunk boundaries", () => {
  const s = new ModalOutputScanner();
  const text = `Note that running a local entrypoint in detached mode...\n\u2713 Initialized. View run at ${URL}\n\u2713 Created objects.\n${BGB}\n`;
  const lines: string[] = [];
  for (let i = 0; i < text.length; i += 7) lines.push(...s.feed(text.slice(i, i + 7)));
  lines.push(...s.end());
  expect(lines).toHaveLength(4);
  expect(s.url).toBe(URL);
  expect(s.appId).toBe("ap-Q1w2E3r4");
  expect(s.bgbRun).toEqual({
    run: "r1",
    action: "train",
    function_call_id: "fc-9",
    app_id: "ap-Q1w2E3r4",
  });
});

test("ANSI colours and spinner carriage returns do not hide the markers", () => {
  const s = new ModalOutputScanner();
  s.feed(`\u001b[32m\u2713\u001b[0m Initialized. \u001b[90mView run at \u001b[4m${URL}\u001b[0m\r`);
  s.feed(`\u280b Running...\r${BGB}`);
  s.end();
  expect(s.url).toBe(URL);
  expect(s.bgbRun?.run).toBe("r1");
});

test("the app's own BGB_RUN app id wins over ids seen earlier", () => {
  const s = new ModalOutputScanner();
  s.feed("modal app logs ap-Other1\n");
  expect(s.appId).toBe("ap-Other1");
  s.feed(`${BGB}\n`);
  expect(s.appId).toBe("ap-Q1w2E3r4");
});

test("a malformed BGB_RUN line is reported, never guessed from", () => {
  const s = new ModalOutputScanner();
  s.feed('BGB_RUN {"run": "r1", oops}\n');
  expect(s.bgbRun).toBeNull();
  expect(s.badBgbRun).toContain("oops");
  expect(parseBgbRun('{"action":"train"}')).toBeNull();
  expect(parseBgbRun('{"run":"r","action":"train","app_id":"nope"}')?.app_id).toBeNull();
});

test("a URL at the end of a sentence loses its full stop; words like map-reduce are no app id", () => {
  const s = new ModalOutputScanner();
  s.feed(`map-reduce step; track it at ${URL}.\n`);
  expect(s.url).toBe(URL);
  expect(s.appId).toBe("ap-Q1w2E3r4");
});
