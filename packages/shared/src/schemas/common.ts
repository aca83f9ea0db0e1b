import { z } from "zod";

/** Calendar date written as YYYY-MM-DD (a string: YAML 1.2 has no timestamp type). */
export const isoDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, "expected a date YYYY-MM-DD")
  .refine((s) => !Number.isNaN(Date.parse(`${s}T00:00:00Z`)), "not a real calendar date");

/** Lower-case identifier used as a map key and on the command line (`pnpm sync tuh`). */
export const identifier = z
  .string()
  .regex(
    /^[a-z][a-z0-9_-]*$/,
    "use lower-case letters, digits, '_' or '-', starting with a letter",
  );

export const positiveInt = z.number().int().positive();
