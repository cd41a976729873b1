/**
 * The S3 version-claim protocol (bakery over put/list/delete) under adversarial schedules:
 * fast-check's scheduler decides the order in which every storage call of every contender
 * completes, so interleavings that a real server would produce only rarely are explored on
 * every run. No two contenders may ever get the same number, and with no crash every
 * contender gets one of 1..K.
 */
import fc from "fast-check";
import { describe, expect, test } from "vitest";
import { claimVersionBakery, type ClaimOps } from "../../../runtimes/registry/s3-claim.js";

/** A strongly consistent in-memory object store whose every call is a scheduling point. */
function scheduledStore(s: fc.Scheduler, objects: Map<string, Uint8Array>): ClaimOps {
  const step = <T>(label: string, act: () => T) => s.schedule(Promise.resolve(label)).then(act);
  const under = (prefix: string) => [...objects.keys()].filter((k) => k.startsWith(`${prefix}/`)).map((k) => k.slice(prefix.length + 1));
  return {
    put: (key, bytes) => step(`put ${key}`, () => void objects.set(key, bytes)),
    delete: (key) => step(`delete ${key}`, () => void objects.delete(key)),
    listFiles: (prefix) =>
      step(`list ${prefix}`, () =>
        under(prefix)
          .filter((k) => !k.includes("/"))
          .sort(),
      ),
    listDirs: (prefix) =>
      step(`dirs ${prefix}`, () =>
        [
          ...new Set(
            under(prefix)
              .filter((k) => k.includes("/"))
              .map((k) => k.split("/")[0]!),
          ),
        ].sort(),
      ),
    pause: () => s.schedule(Promise.resolve("pause")).then(() => undefined),
  };
}

describe("claimVersionBakery", () => {
  test("K concurrent contenders under any schedule get distinct numbers 1..K", async () => {
    await fc.assert(
      fc.asyncProperty(fc.scheduler(), fc.integer({ min: 2, max: 4 }), async (s, k) => {
        const objects = new Map<string, Uint8Array>();
        const ops = scheduledStore(s, objects);
        const claims = Array.from({ length: k }, () => claimVersionBakery(ops, "p/models/K-TRAINED"));
        const got = await s.waitFor(Promise.all(claims));
        expect([...got].sort((a, b) => a - b)).toEqual(Array.from({ length: k }, (_, i) => i + 1));
      }),
      { numRuns: 150 },
    );
  });

  test("a contender that starts after others finished continues after the largest claim", async () => {
    await fc.assert(
      fc.asyncProperty(fc.scheduler(), async (s) => {
        const objects = new Map<string, Uint8Array>();
        const ops = scheduledStore(s, objects);
        const first = await s.waitFor(Promise.all([claimVersionBakery(ops, "b"), claimVersionBakery(ops, "b")]));
        // A published version folder without any claim (copied in by hand) is skipped too.
        objects.set("b/7/card.json", new Uint8Array());
        const next = await s.waitFor(claimVersionBakery(ops, "b"));
        expect(first.sort()).toEqual([1, 2]);
        expect(next).toBe(8);
      }),
      { numRuns: 30 },
    );
  });

  test("a stale entering marker (crashed chooser) does not block; a crashed winner only leaves a gap", async () => {
    const objects = new Map<string, Uint8Array>();
    const ops: ClaimOps = {
      put: async (k, b) => void objects.set(k, b),
      delete: async (k) => void objects.delete(k),
      listFiles: async (p) =>
        [...objects.keys()]
          .filter((k) => k.startsWith(`${p}/`) && !k.slice(p.length + 1).includes("/"))
          .map((k) => k.slice(p.length + 1))
          .sort(),
      listDirs: async (p) => [...new Set([...objects.keys()].filter((k) => k.startsWith(`${p}/`) && k.slice(p.length + 1).includes("/")).map((k) => k.slice(p.length + 1).split("/")[0]!))].sort(),
      pause: async () => undefined,
    };
    const old = `${String(Date.now() - 120_000).padStart(15, "0")}-00000000-0000-4000-8000-000000000000`;
    // A chooser that crashed between "entering" and "ticket" on the same number, 2 minutes ago.
    const put = ops.put;
    ops.put = async (k, b) => {
      if (k.includes("/entering/")) objects.set(k.replace(/entering\/.*/, `entering/${old}`), new Uint8Array());
      return put(k, b);
    };
    expect(await claimVersionBakery(ops, "b")).toBe(1);
    ops.put = put;
    objects.set(`b/.claims/3/tickets/0000000001-${old}`, new Uint8Array()); // a winner that crashed before publishing
    expect(await claimVersionBakery(ops, "b")).toBe(4);
    // A live chooser's marker is waited for (here: it never goes away, so the claim stays pending).
    objects.set(`b/.claims/5/entering/${String(Date.now()).padStart(15, "0")}-00000000-0000-4000-8000-000000000001`, new Uint8Array());
    objects.set(`b/.claims/5/tickets/0000000009-${old}`, new Uint8Array());
    let polls = 0;
    ops.pause = async () => {
      if (++polls === 5) throw new Error("still waiting");
    };
    await expect(claimVersionBakery({ ...ops, listDirs: async () => ["4"] }, "b")).rejects.toThrow("still waiting");
  });
});
