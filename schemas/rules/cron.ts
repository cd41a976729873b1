/**
 * Cron expressions as Argo's CronWorkflow controller parses them (robfig/cron's standard
 * parser): five fields — minute, hour, day of month, month, day of week — each `*`, a number,
 * a range `a-b`, a step `*\/n` or `a-b/n`, or a comma list of those; months and weekdays also
 * by three-letter name; or one of the descriptors @yearly, @annually, @monthly, @weekly,
 * @daily, @midnight, @hourly. Anything else is refused at validate time, not by the cluster.
 */

const DESCRIPTORS = ["@yearly", "@annually", "@monthly", "@weekly", "@daily", "@midnight", "@hourly"] as const;
const MONTHS = ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"];
const DAYS = ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"];

interface Field {
  readonly name: string;
  readonly min: number;
  readonly max: number;
  /** Names for values, the first meaning `min`. */
  readonly names?: readonly string[];
}

const FIELDS: readonly Field[] = [
  { name: "minute", min: 0, max: 59 },
  { name: "hour", min: 0, max: 23 },
  { name: "day of month", min: 1, max: 31 },
  { name: "month", min: 1, max: 12, names: MONTHS },
  // 7 is Sunday too, as in every cron.
  { name: "day of week", min: 0, max: 7, names: DAYS },
];

function value(text: string, f: Field): number | string {
  const named = f.names?.indexOf(text.toUpperCase()) ?? -1;
  if (named >= 0) return f.min + named;
  if (!/^[0-9]{1,2}$/.test(text)) return `"${text}" is not a number${f.names ? " or a name" : ""}`;
  const n = Number(text);
  return n < f.min || n > f.max ? `${n} is outside ${f.min}-${f.max}` : n;
}

/** Why one comma-separated part of a field is invalid, or undefined. */
function partProblem(part: string, f: Field): string | undefined {
  const [range, step, extra] = part.split("/");
  if (extra !== undefined) return `"${part}" has more than one "/"`;
  if (step !== undefined && !/^[1-9][0-9]{0,1}$/.test(step)) return `step "${step}" must be a number from 1 to 99`;
  if (range === "*") return undefined;
  const [a, b, more] = (range ?? "").split("-");
  if (more !== undefined) return `"${range}" is not a range a-b`;
  const lo = value(a ?? "", f);
  if (typeof lo === "string") return lo;
  if (b === undefined) return step !== undefined ? `a step needs a range or *, got "${part}"` : undefined;
  const hi = value(b, f);
  if (typeof hi === "string") return hi;
  return lo > hi ? `range ${range} runs backwards` : undefined;
}

/** Why `expr` is not a cron expression Argo accepts, or undefined when it is one. */
export function cronProblem(expr: string): string | undefined {
  const text = expr.trim();
  if (text.startsWith("@")) {
    return (DESCRIPTORS as readonly string[]).includes(text) ? undefined : `unknown descriptor ${text} (use ${DESCRIPTORS.join(", ")})`;
  }
  const fields = text.split(/\s+/).filter((x) => x !== "");
  if (fields.length !== 5) return `has ${fields.length} field${fields.length === 1 ? "" : "s"}; a cron expression has 5 (minute hour day-of-month month day-of-week)`;
  for (const [i, f] of FIELDS.entries()) {
    for (const part of fields[i]!.split(",")) {
      const problem = part === "" ? "an empty list item" : partProblem(part, f);
      if (problem) return `${f.name} field "${fields[i]}": ${problem}`;
    }
  }
  return undefined;
}
