// Label parsers, the trainer's channel rules and the limit selection, on literal inputs.
import { describe, expect, test } from "vitest";
import { channelFit, rateProblem, trainerChannelName } from "../src/analysis/trainer-fit.ts";
import { parseChbmitSummary } from "../src/labels/chbmit-summary.ts";
import { mergeIntervals } from "../src/labels/interval.ts";
import { parseTuszCsv } from "../src/labels/tusz-csv.ts";

describe("TUSZ csv / csv_bi", () => {
  test("the csv_bi form (TERM rows, CRLF, comment header)", () => {
    const text = [
      "# version = csv_v1.0.0",
      "# bname = aaaaaaac_s001_t000",
      "# duration = 301.00 secs",
      "#",
      "channel,start_time,stop_time,label,confidence",
      "TERM,0.0000,36.8868,bckg,1.0000",
      "TERM,36.8868,183.3055,seiz,1.0000",
      "",
    ].join("\r\n");
    expect(parseTuszCsv(text)).toEqual({
      ok: true,
      labels: {
        durationSeconds: 301,
        rows: [
          { channel: "TERM", start: 0, stop: 36.8868, label: "bckg", confidence: 1, line: 6 },
          {
            channel: "TERM",
            start: 36.8868,
            stop: 183.3055,
            label: "seiz",
            confidence: 1,
            line: 7,
          },
        ],
      },
    });
  });

  test("a broken row or a missing column line is a problem with its line", () => {
    const head = "# duration = 10.00 secs\nchannel,start_time,stop_time,label,confidence\n";
    expect(parseTuszCsv(`${head}FP1-F7,0.0000,abc,bckg,1.0000\n`)).toEqual({
      ok: false,
      problem:
        'line 3: expected channel,start_time,stop_time,label,confidence, got "FP1-F7,0.0000,abc,bckg,1.0000"',
    });
    expect(parseTuszCsv("# x\nFP1-F7,0,1,bckg,1\n")).toEqual({
      ok: false,
      problem: 'line 2: expected the column line "channel,start_time,stop_time,label,confidence"',
    });
  });

  test("per-channel repeats of one seizure are one event; touching ones stay two", () => {
    expect(
      mergeIntervals([
        { start: 5, stop: 9 },
        { start: 5, stop: 9 },
        { start: 7, stop: 12 },
        { start: 12, stop: 14 },
      ]),
    ).toEqual([
      { start: 5, stop: 12 },
      { start: 12, stop: 14 },
    ]);
  });
});

describe("CHB-MIT summary", () => {
  test("numbered and unnumbered seizure lines, files without seizures", () => {
    const text = [
      "Data Sampling Rate: 256 Hz",
      "",
      "File Name: chb01_03.edf",
      "Number of Seizures in File: 1",
      "Seizure Start Time: 2996 seconds",
      "Seizure End Time: 3036 seconds",
      "",
      "File Name: chb01_04.edf",
      "Number of Seizures in File: 0",
      "",
      "File Name: chb06_01.edf",
      "Number of Seizures in File: 2",
      "Seizure 1 Start Time: 1724 seconds",
      "Seizure 1 End Time: 1738 seconds",
      "Seizure 2 Start Time:  7461 seconds",
      "Seizure 2 End Time:  7476 seconds",
    ].join("\n");
    expect(parseChbmitSummary(text)).toEqual({
      ok: true,
      entries: [
        { file: "chb01_03.edf", line: 3, seizures: [{ start: 2996, stop: 3036 }] },
        { file: "chb01_04.edf", line: 8, seizures: [] },
        {
          file: "chb06_01.edf",
          line: 11,
          seizures: [
            { start: 1724, stop: 1738 },
            { start: 7461, stop: 7476 },
          ],
        },
      ],
    });
  });

  test("a declared count that disagrees with the listed times", () => {
    const text =
      "File Name: chb01_03.edf\nNumber of Seizures in File: 2\nSeizure Start Time: 1 seconds\nSeizure End Time: 5 seconds\n";
    expect(parseChbmitSummary(text)).toEqual({
      ok: false,
      problem: "line 1: chb01_03.edf declares 2 seizures and lists 1",
    });
  });
});

describe("what the trainer can load", () => {
  test("TUSZ names, synonyms and the Fz/Pz interpolation", () => {
    expect(trainerChannelName("EEG FP1-LE")).toBe("Fp1");
    expect(trainerChannelName("EEG T7-REF")).toBe("T3");
    expect(trainerChannelName("FP1-F7")).toBe("FP1-F7");
    const all = ["Fp1", "F3", "C3", "P3", "F7", "T7", "P7", "O1", "Cz"].concat([
      "Fp2",
      "F4",
      "C4",
      "P4",
      "F8",
      "T8",
      "P8",
      "O2",
    ]);
    expect(channelFit(all)).toEqual({
      used: expect.any(Array),
      interpolated: ["Fz", "Pz"],
      missing: [],
    });
    expect(channelFit(all.slice(1)).missing).toEqual(["Fp1", "Fz", "Pz"]);
  });

  test("rates", () => {
    expect(rateProblem([256, 256], 120)).toBeNull();
    expect(rateProblem([250], 120)).toBeNull();
    expect(rateProblem([240], 120)).toBe(
      "240 Hz: Nyquist 120 Hz is at or below the band-pass edge 120 Hz",
    );
    expect(rateProblem([256, 512], 120)).toBe(
      "channels at different rates (256, 512 Hz; MNE resamples them to the highest)",
    );
  });
});
