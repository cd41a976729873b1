/**
 * `mesh schema [--out FILE] [--workspace]`: print (or write) the JSON Schema of project.yaml,
 * or of mesh.yaml with --workspace. Editors use it through the spec's
 * `# yaml-language-server: $schema=` header. Exit 0 · 1 when the file cannot be written.
 */
import type { Command } from "commander";

interface SchemaFlags {
  readonly out?: string;
  readonly workspace?: boolean;
}

export function register(program: Command): void {
  program
    .command("schema")
    .description("print the JSON Schema of project.yaml (or of mesh.yaml with --workspace)")
    .option("--out <file>", "write the schema to FILE instead of standard output")
    .option("--workspace", "the schema of the workspace file mesh.yaml")
    .addHelpText("after", "\nExamples:\n  mesh schema --out schemas/project.schema.json\n  mesh schema --workspace --out schemas/workspace.schema.json")
    .action(async (flags: SchemaFlags) => {
      process.exitCode = await runSchema(flags, process.cwd());
    });
}

/** The command body; returns the exit code. */
export async function runSchema(flags: SchemaFlags, cwd: string): Promise<number> {
  const [{ jsonSchemaText }, fs, path] = await Promise.all([import("../../../schemas/json-schema.js"), import("node:fs"), import("node:path")]);
  const text = jsonSchemaText(flags.workspace ? "workspace" : "project");
  if (!flags.out) {
    process.stdout.write(text);
    return 0;
  }
  const target = path.resolve(cwd, flags.out);
  try {
    fs.mkdirSync(path.dirname(target), { recursive: true });
    fs.writeFileSync(target, text);
  } catch (err) {
    process.stderr.write(`mesh schema: cannot write ${flags.out}: ${(err as NodeJS.ErrnoException).code ?? String(err)}\n`);
    return 1;
  }
  process.stdout.write(`wrote ${flags.out}\n`);
  return 0;
}
