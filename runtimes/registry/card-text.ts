/**
 * A card as a terminal summary (`mesh registry show ID`): what a reader scans for — metrics,
 * params, dataset, lineage, aliases, the training record in one line, the held-out confusion
 * matrix as a small aligned table and per-class precision/recall/F1 — never the whole card
 * (`--format json` prints that). Cards are untrusted input, so every value is bounded and
 * made inert for a terminal: control and bidi characters are shown escaped, long strings and
 * long tables are cut with a visible marker that says how much was left out.
 */
import type { DatasetCard, ModelCard } from "./types.js";

/** Longest value printed, in code points. */
export const MAX_VALUE = 120;
/** Most rows of any one table (metrics, params, per-class, files). */
export const MAX_ROWS = 20;
/** Most labels drawn in the confusion matrix (rows and columns). */
export const MAX_MATRIX = 10;
/** Widest confusion-matrix label column, in code points. */
const MAX_LABEL = 16;

/** Control characters (C0, DEL, C1) and bidi overrides/isolates: escaped, never sent to the terminal. */
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

/** Inert, bounded text: unsafe characters as \uXXXX, cut at `max` code points with a marker. */
export function clip(value: unknown, max = MAX_VALUE): string {
  const text = typeof value === "string" ? value : (JSON.stringify(value) ?? String(value));
  const safe = text.replace(UNSAFE, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
  const points = [...safe];
  return points.length <= max ? safe : `${points.slice(0, max).join("")}… (+${points.length - max} chars)`;
}

const width = (s: string) => [...s].length;
const pad = (s: string, n: number) => s + " ".repeat(Math.max(0, n - width(s)));
const padStart = (s: string, n: number) => " ".repeat(Math.max(0, n - width(s))) + s;
const isNumber = (v: unknown): v is number => typeof v === "number" && Number.isFinite(v);
const isRecord = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === "object" && !Array.isArray(v);

export const fmtNumber = (n: number) => (Number.isInteger(n) ? String(n) : Math.abs(n) < 1e-3 ? n.toExponential(2) : n.toFixed(4).replace(/0+$/, ""));
const fmtValue = (v: unknown) => (isNumber(v) ? fmtNumber(v) : clip(v));

/** Left-aligned columns (right-aligned where `right[i]`), two spaces apart, trailing blanks trimmed. */
export function table(rows: string[][], indent: string, right: boolean[] = []): string[] {
  const widths: number[] = [];
  for (const r of rows) r.forEach((c, i) => (widths[i] = Math.max(widths[i] ?? 0, width(c))));
  return rows.map((r) => (indent + r.map((c, i) => (right[i] ? padStart(c, widths[i] ?? 0) : pad(c, widths[i] ?? 0))).join("  ")).trimEnd());
}

/** At most MAX_ROWS rows, then a line saying how many were left out. */
function bounded<T>(items: readonly T[], indent: string, render: (shown: readonly T[]) => string[]): string[] {
  const lines = render(items.slice(0, MAX_ROWS));
  if (items.length > MAX_ROWS) lines.push(`${indent}… ${items.length - MAX_ROWS} more (--format json shows all)`);
  return lines;
}

function keyValues(title: string, record: unknown): string[] {
  if (!isRecord(record) || Object.keys(record).length === 0) return [`${title}: none`];
  const entries = Object.entries(record).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return [
    title,
    ...bounded(entries, "  ", (shown) =>
      table(
        shown.map(([k, v]) => [clip(k, 40), fmtValue(v)]),
        "  ",
      ),
    ),
  ];
}

function trainingLine(training: Record<string, unknown>): string | undefined {
  const curves = training.curves;
  if (!isRecord(curves) || !Array.isArray(curves.epochs) || curves.epochs.length === 0) {
    return isNumber(training.samples) ? `training: none (pretrained; ${training.samples} sample documents give the goldens)` : undefined;
  }
  const epochs = curves.epochs as unknown[];
  const last = epochs[epochs.length - 1];
  const parts = [`${epochs.length} epoch${epochs.length === 1 ? "" : "s"}`];
  if (isNumber(curves.bestEpoch)) parts.push(`best epoch ${curves.bestEpoch}`);
  if (isRecord(last) && isNumber(last.loss)) parts.push(`final loss ${fmtNumber(last.loss)}`);
  if (isRecord(last) && isNumber(last.val_loss)) parts.push(`final val loss ${fmtNumber(last.val_loss)}`);
  return `training: ${parts.join(", ")}`;
}

function confusionLines(evaluation: Record<string, unknown>): string[] {
  const labels = Array.isArray(evaluation.labels) ? evaluation.labels.map((l) => clip(l, MAX_LABEL)) : [];
  const matrix = Array.isArray(evaluation.matrix) ? evaluation.matrix : [];
  if (labels.length === 0 || matrix.length === 0) return [];
  const n = Math.min(labels.length, MAX_MATRIX);
  const cell = (r: number, c: number) => {
    const row = matrix[r];
    const v = Array.isArray(row) ? row[c] : undefined;
    return isNumber(v) ? String(v) : "?";
  };
  const rows = [["true \\ predicted", ...labels.slice(0, n)], ...labels.slice(0, n).map((label, r) => [label, ...labels.slice(0, n).map((_, c) => cell(r, c))])];
  const lines = [`  confusion matrix (rows: true label, columns: predicted)`, ...table(rows, "    ", [false, ...labels.slice(0, n).map(() => true)])];
  if (labels.length > n) lines.push(`    … ${labels.length - n} more labels not drawn (--format json shows the whole matrix)`);
  return lines;
}

function perClassLines(evaluation: Record<string, unknown>): string[] {
  const perClass = Array.isArray(evaluation.perClass) ? evaluation.perClass.filter(isRecord) : [];
  if (perClass.length === 0) return [];
  const num = (v: unknown) => (isNumber(v) ? fmtNumber(v) : "?");
  return [
    "  per class",
    ...bounded(perClass, "    ", (shown) =>
      table([["label", "precision", "recall", "f1", "support"], ...shown.map((c) => [clip(c.label, 40), num(c.precision), num(c.recall), num(c.f1), num(c.support)])], "    ", [
        false,
        true,
        true,
        true,
        true,
      ]),
    ),
  ];
}

function trainingSection(training: unknown): string[] {
  if (!isRecord(training)) return [];
  const lines: string[] = [];
  const line = trainingLine(training);
  if (line) lines.push(line);
  const dataset = training.dataset;
  if (isRecord(dataset)) {
    const labels = isRecord(dataset.labels) ? Object.entries(dataset.labels) : [];
    const shown = labels.slice(0, MAX_ROWS).map(([k, v]) => `${clip(k, 40)}=${fmtValue(v)}`);
    const more = labels.length > MAX_ROWS ? ` … ${labels.length - MAX_ROWS} more` : "";
    lines.push(`trained on: ${clip(dataset.id, 60)}, ${fmtValue(dataset.rows)} rows${labels.length ? `, labels ${shown.join(" ")}${more}` : ""}`);
  }
  const evaluation = training.evaluation;
  if (isRecord(evaluation)) {
    lines.push(`held-out evaluation (${clip(evaluation.split, 20)} split, ${fmtValue(evaluation.rows)} rows)`, ...confusionLines(evaluation), ...perClassLines(evaluation));
  }
  return lines;
}

function filesLine(card: { readonly files?: unknown; readonly sizes?: unknown }): string {
  const files = isRecord(card.files) ? Object.keys(card.files).sort() : [];
  const sizes = isRecord(card.sizes) ? Object.values(card.sizes).filter(isNumber) : [];
  const total = sizes.length ? `, ${fmtBytes(sizes.reduce((a, b) => a + b, 0))}` : "";
  const names = files.slice(0, MAX_ROWS).map((f) => clip(f, 60));
  const more = files.length > MAX_ROWS ? `, … ${files.length - MAX_ROWS} more` : "";
  return `files (${files.length}${total}): ${names.join(", ") || "none"}${more}`;
}

export function fmtBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KiB`;
  return `${(n / 1024 / 1024).toFixed(1)} MiB`;
}

export interface CardContext {
  readonly parent?: string;
  readonly children: readonly string[];
  readonly aliases: readonly string[];
}

/** The lines of a model card's summary (after the heading `show` prints). */
export function modelCardLines(card: ModelCard, ctx: CardContext): string[] {
  const c = card as unknown as Record<string, unknown>;
  const ds = isRecord(c.dataset) ? c.dataset : undefined;
  const dataset = ds ? `${clip(ds.name, 60)}-${fmtValue(ds.version)} (sha256 ${clip(typeof ds.sha256 === "string" ? ds.sha256.slice(0, 12) : ds.sha256, 12)}…)` : "none";
  const target = isRecord(c.target)
    ? Object.entries(c.target)
        .slice(0, MAX_ROWS)
        .map(([k, v]) => `${clip(k, 40)}=${fmtValue(v)}`)
        .join(" ")
    : undefined;
  return [
    ...table(
      [
        ["type:", clip(c.type, 20)],
        ["created:", clip(c.createdAt, 40)],
        ["dataset:", dataset],
        ["parent:", ctx.parent !== undefined ? clip(ctx.parent, 60) : "none"],
        ["children:", ctx.children.length ? clip(ctx.children.join(", ")) : "none"],
        ["aliases:", ctx.aliases.length ? clip(ctx.aliases.join(", ")) : "none"],
        ...(target !== undefined ? [["target:", clip(target)]] : []),
        ["spec hash:", clip(c.specHash, 64)],
        ["tool:", clip(c.toolVersion, 40)],
      ],
      "",
    ),
    ...keyValues("metrics", c.metrics),
    ...keyValues("params", c.params),
    ...trainingSection(c.training),
    filesLine(c),
  ];
}

/** The lines of a dataset card's summary. */
export function datasetCardLines(card: DatasetCard): string[] {
  const c = card as unknown as Record<string, unknown>;
  const stats = isRecord(c.stats) ? c.stats : {};
  return [
    ...table(
      [
        ["created:", clip(c.createdAt, 40)],
        ["rows:", fmtValue(c.rows)],
        ["sha256:", clip(c.sha256, 64)],
      ],
      "",
    ),
    ...keyValues("stats", stats),
    filesLine(c),
  ];
}
