// Include/exclude rules are picomatch globs: `**` crosses folders, `*` and `?` do not, and
// braces (`edf/{train,dev}/**`, `**/*.{edf,csv}`) and classes (`edf/[td]*/**`) work as in a
// shell. Dot files match like any other name (`edf/**` keeps `edf/.x`), as before.
import picomatch from "picomatch";

const OPTIONS: picomatch.PicomatchOptions = { dot: true, strictSlashes: true };

export function globToRegExp(glob: string): RegExp {
  return picomatch.makeRe(glob, OPTIONS);
}

export type KeyFilter = (relPath: string) => boolean;

/** A path is kept when it matches some include and no exclude. */
export function makeFilter(include: readonly string[], exclude: readonly string[]): KeyFilter {
  const inc = (include.length ? include : ["**"]).map(globToRegExp);
  const exc = exclude.map(globToRegExp);
  return (p) => inc.some((r) => r.test(p)) && !exc.some((r) => r.test(p));
}
