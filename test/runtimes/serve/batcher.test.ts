/**
 * Property tests of the batching timing logic with a fake clock and a fake event loop: a
 * simulation interleaves arrivals, event-loop turns and (synchronous or asynchronous) batch
 * computes, then checks the invariants of issue 3.
 */
import { describe, expect, test } from "vitest";
import fc from "fast-check";
import { Batcher, type Scheduler } from "../../../runtimes/serve/batcher.js";

interface Item {
  readonly id: number;
  readonly rows: number;
  readonly at: number;
  /** rows queued ahead of it (not running) when it arrived */
  readonly ahead: number;
  /** compute and busy-loop time accumulated before it arrived, batches flushed before it arrived */
  readonly computeAtArrival: number;
  readonly batchesAtArrival: number;
  answers: number;
  startedAt?: number;
  batchIndex?: number;
  computeBefore?: number;
}

type Step = { kind: "arrive"; rows: number } | { kind: "turn"; gap: number };

const stepArb = fc.oneof(
  { weight: 3, arbitrary: fc.record({ kind: fc.constant("arrive" as const), rows: fc.integer({ min: 1, max: 12 }) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant("turn" as const), gap: fc.integer({ min: 0, max: 3 }) }) },
);

function simulate(opts: { maxBatch: number; maxDelayMs: number; queueRows: number; async: boolean; cost: number; failEvery: number }, steps: Step[]) {
  let now = 0;
  let deferred: (() => void)[] = [];
  const sched: Scheduler = { now: () => now, defer: (fn) => void deferred.push(fn) };
  const items: Item[] = [];
  const batches: Item[][] = [];
  const rejected: Item[] = [];
  let computeTotal = 0;
  let pendingAsync: (() => void)[] = [];
  const answer = (batch: readonly Item[]) => batch.forEach((it) => it.answers++);
  const batcher = new Batcher<Item>(
    opts,
    (batch) => {
      const index = batches.length;
      batches.push([...batch]);
      batch.forEach((it) => {
        it.startedAt = now;
        it.batchIndex = index;
        it.computeBefore = computeTotal;
      });
      const cost = opts.cost * batch.reduce((s, it) => s + it.rows, 0);
      const fail = opts.failEvery > 0 && index % opts.failEvery === opts.failEvery - 1;
      if (!opts.async) {
        now += cost; // session.run blocks the loop
        computeTotal += cost;
        if (fail) throw new Error("inference failed");
        answer(batch);
        return;
      }
      return new Promise<void>((resolve, reject) => {
        pendingAsync.push(() => {
          now += cost;
          computeTotal += cost;
          if (fail) reject(new Error("inference failed"));
          else {
            answer(batch);
            resolve();
          }
        });
      });
    },
    (batch) => answer(batch),
    sched,
  );
  const turn = async () => {
    const fns = deferred;
    deferred = [];
    for (const fn of fns) fn();
    const work = pendingAsync;
    pendingAsync = [];
    for (const w of work) w();
    await Promise.resolve(); // let promise callbacks (#done) run
    await Promise.resolve();
  };
  return (async () => {
    let id = 0;
    for (const s of steps) {
      if (s.kind === "arrive") {
        const it: Item = { id: id++, rows: s.rows, at: now, ahead: batcher.queuedRows, computeAtArrival: computeTotal, batchesAtArrival: batches.length, answers: 0 };
        if (batcher.offer(it)) items.push(it);
        else rejected.push(it);
      } else {
        now += s.gap;
        // Loop time spent while a batch is running counts as that batch's compute.
        if (batcher.running) computeTotal += s.gap;
        await turn();
      }
    }
    for (let i = 0; i < 1000 && (deferred.length > 0 || pendingAsync.length > 0 || batcher.queuedRows > 0 || batcher.running); i++) await turn();
    return { items, batches, rejected, batcher };
  })();
}

const optsArb = fc.record({
  maxBatch: fc.integer({ min: 1, max: 32 }),
  maxDelayMs: fc.constantFrom(0, 0, 2, 5),
  queueRows: fc.integer({ min: 12, max: 64 }),
  async: fc.boolean(),
  cost: fc.constantFrom(0, 0.01, 0.5),
  failEvery: fc.constantFrom(0, 0, 3),
});

