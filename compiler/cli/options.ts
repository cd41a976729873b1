/**
 * Argument parsers the commands share, so `--port` and `--host` mean (and refuse) the same
 * thing on `mesh run`, `serve`, `dev` and `registry ui`.
 */
import { InvalidArgumentError } from "commander";

/** 0–65535 written as plain digits (no `1e3`, no sign); 0 asks the OS for a free port. */
export function parsePort(raw: string): number {
  if (!/^[0-9]{1,5}$/.test(raw) || Number(raw) > 65535) throw new InvalidArgumentError("expected a port from 0 to 65535 (0 picks a free one)");
  return Number(raw);
}

/** An IP literal or a DNS name; anything else never reaches listen(). */
export function parseHost(raw: string): string {
  if (!/^(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*|[0-9a-fA-F:]{2,39})$/.test(raw)) {
    throw new InvalidArgumentError("expected an IP address or host name, e.g. 127.0.0.1");
  }
  return raw;
}
