/**
 * A small SVG chart kit with no dependency: linear or log axes with ticks, line series,
 * point series and shaded bands, laid out in panels side by side. Everything returns SVG
 * text; nothing touches the file system.
 *
 * @module
 */
import { ValueError } from "../errors.ts";

/** One series of a chart. */
export interface Series {
  /** Legend text, drawn in the series' colour at the top right. */
  name: string;
  /** x coordinates; points whose x or y is not finite are skipped. */
  x: ArrayLike<number>;
  /** y coordinates, aligned with `x` (on a log axis, values <= 0 are skipped). */
  y: ArrayLike<number>;
  /** "line" (default) or "points". */
  style?: "line" | "points";
  /** Any SVG colour (default: the palette, by the series' index). */
  color?: string;
  /** Draw a line series dashed (to show a series lying on top of another). */
  dashed?: boolean;
}

/** A horizontal band, e.g. a coding interval. */
export interface Band {
  /** Left end of the span, in x units (clipped to the axis). */
  from: number;
  /** Right end of the span, in x units (clipped to the axis). */
  to: number;
  /** Text drawn centred at the top of the span. */
  label?: string;
}

/** One chart. */
export interface Chart {
  /** Text above the panel. */
  title: string;
  /** Text under the x axis. */
  xLabel: string;
  /** Text beside the y axis, rotated. */
  yLabel: string;
  /** The data, drawn in order (later series on top). */
  series: Series[];
  /** A log-scale y axis with decade ticks (default linear). */
  logY?: boolean;
  /** Shaded spans along x. */
  bands?: Band[];
  /** Fixed axis ranges (default: fitted to the data). */
  xRange?: [number, number];
  /** Fixed y range [low, high] (default: fitted to the data; widened to decades if `logY`). */
  yRange?: [number, number];
}

const PALETTE = [
  "#1f77b4",
  "#d62728",
  "#2ca02c",
  "#9467bd",
  "#ff7f0e",
  "#8c564b",
  "#e377c2",
  "#17becf",
];
const W = 480, H = 320, M = { l: 64, r: 16, t: 32, b: 48 };

/**
 * Escape text for SVG.
 *
 * @example
 * ```ts
 * import { escapeXml } from "./svg.ts";
 * console.log(escapeXml("a < b")); // "a &lt; b"
 * ```
 */