describe("Batcher", () => {
  test("every accepted request is answered exactly once; rejected ones never run", async () => {
    await fc.assert(
      fc.asyncProperty(optsArb, fc.array(stepArb, { maxLength: 80 }), async (opts, steps) => {
        const { items, rejected, batcher } = await simulate(opts, steps);
        for (const it of items) expect(it.answers).toBe(1);
        for (const it of rejected) expect(it.answers).toBe(0);
        expect(batcher.queuedRows).toBe(0);
      }),
      { numRuns: 300 },
    );
  });

  test("batches never exceed maxBatch rows, except one oversized request alone", async () => {
    await fc.assert(
      fc.asyncProperty(optsArb, fc.array(stepArb, { maxLength: 80 }), async (opts, steps) => {
        const { batches } = await simulate(opts, steps);
        for (const b of batches) {
          const rows = b.reduce((s, it) => s + it.rows, 0);
          if (rows > opts.maxBatch) expect(b).toHaveLength(1);
        }
      }),
      { numRuns: 300 },
    );
  });

  test("requests run in arrival order (rows within and across batches keep their order)", async () => {
    await fc.assert(
      fc.asyncProperty(optsArb, fc.array(stepArb, { maxLength: 80 }), async (opts, steps) => {
        const { batches } = await simulate(opts, steps);
        const order = batches.flat().map((it) => it.id);
        expect(order).toEqual([...order].sort((a, b) => a - b));
      }),
      { numRuns: 300 },
    );
  });

  test("the queue bound is respected: rows waiting never exceed queueRows (beyond a lone request)", async () => {
    await fc.assert(
      fc.asyncProperty(optsArb, fc.array(stepArb, { maxLength: 80 }), async (opts, steps) => {
        const { items, rejected } = await simulate(opts, steps);
        for (const it of items) if (it.ahead > 0) expect(it.ahead + it.rows).toBeLessThanOrEqual(opts.queueRows);
        for (const it of rejected) expect(it.ahead + it.rows).toBeGreaterThan(opts.queueRows);
      }),
      { numRuns: 300 },
    );
  });

  test("no request waits longer than maxDelayMs + one turn per batch ahead + the computes that ran meanwhile; with room it joins the next batch", async () => {
    const maxGap = 3;
    await fc.assert(
      fc.asyncProperty(optsArb, fc.array(stepArb, { maxLength: 80 }), async (opts, steps) => {
        const { items } = await simulate(opts, steps);
        for (const it of items) {
          const computing = it.computeBefore! - it.computeAtArrival;
          // Each batch flushed ahead of it costs at most one more loop turn.
          const batchesAhead = it.batchIndex! - it.batchesAtArrival;
          expect(it.startedAt! - it.at - computing).toBeLessThanOrEqual(opts.maxDelayMs + maxGap * (1 + batchesAhead) + 1e-9);
          // With room in one batch on arrival, it runs in the first batch flushed after it arrived.
          if (it.ahead + it.rows <= opts.maxBatch) expect(it.batchIndex).toBe(it.batchesAtArrival);
        }
      }),
      { numRuns: 300 },
    );
  });

  test("maxDelayMs 0: a lone request is flushed on the very next turn", async () => {
    const { items, batches } = await simulate({ maxBatch: 8, maxDelayMs: 0, queueRows: 64, async: false, cost: 0, failEvery: 0 }, [
      { kind: "arrive", rows: 1 },
      { kind: "turn", gap: 0 },
    ]);
    expect(batches).toHaveLength(1);
    expect(items[0]!.startedAt).toBe(0);
  });

  test("a filling batch waits while rows keep arriving, then flushes at maxBatch", async () => {
    const steps: Step[] = [];
    for (let i = 0; i < 4; i++) steps.push({ kind: "arrive", rows: 2 }, { kind: "turn", gap: 0 });
    const { batches } = await simulate({ maxBatch: 8, maxDelayMs: 5, queueRows: 64, async: false, cost: 0, failEvery: 0 }, steps);
    expect(batches.map((b) => b.length)).toEqual([4]);
  });
});
