/**
 * Seeded pseudo-random numbers: every random choice in spikeproof takes one of these, so the
 * same seed gives the same result in Deno, Bun and Node.
 *
 * Generator: sfc32 (Chris Doty-Humphrey's Small Fast Chaotic, 128-bit state), seeded through
 * splitmix32 from one 32-bit seed. Floats take 53 random bits from two outputs.
 *
 * @module
 */
import { OptionError } from "../errors.ts";
import { cosTwoPi, log } from "./math/mod.ts";

/**
 * A seeded random-number generator.
 *
 * @example
 * ```ts
 * import { Rng } from "./rng.ts";
 * const r = new Rng(42);
 * console.log(r.uniform() === new Rng(42).uniform()); // true
 * ```
 */
export class Rng {
  #a: number;
  #b: number;
  #c: number;
  #d: number;

  /**
   * A generator seeded from one integer: the same seed gives the same sequence everywhere.
   *
   * @param seed Any integer; it is reduced modulo 2^32.
   */
  constructor(seed: number) {
    if (!Number.isInteger(seed)) throw new OptionError(`seed must be an integer, got ${seed}`);
    let s = seed >>> 0;
    const splitmix = (): number => {
      s = (s + 0x9e3779b9) | 0;
      let z = s;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
      return (z ^ (z >>> 16)) >>> 0;
    };
    this.#a = splitmix();
    this.#b = splitmix();
    this.#c = splitmix();
    this.#d = splitmix();
    for (let i = 0; i < 12; i++) this.nextU32();
  }

  /** Next 32-bit unsigned integer. @example `new Rng(1).nextU32()` */
  nextU32(): number {
    const t = (((this.#a + this.#b) | 0) + this.#d) | 0;
    this.#d = (this.#d + 1) | 0;
    this.#a = this.#b ^ (this.#b >>> 9);
    this.#b = (this.#c + (this.#c << 3)) | 0;
    this.#c = (this.#c << 21) | (this.#c >>> 11);
    this.#c = (this.#c + t) | 0;
    return t >>> 0;
  }

  /** Uniform float in [0, 1) with 53 random bits. @example `new Rng(1).uniform()` */
  uniform(): number {
    const hi = this.nextU32() >>> 5; // 27 bits
    const lo = this.nextU32() >>> 6; // 26 bits
    return (hi * 67108864 + lo) / 9007199254740992;
  }

  /** Uniform float in [lo, hi). @example `new Rng(1).uniformIn(-1, 1)` */
  uniformIn(lo: number, hi: number): number {
    return lo + (hi - lo) * this.uniform();
  }

  /** Standard normal sample (Box-Muller). @example `new Rng(1).normal()` */
  normal(): number {
    let u = 0;
    while (u === 0) u = this.uniform();
    return Math.sqrt(-2 * log(u)) * cosTwoPi(this.uniform()); // own log and cos: same bits everywhere
  }

  /** Uniform integer in [0, n). @example `new Rng(1).int(10)` */
  int(n: number): number {
    return Math.floor(this.uniform() * n);
  }

  /**
   * A uniformly random permutation of 0..n-1 (Fisher-Yates).
   *
   * @example
   * ```ts
   * import { Rng } from "./rng.ts";
   * console.log(new Rng(3).permutation(5).length); // 5
   * ```
   */
  permutation(n: number): Int32Array {
    const p = new Int32Array(n);
    for (let i = 0; i < n; i++) p[i] = i;
    for (let i = n - 1; i > 0; i--) {
      const j = this.int(i + 1);
      const tmp = p[i];
      p[i] = p[j];
      p[j] = tmp;
    }
    return p;
  }
}
