/// <reference lib="dom" />
// The page: starts the workers, draws the live curves, the raster and the tables with the
// project's own SVG plots (src/plot), and keeps what the test reads in data attributes:
// body[data-ttfs-accuracy], body[data-verify="passed/failed"], body[data-lif-spikes-equal].
import type { Chart } from "../../src/plot/svg.ts";
import { renderCharts } from "../../src/plot/svg.ts";
import { rasterCharts, trainingCurveCharts } from "../../src/plot/charts.ts";
import type { EpochRecord } from "../../src/experiments/train_ttfs.ts";
import type { ClaimResult } from "../../src/claims/run.ts";
import type { TrainMessage, TrainRequest, VerifyMessage } from "./messages.ts";

const $ = <T extends HTMLElement>(id: string): T => document.getElementById(id) as T;
const pct = (v: number) => `${(100 * v).toFixed(2)}%`;
const worker = (file: string) => new Worker(new URL(file, import.meta.url), { type: "module" });

/** Per-step running loss and accuracy, the live curves. */
const live = { step: [] as number[], loss: [] as number[], accuracy: [] as number[] };
const history: EpochRecord[] = [];

function liveCharts(): Chart[] {
  const x = live.step;
  return [
    {
      title: "running training loss (SNN)",
      xLabel: "step",
      yLabel: "loss",
      series: [{ name: "SNN", x, y: live.loss }],
    },
    {
      title: "running training accuracy (SNN)",
      xLabel: "step",
      yLabel: "accuracy",
      series: [{ name: "SNN", x, y: live.accuracy }],
    },
  ];
}

function drawCurves(): void {
  const charts = history.length ? [...liveCharts(), ...trainingCurveCharts(history)] : liveCharts();
  $("curves").innerHTML = renderCharts(charts);
}

function onTrain(m: TrainMessage): void {
  if (m.kind === "backend") $("backend-used").textContent = `backend: ${m.name} (${m.why})`;
  else if (m.kind === "progress") {
    const p = m.progress;
    live.step.push((p.epoch - 1) * p.stepsPerEpoch + p.step);
    live.loss.push(p.loss);
    live.accuracy.push(p.accuracy);
    $("progress").textContent =
      `epoch ${p.epoch}/${p.epochs}, step ${p.step}/${p.stepsPerEpoch}: ` +
      `loss ${p.loss.toFixed(4)}, accuracy ${pct(p.accuracy)}, ETA ${p.etaSeconds.toFixed(0)} s`;
    drawCurves();
  } else if (m.kind === "epoch") {
    history.push(m.record);
    document.body.dataset.epochSeconds = history.map((h) => h.seconds).join(",");
    const r = m.record, row = document.createElement("tr");
    row.innerHTML =
      `<td>${r.epoch}</td><td>${r.trainLoss.toFixed(4)}</td><td>${pct(r.testAccuracy)}</td>` +
      `<td>${pct(r.reluTwinTestAccuracy)}</td><td>${r.seconds.toFixed(2)}</td>`;
    $("epochs-table").querySelector("tbody")!.append(row);
    drawCurves();
  } else if (m.kind === "ttfs-done") {
    document.body.dataset.ttfsAccuracy = String(m.testAccuracy);
    document.body.dataset.ttfsSeconds = String(m.seconds);
    $("ttfs-summary").textContent =
      `SNN ${pct(m.testAccuracy)}, ReLU twin ${pct(m.reluTwinTestAccuracy)}; ` +
      `they agree on ${pct(m.agreement)} of test images; ` + (m.reluTwin === "trained"
        ? `weights differ by at most ${m.maxAbsWeightDiff.toExponential(1)}; `
        : `the twin is the SNN's ReLU map (not trained on the fused wasm step), and two float64 ` +
          `steps of both from the final state leave them ${
            m.maxAbsWeightDiff.toExponential(1)
          } apart; `) +
      `${m.spikesPerNeuron.toFixed(3)} spikes per hidden neuron; ` +
      `${m.seconds.toFixed(1)} s.`;
    const { times, tmin, tmax, label } = m.raster;
    $("raster").innerHTML = `<p>Spike raster of the first test image (class ${label}):</p>` +
      renderCharts(rasterCharts(times, { tmin, tmax }));
    ($("train") as HTMLButtonElement).disabled = false;
  } else if (m.kind === "lif-progress") {
    const p = m.progress;
    $("lif-progress").textContent =
      `${m.method}: epoch ${p.epoch}, step ${p.step}/${p.stepsPerEpoch}`;
  } else if (m.kind === "lif-done") {
    const s = m.sameWeights, t = m.trained;
    document.body.dataset.lifSpikesEqual = `${s.spikesEqual}/${s.spikesCompared}`;
    document.body.dataset.lifGradientRelDiff = String(s.gradientRelDiff);
    $("lif-summary").innerHTML = m.methods.map((r) =>
      `${r.method} ${pct(r.testAccuracy)} (${r.seconds.toFixed(1)} s)`
    )
      .join(", ") +
      ".<br>At the same weights (the SAF-E net's): SAF's hidden spikes equal LIF's on " +
      `${s.spikesEqual} of ${s.spikesCompared} (neuron, step, image), and SAF-E's gradient is ` +
      `OTTT's to ${
        s.gradientRelDiff.toExponential(1)
      } relative.<br>Trained side by side, the two nets ` +
      `part after the first update (weights updated within a sequence, docs/spec.md B3.3): hidden ` +
      `spikes equal on ${pct(t.spikesEqual / t.spikesCompared)}, weights differ by up to ` +
      `${t.maxAbsWeightDiff.toExponential(1)}.`;
  } else if (m.kind === "error") {
    document.body.dataset.error = m.message;
    $("progress").textContent = `error: ${m.message}`;
    console.error(m.message);
  }
}