export function escapeXml(s: string): string {
  return s.replace(
    /[<>&"']/g,
    (c) => `&${{ "<": "lt", ">": "gt", "&": "amp", '"': "quot", "'": "apos" }[c]};`,
  );
}

/** At most this many ticks per axis, whatever the range. */
const MAX_TICKS = 12;

/**
 * [lo, hi] widened so that float64 can place ticks in it: a range narrower than 1e-9 of its
 * magnitude (a flat series, or one a few ULPs wide) becomes +-max(1e-9 |mid|, 1e-300) around
 * its middle, and a single value v becomes [v - 1, v + 1] (or its 1e-9 relative widening).
 */
function usableRange(lo: number, hi: number): [number, number] {
  const mid = (lo + hi) / 2, minHalf = Math.max(Math.abs(mid) * 1e-9, 1e-300);
  if (lo === hi) return Math.abs(mid) < 1e9 ? [lo - 1, hi + 1] : [mid - minHalf, mid + minHalf];
  return hi - lo >= 2 * minHalf ? [lo, hi] : [mid - minHalf, mid + minHalf];
}

/**
 * Round tick positions for [lo, hi]: k x step for whole k (never a running sum, which stalls
 * once step falls below the spacing of the floats), at most {@link MAX_TICKS} of them.
 */
function ticks(lo: number, hi: number, log: boolean): number[] {
  if (log) {
    const out = [];
    for (let e = Math.floor(Math.log10(lo)); e <= Math.ceil(Math.log10(hi)); e++) out.push(10 ** e);
    return out.filter((v) => v >= lo * 0.999 && v <= hi * 1.001);
  }
  const step0 = (hi - lo) / 5, mag = 10 ** Math.floor(Math.log10(step0));
  const step = [1, 2, 5, 10].map((k) => k * mag).find((s) => s >= step0) ?? step0;
  const first = Math.ceil(lo / step), last = Math.floor(hi / step + 1e-9);
  const values = [];
  for (let k = first; k <= last && values.length < MAX_TICKS; k++) values.push(k * step);
  return values;
}

/** The shortest labels, at 4 significant digits or more, that tell the ticks apart. */
function tickLabels(values: number[]): string[] {
  const big = (v: number) => Math.abs(v) >= 1e6 || (Math.abs(v) < 1e-3 && v !== 0);
  for (let p = 4; p <= 17; p++) {
    const labels = values.map((v) =>
      big(v) ? v.toExponential(p - 1).replace(/\.?0+e/, "e") : String(+v.toPrecision(p))
    );
    if (new Set(labels).size === values.length) return labels;
  }
  return values.map(String);
}

/** [min, max] of the values, without spreading them as call arguments (long series). */
function extent(v: number[]): [number, number] {
  let lo = Infinity, hi = -Infinity;
  for (const x of v) (lo = x < lo ? x : lo), (hi = x > hi ? x : hi);
  return [lo, hi];
}

/** A chart's panel at offset (ox, 0): its axis ranges and the maps from data to pixels. */
interface Frame {
  ox: number;
  x0: number;
  x1: number;
  y0: number;
  y1: number;
  logY: boolean;
  px: (x: number) => number;
  py: (y: number) => number;
}

/** Whether point k of a series is drawn (finite, and positive on a log axis). */
const drawn = (c: Chart, s: Series, k: number) =>
  Number.isFinite(s.x[k]) && Number.isFinite(s.y[k]) && (!c.logY || s.y[k] > 0);

/** The panel's ranges, fitted to the drawn points and bands unless fixed, and its pixel maps. */
function frameOf(c: Chart, ox: number): Frame {
  const xs: number[] = [], ys: number[] = [];
  for (const s of c.series) {
    for (let k = 0; k < s.x.length; k++) if (drawn(c, s, k)) xs.push(s.x[k]), ys.push(s.y[k]);
  }
  for (const b of c.bands ?? []) xs.push(b.from, b.to);
  if (!xs.length) throw new ValueError(`chart "${c.title}" has no finite points`);
  const [x0, x1] = usableRange(...(c.xRange ?? extent(xs)));
  let [y0, y1] = c.yRange ?? extent(ys.length ? ys : [0]);
  if (c.logY) (y0 = 10 ** Math.floor(Math.log10(y0))), (y1 = 10 ** Math.ceil(Math.log10(y1)));
  else [y0, y1] = usableRange(y0, y1);
  const logY = Boolean(c.logY);
  const px = (x: number) => ox + M.l + ((x - x0) / (x1 - x0)) * (W - M.l - M.r);
  const py = (y: number) =>
    H - M.b -
    (logY ? Math.log(y / y0) / Math.log(y1 / y0) : (y - y0) / (y1 - y0)) * (H - M.t - M.b);
  return { ox, x0, x1, y0, y1, logY, px, py };
}

/** Shaded bands, clipped to the x range, with their labels. */
function bandsSvg(c: Chart, { x0, x1, px }: Frame): string[] {
  return (c.bands ?? []).flatMap((band) => {
    const b = { ...band, from: Math.max(band.from, x0), to: Math.min(band.to, x1) };
    const rect = `<rect x="${px(b.from)}" y="${M.t}" width="${px(b.to) - px(b.from)}" height="${
      H - M.t - M.b
    }" fill="#eee"/>`;
    return b.label
      ? [
        rect,
        `<text x="${(px(b.from) + px(b.to)) / 2}" y="${
          M.t + 12
        }" font-size="10" text-anchor="middle">${escapeXml(b.label)}</text>`,
      ]
      : [rect];
  });
}

/** Tick marks and labels of both axes (the y ticks as grid lines). */
function axesSvg({ ox, x0, x1, y0, y1, logY, px, py }: Frame): string[] {
  const parts: string[] = [];
  const xt = ticks(x0, x1, false), xl = tickLabels(xt);
  xt.forEach((t, k) => {
    parts.push(
      `<line x1="${px(t)}" y1="${H - M.b}" x2="${px(t)}" y2="${H - M.b + 4}" stroke="#000"/>`,
    );
    parts.push(
      `<text x="${px(t)}" y="${H - M.b + 16}" font-size="10" text-anchor="middle">${xl[k]}</text>`,
    );
  });
  const yt = ticks(y0, y1, logY), yl = tickLabels(yt);
  yt.forEach((t, k) => {
    parts.push(
      `<line x1="${ox + M.l - 4}" y1="${py(t)}" x2="${ox + W - M.r}" y2="${py(t)}" stroke="#ddd"/>`,
    );
    parts.push(
      `<text x="${ox + M.l - 6}" y="${py(t) + 3}" font-size="10" text-anchor="end">${yl[k]}</text>`,
    );
  });
  return parts;
}

/** Each series as a polyline, or markers (points, or a line of one point), and its legend. */
function seriesSvg(c: Chart, { ox, px, py }: Frame): string[] {
  return c.series.flatMap((s, k) => {
    const color = s.color ?? PALETTE[k % PALETTE.length], pts: string[] = [], parts: string[] = [];
    for (let i = 0; i < s.x.length; i++) {
      if (drawn(c, s, i)) pts.push(`${px(s.x[i]).toFixed(1)},${py(s.y[i]).toFixed(1)}`);
    }
    if (s.style === "points" || pts.length === 1) { // one point: a marker, not an empty line
      const r = s.style === "points" ? 1.2 : 3;
      for (const p of pts) {
        const [x, y] = p.split(",");
        parts.push(`<circle cx="${x}" cy="${y}" r="${r}" fill="${color}"/>`);
      }
    } else {
      const dash = s.dashed ? ` stroke-dasharray="6 4"` : "", width = s.dashed ? 1.5 : 3;
      parts.push(
        `<polyline fill="none" stroke="${color}" stroke-width="${width}"${dash} points="${
          pts.join(" ")
        }"/>`,
      );
    }
    parts.push(
      `<text x="${ox + W - M.r - 4}" y="${
        M.t + 14 + 12 * k
      }" font-size="10" text-anchor="end" fill="${color}">${escapeXml(s.name)}</text>`,
    );
    return parts;
  });
}

/** The panel's frame, title and axis labels. */
function labelsSvg(c: Chart, ox: number): string[] {
  return [
    `<rect x="${ox + M.l}" y="${M.t}" width="${W - M.l - M.r}" height="${
      H - M.t - M.b
    }" fill="none" stroke="#000"/>`,
    `<text x="${ox + W / 2}" y="18" font-size="13" text-anchor="middle">${
      escapeXml(c.title)
    }</text>`,
    `<text x="${ox + (W + M.l) / 2}" y="${H - 10}" font-size="11" text-anchor="middle">${
      escapeXml(c.xLabel)
    }</text>`,
    `<text transform="translate(${ox + 14},${
      H / 2
    }) rotate(-90)" font-size="11" text-anchor="middle">${escapeXml(c.yLabel)}</text>`,
  ];
}

/** The SVG group of one chart at offset (ox, 0): bands, axes, series, then frame and labels. */
function chartGroup(c: Chart, ox: number): string {
  const f = frameOf(c, ox);
  return `<g>${
    [...bandsSvg(c, f), ...axesSvg(f), ...seriesSvg(c, f), ...labelsSvg(c, ox)].join("")
  }</g>`;
}

/**
 * Render charts side by side as one SVG document.
 *
 * @example
 * ```ts
 * import { renderCharts } from "./svg.ts";
 * const svg = renderCharts([{ title: "t", xLabel: "x", yLabel: "y", series: [{ name: "a", x: [0, 1], y: [1, 2] }] }]);
 * console.log(svg.startsWith("<svg")); // true
 * ```
 */
export function renderCharts(charts: Chart[]): string {
  const width = W * charts.length;
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${H}" viewBox="0 0 ${width} ${H}" ` +
    `font-family="sans-serif"><rect width="100%" height="100%" fill="#fff"/>` +
    charts.map((c, k) => chartGroup(c, k * W)).join("") + `</svg>\n`;
}
