/**
 * Validation of an Open Inference Protocol (V2) infer request against the model's inputs:
 * every input present once, datatype as declared, shape rank and fixed dims as declared,
 * batch dim within limits, `data` (flat or nested, row-major) of exactly prod(shape)
 * finite numbers. Every problem gets a JSON pointer; nothing here throws.
 */
import type { ApiError, TensorSpec } from "./definition.js";
import { apiError, pointerToken } from "./errors.js";

export interface V2Input {
  readonly name: string;
  readonly datatype: TensorSpec["datatype"];
  readonly shape: readonly number[];
  /** Flattened row-major values. */
  readonly data: Float32Array | BigInt64Array;
}

export interface V2Request {
  readonly id?: string;
  readonly inputs: readonly V2Input[];
  /** Requested output names; empty = all. */
  readonly outputs: readonly string[];
  /** The shared batch dimension. */
  readonly rows: number;
}

/** The largest finite float32. */
const FP32_MAX = 3.4028234663852886e38;

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === "object" && v !== null && !Array.isArray(v);
const bad = (pointer: string, code: string, detail: string): ApiError => apiError(400, code, detail, pointer);

const TOP = new Set(["id", "parameters", "inputs", "outputs"]);
const INPUT = new Set(["name", "shape", "datatype", "data", "parameters"]);

/** Flattens nested arrays into `out`; false at the first non-array, non-number element. */
function flatten(v: unknown, out: number[], depth: number): boolean {
  if (!Array.isArray(v)) return false;
  for (const x of v) {
    if (typeof x === "number") out.push(x);
    else if (depth < 8 && flatten(x, out, depth + 1)) continue;
    else return false;
  }
  return true;
}

function checkInput(raw: unknown, at: string, spec: TensorSpec, maxRows: number, errors: ApiError[]): V2Input | undefined {
  if (!isObj(raw)) return void errors.push(bad(at, "invalid_type", "each input must be an object {name, shape, datatype, data}"));
  for (const k of Object.keys(raw)
    .filter((k) => !INPUT.has(k))
    .slice(0, 20))
    errors.push(bad(`${at}/${pointerToken(k)}`, "unknown_field", `unknown member "${k.slice(0, 64)}"`));
  const { datatype, shape, data } = raw;
  if (datatype !== spec.datatype) errors.push(bad(`${at}/datatype`, "invalid_datatype", `input "${spec.name}" has datatype ${spec.datatype}, got ${JSON.stringify(datatype)?.slice(0, 32)}`));
  const declared = `[${spec.shape.join(", ")}]`;
  if (!Array.isArray(shape) || shape.some((d) => !Number.isSafeInteger(d) || (d as number) < 0)) {
    errors.push(bad(`${at}/shape`, "invalid_shape", `shape must be an array of non-negative integers (declared ${declared})`));
    return undefined;
  }
  const dims = shape as number[];
  if (dims.length !== spec.shape.length) return void errors.push(bad(`${at}/shape`, "invalid_shape", `input "${spec.name}" has rank ${spec.shape.length} ${declared}, got rank ${dims.length}`));
  for (let i = 0; i < dims.length; i++) {
    const want = spec.shape[i]!;
    if (want >= 0 && dims[i] !== want) return void errors.push(bad(`${at}/shape/${i}`, "invalid_shape", `dimension ${i} of "${spec.name}" must be ${want} ${declared}, got ${dims[i]}`));
  }
  const rows = dims[0]!;
  if (spec.shape[0]! < 0 && (rows < 1 || rows > maxRows))
    return void errors.push(bad(`${at}/shape/0`, rows < 1 ? "empty_batch" : "too_many_rows", `the batch dimension must be between 1 and ${maxRows}, got ${rows}`));
  const size = dims.reduce((a, b) => a * b, 1);
  const flat: number[] = [];
  if (!flatten(data, flat, 0)) return void errors.push(bad(`${at}/data`, "invalid_type", "data must be an array of numbers (flat or nested, row-major)"));
  if (flat.length !== size) return void errors.push(bad(`${at}/data`, "invalid_size", `shape [${dims.join(", ")}] needs ${size} values, got ${flat.length}`));
  if (spec.datatype === "INT64") {
    const i = flat.findIndex((x) => !Number.isSafeInteger(x));
    if (i >= 0) return void errors.push(bad(`${at}/data`, "invalid_value", `INT64 data must hold integers; element ${i} is not`));
    return { name: spec.name, datatype: "INT64", shape: dims, data: BigInt64Array.from(flat, (x) => BigInt(x)) };
  }
  const i = flat.findIndex((x) => !Number.isFinite(x));
  if (i >= 0) return void errors.push(bad(`${at}/data`, "invalid_value", `element ${i} is not a finite number`));
  // Beyond FP32's range a value would become Infinity in the tensor: refused, not rounded.
  const big = flat.findIndex((x) => Math.abs(x) > FP32_MAX);
  if (big >= 0) return void errors.push(bad(`${at}/data/${big}`, "out_of_range", `element ${big} (${flat[big]}) is outside the FP32 range (±${FP32_MAX.toExponential(4)})`));
  return { name: spec.name, datatype: "FP32", shape: dims, data: Float32Array.from(flat) };
}

