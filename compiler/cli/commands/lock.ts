/**
 * `mesh lock NAME [--refresh] [--include FILE…]`: resolve a transformer project's
 * `model.source.uri` (a folder in the workspace, an npm package, S3, or the Hugging Face Hub),
 * check the folder can serve the spec's task, and write `model.lock.json` beside the spec:
 * every file pinned by sha256 and size, the Hub commit a branch resolved to, and the facts
 * validation needs (labels, tensors, vocabulary), so `mesh validate` works offline and a
 * model can never change under a spec. Nothing is written when the folder cannot serve.
 */
import type { Command } from "commander";

interface LockFlags {
  readonly refresh?: boolean;
  readonly include?: string[];
}

export function register(program: Command): void {
  program
    .command("lock")
    .description("resolve a transformer project's model.source and pin its files in model.lock.json")
    .argument("<name>", "project name (projects/<name>/project.yaml)")
    .option("--refresh", "ask the source again (an hf:// branch may have moved); default: reuse the cached download")
    .option("--include <file...>", "extra Hub files to fetch and pin, e.g. pytorch_model.bin for the Neuron trace")
    .addHelpText("after", "\nExit codes: 0 locked · 1 the source cannot be resolved or served · 2 usage error.\nExample:\n  mesh lock sentiment")
    .action(async (name: string, flags: LockFlags) => {
      process.exitCode = await runLock(name, flags, process.cwd());
    });
}

/** mesh.yaml's aws settings in the shape the registry's S3 options take, defaulted from the one defaults table. */
function awsOf(aws: { region?: string; s3_endpoint?: string; s3_force_path_style?: boolean } | undefined, d: { region: string; s3Endpoint: string; s3ForcePathStyle: boolean }) {
  return { region: aws?.region ?? d.region, s3Endpoint: aws?.s3_endpoint ?? d.s3Endpoint, s3ForcePathStyle: aws?.s3_force_path_style ?? d.s3ForcePathStyle };
}

export async function runLock(name: string, flags: LockFlags, cwd: string): Promise<number> {
  const [
    { findWorkspaceRoot },
    { nodeHost },
    { loadYaml },
    { validateLoaded },
    { formatDiagnostics },
    schema,
    models,
    lock,
    { inspectModelFolder },
    { checkTaskSignature },
    rules,
    { lockFileOf },
    s3,
    { checkWorkspaceFile },
    { DEFAULTS },
  ] = await Promise.all([
    import("../workspace.js"),
    import("../../host.js"),
    import("../../load/load-yaml.js"),
    import("../../validate/validate.js"),
    import("../../diagnostics/format.js"),
    import("../../../schemas/project.js"),
    import("../../../runtimes/models/index.js"),
    import("../../../runtimes/models/lock.js"),
    import("../../../runtimes/transformers/inspect.js"),
    import("../../../runtimes/transformers/task-signature.js"),
    import("../../../schemas/rules/transformer.js"),
    import("../../load/transformer-model.js"),
    import("../../../runtimes/registry/index.js"),
    import("../../validate/check-workspace.js"),
    import("../../lower/defaults.js"),
  ]);
  const fail = (message: string): number => {
    process.stderr.write(`mesh lock: ${message}\n`);
    return 1;
  };
  if (!/^[a-z][-a-z0-9]*$/.test(name)) {
    process.stderr.write(`mesh lock: "${name}" is not a project name\n`);
    return 2;
  }
  const root = findWorkspaceRoot(cwd);
  const host = nodeHost(root);
  const specPath = `projects/${name}/project.yaml`;
  const loaded = loadYaml(host, specPath);
  if (!loaded.value) return fail(`cannot read ${specPath}\n${formatDiagnostics(loaded.diagnostics, "text")}`);
  const validated = validateLoaded(loaded.value, schema.projectSpecSchema);
  if (!validated.value) return fail(`${specPath} is invalid\n${formatDiagnostics(validated.diagnostics, "text")}`);
  const spec = validated.value;
  const task = rules.transformerTaskOf(spec);
  if (!task) return fail(`${specPath} serves no transformer task (model.source with task text-classification, token-classification, feature-extraction or keyword-extraction); nothing to lock`);
  const uri = spec.model.source!.uri;

  const { resolve } = await import("node:path");
  let resolved;
  try {
    resolved = await models.resolveModelSource(uri, {
      root,
      baseDir: resolve(root, `projects/${name}`),
      cacheDir: resolve(root, ".mesh/cache/models"),
      s3: s3.s3OptionsFromWorkspace(awsOf(checkWorkspaceFile(host).value?.aws, DEFAULTS.aws), process.env),
      ...(flags.refresh ? { refresh: true } : {}),
      ...(flags.include ? { include: flags.include } : {}),
      log: (line: string) => process.stderr.write(`  ${line}\n`),
    });
  } catch (err) {
    return fail((err as Error).message);
  }
  if (resolved.kind !== "folder") return fail(`${uri} is a single file; ${task} needs a Hugging Face model folder (config.json, tokenizer.json, model.onnx)`);
  const inspected = inspectModelFolder(resolved.path);
  if (!inspected.ok) return fail(`${uri} cannot be served:\n${inspected.problems.map((p) => `  - ${p}`).join("\n")}`);
  const fits = checkTaskSignature(task, inspected.facts);
  if (!fits.ok) return fail(`${uri} does not fit ${task}:\n${fits.problems.map((p) => `  - ${p}`).join("\n")}`);

  const text = lock.serializeLock(lock.lockFromResolved(resolved, { ...inspected.facts } as never));
  const target = lockFileOf(specPath);
  host.writeFileAtomic(target, text, 0o644);
  const bytes = resolved.files.reduce((n, f) => n + f.size, 0);
  process.stdout.write(
    `${target}: ${resolved.files.length} files (${(bytes / 1e6).toFixed(1)} MB) of ${uri}${resolved.revision ? ` @ ${resolved.revision}` : ""} pinned; ${task}, ${inspected.facts.labels.length} labels\n`,
  );
  return 0;
}
