// S3-shaped error answers, so the SDK parses injected faults exactly like real service errors.
import { randomBytes } from "node:crypto";

export interface S3ErrorAnswer {
  status: number;
  headers: Record<string, string>;
  body: Buffer;
}

const escapeXml = (s: string) =>
  s.replace(
    /[<>&'"]/g,
    (c) => `&${{ "<": "lt", ">": "gt", "&": "amp", "'": "apos", '"': "quot" }[c]};`,
  );

export function s3Error(
  status: number,
  code: string,
  message: string,
  resource: string,
): S3ErrorAnswer {
  const requestId = randomBytes(8).toString("hex").toUpperCase();
  const body = Buffer.from(
    `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${escapeXml(code)}</Code>` +
      `<Message>${escapeXml(message)}</Message><Resource>${escapeXml(resource)}</Resource>` +
      `<RequestId>${requestId}</RequestId><HostId>fault-proxy</HostId></Error>`,
  );
  return {
    status,
    headers: {
      "content-type": "application/xml",
      "content-length": String(body.length),
      "x-amz-request-id": requestId,
      date: new Date().toUTCString(),
    },
    body,
  };
}

export const slowDownError = (resource: string) =>
  s3Error(503, "SlowDown", "Please reduce your request rate.", resource);
