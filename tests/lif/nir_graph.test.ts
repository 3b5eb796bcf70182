// The NIR graph of a LIF net (src/lif/nir.ts) and the importer's rules (nir_import.ts): the
// nodes and constants written, NIR's optional fields, and every refusal with its typed error
// naming the node.
import { test } from "node:test";
import assert from "node:assert/strict";
import { DataError, ShapeError, ValueError } from "../../src/errors.ts";
import { isNirArray, nirArray, type NirDocument, type NirNode } from "../../src/io/nir.ts";
import { initLifNetwork, type LifNetwork } from "../../src/lif/network.ts";
import { lifToNir } from "../../src/lif/nir.ts";
import { nirToLif } from "../../src/lif/nir_import.ts";
import { lifForward } from "../../src/lif/simulate.ts";
import { buildLayers } from "../../src/nn/architecture.ts";
import { Rng } from "../../src/nn/rng.ts";

/** The graph of a small exported conv net, and a way to edit one node of it. */
function convDoc(): { net: LifNetwork; doc: NirDocument; node: (name: string) => NirNode } {
  const layers = buildLayers({ h: 5, w: 5, c: 2 }, [{ conv: 2, k: 3, pad: "same", pool: 2 }, {
    dense: 3,
  }, { dense: 2 }]);
  const net = initLifNetwork(layers, new Rng(1), undefined, 3), doc = lifToNir(net);
  return { net, doc, node: (name) => doc.graph.nodes[name] as NirNode };
}

test("NIR import: the fields NIR makes optional (LIF v_reset, Conv2d input_shape, Flatten input_type and dims, all metadata) may be missing", () => {
  const { net, doc, node } = convDoc();
  delete node("lif1").attrs.v_reset, delete node("lif2").attrs.v_reset;
  delete node("conv1").attrs.input_shape;
  delete node("flatten").attrs.input_type;
  for (const n of Object.values(doc.graph.nodes)) delete n.metadata;
  assert.throws(
    () => nirToLif(doc),
    (e: Error) => e instanceof DataError && /'lif1' \(LIF\) resets to v_reset/.test(e.message),
  );
  node("flatten").attrs.start_dim = nirArray(BigInt64Array.of(0n), []);
  delete node("flatten").attrs.end_dim;
  const back = nirToLif(doc, { lossyReset: true, surrogateSlope: net.surrogateSlope });
  assert.deepEqual(back, net);
  const xs = [Float64Array.from({ length: 50 }, (_, i) => (i % 7) / 6)];
  assert.deepEqual(lifForward(back, xs, 1).outputs, lifForward(net, xs, 1).outputs);
});

