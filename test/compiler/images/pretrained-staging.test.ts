/**
 * The train image of a pretrained transformer registers a model folder: its context carries
 * the spec, model.lock.json and exactly the locked files — nothing else of the project.
 */
import { describe, expect, it } from "vitest";
import { stageStep } from "../../../compiler/images/stage-step.js";
import { projectIR } from "../../support/images/support.js";
import { REPO } from "../../support/frontend/helpers.js";

describe("pretrained train image context", () => {
  it("holds the lock and every locked file of the model folder (no spec: the step runs from step.json)", async () => {
    const ir = await projectIR("ner", REPO);
    const staged = await stageStep(REPO, ir, "train");
    const paths = (staged as unknown as { entries: { path: string }[] }).entries.map((e) => e.path).filter((p) => p.startsWith("workspace/"));
    const locked = ir.model.transformer!.source.files.map((f) => `workspace/projects/ner/model/${f.path}`);
    expect(paths.sort()).toEqual(["workspace/projects/ner/model.lock.json", ...locked].sort());
  });
});
