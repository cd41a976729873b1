/**
 * The bench's MLP service: one attribute `x` holding 256 numbers (or, in batch form, an
 * array of such rows) → 8-class probabilities. Hand-written like the test fixtures, with a
 * tight validate-and-copy loop (what the generated code does for a `number[]` attribute).
 */
import type { ApiError, ServiceDefinition } from "../../runtimes/serve/definition.js";

const WIDTH = 256;
const LABELS = ["c0", "c1", "c2", "c3", "c4", "c5", "c6", "c7"];
const err = (code: string, pointer: string, detail: string): ApiError => ({ status: "400", code, detail, source: { pointer } });
const isObj = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

function checkRow(v: unknown, at: string, errors: ApiError[]): boolean {
  if (!Array.isArray(v) || v.length !== WIDTH) return (void errors.push(err("invalid_type", at, `must be an array of ${WIDTH} numbers`)), false);
  for (let i = 0; i < WIDTH; i++) {
    const x = v[i];
    if (typeof x !== "number" || !Number.isFinite(x)) return (void errors.push(err("invalid_type", `${at}/${i}`, "must be a finite number")), false);
  }
  return true;
}

export function mlpDefinition(name = "mlp"): ServiceDefinition<{ rows: number[][] }, unknown> {
  return {
    name,
    basePath: `/${name}/v1`,
    labels: LABELS,
    inputs: [{ name: "x", datatype: "FP32", shape: [-1, WIDTH] }],
    outputs: [{ name: "probabilities", datatype: "FP32", shape: [-1, LABELS.length] }],
    decode(data, maxRows) {
      const errors: ApiError[] = [];
      if (!isObj(data)) return { ok: false, errors: [err("invalid_type", "/data", "must be an object")] };
      if (data["namespace"] !== name) errors.push(err("wrong_namespace", "/data/namespace", `must be "${name}"`));
      const attrs = data["attributes"];
      if (!isObj(attrs)) return { ok: false, errors: [...errors, err("required", "/data/attributes", "must be an object")] };
      for (const k of Object.keys(attrs)) if (k !== "x") errors.push(err("unknown_field", `/data/attributes/${k}`, "unknown attribute"));
      const x = attrs["x"];
      const batch = Array.isArray(x) && Array.isArray(x[0]);
      const rows = (batch ? x : [x]) as unknown[];
      if (rows.length === 0 || rows.length > maxRows) errors.push(err("too_many_rows", "/data/attributes/x", `1 to ${maxRows} rows`));
      rows.forEach((r, i) => checkRow(r, batch ? `/data/attributes/x/${i}` : "/data/attributes/x", errors));
      if (errors.length > 0) return { ok: false, errors };
      return { ok: true, decoded: { value: { rows: rows as number[][] }, rows: rows.length, batch } };
    },
    encode(value, row, out, offset) {
      const r = value.rows[row]!;
      for (let i = 0; i < WIDTH; i++) out[offset + i] = r[i]!;
    },
    respond(decoded, output, width) {
      const one = (r: number) => {
        let best = 0;
        for (let j = 1; j < width; j++) if (output[r * width + j]! > output[r * width + best]!) best = j;
        return { label: LABELS[best]!, score: output[r * width + best]! };
      };
      if (!decoded.batch) return one(0);
      const rows = Array.from({ length: decoded.rows }, (_, r) => one(r));
      return { label: rows.map((x) => x.label), score: rows.map((x) => x.score) };
    },
    openapi: { openapi: "3.1.0", info: { title: name, version: "1" }, paths: {} },
  };
}
