import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ValueError } from "../../src/errors.ts";
import {
  gradNormCharts,
  rasterCharts,
  spectraCharts,
  trainingCurveCharts,
} from "../../src/plot/charts.ts";
import { escapeXml, renderCharts } from "../../src/plot/svg.ts";
import { main } from "../../src/cli/main.ts";

/** Every opened element is closed (or self-closed), in order. */
function assertWellFormed(svg: string): void {
  const stack: string[] = [];
  for (const m of svg.matchAll(/<(\/?)([a-z]+)[^>]*?(\/?)>/g)) {
    if (m[1]) assert.equal(stack.pop(), m[2], `</${m[2]}> closes the wrong element`);
    else if (!m[3]) stack.push(m[2]);
  }
  assert.deepEqual(stack, [], "unclosed elements");
}

test("plots: a raster draws one point per spike and none for silent neurons", () => {
  const charts = rasterCharts([[0, 0.5, 1], [1.2, 4, 2]], { tmin: [0, 1], tmax: [1, 4] });
  const svg = renderCharts(charts);
  assertWellFormed(svg);
  assert.equal(
    svg.match(/<circle/g)?.length,
    4,
    "2 input and 2 hidden spikes; t = tmax means silent",
  );
  assert.match(svg, /input: 2 of 3 spiked/);
  assert.match(svg, /hidden 1: 2 of 3 spiked/);
});

test("plots: curves, spectra (log scale) and gradient norms render as well-formed SVG with escaped text", () => {
  const h = [1, 2, 3].map((e) => ({
    epoch: e,
    trainLoss: 1 / e,
    reluTwinTrainLoss: 1 / e,
    testAccuracy: 0.8 + e / 100,
    reluTwinTestAccuracy: 0.8 + e / 100,
  }));
  for (
    const charts of [
      trainingCurveCharts(h),
      spectraCharts([{ name: "b1 <B = 1>", layers: [[3, 1, 0.01, 0], [2, 2]] }]),
      gradNormCharts([{ name: "alpha-fixed", steps: [0, 10], gradNorms: [[1, 0.1], [0.5, 1e-3]] }]),
    ]
  ) {
    const svg = renderCharts(charts);
    assertWellFormed(svg);
    assert.ok(svg.startsWith("<svg") && svg.includes("<polyline"));
  }
  assert.match(
    renderCharts(spectraCharts([{ name: "b1 <B = 1>", layers: [[1, 0.1]] }])),
    /b1 &lt;B = 1&gt;/,
  );
  assert.equal(escapeXml(`"&'`), "&quot;&amp;&apos;");
  assert.throws(
    () =>
      renderCharts([{
        title: "empty",
        xLabel: "",
        yLabel: "",
        series: [{ name: "a", x: [NaN], y: [1] }],
      }]),
    ValueError,
  );
});

test("CLI: train --plot, spikes --raster and analyze jacobian --plot write SVG files", async () => {
  const dir = await mkdtemp(join(tmpdir(), "spikeproof-plot-")), log = console.log;
  console.log = () => {};
  try {
    const p = (f: string) => join(dir, f);
    const small = ["--data", "embedded", "--hidden", "8", "--epochs", "2", "--batch", "100"];
    assert.equal(
      await main(["train", ...small, "--save", p("m.safetensors"), "--plot", p("curves.svg")]),
      0,
    );
    assert.equal(
      await main([
        "spikes",
        "--model",
        p("m.safetensors"),
        "--out",
        p("s.safetensors"),
        "--data",
        "embedded",
        "--count",
        "2",
        "--raster",
        p("raster.svg"),
      ]),
      0,
    );
    assert.equal(
      await main([
        "analyze",
        "jacobian",
        "--depth",
        "2",
        "--width",
        "6",
        "--at",
        "0,2",
        "--batch",
        "8",
        "--plot",
        p("spectra.svg"),
      ]),
      0,
    );
    for (const f of ["curves.svg", "raster.svg", "spectra.svg"]) {
      const svg = await readFile(p(f), "utf8");
      assert.ok(svg.startsWith("<svg"), f);
      assertWellFormed(svg);
    }
  } finally {
    console.log = log;
    await rm(dir, { recursive: true, force: true });
  }
});

/** The tick labels of each axis of each panel: [x labels, y labels] per chart. */
const tickTexts = (svg: string) =>
  svg.split("<g>").slice(1).flatMap((panel) =>
    [
      [...panel.matchAll(/<text [^>]*y="288" font-size="10" text-anchor="middle">([^<]*)</g)],
      [...panel.matchAll(/<text [^>]*font-size="10" text-anchor="end">([^<]*)</g)],
    ].map((axis) => axis.map((m) => m[1]))
  );

test(
  "plots: a series whose range is a few ULPs wide renders at once, with a bounded number of ticks",
  { timeout: 10_000 },
  () => {
    const y = [1, 1 + 2 ** -52, 1 + 2 ** -51], big = [1500, 1500 + 2 ** -41];
    for (const [xs, ys] of [[[0, 1, 2], y], [[0, 1], big], [y, [0, 1, 2]]]) {
      const svg = renderCharts([{
        title: "t",
        xLabel: "x",
        yLabel: "y",
        series: [{ name: "a", x: xs, y: ys }],
      }]);
      assertWellFormed(svg);
      for (const axis of tickTexts(svg)) {
        assert.ok(axis.length >= 2 && axis.length <= 12, `${axis.length} ticks`);
      }
    }
  },
);

test("plots: tick labels are distinct, also on a raster whose ticks are a fraction of a unit apart near 1500", () => {
  const charts = rasterCharts([[0.5], [1500.1, 1500.9, 1501.2]], {
    tmin: [0, 1],
    tmax: [1, 1501.5],
  });
  charts[0].xRange = [1500, 1501.2];
  for (
    const svg of [
      renderCharts(charts),
      renderCharts([{
        title: "t",
        xLabel: "x",
        yLabel: "y",
        series: [{ name: "a", x: [1500, 1501.2], y: [0, 1] }],
      }]),
    ]
  ) {
    for (const labels of tickTexts(svg)) {
      assert.ok(labels.length >= 2, labels.join(" "));
      assert.equal(new Set(labels).size, labels.length, `repeated labels: ${labels.join(" ")}`);
    }
  }
});

test("plots: a one-point line series is drawn as a visible marker", () => {
  const svg = renderCharts([{
    title: "t",
    xLabel: "epoch",
    yLabel: "acc",
    series: [{ name: "a", x: [1], y: [0.8] }],
  }]);
  assertWellFormed(svg);
  assert.match(svg, /<circle [^>]*r="3"/);
});
