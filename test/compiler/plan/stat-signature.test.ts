/** When a recorded stat signature is trusted, and when the file must be hashed instead. */
import { describe, expect, it } from "vitest";
import type { FileStat } from "../../../compiler/host.js";
import { anyRacy, signatureCtime, signatureHolds } from "../../../compiler/plan/stat-signature.js";

const stat = (ctime: bigint, extra: Partial<FileStat> = {}): FileStat => ({ isFile: true, mode: 0o644, ctimeNs: ctime, signature: `1:2:3:4:${ctime}:100644`, ...extra });

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

  it("a signature not older than the stamp, or not one of ours, is racy", () => {
    expect(signatureCtime("1:2:3:4:10:100644")).toBe(10n);
    expect(signatureCtime("garbage")).toBeUndefined();
    expect(anyRacy(["1:2:3:4:10:100644"], 11n)).toBe(false);
    expect(anyRacy(["1:2:3:4:10:100644", "1:2:3:4:11:100644"], 11n)).toBe(true);
    expect(anyRacy(["garbage"], 11n)).toBe(true);
    expect(anyRacy([], undefined)).toBe(false);
  });
});
