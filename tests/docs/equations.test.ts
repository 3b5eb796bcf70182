/**
 * The equation layer (scripts/docs/equations.ts, docs/equations.md): every equation function of
 * the models carries a `// spec` tag, every tag names a heading of docs/spec.md, every section
 * that states an equation has a tagged reference function, the wasm and WGSL kernels share the
 * reference's names, and the committed table equals a fresh `npm run docs`.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { CLAIMS } from "../../src/claims/registry.ts";
import { ValueError } from "../../src/errors.ts";
import {
  claimSectionIds,
  equationsBody,
  type EquationTag,
  scanRepository,
  scanTags,
  specSections,
} from "../../scripts/docs/equations.ts";
import { generatedRegions } from "../../scripts/docs/generate.ts";
import { extractRegion, renderRegion } from "../../scripts/docs/regions.ts";

const root = new URL("../../", import.meta.url);
const read = (file: string) => readFileSync(new URL(file, root), "utf8");
const spec = read("docs/spec.md");
const tags = scanRepository(root);

/** Sections that state no equation of their own: reported figures and claim-only statements. */
const NO_EQUATION: Record<string, string> = {
  A11: "reported figures",
  "B3.2": "a relation between two tagged methods (SAF-E, official OTTT_O), checked by claims",
  "B3.3": "where the B3 identity stops; no equation",
  B5: "reported figures",
};

/** The exported equation functions of the models, each of which must carry a tag. */
const EQUATION_FUNCTIONS: Record<string, string[]> = {
  "src/ttfs/intervals.ts": ["chainIntervals", "chainLengths", "scratchIntervals", "widenIntervals"],
  "src/ttfs/encoding.ts": ["encodeInput"],
  "src/ttfs/neuron.ts": ["spikeTime", "simulateSpike", "simulateSpikeTime", "membranePotential"],
  "src/ttfs/general.ts": ["generalForward", "generalBackward"],
  "src/ttfs/mapping.ts": [
    "rescaleReluMlp",
    "calibrateIntervals",
    "mapReluToTtfs",
    "mapReluExactly",
    "reverseMapTtfs",
    "b1FromRelu",
    "reluFromB1",
  ],
  "src/ttfs/b1.ts": ["initB1Network", "b1Forward", "b1Backward"],
  "src/ttfs/b1_neuron.ts": ["b1AsGeneralLayer", "simulateB1Neuron"],
  "src/ttfs/jacobian.ts": [
    "b1Jacobians",
    "generalJacobians",
    "reluJacobians",
    "endToEndJacobian",
    "prefixSigmaMax",
    "spectrum",
  ],
  "src/ttfs/naive_init.ts": ["naiveTtfsNetwork", "naiveInit", "fullSlopes"],
  "src/ttfs/quantize.ts": ["weightRange", "quantizeWeights"],
  "src/ttfs/spikes.ts": ["countSpikes", "spikeConventions"],
  "src/lif/neuron.ts": ["lifStep", "accumulate", "constantTraces"],
  "src/lif/surrogate.ts": ["surrogateGrad", "relaxedSpike"],
  "src/lif/network.ts": [
    "initLifNetwork",
    "layerMacs",
    "current",
    "weightGrad",
    "inputGrad",
    "pooled",
    "unpooled",
  ],
  "src/lif/simulate.ts": ["lifForward", "rateScores"],
  "src/lif/coding.ts": ["codeInput"],
  "src/lif/loss.ts": ["mixedLoss"],
  "src/lif/ottt.ts": ["otttLinear", "otttGradients"],
  "src/lif/method.ts": ["backwardStep"],
  "src/lif/bptt.ts": ["bpttGradients"],
  "src/lif/saf.ts": ["SafForward.step", "safEGradients", "safFGradients"],
  "src/lif/convert.ts": ["safToLif", "safOutputs"],
  "src/lif/spikerep.ts": ["spikeRepGradients"],
  "src/lif/cost.ts": ["CostCounter", "exactForwardMacs"],
  "src/nn/optim.ts": ["exponentialDecay", "adamStepSize", "Adam.step"],
  "src/nn/loss.ts": ["softmaxCrossEntropy", "argmaxRows"],
  "src/nn/layer.ts": ["layerForward", "layerBackwardWeights", "layerBackwardInput"],
  "src/nn/conv.ts": ["im2col", "col2im", "convForward", "convBackwardWeights", "convBackwardInput"],
  "src/nn/pool.ts": ["poolArgmax", "gatherAt", "scatterAt", "avgPoolForward", "avgPoolBackward"],
  "src/nn/init.ts": ["glorotUniform"],
  "src/nn/mlp.ts": ["initLayerWeights", "initReluMlp", "reluMlpForward", "reluMlpBackward"],
  "src/backend/ref.ts": [
    "refBackend.denseForward",
    "refBackend.denseBackwardWeights",
    "refBackend.denseBackwardInput",
    "refBackend.ttfsDenseForward",
  ],
};

/** "FILE: NAME" for every listed function without a tag in `found`. */
function untagged(found: EquationTag[]): string[] {
  return Object.entries(EQUATION_FUNCTIONS).flatMap(([file, names]) =>
    names.filter((n) => !found.some((t) => t.file === file && t.name === n))
      .map((n) => `${file}: ${n}`)
  );
}

