/**
 * Parameter updates for mini-batch training: plain SGD or Adam (β1 0.9, β2 0.999,
 * ε 1e-8), with L2 on weights (not biases) added to the gradient.
 */
import type { Gradients, Network } from "./network.js";

export interface Optimizer {
  /** Applies the batch-mean gradients, then zeroes them. */
  step(net: Network, g: Gradients, batchSize: number): void;
}

export function createOptimizer(kind: "sgd" | "adam", lr: number, l2: number, net: Network): Optimizer {
  const params = net.layers.flatMap((l) => [l.w, l.b]);
  const m = params.map((p) => new Float64Array(p.length));
  const v = params.map((p) => new Float64Array(p.length));
  const b1 = 0.9;
  const b2 = 0.999;
  let t = 0;
  return {
    step(n, g, batchSize) {
      t++;
      const c1 = 1 - b1 ** t;
      const c2 = 1 - b2 ** t;
      const grads = g.w.flatMap((w, i) => [w, g.b[i]!]);
      const live = n.layers.flatMap((l) => [l.w, l.b]);
      for (let p = 0; p < live.length; p++) {
        const theta = live[p]!;
        const grad = grads[p]!;
        const decay = p % 2 === 0 ? l2 : 0;
        const mp = m[p]!;
        const vp = v[p]!;
        for (let i = 0; i < theta.length; i++) {
          const gi = grad[i]! / batchSize + decay * theta[i]!;
          grad[i] = 0;
          if (kind === "sgd") {
            theta[i] = theta[i]! - lr * gi;
          } else {
            mp[i] = b1 * mp[i]! + (1 - b1) * gi;
            vp[i] = b2 * vp[i]! + (1 - b2) * gi * gi;
            theta[i] = theta[i]! - (lr * (mp[i]! / c1)) / (Math.sqrt(vp[i]! / c2) + 1e-8);
          }
        }
      }
    },
  };
}
