import { test } from "node:test";
import assert from "node:assert/strict";
import { codeInput } from "../../src/lif/coding.ts";
import { OptionError } from "../../src/errors.ts";

test("B2 coding: the direct code repeats the input current; the rate codes follow the rates, seeded", () => {
  const x = Float64Array.from({ length: 2000 }, (_, i) => (i % 5) / 4);
  const direct = codeInput(x, 3);
  assert.ok(direct.every((s) => s === x));
  for (const coding of ["bernoulli", "poisson"] as const) {
    const a = codeInput(x, 40, coding, 5), b = codeInput(x, 40, coding, 5);
    assert.deepEqual(a, b, "same seed, same spikes");
    assert.notDeepEqual(a, codeInput(x, 40, coding, 6));
    for (const level of [0, 1, 2, 3, 4]) {
      let sum = 0, n = 0;
      for (const s of a) for (let i = level; i < x.length; i += 5) (sum += s[i]), n++;
      assert.ok(
        Math.abs(sum / n - level / 4) < 0.03,
        `${coding}: rate ${sum / n} for ${level / 4}`,
      );
    }
    if (coding === "bernoulli") assert.ok(a.every((s) => s.every((v) => v === 0 || v === 1)));
  }
  assert.throws(() => codeInput(x, 0), OptionError);
  assert.throws(() => codeInput(new Float64Array([2]), 2, "bernoulli"), OptionError);
  assert.throws(() => codeInput(x, 2, "morse" as "direct"), OptionError);
});