function claimRow(r: ClaimResult): HTMLTableRowElement {
  const row = document.createElement("tr");
  const num = (v: number) => (v === 0 ? "0" : v.toExponential(2));
  row.innerHTML = `<td>${r.id}</td><td>${r.paper}</td><td>${r.section}</td><td>${r.runs}</td>` +
    `<td>${num(r.worst)}</td><td>${num(r.tolerance)}</td>` +
    `<td class="${r.pass ? "pass" : "fail"}">${r.pass ? "pass" : "FAIL"}</td>`;
  return row;
}

function onVerify(m: VerifyMessage): void {
  if (m.kind === "claim") $("verify-table").querySelector("tbody")!.append(claimRow(m.result));
  else if (m.kind === "verify-done") {
    document.body.dataset.verify = `${m.passed}/${m.failed}`;
    $("verify-summary").textContent = `${m.passed} passed, ${m.failed} failed in ${
      m.seconds.toFixed(1)
    } s`;
  } else if (m.kind === "claims") {
    $("verify-summary").textContent = `${m.ids.length} claims running...`;
  } else if (m.kind === "error") {
    document.body.dataset.error = m.message;
    console.error(m.message);
  }
}

function start(): void {
  const train = worker("./train_worker.js"), verify = worker("./verify_worker.js");
  train.onmessage = (e: MessageEvent<TrainMessage>) => onTrain(e.data);
  verify.onmessage = (e: MessageEvent<VerifyMessage>) => onVerify(e.data);
  for (const w of [train, verify]) w.onerror = (e) => console.error(`worker: ${e.message}`);
  $("train").onclick = () => {
    ($("train") as HTMLButtonElement).disabled = true;
    const backend = ($("backend") as HTMLSelectElement).value as "auto";
    const req: TrainRequest = {
      kind: "ttfs",
      epochs: Number(($("epochs") as HTMLInputElement).value),
      backend,
    };
    train.postMessage(req);
  };
  $("train-lif").onclick = () =>
    train.postMessage({ kind: "lif", epochs: 1, hidden: 64, T: 4 } satisfies TrainRequest);
  $("run-verify").onclick = () => verify.postMessage("run");
  const q = new URLSearchParams(location.search); // ?auto=1|ttfs: start (the browser test)
  if (q.has("epochs")) ($("epochs") as HTMLInputElement).value = q.get("epochs")!;
  if (q.has("backend")) ($("backend") as HTMLSelectElement).value = q.get("backend")!;
  const auto = q.get("auto"); // "1": train, verify and train-lif; "ttfs": train only
  if (auto === "1" || auto === "ttfs") $("train").click();
  if (auto === "1") ($("run-verify").click(), $("train-lif").click());
  document.body.dataset.ready = "1";
}

start();
