/**
 * The workspace file `mesh.yaml` at the repository root: everything that is the same for
 * every project and used to be hard-coded in each of them (account ids, regions, base tags).
 * The file is optional; `compiler/lower/defaults.ts` holds what applies without it.
 */
import { z } from "zod";
import { environmentNames } from "./project.js";
import { imageRef, registryUri } from "./identifiers.js";
import { SYSTEM_TREES, systemTree } from "../runtimes/support/paths.js";

/** An absolute folder outside the workspace that `file://` ingest sources may read. */
const allowPath = z
  .string()
  .max(4096)
  .regex(/^\/[^\0\\]*$/, "must be an absolute POSIX path such as /data/shared")
  .refine((s) => s.replace(/\/+$/, "") !== "", "must name a folder, not /: that would let a spec read every file on the machine")
  .refine((s) => !s.split("/").some((seg, i) => (i > 0 && seg === "" && i < s.split("/").length - 1) || seg === "." || seg === ".."), "must be a plain path without //, . or .. segments")
  .refine((s) => systemTree(s.replace(/\/+$/, "")) === undefined, `must not be in ${SYSTEM_TREES.join(", ")}: mesh never reads them`);

const version = z.string().regex(/^[0-9][A-Za-z0-9.+-]{0,31}$/, "must be a version such as 20.20.2");

export const workspaceSchema = z.strictObject({
  apiVersion: z.literal("mesh/v1"),
  kind: z.literal("Workspace"),
  projects: z
    .array(
      z
        .string()
        .regex(/^[A-Za-z0-9_.*-][A-Za-z0-9_*./-]*$/, "must be a relative glob such as projects/*/project.yaml")
        .refine((s) => !s.split("/").includes(".."), "must not contain '..'")
        .refine((s) => !s.split("/")[0]!.includes("*"), "must start with a folder name, such as projects/"),
    )
    .optional()
    .describe("globs of the spec files (default: projects/*/project.yaml)"),
  registry: registryUri.optional().describe("default model registry when no environment overrides it"),
  environments: z.partialRecord(z.enum(environmentNames), z.strictObject({ registry: registryUri.optional() })).optional(),
  images: z
    .strictObject({
      prefix: z
        .string()
        .regex(/^[a-z0-9]+([._:/-][a-z0-9]+)*$/, "must be a registry prefix such as 123456789012.dkr.ecr.us-east-1.amazonaws.com/mesh")
        .optional(),
      base: imageRef.optional().describe("the Node base every mesh image starts FROM; pin it by digest"),
      neuron_compile: imageRef.optional(),
      neuron_inference: imageRef.optional(),
    })
    .optional(),
  toolchain: z.strictObject({ node: version.optional(), neuron_sdk: version.optional(), torch: version.optional(), python: version.optional() }).optional(),
  aws: z
    .strictObject({
      region: z
        .string()
        .regex(/^[a-z]{2}(-[a-z]+)+-\d$/, "must be an AWS region such as us-east-1")
        .optional(),
      s3_endpoint: z.url({ protocol: /^https?$/ }).optional(),
      s3_force_path_style: z.boolean().optional(),
    })
    .optional(),
  ci: z
    .strictObject({
      neuron_runner: z
        .array(z.string().regex(/^[A-Za-z0-9_][A-Za-z0-9_.-]{0,63}$/, "must be a runner label such as self-hosted or inf2"))
        .min(1)
        .optional()
        .describe("runs-on labels of the Neuron compile jobs (default: [self-hosted, inf2])"),
      branches: z
        .array(z.string().regex(/^[A-Za-z0-9_][A-Za-z0-9_./-]{0,99}$/, "must be a branch name such as main"))
        .min(1)
        .optional()
        .describe("branches whose pushes run the workflow and may push images (default: [main])"),
    })
    .optional()
    .describe("the generated GitHub Actions workflow (out/ci/workflow.yaml)"),
  ingest: z
    .strictObject({
      allow_paths: z.array(allowPath).max(64).optional().describe("absolute folders outside the workspace that file:// ingest sources may read (default: none; /proc, /sys and /dev never)"),
    })
    .optional()
    .describe("the ingest step: which local files specs may read"),
  out: z
    .string()
    .regex(/^[A-Za-z0-9_][A-Za-z0-9_./-]*$/, "must be a relative folder")
    .refine((s) => !s.includes(".."), "must not contain '..'")
    .optional(),
});

export type WorkspaceSpec = z.infer<typeof workspaceSchema>;
