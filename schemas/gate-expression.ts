/**
 * The grammar of a quality gate (`train.gates.<metric>`), parsed by hand so a malformed gate
 * is refused at validate with the column where it goes wrong:
 *
 *   gate     := ws op ws operand ws
 *   op       := ">=" | "<=" | ">" | "<"
 *   operand  := number                          absolute:  ">= 0.95"
 *             | alias [ws sign ws number]       relative:  ">= production - 0.01"
 *   sign     := "+" | "-"
 *   number   := "-"? digits ("." digits)?
 *   alias    := [a-z][a-z0-9_]{0,31}, not `latest` / `newest` (the registry's alias grammar)
 *
 * A relative gate compares this run's metric with the same metric of the version the alias
 * points at, shifted by the offset: `>= production - 0.01` holds when ours ≥ theirs − 0.01.
 */

export type GateOp = ">=" | "<=" | ">" | "<";

export type ParsedGate =
  | { readonly kind: "absolute"; readonly op: GateOp; readonly value: number }
  | { readonly kind: "relative"; readonly op: GateOp; readonly alias: string; readonly offset: number };

export type GateParse = { readonly ok: true; readonly gate: ParsedGate } | { readonly ok: false; readonly message: string; readonly column: number };

/** Mirrors runtimes/registry/aliases.ts ALIAS_PATTERN (runtimes ship without the compiler). */
export const ALIAS_NAME = /^[a-z][a-z0-9_]{0,31}$/;
export const RESERVED_ALIAS_NAMES: readonly string[] = ["latest", "newest"];

export function parseGate(text: string): GateParse {
  let i = 0;
  const fail = (message: string): GateParse => ({ ok: false, message: `${message} at column ${i + 1} of ${JSON.stringify(text)}`, column: i + 1 });
  const ws = () => {
    while (i < text.length && (text[i] === " " || text[i] === "\t")) i++;
  };
  const number = (): number | undefined => {
    const m = /^-?\d+(?:\.\d+)?/.exec(text.slice(i));
    if (!m) return undefined;
    i += m[0].length;
    return Number(m[0]);
  };
  ws();
  const opMatch = /^(>=|<=|>|<)/.exec(text.slice(i));
  if (!opMatch) return fail('expected a comparison (>=, <=, > or <), e.g. ">= 0.95" or ">= production - 0.01",');
  const op = opMatch[1] as GateOp;
  i += op.length;
  ws();
  let gate: ParsedGate;
  if (/^[-\d]/.test(text.slice(i))) {
    const value = number();
    if (value === undefined) return fail("expected a number");
    gate = { kind: "absolute", op, value };
  } else {
    const m = /^[A-Za-z_][A-Za-z0-9_-]*/.exec(text.slice(i));
    if (!m) return fail("expected a number or an alias name (e.g. production)");
    // An alias name cannot hold '-': "production-0.01" reads as production - 0.01.
    const word = /^[A-Za-z_][A-Za-z0-9_]*/.exec(m[0])![0];
    if (!ALIAS_NAME.test(word)) return fail(`"${word}" is not an alias name (lower-case letters, digits and '_', starting with a letter, at most 32)`);
    if (RESERVED_ALIAS_NAMES.includes(word)) return fail(`"${word}" cannot be an alias (it means the newest version); name an alias such as production`);
    i += word.length;
    if (/^-[A-Za-z_]/.test(text.slice(i))) return fail(`alias names cannot contain '-' ("${m[0]}"); use '_'`);
    ws();
    let offset = 0;
    if (text[i] === "+" || text[i] === "-") {
      const sign = text[i] === "-" ? -1 : 1;
      i++;
      ws();
      const n = /^\d+(?:\.\d+)?/.exec(text.slice(i));
      if (!n) return fail(`expected a number after "${sign < 0 ? "-" : "+"}"`);
      i += n[0].length;
      offset = sign * Number(n[0]);
    }
    gate = { kind: "relative", op, alias: word, offset };
  }
  ws();
  if (i < text.length) return fail(`unexpected ${JSON.stringify(text.slice(i, i + 10))}`);
  return { ok: true, gate };
}

/** "production - 0.01" / "0.95": the right-hand side as users write it. */
export function gateOperandText(g: ParsedGate): string {
  if (g.kind === "absolute") return String(g.value);
  return g.offset === 0 ? g.alias : `${g.alias} ${g.offset < 0 ? "-" : "+"} ${Math.abs(g.offset)}`;
}