export type V2Decode = { readonly ok: true; readonly request: V2Request } | { readonly ok: false; readonly errors: readonly ApiError[] };

export function decodeV2(body: unknown, inputs: readonly TensorSpec[], outputs: readonly TensorSpec[], maxRows: number): V2Decode {
  if (!isObj(body)) return { ok: false, errors: [bad("", "invalid_type", 'the request body must be a JSON object {"inputs": [...]}')] };
  const errors: ApiError[] = [];
  for (const k of Object.keys(body)
    .filter((k) => !TOP.has(k))
    .slice(0, 20))
    errors.push(bad(`/${pointerToken(k)}`, "unknown_field", `unknown member "${k.slice(0, 64)}"`));
  if (body["id"] !== undefined && typeof body["id"] !== "string") errors.push(bad("/id", "invalid_type", "id must be a string"));
  const rawInputs = body["inputs"];
  if (!Array.isArray(rawInputs)) return { ok: false, errors: [...errors, bad("/inputs", rawInputs === undefined ? "missing_field" : "invalid_type", "inputs must be an array of tensors")] };
  const decoded: V2Input[] = [];
  const seen = new Set<string>();
  rawInputs.forEach((raw, i) => {
    const name = isObj(raw) ? raw["name"] : undefined;
    const spec = inputs.find((s) => s.name === name);
    if (!spec) return void errors.push(bad(`/inputs/${i}/name`, "unknown_input", `unknown input ${JSON.stringify(name)?.slice(0, 64)}; the model takes ${inputs.map((s) => s.name).join(", ")}`));
    if (seen.has(spec.name)) return void errors.push(bad(`/inputs/${i}/name`, "duplicate_input", `input "${spec.name}" is given twice`));
    seen.add(spec.name);
    const input = checkInput(raw, `/inputs/${i}`, spec, maxRows, errors);
    if (input) decoded.push(input);
  });
  for (const s of inputs) if (!seen.has(s.name)) errors.push(bad("/inputs", "missing_input", `input "${s.name}" is missing`));
  const wanted: string[] = [];
  const rawOutputs = body["outputs"];
  if (rawOutputs !== undefined) {
    if (!Array.isArray(rawOutputs)) errors.push(bad("/outputs", "invalid_type", "outputs must be an array of {name}"));
    else
      rawOutputs.forEach((o, i) => {
        const name = isObj(o) ? o["name"] : undefined;
        if (typeof name === "string" && wanted.includes(name)) errors.push(bad(`/outputs/${i}/name`, "duplicate_output", `output "${name.slice(0, 64)}" is asked for twice`));
        else if (typeof name === "string" && outputs.some((s) => s.name === name)) wanted.push(name);
        else errors.push(bad(`/outputs/${i}/name`, "unknown_output", `unknown output ${JSON.stringify(name)?.slice(0, 64)}; the model gives ${outputs.map((s) => s.name).join(", ")}`));
      });
  }
  if (errors.length > 0) return { ok: false, errors };
  const rows = decoded[0]?.shape[0] ?? 0;
  const j = decoded.findIndex((d) => d.shape[0] !== rows);
  if (j >= 0) return { ok: false, errors: [bad(`/inputs/${j}/shape/0`, "invalid_shape", "all inputs must have the same batch dimension")] };
  const id = body["id"] as string | undefined;
  return { ok: true, request: id === undefined ? { inputs: decoded, outputs: wanted, rows } : { id, inputs: decoded, outputs: wanted, rows } };
}
