/**
 * Python's `round(x, digits)` for floats, which KeyBERT applies to every score.
 *
 * Python rounds the exact binary value of x, and only an exact tie goes to the even digit
 * (round(0.03125, 4) = 0.0312). `Math.round(x * 1e4) / 1e4` gets both wrong: the product
 * is itself rounded, and ties go up. `toFixed` rounds the exact value, so only ties need
 * care. A tie at d digits is x = (2m + 1) / (2 · 10^d); for that to be a binary float, 5^d
 * must divide 2m + 1, which leaves exactly the x = q / 2^(d+1) with q odd.
 */
export function pyRound(x: number, digits: number): number {
  if (!Number.isInteger(digits) || digits < 0 || digits > 15) throw new RangeError(`pyRound: digits must be 0..15, got ${digits}`);
  if (!Number.isFinite(x) || Math.abs(x) >= 1e15) return x;
  const q = x * 2 ** (digits + 1); // exact: a power-of-two scale
  if (Number.isInteger(q) && q % 2 !== 0) {
    const scale = 10 ** digits;
    const lo = Math.floor(x * scale); // x * scale = lo + 0.5 exactly, so both products are exact
    const even = lo % 2 === 0 ? lo : lo + 1;
    return even / scale;
  }
  return Number(x.toFixed(digits));
}
