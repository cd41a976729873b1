/**
 * `mesh images bootstrap [--force]` — make the configured base image locally (docker import of
 * this machine's Node runtime) when it cannot be pulled;
 * `mesh images build [NAME…]` — build the core images in topological order;
 * `mesh images ls` — the lineage and what is on the engine;
 * `mesh images dockerfile NAME` — print a core image's Dockerfile (no engine needed; this is
 * how the Neuron images, which cannot be built offline, are inspected).
 * Exit 0 ok · 1 failure (one sentence) · 2 usage.
 */
import type { Command } from "commander";

const out = (line: string) => process.stdout.write(`${line}\n`);

export function register(program: Command): void {
  const images = program.command("images").description("core images: bootstrap the base offline, build the lineage, list it");
  images
    .command("bootstrap")
    .description("make the base image (mesh.yaml images.base) locally from this machine's node binary and shared libraries")
    .option("--force", "replace an existing image of that name")
    .action(async (flags: { force?: boolean }) => {
      process.exitCode = await withDocker(async (ctx) => {
        const { bootstrapBase } = await import("../../images/bootstrap.js");
        const r = await bootstrapBase(ctx.docker, ctx.root, ctx.images.base, out, flags.force ?? false);
        const note = r.status === "present" ? " (a pulled image of that name exists; --force replaces it)" : "";
        out(`${r.image} ${r.status} (${r.sizeMb} MB)${note}`);
      });
    });
  images
    .command("build")
    .description("build the core images (mesh-base, mesh-serve, mesh-train; Neuron ones where their base exists)")
    .argument("[name...]", "only these core images (and their ancestors)")
    .action(async (names: string[]) => {
      process.exitCode = await withDocker(async (ctx) => {
        const { buildCoreImages } = await import("../../images/core-images.js");
        const { MESH_VERSION } = await import("../../version.js");
        for (const r of await buildCoreImages(ctx.docker, ctx.root, ctx.images, MESH_VERSION, out, names)) {
          out(`${r.ref} ${r.status}${r.note ? `: ${r.note}` : ""}`);
        }
      });
    });
  images
    .command("dockerfile")
    .description("print a core image's Dockerfile and check it (no Docker engine needed)")
    .argument("<name>", "core image: mesh-base, mesh-serve, mesh-train, mesh-neuron-compile, mesh-neuron-inference")
    .action(async (name: string) => {
      process.exitCode = await printDockerfile(name);
    });
  images
    .command("ls")
    .description("list the core images, their parents and whether the engine has them")
    .action(async () => {
      process.exitCode = await withDocker(async (ctx) => {
        const [{ CORE_IMAGES }, { inspectImage }] = await Promise.all([import("../../../runtimes/images/lineage.js"), import("../../images/docker-client.js")]);
        const prefix = ctx.images.prefix ? `${ctx.images.prefix}/` : "";
        for (const i of CORE_IMAGES) {
          const parent = "core" in i.parent ? `${prefix}${i.parent.core}` : ctx.images[i.parent.external];
          const info = await inspectImage(ctx.docker, `${prefix}${i.name}:latest`);
          const here = info ? `present, ${Math.round(info.Size / 1e5) / 10} MB` : "not built";
          out(`${prefix}${i.name}  FROM ${parent}  (${here})  ${i.doc}`);
        }
      });
    });
}

async function printDockerfile(name: string): Promise<number> {
  const [{ findWorkspaceRoot }, { nodeHost }, { checkWorkspaceFile }, { workspaceImages }, { CORE_IMAGES }, { coreDockerfile }, { renderDockerfile }, { lintDockerfile }, { MESH_VERSION }] =
    await Promise.all([
      import("../workspace.js"),
      import("../../host.js"),
      import("../../validate/check-workspace.js"),
      import("../../images/core-images.js"),
      import("../../../runtimes/images/lineage.js"),
      import("../../../generators/dockerfile/core-image.js"),
      import("../../../generators/support/dockerfile-render.js"),
      import("../../../generators/dockerfile/lint.js"),
      import("../../version.js"),
    ]);
  const image = CORE_IMAGES.find((i) => i.name === name);
  if (!image) {
    process.stderr.write(`mesh images: no core image named ${name} (core images: ${CORE_IMAGES.map((i) => i.name).join(", ")})\n`);
    return 1;
  }
  const ws = checkWorkspaceFile(nodeHost(findWorkspaceRoot(process.cwd())));
  const images = workspaceImages(ws.value);
  const prefix = images.prefix ? `${images.prefix}/` : "";
  const from = "core" in image.parent ? `${prefix}${image.parent.core}:${MESH_VERSION}` : images[image.parent.external];
  const text = renderDockerfile(coreDockerfile({ name: image.name, from, payload: image.payload, doc: image.doc, meshVersion: MESH_VERSION }));
  process.stdout.write(text);
  const findings = lintDockerfile(text);
  for (const f of findings) process.stderr.write(`line ${f.line} ${f.rule} ${f.message}\n`);
  return findings.length > 0 ? 1 : 0;
}

interface Ctx {
  readonly root: string;
  readonly docker: import("dockerode");
  readonly images: import("../../images/core-images.js").CoreImagesSettings;
}

async function withDocker(body: (ctx: Ctx) => Promise<void>): Promise<number> {
  const [{ findWorkspaceRoot }, { nodeHost }, { checkWorkspaceFile }, { formatDiagnostics }, { connectDocker }, { BuildError }, { workspaceImages }] = await Promise.all([
    import("../workspace.js"),
    import("../../host.js"),
    import("../../validate/check-workspace.js"),
    import("../../diagnostics/format.js"),
    import("../../images/docker-client.js"),
    import("../../images/errors.js"),
    import("../../images/core-images.js"),
  ]);
  const root = findWorkspaceRoot(process.cwd());
  const ws = checkWorkspaceFile(nodeHost(root));
  if (ws.diagnostics.length > 0) process.stderr.write(`${formatDiagnostics(ws.diagnostics)}\n`);
  if (ws.diagnostics.some((d) => d.severity === "error")) return 1;
  try {
    await body({ root, docker: await connectDocker(), images: workspaceImages(ws.value) });
    return 0;
  } catch (err) {
    if (err instanceof BuildError) {
      process.stderr.write(`mesh images: ${err.message}\n${err.detail ? `${err.detail}\n` : ""}`);
      return 1;
    }
    throw err;
  }
}
