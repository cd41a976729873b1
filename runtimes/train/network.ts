/**
 * A dense feed-forward classifier: layers of (x·W + b), ReLU between them, softmax at the
 * end. No hidden layer = multinomial logistic regression. Weights are float32 (what the
 * ONNX file holds); arithmetic is float64. The first layer reads sparse rows.
 */
import type { Rng } from "./prng.js";
import type { SparseRow } from "./feature-matrix.js";

export interface Layer {
  readonly inputs: number;
  readonly outputs: number;
  /** Row-major [inputs][outputs], the shape of ONNX MatMul's B. */
  readonly w: Float32Array;
  readonly b: Float32Array;
}

export interface Network {
  readonly layers: readonly Layer[];
}

/** Glorot-uniform weights from the seeded PRNG, zero biases. */
export function initNetwork(widths: readonly number[], rng: Rng): Network {
  const layers: Layer[] = [];
  for (let l = 0; l + 1 < widths.length; l++) {
    const inputs = widths[l]!;
    const outputs = widths[l + 1]!;
    const a = Math.sqrt(6 / (inputs + outputs));
    const w = new Float32Array(inputs * outputs);
    for (let i = 0; i < w.length; i++) w[i] = (rng() * 2 - 1) * a;
    layers.push({ inputs, outputs, w, b: new Float32Array(outputs) });
  }
  return { layers };
}

export function cloneNetwork(n: Network): Network {
  return { layers: n.layers.map((l) => ({ ...l, w: l.w.slice(), b: l.b.slice() })) };
}

export function softmaxInPlace(z: Float64Array): Float64Array {
  let max = -Infinity;
  for (const v of z) if (v > max) max = v;
  let sum = 0;
  for (let i = 0; i < z.length; i++) {
    z[i] = Math.exp(z[i]! - max);
    sum += z[i]!;
  }
  for (let i = 0; i < z.length; i++) z[i]! /= sum;
  return z;
}

/**
 * Forward pass for one row. Returns every layer's post-activation output (the last one
 * is the softmax), which backprop needs.
 */
export function forward(net: Network, x: SparseRow): Float64Array[] {
  const acts: Float64Array[] = [];
  const first = net.layers[0]!;
  let a = new Float64Array(first.outputs);
  a.set(first.b);
  for (let k = 0; k < x.idx.length; k++) {
    const base = x.idx[k]! * first.outputs;
    const v = x.val[k]!;
    for (let o = 0; o < first.outputs; o++) a[o]! += v * first.w[base + o]!;
  }
  for (let l = 1; l < net.layers.length; l++) {
    for (let i = 0; i < a.length; i++) if (a[i]! < 0) a[i] = 0;
    acts.push(a);
    const layer = net.layers[l]!;
    const next = new Float64Array(layer.outputs);
    next.set(layer.b);
    for (let i = 0; i < layer.inputs; i++) {
      const v = a[i]!;
      if (v === 0) continue;
      const base = i * layer.outputs;
      for (let o = 0; o < layer.outputs; o++) next[o]! += v * layer.w[base + o]!;
    }
    a = next;
  }
  acts.push(softmaxInPlace(a));
  return acts;
}

export const predict = (net: Network, x: SparseRow): Float64Array => forward(net, x).at(-1)!;

/** Gradient buffers shaped like the network. */
export interface Gradients {
  readonly w: Float64Array[];
  readonly b: Float64Array[];
}

export const zeroGradients = (net: Network): Gradients => ({
  w: net.layers.map((l) => new Float64Array(l.w.length)),
  b: net.layers.map((l) => new Float64Array(l.b.length)),
});

/**
 * Adds the cross-entropy gradient of one row (true class `y`) to `g`; returns its loss and
 * whether the forward pass already predicted `y` (the training curve's accuracy, for free).
 */
export function backward(net: Network, x: SparseRow, y: number, g: Gradients): { loss: number; correct: boolean } {
  const acts = forward(net, x);
  const p = acts.at(-1)!;
  const loss = -Math.log(Math.max(p[y]!, 1e-15));
  let top = 0;
  for (let i = 1; i < p.length; i++) if (p[i]! > p[top]!) top = i;
  let delta = Float64Array.from(p);
  delta[y]! -= 1;
  for (let l = net.layers.length - 1; l >= 0; l--) {
    const layer = net.layers[l]!;
    const gw = g.w[l]!;
    const gb = g.b[l]!;
    for (let o = 0; o < layer.outputs; o++) gb[o]! += delta[o]!;
    if (l === 0) {
      for (let k = 0; k < x.idx.length; k++) {
        const base = x.idx[k]! * layer.outputs;
        const v = x.val[k]!;
        for (let o = 0; o < layer.outputs; o++) gw[base + o]! += v * delta[o]!;
      }
      break;
    }
    const input = acts[l - 1]!;
    const prev = new Float64Array(layer.inputs);
    for (let i = 0; i < layer.inputs; i++) {
      const v = input[i]!;
      if (v === 0) continue; // ReLU was off: no gradient flows, and x·δ adds nothing.
      const base = i * layer.outputs;
      let s = 0;
      for (let o = 0; o < layer.outputs; o++) {
        gw[base + o]! += v * delta[o]!;
        s += layer.w[base + o]! * delta[o]!;
      }
      prev[i] = s;
    }
    delta = prev;
  }
  return { loss, correct: top === y };
}
