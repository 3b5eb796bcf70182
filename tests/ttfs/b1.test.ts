// The B = 1 forward (SPEC A5) checks its network and its input before it runs.
import { test } from "node:test";
import assert from "node:assert/strict";
import { IntervalError, ShapeError } from "../../src/errors.ts";
import { Rng } from "../../src/nn/rng.ts";
import { b1Forward, initB1Network } from "../../src/ttfs/b1.ts";

test("A1: the B = 1 forward refuses a network whose intervals are inverted with an IntervalError", () => {
  const net = initB1Network([3, 2, 2], new Rng(0));
  net.intervals = { tmin: [0, 1], tmax: [1, 0.5] };
  assert.throws(() => b1Forward(net, new Float64Array(3), 1), IntervalError);
});

test("the B = 1 forward refuses an input of the wrong size with a ShapeError", () => {
  const net = initB1Network([3, 2, 2], new Rng(0));
  assert.throws(() => b1Forward(net, new Float64Array(4), 1), ShapeError);
});
