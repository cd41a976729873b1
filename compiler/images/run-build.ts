/**
 * Sends a context to the engine (dockerode `buildImage`, the classic builder, which builds
 * every stage in order) and turns its JSON stream into progress lines — step n/m, cached or
 * not, elapsed — and, on failure, one sentence naming the failing step plus its log tail.
 */
import type Docker from "dockerode";
import type { Readable } from "node:stream";
import { BuildError, isConnectionError, noDaemonMessage } from "./errors.js";
import { emitProgress, type Log } from "../../runtimes/lifecycle/progress.js";

export interface BuildRequest {
  readonly context: Readable;
  readonly tag: string;
  readonly buildArgs: Readonly<Record<string, string>>;
  readonly labels: Readonly<Record<string, string>>;
  readonly noCache: boolean;
}

/** Lines, plus typed step events (step n of m) when the sink renders progress itself. */
export type ProgressSink = Log;

interface StreamEvent {
  readonly stream?: string;
  readonly error?: string;
  readonly errorDetail?: { readonly message?: string };
  readonly aux?: { readonly ID?: string };
}

/** How many log lines of the failing step to show. */
export const LOG_TAIL_LINES = 20;

/** Runs the build; resolves to the image id. */
export async function runBuild(docker: Docker, req: BuildRequest, progress: ProgressSink, now: () => number = Date.now): Promise<string> {
  let stream: NodeJS.ReadableStream;
  try {
    stream = await docker.buildImage(req.context, {
      t: req.tag,
      buildargs: { ...req.buildArgs },
      // An empty labels object would still add a LABEL step to every build.
      ...(Object.keys(req.labels).length > 0 ? { labels: { ...req.labels } } : {}),
      nocache: req.noCache,
      rm: true,
      forcerm: true,
    } as Docker.ImageBuildOptions);
  } catch (err) {
    if (isConnectionError(err)) throw new BuildError(noDaemonMessage());
    throw new BuildError(`the Docker engine refused the build: ${(err as Error).message}`);
  }

  let step = { n: 0, of: 0, text: "", started: now(), cached: false, log: [] as string[] };
  let imageId = "";
  const finishStep = () => {
    if (step.n === 0) return;
    const secs = ((now() - step.started) / 1000).toFixed(1);
    if (progress.progress) emitProgress(progress, { task: "build", label: req.tag, unit: "steps", done: step.n, total: step.of, fields: { step: step.text.slice(0, 40) }, final: step.n === step.of });
    progress(`  [${step.n}/${step.of}] ${step.text.slice(0, 100)}  ${step.cached ? "cached" : "done"} (${secs}s)`);
  };
  const onEvent = (ev: StreamEvent) => {
    if (ev.aux?.ID) imageId = ev.aux.ID;
    if (ev.stream === undefined) return;
    for (const raw of ev.stream.split("\n")) {
      // eslint-disable-next-line no-control-regex
      const line = raw.replace(/\r/g, "").replace(/\u001b\[[0-9;]*m/g, "");
      if (line.trim() === "") continue;
      const m = /^Step (\d+)\/(\d+) : (.*)$/.exec(line);
      if (m) {
        finishStep();
        step = { n: Number(m[1]), of: Number(m[2]), text: m[3] ?? "", started: now(), cached: false, log: [] };
        if (progress.progress) emitProgress(progress, { task: "build", label: req.tag, unit: "steps", done: step.n - 1, total: step.of, fields: { step: step.text.slice(0, 40) } });
        continue;
      }
      if (/^ ---> Using cache$/.test(line)) step.cached = true;
      const built = /^Successfully built ([0-9a-f]+)$/.exec(line);
      if (built?.[1] && imageId === "") imageId = built[1];
      step.log.push(line);
      if (step.log.length > 200) step.log.shift();
    }
  };

  await new Promise<void>((resolve, reject) => {
    docker.modem.followProgress(
      stream,
      (err: Error | null, output: StreamEvent[]) => {
        if (err) return reject(isConnectionError(err) ? new BuildError(noDaemonMessage()) : err);
        const failed = output.find((o) => o.error !== undefined);
        if (failed) {
          const raw = (failed.errorDetail?.message ?? failed.error ?? "unknown error").trim();
          // The classic builder repeats the whole command; the step line already names it.
          const exit = /^The command .* returned a non-zero code: (\d+)$/s.exec(raw);
          const message = exit ? `the command exited with code ${exit[1]}` : raw;
          const where = step.n > 0 ? `step ${step.n}/${step.of} (${step.text.slice(0, 120)})` : "the build";
          const tail = step.log.filter((l) => !l.startsWith(" ---> ")).slice(-LOG_TAIL_LINES);
          return reject(new BuildError(`${where} failed: ${message}`, tail.length > 0 ? tail.map((l) => `  | ${l}`).join("\n") : undefined));
        }
        finishStep();
        resolve();
      },
      onEvent,
    );
  });
  if (imageId === "") throw new BuildError("the Docker engine finished the build without reporting an image id");
  return imageId;
}
