/**
 * Runs GitHub's own workflow parser (@actions/workflow-parser) in a child Node process: on
 * Node 20 its JSON schema import needs a module hook (json-import-hooks.mjs).
 */
import { spawnSync } from "node:child_process";
import * as path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const here = path.dirname(fileURLToPath(import.meta.url));

export interface ParsedWorkflow {
  readonly errors: readonly string[];
  readonly jobs: readonly { readonly id: string; readonly needs: readonly string[] }[];
}

export function parseWithGithub(content: string): ParsedWorkflow {
  const hooks = pathToFileURL(path.join(here, "json-import-hooks.mjs")).href;
  const register = `data:text/javascript,${encodeURIComponent(`import { register } from "node:module"; register(${JSON.stringify(hooks)});`)}`;
  const r = spawnSync(process.execPath, ["--import", register, path.join(here, "parse-workflow.mjs")], { input: content, encoding: "utf8", timeout: 60_000 });
  if (r.status !== 0) throw new Error(`workflow parser failed: ${r.stderr || r.error?.message}`);
  return JSON.parse(r.stdout) as ParsedWorkflow;
}
