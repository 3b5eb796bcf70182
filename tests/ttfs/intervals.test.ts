import { test } from "node:test";
import assert from "node:assert/strict";
import { IntervalError, ValueError } from "../../src/errors.ts";
import { encodeInput } from "../../src/ttfs/encoding.ts";
import {
  chainIntervals,
  scratchIntervals,
  validateIntervals,
  widenIntervals,
} from "../../src/ttfs/intervals.ts";

test("A1: intervals chain, from scratch the first hidden interval is 1500 long", () => {
  const iv = scratchIntervals(2);
  assert.deepEqual(iv, { tmin: [0, 1, 1501], tmax: [1, 1501, 3001] });
  assert.deepEqual(chainIntervals([2, 4], 0.5), { tmin: [0, 1, 4], tmax: [1, 4, 10] });
});

test("A1: widening keeps 10x the batch's largest activation, never shrinks, and re-chains", () => {
  const iv = { tmin: [0, 1, 4], tmax: [1, 4, 10] };
  assert.deepEqual(widenIntervals(iv, [0.1, 0.2]), iv); // already wide enough: unchanged
  assert.deepEqual(widenIntervals(iv, [1, 0.1]), { tmin: [0, 1, 11], tmax: [1, 11, 17] });
  assert.throws(() => widenIntervals(iv, [1]), IntervalError);
});

test("A1: an empty, inverted, non-finite or broken chain of intervals is rejected by name", () => {
  assert.throws(() => validateIntervals({ tmin: [0, 1], tmax: [1, 1] }), /empty or inverted/);
  assert.throws(() => validateIntervals({ tmin: [0, 2], tmax: [1, 1] }), IntervalError);
  assert.throws(
    () => validateIntervals({ tmin: [0, 1.5], tmax: [1, 3] }),
    /tmin\(1\) = 1.5 but tmax\(0\) = 1/,
  );
  assert.throws(() => validateIntervals({ tmin: [0, 1], tmax: [1, Infinity] }), /finite/);
});

test("A2: encoding maps [p, q] onto [1, 0] and rejects bad ranges, NaN and out-of-range values", () => {
  assert.deepEqual([...encodeInput([0, 0.5, 1])], [1, 0.5, 0]);
  assert.deepEqual([...encodeInput([10, 20], 10, 20)], [1, 0]);
  assert.throws(() => encodeInput([0.5], 1, 1), IntervalError);
  assert.throws(() => encodeInput([0.5], 2, 1), IntervalError);
  assert.throws(() => encodeInput([NaN]), ValueError);
  assert.throws(() => encodeInput([1.5]), /outside the coding range/);
});
