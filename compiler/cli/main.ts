/**
 * The `mesh` command line. Each command lives in `commands/<name>.ts` and registers itself
 * through `commands/index.ts`; this file only wires the program and maps thrown usage
 * errors to exit code 2 (CONTRACTS.md: 0 ok · 1 failure · 2 usage).
 */
import { Command, CommanderError } from "commander";
import { COMMANDS } from "./commands/index.js";
import { MESH_VERSION } from "../version.js";

const program = new Command("mesh")
  .description("Compile one typed spec per ML project into deployables, run its lifecycle and serve it.")
  .version(MESH_VERSION, "-V, --version")
  .showHelpAfterError("(run with --help for usage)")
  .exitOverride();

for (const register of COMMANDS) register(program);

try {
  await program.parseAsync(process.argv);
} catch (err) {
  if (err instanceof CommanderError) {
    // --help and --version exit 0; every other commander error is a usage error.
    process.exitCode = err.exitCode === 0 ? 0 : 2;
  } else {
    console.error(`mesh: ${err instanceof Error ? err.message : String(err)}`);
    process.exitCode = 1;
  }
}
