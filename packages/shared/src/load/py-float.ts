/**
 * `repr(float(x))` as Python prints it: the trainer builds metric names from float fa_rates,
 * so 10 becomes "10.0" and 1e-5 becomes "1e-05".
 */
export function pyFloatRepr(x: number): string {
  if (Number.isNaN(x)) return "nan";
  if (!Number.isFinite(x)) return x > 0 ? "inf" : "-inf";
  if (x === 0) return Object.is(x, -0) ? "-0.0" : "0.0";
  // toExponential() without an argument gives the shortest round-trip digits, as Python does.
  const m = /^(-?)(\d)(?:\.(\d+))?e([-+])(\d+)$/.exec(x.toExponential());
  if (!m) return String(x);
  const [, sign, d0, rest = "", esign, edigits] = m as unknown as [
    string,
    string,
    string,
    string | undefined,
    string,
    string,
  ];
  const digits = d0 + rest;
  const exp = (esign === "-" ? -1 : 1) * Number(edigits);
  if (exp < -4 || exp >= 16) {
    const mant = rest === "" ? d0 : `${d0}.${rest}`;
    return `${sign}${mant}e${exp < 0 ? "-" : "+"}${String(Math.abs(exp)).padStart(2, "0")}`;
  }
  if (exp < 0) return `${sign}0.${"0".repeat(-exp - 1)}${digits}`;
  const intPart = digits.slice(0, exp + 1).padEnd(exp + 1, "0");
  const frac = digits.slice(exp + 1);
  return `${sign}${intPart}.${frac === "" ? "0" : frac}`;
}

/** Metric name the trainer emits for a false-alarm rate (per 24 h). */
export function sensitivityMetricName(faRate: number): string {
  return `sensitivity_at_${pyFloatRepr(faRate)}fa`;
}
