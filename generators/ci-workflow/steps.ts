/** Step lists shared by the workflow's jobs. */
import type { ProjectIR } from "../../compiler/ir.js";

export type Step = Record<string, unknown>;

/** Pinned by major version; the only third-party code the workflow runs is GitHub's own actions. */
export const CHECKOUT = "actions/checkout@v4";
export const SETUP_NODE = "actions/setup-node@v4";

/** Checkout, Node of the workspace toolchain, dependencies from the lockfile, the mesh build. */
export function setup(irs: readonly ProjectIR[], fetchDepth?: number): Step[] {
  const node = irs[0]?.images.nodeVersion ?? "20";
  return [
    { name: "Check out", uses: CHECKOUT, ...(fetchDepth !== undefined ? { with: { "fetch-depth": fetchDepth } } : {}) },
    { name: "Set up Node", uses: SETUP_NODE, with: { "node-version": node, cache: "npm" } },
    { name: "Install dependencies", run: "npm ci" },
    { name: "Build mesh", run: "npm run build" },
  ];
}

export const mesh = (args: string): string => `node bin/mesh.js ${args}`;
