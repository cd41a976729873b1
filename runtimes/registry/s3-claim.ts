/**
 * Atomic version numbers on S3. Two protocols, chosen once per opened registry by
 * `probeConditionalWrites` (see `claimVersionConditional` at the end):
 *
 * - Conditional writes (AWS S3 since 2024, and servers that copied it): `PutObject` with
 *   `If-None-Match: *` is refused with 412 when the key exists, so one put of
 *   `<base>/.claims/<n>/claim` decides who owns `n` — one request per claim.
 * - Otherwise (s3rver ignores `If-None-Match`, and so do older S3-compatible servers), on a
 *   store that only offers strongly consistent put, delete and list: Lamport's bakery algorithm with objects as its shared registers,
 * run once per candidate number `n` under `<base>/.claims/<n>/`:
 *
 *   1. put    entering/<uid>                 "I am choosing a ticket"
 *   2. list   tickets/                        ticket t = 1 + the largest ticket seen
 *   3. put    tickets/<t>-<uid>
 *   4. delete entering/<uid>
 *   5. wait until every entering/* seen now is gone (each writer is about to put its ticket)
 *   6. list   tickets/   → the smallest (t, uid) wins n; the others delete their ticket and
 *                          try n + 1.
 *
 * Why it is safe: a writer that enters after step 5's snapshot lists tickets after ours was
 * put, so it draws a larger t and loses; a writer that was choosing during the snapshot is
 * waited for, so its ticket is in step 6's list; a winner never deletes its ticket, so every
 * later contender sees it and loses.
 *
 * Crashes never block: a winner that dies before committing leaves its ticket, so `n` is
 * skipped (a gap, never a reuse); new writers start after the largest claimed number. The one
 * rule with a clock: an entering marker older than STALE_ENTERING_MS (writer crashed between
 * steps 1 and 4) is ignored; a live writer takes two requests between those steps, so this
 * assumes no writer stalls that long there and that clocks agree within that bound.
 */
import { randomUUID } from "node:crypto";
import { setTimeout as sleep } from "node:timers/promises";
import { parseVersionName } from "./names.js";

export const STALE_ENTERING_MS = 60_000;

/** The primitives the protocol needs (all strongly consistent). */
export interface ClaimOps {
  put(key: string, bytes: Uint8Array): Promise<void>;
  delete(key: string): Promise<void>;
  listFiles(prefix: string): Promise<string[]>;
  listDirs(prefix: string): Promise<string[]>;
  /** Optional: how step 5 pauses between polls (tests schedule it); default a 10–40 ms timer. */
  pause?: () => Promise<void>;
}

const EMPTY = new Uint8Array(0);
const pad = (n: number) => String(n).padStart(10, "0");
const newUid = () => `${String(Date.now()).padStart(15, "0")}-${randomUUID()}`;
const uidTime = (uid: string) => Number(uid.split("-", 1)[0]);
const TICKET = /^[0-9]{10}-[0-9]{15}-[0-9a-f-]{36}$/;
const tickets = async (ops: ClaimOps, prefix: string) => (await ops.listFiles(prefix)).filter((t) => TICKET.test(t)).sort();

/** Takes the next free version number under `base` (see the module comment). */
export async function claimVersionBakery(ops: ClaimOps, base: string): Promise<number> {
  const taken = [...(await ops.listDirs(base)), ...(await ops.listDirs(`${base}/.claims`))].map(parseVersionName).filter((n): n is number => n !== undefined);
  for (let n = Math.max(0, ...taken) + 1; ; n += 1) {
    if (await tryClaim(ops, base, n)) return n;
  }
}

