/**
 * Seeded mutations of files, for the fuzz tests: generic byte edits (flips, truncations,
 * inserted bytes, appended zeros), and format-aware ones: a safetensors header length set huge
 * or off by a few, edits of its header JSON and of the JSON inside its metadata strings, and an
 * IDX file's magic, type code, dimension count and sizes. Every choice comes from `Rng`.
 *
 * @module
 */
import type { Rng } from "../../src/nn/rng.ts";

/** One of `items`, uniformly. */
export function pick<T>(rng: Rng, items: readonly T[]): T {
  return items[rng.int(items.length)];
}

/** 1 to 4 bytes XORed with a random non-zero byte. */
function flip(rng: Rng, bytes: Uint8Array): Uint8Array {
  const out = new Uint8Array(bytes);
  for (let n = 1 + rng.int(4); n > 0 && out.length; n--) {
    out[rng.int(out.length)] ^= 1 + rng.int(255);
  }
  return out;
}

/** The first 0..length-1 bytes. */
function truncate(rng: Rng, bytes: Uint8Array): Uint8Array {
  return bytes.slice(0, rng.int(Math.max(1, bytes.length)));
}

/** 1 to 16 random bytes inserted at a random place. */
function insert(rng: Rng, bytes: Uint8Array): Uint8Array {
  const at = rng.int(bytes.length + 1),
    extra = Uint8Array.from({ length: 1 + rng.int(16) }, () => rng.int(256));
  const out = new Uint8Array(bytes.length + extra.length);
  out.set(bytes.subarray(0, at));
  out.set(extra, at);
  out.set(bytes.subarray(at), at + extra.length);
  return out;
}

/** 1 to 4096 zero or random bytes appended. */
function append(rng: Rng, bytes: Uint8Array): Uint8Array {
  const n = 1 + rng.int(4096), out = new Uint8Array(bytes.length + n);
  out.set(bytes);
  if (rng.int(2)) { for (let i = bytes.length; i < out.length; i++) out[i] = rng.int(256); }
  return out;
}

/**
 * A generic byte mutant: flipped, truncated, inserted or appended bytes.
 *
 * @example
 * ```ts ignore
 * const m = byteMutant(new Rng(1), bytes);
 * ```
 */
export function byteMutant(rng: Rng, bytes: Uint8Array): Uint8Array {
  return pick(rng, [flip, truncate, insert, append])(rng, bytes);
}

/** Numbers that break sizes and offsets. */
const NUMBERS = [0, 1, -1, 2, 0.5, 7, 255, 256, 65535, 2 ** 31, 2 ** 32, 2 ** 53, 1e300, -1e300];

/**
 * A random JSON value, nested at most `depth` deep: null, booleans, numbers that break sizes,
 * strings (including `__proto__`, `constructor`, dtype names), arrays and objects.
 *
 * @example
 * ```ts ignore
 * const v = junk(new Rng(1));
 * ```
 */
export function junk(rng: Rng, depth = 2): unknown {
  switch (rng.int(depth > 0 ? 7 : 5)) {
    case 0:
      return null;
    case 1:
      return rng.int(2) === 0;
    case 2:
      return pick(rng, NUMBERS);
    case 3:
      return pick(rng, ["", "x", "F64", "F32", "U8", "BF16", "__proto__", "constructor", "1e999"]);
    case 4:
      return pick(rng, ["[]", "{}", "null", "[null]", "[{}]", '{"tmin":null}', "NaN", "-1", "[{"]);
    case 5:
      return Array.from({ length: rng.int(4) }, () => junk(rng, depth - 1));
    default:
      return Object.fromEntries(
        Array.from({ length: rng.int(4) }, () => [
          pick(rng, ["nIn", "nOut", "conv", "pool", "avgPool", "k", "pad", "tmin", "tmax", "x"]),
          junk(rng, depth - 1),
        ]),
      );
  }
}

/** Every path (list of keys) to a node of `value`, the root included. */
function paths(value: unknown, at: (string | number)[] = []): (string | number)[][] {
  const out = [at];
  if (typeof value === "object" && value !== null) {
    for (const [k, v] of Object.entries(value)) {
      out.push(...paths(v, [...at, Array.isArray(value) ? Number(k) : k]));
    }
  }
  return out;
}

/**
 * A copy of the JSON value `value` with one random node replaced by junk, deleted, or given a
 * numeric nudge (a size off by one, doubled, negated), or, for an object, an extra key.
 *
 * @example
 * ```ts ignore
 * const header = jsonMutant(new Rng(1), { w: { shape: [2] } });
 * ```
 */
