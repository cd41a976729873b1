// A seeded pseudo-random generator for the data synthesisers. Math.random cannot be seeded,
// and the builder must write the same bytes on every run, so every random choice goes
// through one of these. sfc32 (Chris Doty-Humphrey's Small Fast Counting generator) is
// exact 32-bit integer arithmetic, so it gives the same stream on every JS engine.

/** 32-bit FNV-1a of a string: turns a readable seed ("ner/train") into generator state. */
export function hash32(text) {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

export class Rng {
  constructor(seed) {
    const s = typeof seed === "number" ? seed >>> 0 : hash32(String(seed));
    this.a = 0x9e3779b9;
    this.b = 0x243f6a88;
    this.c = 0xb7e15162;
    this.d = s;
    for (let i = 0; i < 15; i++) this.u32(); // mix the seed into all four words
  }

  u32() {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return t >>> 0;
  }

  /** Uniform in [0, 1). */
  float() {
    return this.u32() / 4294967296;
  }

  /** Uniform integer in [0, n). */
  int(n) {
    return Math.floor(this.float() * n);
  }

  pick(items) {
    if (items.length === 0) throw new Error("pick from an empty list");
    return items[this.int(items.length)];
  }

  chance(p) {
    return this.float() < p;
  }

  /** Fisher–Yates, in place; returns the array. */
  shuffle(items) {
    for (let i = items.length - 1; i > 0; i--) {
      const j = this.int(i + 1);
      [items[i], items[j]] = [items[j], items[i]];
    }
    return items;
  }
}

/**
 * Splits a list into [kept, heldOut] by a hash of each item, so an item's side does not
 * depend on the list's order or on what else is in it (adding a name does not move others).
 */
export function splitByHash(items, heldOutFraction, salt) {
  const kept = [];
  const heldOut = [];
  for (const item of items) {
    (hash32(`${salt}:${item}`) / 4294967296 < heldOutFraction ? heldOut : kept).push(item);
  }
  return [kept, heldOut];
}
