/** Every CLI command, one module each. Adding a command = one module + one line here. */
import type { Command } from "commander";
import { register as generate } from "./generate.js";
import { register as validate } from "./validate.js";
import { register as schema } from "./schema.js";
import { register as newSpec } from "./new.js";
import { register as run } from "./run.js";
import { register as contractTest } from "./test.js";
import { register as load } from "./load.js";
import { register as registry } from "./registry.js";
import { register as build } from "./build.js";
import { register as images } from "./images.js";
import { register as serve } from "./serve.js";
import { register as lock } from "./lock.js";
import { register as dev } from "./dev.js";
import { register as completion } from "./completion.js";

export type RegisterCommand = (program: Command) => void;

export const COMMANDS: readonly RegisterCommand[] = [validate, lock, generate, schema, newSpec, run, contractTest, load, registry, build, images, serve, dev, completion];