export function jsonMutant(rng: Rng, value: unknown): unknown {
  const root = { v: structuredClone(value) } as Record<string, unknown>;
  const path = ["v", ...pick(rng, paths(root.v))];
  const key = path[path.length - 1];
  const parent = path.slice(0, -1).reduce(
    (o: unknown, k) => (o as Record<string, unknown>)[k],
    root,
  ) as
    | Record<string | number, unknown>
    | unknown[];
  const old = (parent as Record<string | number, unknown>)[key];
  const op = rng.int(5);
  if (op === 0 && typeof old === "number") {
    (parent as Record<string | number, unknown>)[key] = pick(rng, [
      old + 1,
      old - 1,
      2 * old,
      -old,
      old + 0.5,
    ]);
  } else if (op === 1 && typeof old === "object" && old !== null && !Array.isArray(old)) {
    Object.defineProperty(old, pick(rng, ["__proto__", "x", "nIn", "__metadata__"]), {
      value: junk(rng),
      enumerable: true,
      writable: true,
      configurable: true,
    });
  } else if (op === 2 && typeof key === "string" && key !== "v") {
    delete (parent as Record<string, unknown>)[key];
  } else (parent as Record<string | number, unknown>)[key] = junk(rng);
  return root.v;
}

/** The header JSON and the data section of a safetensors file (assumed well-formed). */
function splitSafetensors(
  bytes: Uint8Array,
): { header: Record<string, unknown>; data: Uint8Array } {
  const n = Number(new DataView(bytes.buffer, bytes.byteOffset, 8).getBigUint64(0, true));
  return {
    header: JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + n))),
    data: bytes.subarray(8 + n),
  };
}

/** A safetensors file from a header value (any JSON) and a data section. */
function joinSafetensors(header: unknown, data: Uint8Array): Uint8Array {
  const head = new TextEncoder().encode(JSON.stringify(header));
  const out = new Uint8Array(8 + head.length + data.length);
  new DataView(out.buffer).setBigUint64(0, BigInt(head.length), true);
  out.set(head, 8);
  out.set(data, 8 + head.length);
  return out;
}

/** The header's own JSON edited, or the JSON inside one of its metadata strings. */
function headerMutant(rng: Rng, bytes: Uint8Array): Uint8Array {
  const { header, data } = splitSafetensors(bytes);
  const meta = header.__metadata__ as Record<string, string> | undefined;
  const keys = Object.keys(meta ?? {}).filter((k) => /^[[{"]/.test(meta![k]));
  if (meta && keys.length && rng.int(2)) {
    const k = pick(rng, keys);
    const edited = { ...meta, [k]: JSON.stringify(jsonMutant(rng, JSON.parse(meta[k]))) };
    return joinSafetensors({ ...header, __metadata__: edited }, data);
  }
  if (meta && rng.int(3) === 0) { // a metadata value replaced by a junk string
    const k = pick(rng, [...Object.keys(meta), "kind", "layers", "intervals", "lambda", "vth"]);
    const v = junk(rng);
    const edited = { ...meta, [k]: typeof v === "string" ? v : JSON.stringify(v) };
    return joinSafetensors({ ...header, __metadata__: edited }, data);
  }
  return joinSafetensors(jsonMutant(rng, header), data);
}

/** The 8-byte header length set huge, to zero, or off by a few bytes. */
function lengthMutant(rng: Rng, bytes: Uint8Array): Uint8Array {
  const out = new Uint8Array(bytes), view = new DataView(out.buffer);
  const n = view.getBigUint64(0, true);
  const huge = [2n ** 32n, 2n ** 53n, 2n ** 53n + 1n, 2n ** 63n, 2n ** 64n - 1n, 0n];
  const next = rng.int(2) ? pick(rng, huge) : n + BigInt(rng.int(17) - 8);
  view.setBigUint64(0, next < 0n ? 0n : next, true);
  return out;
}

/**
 * A safetensors mutant: byte edits, a bad header length, or an edit of the header JSON or of
 * the JSON in its metadata.
 *
 * @example
 * ```ts ignore
 * const m = safetensorsMutant(new Rng(1), encodeSafetensors(tensors));
 * ```
 */
export function safetensorsMutant(rng: Rng, bytes: Uint8Array): Uint8Array {
  const r = rng.int(10);
  if (r < 3) return byteMutant(rng, bytes);
  if (r < 4) return lengthMutant(rng, bytes);
  return headerMutant(rng, bytes);
}

/**
 * An IDX mutant: byte edits, or a new magic, type code, dimension count or size.
 *
 * @example
 * ```ts ignore
 * const m = idxMutant(new Rng(1), idxFile);
 * ```
 */
export function idxMutant(rng: Rng, bytes: Uint8Array): Uint8Array {
  const out = new Uint8Array(bytes), view = new DataView(out.buffer);
  switch (rng.int(7)) {
    case 0:
      out[rng.int(2)] = 1 + rng.int(255);
      return out;
    case 1:
      out[2] = pick(rng, [0x08, 0x09, 0x0b, 0x0c, 0x0d, 0x0e, 0, 0xff]);
      return out;
    case 2:
      out[3] = pick(rng, [0, 1, 2, 3, 4, 5, 255]);
      return out;
    case 3:
    case 4: {
      const d = rng.int(Math.max(1, Math.min(out[3], 4)));
      const old = view.getUint32(4 + 4 * d, false);
      const sizes = [0, 1, old - 1, old + 1, 2 * old, 65535, 2 ** 31, 2 ** 32 - 1];
      view.setUint32(4 + 4 * d, pick(rng, sizes) >>> 0, false);
      return out;
    }
    default:
      return byteMutant(rng, bytes);
  }
}
