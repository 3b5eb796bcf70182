// Spikes per neuron (SPEC A9): what the default figure counts, and the two other conventions.
import { test } from "node:test";
import assert from "node:assert/strict";
import { b1Forward, initB1Network } from "../../src/ttfs/b1.ts";
import { buildLayers } from "../../src/nn/architecture.ts";
import { Rng } from "../../src/nn/rng.ts";
import { countSpikes, spikeConventions } from "../../src/ttfs/spikes.ts";

test("spikes per neuron counts hidden neurons before pooling, weighted by neuron count; after-pooling and layer-mean figures are the stated alternatives", () => {
  const iv = { tmin: [0, 1, 3], tmax: [1, 3, 5] };
  // layer 1: 4 neurons, 3 fire, a 2-to-1 pool keeps 2 windows, both with a spike;
  // layer 2: 2 neurons, none fires (t = tmax(2) = 5 is silent, though downstream an event)
  const neuron = [
    new Float64Array(2),
    new Float64Array([1.5, 2, 2.5, 3]),
    new Float64Array([5, 5]),
  ];
  const pooled = [neuron[0], new Float64Array([1.5, 2.5]), neuron[2]];
  const c = spikeConventions(neuron, pooled, iv);
  assert.equal(c.perNeuron, 3 / 6); // 3 spikes over 4 + 2 hidden neurons
  assert.equal(c.perNeuron, countSpikes(neuron, iv).overall);
  assert.deepEqual(c.perLayer, [3 / 4, 0]);
  assert.equal(c.afterPooling, 2 / 4); // 2 pooled spikes over 2 + 2 neurons seen downstream
  assert.deepEqual(c.perLayerAfterPooling, [1, 0]);
  assert.equal(c.layerMean, (3 / 4 + 0) / 2);
});

test("on a conv net the three spike conventions differ, and the default equals the forward's neuron count", () => {
  const layers = buildLayers({ h: 8, w: 8, c: 1 }, [
    { conv: 3, k: 3, pad: "same", pool: 2 },
    { dense: 6 },
    { dense: 3 },
  ]);
  const net = initB1Network(layers, new Rng(5));
  const rng = new Rng(6), t0 = Float64Array.from({ length: 4 * 64 }, () => rng.uniform());
  const f = b1Forward(net, t0, 4);
  const c = spikeConventions(f.neuronTimes, f.spikeTimes, net.intervals);
  assert.equal(c.perNeuron, countSpikes(f.neuronTimes, net.intervals).overall);
  assert.notEqual(c.afterPooling, c.perNeuron);
  assert.notEqual(c.layerMean, c.perNeuron);
});
