/**
 * The Makefile's user-facing variables. Each can be overridden on the command line or from the
 * environment (`make serve PORT=9000`). Recipes never interpolate them into shell text: they
 * are turned into literal, simply-expanded variables right after their defaults (so an override
 * like `PORT='$(shell …)'` stays text and is never evaluated by Make, not even when exported)
 * and exported, and recipes read them as quoted shell variables (`"$$PORT"`).
 */
import type { ProjectIR } from "../../compiler/ir.js";

export interface MakeVariable {
  readonly name: string;
  /** Default text, rendered after `?=`; literal except MESH's reference to ROOT. */
  readonly default: string;
  readonly help: string;
}

/** The overridable variables, in the order `make help` lists them. */
export function makeVariables(ir: ProjectIR): MakeVariable[] {
  return [
    { name: "ENV", default: "dev", help: "environment: its serve.alias picks the version serve and run-serve use; the compose profile of up/down (dev or ci)" },
    { name: "IMAGE_TAG", default: "latest", help: "tag of the step images that run-<step>, up and down use" },
    { name: "REGISTRY", default: "", help: "model registry URI (file://PATH or s3://BUCKET/PREFIX); empty: MESH_REGISTRY, mesh.yaml, file://.mesh/registry" },
    { name: "PORT", default: String(ir.serve.hostPort), help: "host port for serve and run-serve (bound to 127.0.0.1 by run-serve)" },
    { name: "ROOT", default: ir.rootFromOut, help: "workspace root, relative to this folder; every mesh command runs there" },
    { name: "MESH", default: "node $(ROOT)/bin/mesh.js", help: "the mesh command (split into words, never evaluated by a shell)" },
  ];
}

/**
 * The lines that make the variables literal and export them. `$(value X)` is X's text as
 * given; the result of a function is never expanded again, and `:=` stores it as is. MESH's
 * own default is the one value we expand, because we wrote it and it only refers to ROOT, which
 * is literal by then. ROOT becomes absolute so MESH still finds bin/mesh.js after `cd "$ROOT"`.
 */
export function literalizeLines(): string[] {
  return [
    "# Each value becomes literal text ($(value …) is never expanded again), so an override such as",
    "# PORT='$(shell …)' stays text; recipes then read the exported values as quoted shell variables.",
    "ifneq ($(words $(value ROOT)),1)",
    "$(error ROOT must be one path without spaces)",
    "endif",
    "override ENV := $(value ENV)",
    "override IMAGE_TAG := $(value IMAGE_TAG)",
    "override REGISTRY := $(value REGISTRY)",
    "override PORT := $(value PORT)",
    "override ROOT := $(abspath $(value ROOT))",
    "override MESH := $(if $(filter file,$(origin MESH)),$(MESH),$(value MESH))",
    "export ENV IMAGE_TAG REGISTRY PORT ROOT MESH",
    "# REGISTRY, when given, reaches every mesh command the documented way: as MESH_REGISTRY.",
    "ifneq ($(REGISTRY),)",
    "export MESH_REGISTRY := $(REGISTRY)",
    "endif",
  ];
}
