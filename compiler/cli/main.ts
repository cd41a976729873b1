/**
 * The `mesh` command line. Each command lives in `commands/<name>.ts` and registers itself
 * through `commands/index.ts`; this file only wires the program and maps thrown usage
 * errors to exit code 2 (CONTRACTS.md: 0 ok · 1 failure · 2 usage).
 */
import { Command, CommanderError } from "commander";
import { COMMANDS } from "./commands/index.js";
import { MESH_VERSION } from "../version.js";

/**
 * Exit with the parent when npm started us. `npx mesh …` and `npm run …` run mesh through
 * `sh -c`; on SIGTERM npm signals only that shell, which dies without passing the signal on,
 * and mesh (with the server it runs) was left orphaned. So under npm we watch our parent
 * process: once it is gone (`process.ppid` changed), we act on the SIGTERM meant for us —
 * a served project drains and stops, a lifecycle step ends as on any SIGTERM. Started any
 * other way (a shell, make, a container's PID 1, nohup), nothing changes.
 */
function exitWithParentUnderNpm(): void {
  if (process.env["npm_lifecycle_event"] === undefined && process.env["npm_command"] === undefined) return;
  const parent = process.ppid;
  const timer = setInterval(() => {
    if (process.ppid === parent) return;
    clearInterval(timer);
    process.kill(process.pid, "SIGTERM");
  }, 250);
  timer.unref();
}
exitWithParentUnderNpm();

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
