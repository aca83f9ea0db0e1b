import type { z } from "zod";

// zod 4 keeps a schema's definition on `_zod.def`; we only read the few wrapper kinds we use.
type AnyDef = {
  type: string;
  innerType?: z.ZodType;
  in?: z.ZodType;
  shape?: Record<string, z.ZodType>;
  element?: z.ZodType;
  valueType?: z.ZodType;
  options?: z.ZodType[];
  getter?: () => z.ZodType;
};

export function defOf(s: z.ZodType): AnyDef {
  return def(s);
}

function def(s: z.ZodType): AnyDef {
  return (s as unknown as { _zod: { def: AnyDef } })._zod.def;
}

const WRAPPERS = new Set([
  "optional",
  "nullable",
  "default",
  "prefault",
  "catch",
  "readonly",
  "nonoptional",
]);

/** Strips optional/default/nullable/pipe wrappers down to the schema that decides the shape. */
export function unwrap(s: z.ZodType): z.ZodType {
  let cur = s;
  for (let i = 0; i < 32; i++) {
    const d = def(cur);
    if (WRAPPERS.has(d.type) && d.innerType) cur = d.innerType;
    else if (d.type === "pipe" && d.in) cur = d.in;
    else if (d.type === "lazy" && d.getter) cur = d.getter();
    else return cur;
  }
  return cur;
}

export function kindOf(s: z.ZodType): string {
  return def(unwrap(s)).type;
}

export function objectShape(s: z.ZodType): Record<string, z.ZodType> | undefined {
  const d = def(unwrap(s));
  return d.type === "object" ? d.shape : undefined;
}

/** Schemas a value at `path` may be checked against (several when a union is crossed). */
export function schemasAt(root: z.ZodType, path: readonly PropertyKey[]): z.ZodType[] {
  let current = [unwrap(root)];
  for (const seg of path) {
    const next: z.ZodType[] = [];
    for (const s of current) {
      for (const alt of alternatives(s)) {
        const d = def(alt);
        const child =
          d.type === "object"
            ? d.shape?.[String(seg)]
            : d.type === "record"
              ? d.valueType
              : d.type === "array"
                ? d.element
                : undefined;
        if (child) next.push(unwrap(child));
      }
    }
    current = next;
  }
  return current.flatMap(alternatives);
}

function alternatives(s: z.ZodType): z.ZodType[] {
  const u = unwrap(s);
  const d = def(u);
  return d.type === "union" && d.options ? d.options.flatMap(alternatives) : [u];
}

/** Keys a strict object at `path` accepts (union of all candidate objects). */
export function knownKeysAt(root: z.ZodType, path: readonly PropertyKey[]): string[] {
  const keys = new Set<string>();
  for (const s of schemasAt(root, path))
    for (const k of Object.keys(objectShape(s) ?? {})) keys.add(k);
  return [...keys];
}

/** Enum options (when the schema at `path` is an enum), for "did you mean" on values. */
export function enumOptionsAt(root: z.ZodType, path: readonly PropertyKey[]): string[] {
  const out: string[] = [];
  for (const s of schemasAt(root, path)) {
    const d = def(s) as AnyDef & { entries?: Record<string, string> };
    if (d.type === "enum" && d.entries) out.push(...Object.values(d.entries).map(String));
  }
  return out;
}

/** Dot paths of every object key in the schema (not through records or lists). */
export function allKeyPaths(root: z.ZodType, prefix = "", depth = 0): string[] {
  const shape = objectShape(root);
  if (!shape || depth > 8) return [];
  return Object.entries(shape).flatMap(([k, s]) => {
    const p = prefix === "" ? k : `${prefix}.${k}`;
    return [p, ...allKeyPaths(s, p, depth + 1)];
  });
}
