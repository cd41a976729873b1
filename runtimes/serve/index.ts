/**
 * The server library the generated serving code runs on. Generated `main.js` calls
 * `runMain(definition, defaults)`; tests and tools embed `startServer(definition, config)`.
 */
export { runMain } from "./main.js";
export { startServer, type ServerHandle, type StartOptions } from "./server.js";
export { loadConfig, ENV_VARS, type ServeConfig, type EnvVarDecl, type ConfigResult } from "./config.js";
export { Batcher, type BatcherOptions, type Scheduler } from "./batcher.js";
export type { BioDocument } from "./bio.js";
export type { ServiceDefinition, ServeDefaults, ApiError, DecodeResult, Decoded, TensorSpec, ModelInfo } from "./definition.js";