/** The sections of docs/spec.md that need a tagged reference function and have none. */
function sectionsWithoutReference(specText: string, found: EquationTag[]): string[] {
  const cited = CLAIMS.flatMap((c) => claimSectionIds(c.section));
  const required = new Set([
    ...specSections(specText).map((s) => s.id).filter((id) => !(id in NO_EQUATION)),
    ...cited,
  ]);
  const tagged = new Set(found.filter((t) => t.layer === "reference").flatMap((t) => t.sections));
  return [...required].filter((id) => !tagged.has(id));
}

/** "FILE: NAME (ID)" for every tag naming a section that docs/spec.md does not have. */
function unknownSections(specText: string, found: EquationTag[]): string[] {
  const ids = new Set(specSections(specText).map((s) => s.id));
  return found.flatMap((t) =>
    t.sections.filter((id) => !ids.has(id)).map((id) => `${t.file}: ${t.name} (${id})`)
  );
}

/** The committed docs/equations.md region, or "" when it equals `fresh`. */
function staleTable(committed: string, body: string): string {
  const region = generatedRegions().find((r) => r.name === "equations");
  assert.ok(region, "generatedRegions() has no equations region");
  const fresh = renderRegion({ ...region, body });
  const text = extractRegion(committed, "equations", "docs/equations.md");
  return text === fresh ? "" : text;
}

test("the committed docs/equations.md equals a fresh `npm run docs`", () => {
  const body = equationsBody(specSections(spec), tags, CLAIMS);
  const stale = staleTable(read("docs/equations.md"), body);
  assert.equal(stale, "", "docs/equations.md is stale: run npm run docs");
});

test("a hand edit of docs/equations.md or a new tag makes the table stale", () => {
  const committed = read("docs/equations.md"),
    body = equationsBody(specSections(spec), tags, CLAIMS);
  const edited = committed.replace("`spikeTime`", "`spikeTimes`");
  assert.notEqual(edited, committed);
  assert.notEqual(staleTable(edited, body), "");
  const more = [...tags, { ...tags[0], name: "extra", key: "extra" }];
  assert.notEqual(staleTable(committed, equationsBody(specSections(spec), more, CLAIMS)), "");
});

test("every listed equation function of the models and the reference backend carries a tag", () => {
  assert.ok(Object.values(EQUATION_FUNCTIONS).flat().length > 80, "the list is there");
  assert.deepEqual(untagged(tags), [], "equation functions without a `// spec` tag");
  const without = tags.filter((t) => !(t.file === "src/ttfs/neuron.ts" && t.name === "spikeTime"));
  assert.deepEqual(untagged(without), ["src/ttfs/neuron.ts: spikeTime"]);
});

test("every section of docs/spec.md with an equation, and every section a claim cites, has a tagged reference function", () => {
  assert.ok(specSections(spec).length >= 30, "docs/spec.md's headings are found");
  assert.deepEqual(sectionsWithoutReference(spec, tags), []);
  const noA2 = tags.filter((t) => !t.sections.includes("A2"));
  assert.deepEqual(sectionsWithoutReference(spec, noA2), ["A2"]);
});

test("every tag names a section heading of docs/spec.md", () => {
  assert.ok(tags.length > 100, `only ${tags.length} tags found: the pattern no longer matches`);
  assert.deepEqual(unknownSections(spec, tags), []);
  const bad = scanTags("src/x.ts", "// spec A5, A99\nexport function f() {}\n");
  assert.deepEqual(unknownSections(spec, bad), ["src/x.ts: f (A99)"]);
});

test("a tag reads its function from the next line or its own, in TypeScript, AssemblyScript and WGSL", () => {
  const ts = scanTags("src/nn/x.ts", "// spec A5.1, A7 (note)\nexport function f() {}\n");
  assert.deepEqual(
    ts.map((t) => [t.name, t.sections, t.note, t.line, t.layer]),
    [["f", ["A5.1", "A7"], "note", 2, "reference"]],
  );
  const method = scanTags(
    "src/nn/x.ts",
    "export class Adam {\n  // spec A10.1\n  step(): void {}\n}",
  );
  assert.deepEqual(method.map((t) => [t.name, t.key]), [["Adam.step", "adamstep"]]);
  const wasm = scanTags("core-as/assembly/x.ts", "// spec A5\nexport function denseForward2(\n");
  assert.deepEqual(wasm.map((t) => [t.key, t.layer]), [["denseforward", "wasm"]]);
  const wgsl = scanTags(
    "src/backend/webgpu/x.ts",
    "const K = `// spec B1\nfn lif_step(i: u32) {}`;",
  );
  assert.deepEqual(wgsl.map((t) => [t.name, t.key, t.layer]), [["lif_step", "lifstep", "wgsl"]]);
  assert.throws(() => scanTags("src/x.ts", "// spec A5\nconst x = 1;\n"), ValueError);
});

test("the wasm and WGSL kernels carry the reference's names", () => {
  const layers = (key: string) => new Set(tags.filter((t) => t.key === key).map((t) => t.layer));
  for (const key of ["denseforward", "densebackwardweights", "densebackwardinput"]) {
    assert.deepEqual(layers(key), new Set(["reference", "wasm", "wgsl"]), key);
  }
  for (const key of ["ttfsdenseforward", "softmaxcrossentropy", "adamstep"]) {
    assert.deepEqual(layers(key), new Set(["reference", "wasm", "wgsl"]), key);
  }
  for (const key of ["lifstep", "accumulate", "mixedloss", "safforwardstep", "current"]) {
    assert.deepEqual(layers(key), new Set(["reference", "wgsl"]), key);
  }
});