test("NIR import: unknown node types, shapes that do not chain, NaN arrays and unmappable layouts are refused with a typed error naming the node", () => {
  const cases: [
    string,
    (d: ReturnType<typeof convDoc>) => void,
    new (m: string) => Error,
    RegExp,
  ][] = [
    [
      "unknown type",
      (d) => (d.node("lif1").type = "CubaLIF"),
      DataError,
      /NIR node 'lif1' has type CubaLIF, which spikeproof does not map/,
    ],
    [
      "nested graph",
      (d) => (d.doc.graph.nodes.pool1 = { type: "NIRGraph", nodes: {}, edges: [] }),
      DataError,
      /'pool1' has type NIRGraph/,
    ],
    [
      "NaN weight",
      (d) => ((d.node("fc2").attrs.weight as { data: Float64Array }).data[4] = NaN),
      ValueError,
      /^NIR node 'fc2' \(Affine\): weight\[4\] is NaN/,
    ],
    [
      "Infinity in tau",
      (d) => ((d.node("lif2").attrs.tau as { data: Float64Array }).data[0] = Infinity),
      ValueError,
      /'lif2' \(LIF\): tau\[0\] is Infinity/,
    ],
    [
      "Affine input",
      (d) => (d.node("fc2").attrs.weight = nirArray(new Float64Array(3 * 7), [3, 7])),
      ShapeError,
      /'fc2' \(Affine\): weight is \[3,7\] but its input is \[8\]/,
    ],
    [
      "conv channels",
      (d) => (d.node("conv1").attrs.weight = nirArray(new Float64Array(18), [2, 1, 3, 3])),
      ShapeError,
      /'conv1' \(Conv2d\): weight is \[2,1,3,3\] but its input is \[2,5,5\]/,
    ],
    [
      "LIF shape",
      (d) => (d.node("lif2").attrs.tau = nirArray(new Float64Array(4).fill(2e-4))),
      ShapeError,
      /'lif2' \(LIF\): tau is \[4\] but its input is \[3\]/,
    ],
    [
      "Output shape",
      (d) => (d.node("output").attrs.shape = nirArray(BigInt64Array.of(5n))),
      ShapeError,
      /'output' \(Output\): shape is \[5\]/,
    ],
    [
      "Flatten input_type",
      (d) => (d.node("flatten").attrs.input_type = nirArray(BigInt64Array.of(2n, 3n, 3n))),
      ShapeError,
      /'flatten' \(Flatten\): input_type is \[2,3,3\]/,
    ],
    [
      "stride 2",
      (d) => (d.node("conv1").attrs.stride = nirArray(BigInt64Array.of(2n, 2n))),
      DataError,
      /'conv1' \(Conv2d\): spikeproof's conv is square, stride 1/,
    ],
    [
      "no neuron",
      (d) => {
        d.doc.graph.edges = d.doc.graph.edges.filter(([a, b]) => a !== "lif2" && b !== "lif2")
          .concat([["fc2", "fc3"]]);
        delete d.doc.graph.nodes.lif2;
      },
      DataError,
      /'fc3' \(Affine\) follows another linear map/,
    ],
    [
      "tau < dt",
      (d) => (d.node("lif1").attrs.tau = nirArray(new Float64Array(50).fill(5e-5), [2, 5, 5])),
      ValueError,
      /'lif1' \(LIF\): tau = 0.00005 < dt = 0.0001/,
    ],
    [
      "v_leak",
      (d) => ((d.node("lif1").attrs.v_leak as { data: Float64Array }).data.fill(0.1)),
      DataError,
      /'lif1' \(LIF\): v_leak must be 0/,
    ],
    [
      "varying V_th",
      (d) => ((d.node("lif1").attrs.v_threshold as { data: Float64Array }).data[3] = 2),
      DataError,
      /'lif1' \(LIF\): v_threshold varies/,
    ],
    [
      "missing bias",
      (d) => delete d.node("fc3").attrs.bias,
      DataError,
      /'fc3' \(Affine\): field 'bias' is missing/,
    ],
  ];
  for (const [what, edit, type, message] of cases) {
    const d = convDoc();
    edit(d);
    assert.throws(
      () => nirToLif(d.doc),
      (e: Error) => e instanceof type && message.test(e.message),
      what,
    );
  }
});

test("NIR export: the graph's nodes, shapes and constants (tau = dt / (1 - lambda), r = tau / dt, IF for lambda = 1)", () => {
  const { doc } = convDoc();
  assert.deepEqual(doc.graph.edges.map(([a]) => a), [
    "input",
    "conv1",
    "lif1",
    "pool1",
    "flatten",
    "fc2",
    "lif2",
    "fc3",
  ]);
  const lif = doc.graph.nodes.lif1 as NirNode, tau = lif.attrs.tau;
  assert.ok(isNirArray(tau) && tau.data[0] === 2e-4 && tau.shape.join() === "2,5,5");
  assert.equal((lif.attrs.r as { data: Float64Array }).data[0], 2);
  assert.equal(lif.metadata?.reset_mechanism, "subtract");
  const ifNet = lifToNir(
    initLifNetwork([3, 2, 2], new Rng(0), { lambda: 1, vth: 1, surrogateSlope: 4 }),
  );
  const neuron = ifNet.graph.nodes.lif1 as NirNode;
  assert.equal(neuron.type, "IF");
  assert.deepEqual(Object.keys(neuron.attrs), ["r", "v_threshold", "v_reset"]);
  const nan = initLifNetwork([3, 2], new Rng(0));
  nan.layers[0].b[1] = NaN;
  assert.throws(
    () => lifToNir(nan),
    (e: Error) => e instanceof ValueError && e.message.startsWith("fc1.bias[1] is NaN"),
  );
});
