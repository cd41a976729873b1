/**
 * What a dataset source URI may look like, owned by the ingest runtime: the spec's schema
 * (`schemas/identifiers.ts`) and a run's `--source` override (applied inside step images,
 * where there is no spec) check the same rule. The scheme's own reader checks the rest.
 */
import { z } from "zod";

export const sourceUri = z
  .string()
  .regex(/^(npm:|file:\/\/|https:\/\/|s3:\/\/)/, "must start with npm:, file://, https:// or s3://")
  .regex(/^[A-Za-z0-9:/@._~%+=,-]+$/, "may only hold letters, digits and : / @ . _ ~ % + = , -")
  .refine((s) => !s.includes(".."), "must not contain '..'");
