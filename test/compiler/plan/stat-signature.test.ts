/** When a recorded stat signature is trusted, and when the file must be hashed instead. */
import { describe, expect, it } from "vitest";
import type { FileStat } from "../../../compiler/host.js";
import { signatureHolds } from "../../../compiler/plan/stat-signature.js";

const stat = (ctime: bigint, extra: Partial<FileStat> = {}): FileStat => ({ isFile: true, isLink: false, mode: 0o644, ctimeNs: ctime, signature: `1:2:3:4:${ctime}:100644`, ...extra });

describe("stat signatures", () => {
  it("hold only for a regular file with the recorded signature, older than the stamp", () => {
    expect(signatureHolds(stat(10n), "1:2:3:4:10:100644", 11n)).toBe(true);
    expect(signatureHolds(stat(10n), "1:2:3:4:10:100644", 10n)).toBe(false);
    expect(signatureHolds(stat(10n), "1:2:3:5:10:100644", 11n)).toBe(false);
    expect(signatureHolds(stat(10n, { isFile: false }), "1:2:3:4:10:100644", 11n)).toBe(false);
    expect(signatureHolds(stat(10n), undefined, 11n)).toBe(false);
    expect(signatureHolds(stat(10n), "1:2:3:4:10:100644", undefined)).toBe(false);
    expect(signatureHolds(undefined, "1:2:3:4:10:100644", 11n)).toBe(false);
  });
});
