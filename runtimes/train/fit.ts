/**
 * The training loop: seeded shuffles, mini-batches, early stopping on a validation slice
 * carved from the training split (10%, at least one row) when patience > 0; the weights
 * of the best validation epoch are kept. Everything random comes from one mulberry32
 * stream, so the same seed and data give the same weights, bit for bit.
 */
import { emitProgress, type Log } from "../lifecycle/progress.js";
import type { EpochRecord } from "../registry/types.js";
import type { SparseRow } from "./feature-matrix.js";
import { backward, cloneNetwork, initNetwork, predict, zeroGradients, type Network } from "./network.js";
import { createOptimizer } from "./optimizer.js";
import { mulberry32, shuffle } from "./prng.js";
import type { TrainParams } from "./types.js";

export interface FitResult {
  readonly net: Network;
  readonly epochsRun: number;
  /** 1-based epoch whose weights were kept. */
  readonly bestEpoch: number;
  readonly trainRows: number;
  readonly validationRows: number;
  readonly finalTrainLoss: number;
  readonly bestValidationLoss: number | null;
  /** One entry per epoch run (train loss/accuracy; validation loss/accuracy when there is a validation slice). */
  readonly curve: readonly EpochRecord[];
}

function evaluate(net: Network, xs: readonly SparseRow[], ys: readonly number[]): { loss: number; accuracy: number } {
  let loss = 0;
  let correct = 0;
  for (let i = 0; i < xs.length; i++) {
    const p = predict(net, xs[i]!);
    loss -= Math.log(Math.max(p[ys[i]!]!, 1e-15));
    let top = 0;
    for (let c = 1; c < p.length; c++) if (p[c]! > p[top]!) top = c;
    if (top === ys[i]) correct++;
  }
  const n = Math.max(xs.length, 1);
  return { loss: loss / n, accuracy: correct / n };
}

export function fit(xs: readonly SparseRow[], ys: readonly number[], widths: readonly number[], p: TrainParams, log: Log): FitResult {
  const rng = mulberry32(p.seed);
  let net = initNetwork(widths, rng);
  const order = shuffle(
    xs.map((_, i) => i),
    rng,
  );
  const nVal = p.patience > 0 && xs.length >= 10 ? Math.max(1, Math.round(xs.length * 0.1)) : 0;
  const valIdx = order.slice(0, nVal).sort((a, b) => a - b);
  const trainIdx = order.slice(nVal).sort((a, b) => a - b);
  const valX = valIdx.map((i) => xs[i]!);
  const valY = valIdx.map((i) => ys[i]!);
  const g = zeroGradients(net);
  const opt = createOptimizer(p.optimizer, p.learningRate, p.l2, net);
  let best = { loss: Infinity, epoch: 0, net: net };
  let since = 0;
  let epoch = 0;
  let trainLoss = NaN;
  const curve: EpochRecord[] = [];
  // The last epoch's figures: the final event keeps them, so the display ends on the gate metric, not on loss alone.
  let lastFields: Record<string, number> = {};
  const every = Math.max(1, Math.round(p.epochs / 10));
  while (epoch < p.epochs) {
    epoch++;
    shuffle(trainIdx, rng);
    let sum = 0;
    let correct = 0;
    for (let start = 0; start < trainIdx.length; start += p.batchSize) {
      const batch = trainIdx.slice(start, start + p.batchSize);
      for (const i of batch) {
        const r = backward(net, xs[i]!, ys[i]!, g);
        sum += r.loss;
        if (r.correct) correct++;
      }
      opt.step(net, g, batch.length);
    }
    trainLoss = sum / Math.max(trainIdx.length, 1);
    if (!Number.isFinite(trainLoss)) throw new Error(`training diverged at epoch ${epoch} (loss ${trainLoss}); lower learning_rate`);
    const val = nVal > 0 ? evaluate(net, valX, valY) : undefined;
    const valLoss = val ? val.loss : NaN;
    curve.push({ epoch, loss: trainLoss, accuracy: correct / Math.max(trainIdx.length, 1), ...(val ? { val_loss: val.loss, val_accuracy: val.accuracy } : {}) });
    lastFields = val ? { loss: trainLoss, "validation loss": val.loss, "validation accuracy": val.accuracy } : { loss: trainLoss };
    if (log.progress) emitProgress(log, { task: "train", label: "epoch", unit: "epochs", done: epoch, total: p.epochs, fields: lastFields });
    else if (epoch % every === 0 || epoch === p.epochs) {
      log(`  epoch ${epoch}/${p.epochs}: loss ${trainLoss.toFixed(4)}${nVal > 0 ? `, validation loss ${valLoss.toFixed(4)}` : ""}`);
    }
    if (nVal === 0) continue;
    if (valLoss < best.loss - 1e-9) {
      best = { loss: valLoss, epoch, net: cloneNetwork(net) };
      since = 0;
    } else if (++since >= p.patience) {
      log(`  early stop at epoch ${epoch}: no validation improvement for ${p.patience} epoch(s); keeping epoch ${best.epoch}`);
      break;
    }
  }
  if (log.progress)
    emitProgress(log, { task: "train", label: "epoch", unit: "epochs", done: epoch, total: p.epochs, fields: nVal > 0 ? { ...lastFields, "kept epoch": best.epoch } : lastFields, final: true });
  if (nVal > 0) net = best.net;
  return {
    net,
    epochsRun: epoch,
    bestEpoch: nVal > 0 ? best.epoch : epoch,
    trainRows: trainIdx.length,
    validationRows: nVal,
    finalTrainLoss: trainLoss,
    bestValidationLoss: nVal > 0 ? best.loss : null,
    curve,
  };
}
