// The trainer reads its config with PyYAML, a YAML 1.1 parser; we parse YAML 1.2. A few plain
// scalars resolve differently, and upstream was bitten by one (`learning_rate: 3e-4`).
// Regexes are PyYAML's implicit resolvers (resolver.py).

const PY_BOOL = /^(?:yes|Yes|YES|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF)$/;
const PY_FLOAT =
  /^(?:[-+]?(?:[0-9][0-9_]*)\.[0-9_]*(?:[eE][-+][0-9]+)?|\.[0-9][0-9_]*(?:[eE][-+][0-9]+)?|[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+\.[0-9_]*|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$/;
const PY_INT =
  /^(?:[-+]?0b[0-1_]+|[-+]?0[0-7_]+|[-+]?(?:0|[1-9][0-9_]*)|[-+]?0x[0-9a-fA-F_]+|[-+]?[1-9][0-9_]*(?::[0-5]?[0-9])+)$/;
const PY_NULL = /^(?:~|null|Null|NULL|)$/;

export type Yaml11Kind = "bool" | "int" | "float" | "null" | "str";

export function yaml11Kind(source: string): Yaml11Kind {
  if (PY_BOOL.test(source)) return "bool";
  if (PY_INT.test(source)) return "int";
  if (PY_FLOAT.test(source)) return "float";
  if (PY_NULL.test(source)) return "null";
  return "str";
}

/** Rewrites a number so YAML 1.1 and 1.2 both read it as a number: 3e-4 -> 3.0e-4, 1E5 -> 1.0e+5. */
export function yaml11SafeNumber(source: string, value: number): string {
  const m = /^([-+]?\d+)(?:\.(\d*))?[eE]([-+]?)(\d+)$/.exec(source.replace(/_/g, ""));
  if (!m) return String(value);
  return `${m[1]}.${m[2] || "0"}e${m[3] === "-" ? "-" : "+"}${m[4]}`;
}

/** A warning message when PyYAML would read `source` differently from YAML 1.2's `value`. */
export function yaml11Difference(
  source: string,
  value: unknown,
): { message: string; hint: string } | undefined {
  const py = yaml11Kind(source);
  if (typeof value === "number") {
    if (py === "str") {
      return {
        message: `${source} is a number in YAML 1.2 but the string "${source}" to PyYAML (YAML 1.1), which the trainer uses`,
        hint: `write ${yaml11SafeNumber(source, value)}`,
      };
    }
    if (py === "int" && /^[-+]?0[0-7_]+$/.test(source)) {
      return {
        message: `${source} is ${value} in YAML 1.2 but octal to PyYAML (YAML 1.1), which the trainer uses`,
        hint: `write ${value} without the leading zero`,
      };
    }
    return undefined;
  }
  if (typeof value === "string") {
    if (py === "bool") {
      return {
        message: `${source} is the string "${source}" in YAML 1.2 but a boolean to PyYAML (YAML 1.1), which the trainer uses`,
        hint: `write true/false, or quote it if a string is meant`,
      };
    }
    if (py === "int" || py === "float") {
      return {
        message: `${source} is a string in YAML 1.2 but a number to PyYAML (YAML 1.1), which the trainer uses`,
        hint: "quote it",
      };
    }
  }
  return undefined;
}
