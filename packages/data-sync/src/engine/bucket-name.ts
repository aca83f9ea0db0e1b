// S3's bucket naming rules, checked before any request: a name the server would refuse gets a
// line naming the rule instead of an HTTP 400 from deep inside a run.
// https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucketnamingrules.html

const PREFIXES = ["xn--", "sthree-", "amzn-s3-demo-"];
const SUFFIXES = ["-s3alias", "--ol-s3", ".mrap", "--x-s3", "--table-s3"];

/** Why S3 refuses this bucket name, or undefined when it is valid. */
export function bucketNameProblem(name: string): string | undefined {
  if (name.length < 3 || name.length > 63) return "must be 3 to 63 characters long";
  if (!/^[a-z0-9.-]+$/.test(name)) return "may hold only lower-case letters, digits, . and -";
  if (!/^[a-z0-9]/.test(name) || !/[a-z0-9]$/.test(name))
    return "must begin and end with a letter or a digit";
  if (name.includes("..")) return "must not hold two adjacent periods";
  if (name.includes(".-") || name.includes("-.")) return "must not hold a period next to a hyphen";
  if (/^\d{1,3}(\.\d{1,3}){3}$/.test(name)) return "must not look like an IP address";
  const pre = PREFIXES.find((p) => name.startsWith(p));
  if (pre) return `must not begin with ${pre} (reserved by S3)`;
  const suf = SUFFIXES.find((s) => name.endsWith(s));
  if (suf) return `must not end with ${suf} (reserved by S3)`;
  return undefined;
}
