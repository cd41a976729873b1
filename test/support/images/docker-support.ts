/**
 * Support for the Docker suites: whether an engine answers, a throw-away workspace (the real
 * node_modules, dist and bin linked in, the spam spec copied, a mesh.yaml whose image prefix is
 * unique to the run so every image the suite makes can be found and removed), and a way to
 * run the real CLI in it.
 */
import { execFileSync, spawn } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Docker from "dockerode";
import { ROOT } from "./support.js";

/** True when a Docker engine answers at DOCKER_HOST (or the default socket). */
export async function dockerAnswers(): Promise<boolean> {
  try {
    const { connectDocker } = await import("../../../compiler/images/docker-client.js");
    await connectDocker(process.env, 3000);
    return true;
  } catch {
    return false;
  }
}

/** Compiles dist/ when it is missing (CI's `npm ci` already did it through `prepare`). */
export function ensureDist(): void {
  if (existsSync(join(ROOT, "dist/compiler/cli/main.js")) && existsSync(join(ROOT, "dist/runtimes/serve/index.js"))) return;
  execFileSync("npm", ["run", "build"], { cwd: ROOT, stdio: "ignore" });
}

export interface Workspace {
  readonly root: string;
  readonly prefix: string;
  readonly specPath: string;
  setSpec(edit: (yaml: string) => string): void;
  cleanup(): Promise<void>;
}

export function makeWorkspace(): Workspace {
  const root = mkdtempSync(join(tmpdir(), "mesh-images-ws-"));
  for (const f of ["node_modules", "dist", "bin", "package.json"]) symlinkSync(join(ROOT, f), join(root, f));
  const prefix = `meshtest/r${process.pid}x${Date.now().toString(36)}`;
  writeFileSync(join(root, "mesh.yaml"), `apiVersion: mesh/v1\nkind: Workspace\nimages:\n  prefix: ${prefix}\n`);
  mkdirSync(join(root, "projects/spam"), { recursive: true });
  const specPath = join(root, "projects/spam/project.yaml");
  const original = readFileSync(join(ROOT, "projects/spam/project.yaml"), "utf8");
  writeFileSync(specPath, original);
  return {
    root,
    prefix,
    specPath,
    setSpec(edit) {
      writeFileSync(specPath, edit(original));
    },
    async cleanup() {
      await removeImages(prefix);
      rmSync(root, { recursive: true, force: true });
    },
  };
}

/** Removes every image whose repository starts with `prefix` (and the containers using them). */
export async function removeImages(prefix: string): Promise<void> {
  const docker = new Docker();
  for (const c of await docker.listContainers({ all: true })) {
    // By image name, or (once a rebuild moved the tag away) by the labels the image gave it.
    const ours = c.Image.startsWith(prefix) || (c.Labels?.["org.opencontainers.image.base.name"] ?? "").startsWith(prefix);
    if (ours)
      await docker
        .getContainer(c.Id)
        .remove({ force: true })
        .catch(() => undefined);
  }
  // Children before parents: remove repeatedly until nothing with the prefix is left.
  for (let pass = 0; pass < 4; pass++) {
    for (const img of await docker.listImages()) {
      for (const tag of img.RepoTags ?? [])
        if (tag.startsWith(prefix))
          await docker
            .getImage(tag)
            .remove({ force: true })
            .catch(() => undefined);
    }
  }
  // Untagged stage images (the check stages) inherit the runtime image's labels, whose base
  // name carries the prefix; removing them also frees the intermediate layers under them.
  for (let pass = 0; pass < 4; pass++) {
    const dangling = await docker.listImages({ filters: JSON.stringify({ dangling: ["true"] }) });
    const ours = dangling.filter((img) => (img.Labels?.["org.opencontainers.image.base.name"] ?? "").startsWith(prefix));
    if (ours.length === 0) break;
    for (const img of ours)
      await docker
        .getImage(img.Id)
        .remove({ force: true })
        .catch(() => undefined);
  }
}

export interface CliResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs `node bin/mesh.js ARGS` in `cwd` with extra environment; never throws on exit codes. */
export function mesh(cwd: string, args: readonly string[], env: NodeJS.ProcessEnv = {}, timeoutMs = 240_000): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(ROOT, "bin/mesh.js"), ...args], { cwd, env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
    child.on("error", reject);
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code: code ?? -1, stdout, stderr });
    });
  });
}

/** A free loopback port, found by binding port 0. */
export async function freePort(): Promise<number> {
  const s = await listen(0);
  const port = (s.address() as { port: number }).port;
  await new Promise((r) => s.close(r));
  return port;
}

/** A TCP server holding a loopback port (to make "port in use" happen). */
export function listen(port: number): Promise<Server> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once("error", reject);
    s.listen(port, "127.0.0.1", () => resolve(s));
  });
}
