// Minimal glob matching for include/exclude rules: `**` crosses folders, `*` and `?` do not.
// (node's path.matchesGlob is experimental on Node 20, so we keep our own.)

function escapeRegex(ch: string): string {
  return /[.+^${}()|[\]\\]/.test(ch) ? `\\${ch}` : ch;
}

export function globToRegExp(glob: string): RegExp {
  let re = "";
  for (let i = 0; i < glob.length; i++) {
    const ch = glob[i] as string;
    if (ch === "*") {
      if (glob[i + 1] === "*") {
        // "**/" matches zero or more folders; a trailing "**" matches everything below.
        if (glob[i + 2] === "/") {
          re += "(?:.*/)?";
          i += 2;
        } else {
          re += ".*";
          i += 1;
        }
      } else {
        re += "[^/]*";
      }
    } else if (ch === "?") {
      re += "[^/]";
    } else {
      re += escapeRegex(ch);
    }
  }
  return new RegExp(`^${re}$`);
}

export type KeyFilter = (relPath: string) => boolean;

/** A path is kept when it matches some include and no exclude. */
export function makeFilter(include: readonly string[], exclude: readonly string[]): KeyFilter {
  const inc = (include.length ? include : ["**"]).map(globToRegExp);
  const exc = exclude.map(globToRegExp);
  return (p) => inc.some((r) => r.test(p)) && !exc.some((r) => r.test(p));
}
