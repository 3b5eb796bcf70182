import { test } from "node:test";
import assert from "node:assert/strict";
import { depthSigmaChart, eigenvalueCharts } from "../../src/plot/init_charts.ts";
import { renderCharts } from "../../src/plot/svg.ts";

test("eigenvalue plot draws one point per eigenvalue and the unit circle at equal scale, every point in range (those beyond |z| = 3 counted in the title)", () => {
  const layers = [null, { re: [3, 0.5, 0.5], im: [0, 0.5, -0.5] }, { re: [-0.2], im: [0] }];
  const [c] = eigenvalueCharts([{ name: "naive", layers }]);
  assert.equal(c.title, "naive: 1 of 4 eigenvalues outside |z| = 1");
  assert.deepEqual(c.series.map((s) => s.name), ["layer 2", "layer 3", "|z| = 1"]);
  const circle = c.series[2];
  for (let k = 0; k < circle.x.length; k++) {
    assert.ok(Math.abs(Math.hypot(circle.x[k], circle.y[k]) - 1) < 1e-12);
  }
  const [x0, x1] = c.xRange!, [y0, y1] = c.yRange!;
  assert.ok(Math.abs((x1 - x0) / (y1 - y0) - 400 / 240) < 1e-12, "1 unit is as long on both axes");
  assert.ok(x1 >= 3 && y1 >= 1, "the eigenvalue at 3 and the circle are inside");
  const svg = renderCharts(eigenvalueCharts([{ name: "b1", layers }]));
  assert.equal(svg.match(/<circle /g)?.length, 4, "one marker per eigenvalue");
  // beyond |z| = 3: counted, not drawn outside the panel
  const far = eigenvalueCharts([{ name: "naive", layers: [{ re: [10, 0.5], im: [0, 0] }] }])[0];
  assert.equal(far.title, "naive: 1 of 2 eigenvalues outside |z| = 1, 1 beyond |z| = 3");
  assert.deepEqual([far.yRange, Array.from(far.series[0].x)], [[-3, 3], [0.5]]);
  assert.deepEqual(eigenvalueCharts([{ name: "b1", layers: [] }])[0].yRange, [-1.25, 1.25]);
});

test("sigma-vs-depth plot draws one line per init over k = 1..L-1 on a log scale", () => {
  const [c] = depthSigmaChart([
    { name: "b1", sigmaMax: [1.6, 1.2, 0.9] },
    { name: "naive", sigmaMax: [2, 8, 40] },
  ]);
  assert.equal(c.logY, true);
  assert.deepEqual(c.series.map((s) => [s.name, Array.from(s.x)]), [
    ["b1", [1, 2, 3]],
    ["naive", [1, 2, 3]],
  ]);
  assert.ok(renderCharts([c]).startsWith("<svg"));
});