async function tryClaim(ops: ClaimOps, base: string, n: number): Promise<boolean> {
  const dir = `${base}/.claims/${n}`;
  const uid = newUid();
  await ops.put(`${dir}/entering/${uid}`, EMPTY);
  let mine: string;
  try {
    const seen = await tickets(ops, `${dir}/tickets`);
    mine = `${pad(Math.max(0, ...seen.map((t) => Number(t.slice(0, 10)))) + 1)}-${uid}`;
    await ops.put(`${dir}/tickets/${mine}`, EMPTY);
  } finally {
    await ops.delete(`${dir}/entering/${uid}`);
  }
  await waitForChoosers(ops, `${dir}/entering`);
  const all = await tickets(ops, `${dir}/tickets`);
  if (all[0] !== mine) {
    await ops.delete(`${dir}/tickets/${mine}`);
    return false;
  }
  // Won the number. A version folder that exists anyway (claims deleted, data copied in by
  // hand, a crashed writer from before) is never written over: keep the ticket, move on.
  const existing = [...(await ops.listFiles(`${base}/${n}`)), ...(await ops.listDirs(`${base}/${n}`))];
  return existing.length === 0;
}

async function waitForChoosers(ops: ClaimOps, prefix: string): Promise<void> {
  // Unparseable names count as stale: only markers this protocol wrote may make us wait.
  const live = (names: string[]) => names.filter((u) => Number.isFinite(uidTime(u)) && Date.now() - uidTime(u) <= STALE_ENTERING_MS);
  let waiting = new Set(live(await ops.listFiles(prefix)));
  while (waiting.size > 0) {
    await (ops.pause ? ops.pause() : sleep(10 + Math.random() * 30));
    const now = new Set(live(await ops.listFiles(prefix)));
    waiting = new Set([...waiting].filter((u) => now.has(u)));
  }
}

// ---------------------------------------------------------------- conditional writes

/** What a conditional put answered: written, refused because the key exists (412), or busy (409). */
export type ConditionalPut = "written" | "exists" | "conflict";

/** The primitives of the conditional protocol. */
export interface ConditionalOps {
  /** `PutObject` with `If-None-Match: *`. */
  putIfNoneMatch(key: string, bytes: Uint8Array): Promise<ConditionalPut>;
  delete(key: string): Promise<void>;
  listDirs(prefix: string): Promise<string[]>;
  /** Optional: the pause before retrying a 409 (a concurrent conditional put on the same key). */
  pause?: () => Promise<void>;
}

/** Where the probe writes: a key no registry listing reads (project names are DNS labels). */
export const PROBE_PREFIX = ".claims/probe";

/**
 * Does the server honour `If-None-Match: *`? Writes one fresh probe key twice: a server that
 * honours it refuses the second put (412); one that ignores it overwrites. Any other answer
 * (an error on the first put, e.g. 501 NotImplemented) is thrown by `putIfNoneMatch` or
 * counts as "not honoured" here. The probe key is removed either way.
 */
export async function probeConditionalWrites(ops: ConditionalOps): Promise<boolean> {
  const key = `${PROBE_PREFIX}/${newUid()}`;
  try {
    if ((await ops.putIfNoneMatch(key, EMPTY)) !== "written") return false;
    return (await ops.putIfNoneMatch(key, EMPTY)) === "exists";
  } finally {
    await ops.delete(key).catch(() => undefined);
  }
}

/**
 * Takes the next free version number under `base` with conditional puts: the first writer
 * whose put of `<base>/.claims/<n>/claim` succeeds owns `n`; a 412 means someone else does,
 * so try `n + 1`. The claim marker stays forever, so `n` is never handed out again (a writer
 * that crashes after claiming leaves a gap, never a reuse). The same `.claims/<n>/` folders
 * as the bakery protocol, so numbers taken by either are skipped by both.
 */
export async function claimVersionConditional(ops: ConditionalOps, base: string): Promise<number> {
  const taken = [...(await ops.listDirs(base)), ...(await ops.listDirs(`${base}/.claims`))].map(parseVersionName).filter((n): n is number => n !== undefined);
  const marker = new TextEncoder().encode(newUid());
  for (let n = Math.max(0, ...taken) + 1; ; ) {
    const answer = await ops.putIfNoneMatch(`${base}/.claims/${n}/claim`, marker);
    if (answer === "conflict") {
      // AWS answers 409 while another conditional put of the same key is in flight: ask again.
      await (ops.pause ? ops.pause() : sleep(10 + Math.random() * 30));
      continue;
    }
    if (answer === "written") return n;
    n += 1;
  }
}
