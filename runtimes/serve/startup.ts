/**
 * Where a server's start-up time goes, in milliseconds since the process started (Node's
 * performance.timeOrigin): `main` when the generated main.js ran (Node's own start plus
 * loading every module), `listening`, `session` (onnxruntime loaded the model), `warm` (the
 * warm-up inference answered). Logged with the "ready" line; bench/images reads it to put the
 * phase breakdown of a container's cold start beside the total.
 */
const marks: Record<string, number> = {};

export function markStartup(phase: "main" | "listening" | "session" | "warm"): void {
  marks[phase] ??= Math.round(performance.now());
}

export const startupMarks = (): Readonly<Record<string, number>> => ({ ...marks });
