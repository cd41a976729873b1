/**
 * A model is either trained by mesh from `features`, or a pretrained transformer folder named
 * by `source` (Project with `trainer: pretrained`, or an App with a `task`). These rules keep
 * the two apart and refuse options that do not belong to the task, so a typo'd or misplaced
 * key is an error at the spec instead of a silently ignored setting.
 */
import type { ProjectSpec } from "../project.js";
import { isTransformerTask, type TransformerTask } from "../../runtimes/transformers/task-api.js";
import type { RuleContext, RuleViolation } from "./types.js";

/** The transformer task a spec serves, or undefined for a mesh-trained or tensor model. */
export function transformerTaskOf(spec: ProjectSpec): TransformerTask | undefined {
  const task = spec.model.task;
  if (task === undefined || !isTransformerTask(task)) return undefined;
  return spec.kind === "App" || spec.model.source !== undefined ? task : undefined;
}

/** Which task each option belongs to. */
const OPTION_TASKS: Readonly<Record<string, readonly TransformerTask[]>> = {
  input: ["text-classification", "token-classification", "feature-extraction", "keyword-extraction"],
  tokenizer: ["text-classification", "token-classification", "feature-extraction", "keyword-extraction"],
  function_to_apply: ["text-classification"],
  top_k: ["text-classification"],
  aggregation: ["token-classification"],
  split_sentences: ["token-classification"],
  pooling: ["feature-extraction", "keyword-extraction"],
  normalize: ["feature-extraction"],
  keywords: ["keyword-extraction"],
};

export function checkTransformer(spec: ProjectSpec, ctx: RuleContext): RuleViolation[] {
  const out: RuleViolation[] = [];
  const bad = (path: (string | number)[], message: string, anchor: "key" | "value" = "key", hint?: string) =>
    out.push({ rule: "transformer-model", path, anchor, params: { message }, ...(hint ? { hint } : {}) });
  const model = spec.model as Record<string, unknown>;
  const task = transformerTaskOf(spec);

  if (spec.kind === "Project") {
    const m = spec.model;
    if (m.source && m.features) bad(["model", "features"], "a model has either features (mesh trains it) or a source (a pretrained transformer), not both");
    if (!m.source && !m.features)
      bad(["model"], "the model needs features (mesh trains it) or source (a pretrained Hugging Face model folder)", "key", "add features: { kind: hashed-ngrams } or source: { uri: file://model }");
    if (m.source && !isTransformerTask(m.task))
      bad(["model", "task"], `${m.task} is trained by mesh from features; a pretrained source serves text-classification, token-classification, feature-extraction or keyword-extraction`, "value");
    if (!m.source && m.features && isTransformerTask(m.task) && m.task !== "text-classification")
      bad(["model", "task"], `${m.task} needs a transformer: set model.source to a Hugging Face model folder`, "value");
    if (m.features && !m.labels) bad(["model"], "a model trained by mesh needs labels (the classes, in output order)", "key", "add labels: [...]");
    const trainer = spec.steps.train?.trainer;
    if (trainer === "pretrained" && !m.source) bad(["steps", "train", "trainer"], "trainer: pretrained registers model.source, which the spec lacks", "value");
    if (trainer !== undefined && trainer !== "pretrained" && m.source)
      bad(["steps", "train", "trainer"], `a pretrained source is registered as it is: use trainer: pretrained, not ${trainer}`, "value");
    if (trainer !== "pretrained" && spec.steps.train?.samples) bad(["steps", "train", "samples"], "samples are the golden documents of trainer: pretrained");
    if (m.source?.sha256 !== undefined) bad(["model", "source", "sha256"], "a model folder is pinned file by file in model.lock.json (written by mesh lock), not by one sha256");
    if (m.source && spec.steps.register) bad(["steps", "register"], "a pretrained model is not trained on a dataset; remove register (and ingest), or train a head on embeddings in another project");
  }

  for (const [option, tasks] of Object.entries(OPTION_TASKS)) {
    if (model[option] === undefined) continue;
    if (!task)
      bad(["model", option], `model.${option} configures a transformer task; this model is ${spec.kind === "App" ? "served as raw tensors (add model.task)" : "trained by mesh from features"}`);
    else if (!tasks.includes(task)) bad(["model", option], `model.${option} belongs to ${tasks.join(" or ")}, not ${task}`);
  }

  if (task) {
    const api = spec.steps.serve?.api;
    if (api) bad(["steps", "serve", "api"], `the request and response of ${task} are fixed by the task (see the generated openapi.json); remove serve.api`);
    const labels = ctx.transformerLabels;
    if (labels && spec.model.labels && spec.model.labels.join("\u0000") !== labels.join("\u0000")) {
      bad(
        ["model", "labels"],
        `model.labels (${spec.model.labels.join(", ")}) differ from the model folder's config.json id2label (${labels.join(", ")})`,
        "value",
        "remove model.labels: they are read from config.json",
      );
    }
    if (spec.kind === "Project") {
      const maxLength = spec.model.tokenizer?.max_length;
      (spec.steps.compile?.targets ?? []).forEach((t, i) => {
        if (t.kind === "neuron" && t.max_length !== undefined && maxLength !== undefined && t.max_length !== maxLength) {
          bad(
            ["steps", "compile", "targets", i, "max_length"],
            `neuron target ${i + 1} is traced at max_length ${t.max_length}, but requests are tokenized to model.tokenizer.max_length ${maxLength}`,
            "value",
            "remove max_length (it defaults to the tokenizer's)",
          );
        }
      });
    }
  }
  return out;
}
