// --json and .bgb-report.json: the report as one JSON document.
import type { Report } from "../analysis/types.ts";

export const renderJson = (report: Report) => `${JSON.stringify(report)}\n`;
