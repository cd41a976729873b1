/**
 * compose.yaml as data. dev and ci come from one function (`profileServices`), so the two
 * cannot drift: they differ only in what the environment overlays say (registry, image tag,
 * serve settings) and in how the registry is attached — a bind mount of the workspace registry
 * in dev, a named volume in ci.
 */
import type { EnvironmentIR, ProjectIR } from "../../compiler/ir.js";
import { CONTAINER_USER, NEURON_DEVICE, REGISTRY_MOUNT, REGISTRY_MOUNT_URI, fileRegistryPath, hasNeuronTarget, stepRepository, stopGraceSeconds } from "../support/container-run.js";
import { envChanges } from "../support/serve-env.js";

/** The compose profiles generated for every project, each from its environment overlay. */
export const COMPOSE_PROFILES = ["dev", "ci"] as const;
export type ComposeProfile = (typeof COMPOSE_PROFILES)[number];

export type Service = Record<string, unknown>;

/**
 * No top-level `name`: compose names the project after the folder, which is already the project's
 * name (`out/<name>/`), and older Compose implementations refuse the key.
 */
export interface ComposeModel {
  readonly services: Record<string, Service>;
  readonly volumes?: Record<string, Record<string, unknown>>;
}

/** `train` in dev, `train-ci` in ci: dev keeps the short names people type. */
export function serviceName(base: string, profile: ComposeProfile): string {
  return profile === "dev" ? base : `${base}-${profile}`;
}

/** The named volume holding the ci registry. */
export const CI_REGISTRY_VOLUME = "registry-ci";

function environment(ir: ProjectIR, profile: ComposeProfile): EnvironmentIR {
  const env = ir.environments.find((e) => e.name === profile);
  if (!env) throw new Error(`IR of ${ir.name} has no ${profile} environment (lower always adds dev and ci)`);
  return env;
}

/** How a container reaches the profile's registry: a mount plus MESH_REGISTRY, or just the URI (s3). */
function registryAccess(ir: ProjectIR, env: EnvironmentIR, profile: ComposeProfile): { volumes: string[]; environment: Record<string, string> } {
  const local = fileRegistryPath(env.registry);
  if (local === undefined) return { volumes: [], environment: { MESH_REGISTRY: env.registry } };
  // Short syntax on purpose: it creates a missing bind source in every
  // Compose implementation, where the long syntax needs `create_host_path`, which older ones refuse.
  const source = profile === "ci" ? CI_REGISTRY_VOLUME : local.startsWith("/") ? local : `${ir.rootFromOut}/${local}`;
  const volume = `${source}:${REGISTRY_MOUNT}`;
  return { volumes: [volume], environment: { MESH_REGISTRY: REGISTRY_MOUNT_URI } };
}

/** Hardening every mesh container gets: non-root, read-only root file system, a private /tmp. */
function baseService(image: string, tag: string, profile: ComposeProfile): Service {
  return { image: `${image}:\${IMAGE_TAG:-${tag}}`, profiles: [profile], user: CONTAINER_USER, read_only: true, tmpfs: ["/tmp"] };
}

/** The ready probe, in node: the serve image has no curl. */
export function readyProbe(ir: ProjectIR): string[] {
  const url = `http://127.0.0.1:${ir.serve.containerPort}${ir.serve.api.basePath}/ready`;
  return ["CMD", "node", "-e", `fetch('${url}').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))`];
}

function serveService(ir: ProjectIR, env: EnvironmentIR, profile: ComposeProfile, dependsOn: string | undefined): Service {
  const download = ir.serve.image.model === "download";
  const registry = download ? registryAccess(ir, env, profile) : { volumes: [] as string[], environment: {} };
  // The profile's environment picks the version: its serve.alias, else the newest (lowered modelRef).
  const model = download ? { MESH_MODEL_REF: env.modelRef } : {};
  // The image's defaults are the project's settings (its ENV and serve/main.js): only what the environment changes.
  const environment = { ...registry.environment, ...model, ...envChanges(ir.serve.env, env.serve.env) };
  return {
    ...baseService(stepRepository(ir, "serve"), env.imageTag, profile),
    ports: [`127.0.0.1:${env.serve.hostPort}:${ir.serve.containerPort}`],
    ...(Object.keys(environment).length > 0 ? { environment } : {}),
    ...(registry.volumes.length > 0 ? { volumes: registry.volumes } : {}),
    healthcheck: { test: readyProbe(ir), interval: "10s", timeout: "3s", retries: 3, start_period: "30s" },
    stop_grace_period: `${stopGraceSeconds(ir)}s`,
    ...(download && dependsOn ? { depends_on: { [dependsOn]: { condition: "service_completed_successfully" } } } : {}),
  };
}

/** Every service of one profile: the lifecycle chain in order, serve, and compile-neuron. */
function profileServices(ir: ProjectIR, profile: ComposeProfile): Record<string, Service> {
  const env = environment(ir, profile);
  const registry = registryAccess(ir, env, profile);
  const services: Record<string, Service> = {};
  let previous: string | undefined;
  const lifecycle = ir.lifecycleSteps;
  for (const step of lifecycle) {
    const name = serviceName(step, profile);
    services[name] = {
      ...baseService(stepRepository(ir, step), env.imageTag, profile),
      environment: registry.environment,
      ...(registry.volumes.length > 0 ? { volumes: registry.volumes } : {}),
      ...(previous ? { depends_on: { [previous]: { condition: "service_completed_successfully" } } } : {}),
    };
    previous = name;
  }
  services[serviceName("serve", profile)] = serveService(ir, env, profile, previous);
  if (hasNeuronTarget(ir)) {
    // Its own profile: it needs an Inferentia/Trainium host, so `up` of dev or ci never starts it.
    const train = lifecycle.includes("train") ? serviceName("train", profile) : undefined;
    services[serviceName("compile-neuron", profile)] = {
      ...baseService(ir.images.neuron.compile, env.imageTag, profile),
      profiles: [`${profile}-neuron`],
      devices: [`${NEURON_DEVICE}:${NEURON_DEVICE}`],
      environment: registry.environment,
      ...(registry.volumes.length > 0 ? { volumes: registry.volumes } : {}),
      ...(train ? { depends_on: { [train]: { condition: "service_completed_successfully" } } } : {}),
    };
  }
  return services;
}

/** The whole compose model: dev and ci services side by side, and the ci registry volume. */
export function composeModel(ir: ProjectIR): ComposeModel {
  const services = Object.assign({}, ...COMPOSE_PROFILES.map((p) => profileServices(ir, p))) as Record<string, Service>;
  const usesVolume = Object.values(services).some((s) => Array.isArray(s.volumes) && s.volumes.some((v) => typeof v === "string" && v.startsWith(`${CI_REGISTRY_VOLUME}:`)));
  return { services, ...(usesVolume ? { volumes: { [CI_REGISTRY_VOLUME]: {} } } : {}) };
}
