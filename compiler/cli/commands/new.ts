/**
 * `mesh new NAME [--task T]`: scaffold `projects/NAME/project.yaml`, a spec that validates
 * as written. NAME is checked as a DNS-1123 label before any path is built from it.
 * Exit 0 · 1 when the spec exists or cannot be written · 2 usage (bad NAME or task).
 */
import { Option, type Command } from "commander";
import { NEW_TASKS, type NewTask } from "./new-tasks.js";

interface NewFlags {
  readonly task: NewTask;
}

export function register(program: Command): void {
  program
    .command("new")
    .description("scaffold projects/NAME/project.yaml, a valid spec to start from")
    .argument("<name>", "project name: a DNS-1123 label (lower-case letters, digits, '-'), also the folder name")
    .addOption(new Option("--task <task>", "what the model does").choices([...NEW_TASKS]).default("text-classification"))
    .addHelpText("after", "\nExit codes: 0 created · 1 the spec exists or cannot be written · 2 bad NAME or task.\nExample:\n  mesh new fraud --task tabular-classification")
    .action(async (name: string, flags: NewFlags) => {
      process.exitCode = await runNew(name, flags, process.cwd());
    });
}

/** The command body; returns the exit code. */
export async function runNew(name: string, flags: NewFlags, cwd: string): Promise<number> {
  const [{ DNS_LABEL }, { freePort, newSpecText }, { findWorkspaceRoot }, fs, path] = await Promise.all([
    import("../../../schemas/identifiers.js"),
    import("./new-spec.js"),
    import("../workspace.js"),
    import("node:fs"),
    import("node:path"),
  ]);
  // Validate before any path exists: NAME becomes a folder, an image name and a URL prefix.
  if (!DNS_LABEL.test(name)) {
    process.stderr.write(`mesh new: "${name}" is not a valid project name: use lower-case letters, digits and '-', starting with a letter, at most 40 characters\n`);
    return 2;
  }
  if (!NEW_TASKS.includes(flags.task)) {
    process.stderr.write(`mesh new: unknown task "${String(flags.task)}" (tasks: ${NEW_TASKS.join(", ")})\n`);
    return 2;
  }
  const root = findWorkspaceRoot(cwd);
  const rel = `projects/${name}/project.yaml`;
  const target = path.join(root, "projects", name, "project.yaml");
  try {
    fs.mkdirSync(path.dirname(target), { recursive: true });
    // "wx": create only; never overwrite a spec someone wrote, even in a race.
    fs.writeFileSync(target, newSpecText(name, flags.task, freePort(await servedPorts(root), await defaultPort())), { flag: "wx" });
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    process.stderr.write(code === "EEXIST" ? `mesh new: ${rel} already exists\n` : `mesh new: cannot write ${rel}: ${code ?? String(err)}\n`);
    return 1;
  }
  process.stdout.write(`created ${rel}\nnext: mesh validate ${rel} && mesh run ${name}\n`);
  return 0;
}

/** The serve default (compiler/lower/defaults.ts, the one place defaults live). */
async function defaultPort(): Promise<number> {
  return (await import("../../lower/defaults.js")).DEFAULTS.serve.port;
}

/**
 * Ports the workspace's specs serve on: each spec's `steps.serve.port` (the default when it
 * sets none) and its environments' overrides. Read with the safe YAML loader, without
 * validating: a broken spec still holds its port.
 */
async function servedPorts(root: string): Promise<number[]> {
  const [{ nodeHost }, { listSpecPaths }, { loadYaml }] = await Promise.all([import("../../host.js"), import("../../pipeline.js"), import("../../load/load-yaml.js")]);
  const host = nodeHost(root);
  const fallback = await defaultPort();
  const ports: number[] = [];
  const portOf = (v: unknown) => (v !== null && typeof v === "object" && typeof (v as { port?: unknown }).port === "number" ? (v as { port: number }).port : undefined);
  for (const file of listSpecPaths(host)) {
    const spec = loadYaml(host, file).value?.value as { steps?: { serve?: unknown }; environments?: Record<string, { serve?: unknown }> } | undefined;
    if (!spec) continue;
    ports.push(portOf(spec.steps?.serve) ?? fallback);
    for (const env of Object.values(spec.environments ?? {})) {
      const p = portOf(env?.serve);
      if (p !== undefined) ports.push(p);
    }
  }
  return ports;
}
