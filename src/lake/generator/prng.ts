// Seeded randomness. Every random choice in the generator flows from here, so one seed gives
// byte-identical output; nothing may use Math.random() or the clock.

const HEX: readonly string[] = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

function hex32(value: number): string {
  return HEX[(value >>> 24) & 255] + HEX[(value >>> 16) & 255] + HEX[(value >>> 8) & 255] + HEX[value & 255];
}

function hex16(value: number): string {
  return HEX[(value >>> 8) & 255] + HEX[value & 255];
}

/** Murmur3's finaliser: a bijection on 32 bits that spreads every input bit over the output. */
export function mix32(value: number): number {
  let h = value >>> 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** Hashes a short list of 32-bit words; order matters. */
export function hashWords(words: readonly number[]): number {
  let h = 0x2545f491;
  for (const word of words) h = mix32((h ^ mix32(word + 0x9e3779b9)) + 0x7f4a7c15);
  return h;
}

/** FNV-1a, to turn stream names into words. */
export function hashText(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

/**
 * sfc32 (Doty-Humphrey's small fast chaotic generator): passes PractRand far beyond what we draw,
 * and uses only 32-bit integer maths, so the stream is the same on every platform.
 */
export class Rng {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  constructor(a: number, b: number, c: number, d: number) {
    this.a = a | 0;
    this.b = b | 0;
    this.c = c | 0;
    this.d = d | 0;
    for (let i = 0; i < 12; i++) this.uint32();
  }

  uint32(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return t >>> 0;
  }

  /** Uniform in [0, 1). */
  float(): number {
    return this.uint32() / 4294967296;
  }

  /** Uniform integer in [min, max], both inclusive. */
  int(min: number, max: number): number {
    return min + Math.floor(this.float() * (max - min + 1));
  }

  /** Uniform real in [min, max). */
  between(min: number, max: number): number {
    return min + this.float() * (max - min);
  }

  chance(probability: number): boolean {
    return this.float() < probability;
  }

  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.float() * items.length)];
  }

  /** Index drawn with the given relative weights. */
  weightedIndex(weights: readonly number[]): number {
    let total = 0;
    for (const w of weights) total += w;
    let x = this.float() * total;
    for (let i = 0; i < weights.length; i++) {
      x -= weights[i];
      if (x < 0) return i;
    }
    return weights.length - 1;
  }

  pickWeighted<T extends { readonly weight: number }>(items: readonly T[]): T {
    return items[this.weightedIndex(items.map((item) => item.weight))];
  }

  /** Standard normal (Box-Muller). */
  normal(): number {
    const u = 1 - this.float();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * this.float());
  }

  /** Log-normal with the given median; heavy right tail, like most per-user activity rates. */
  logNormal(median: number, sigma: number): number {
    return median * Math.exp(sigma * this.normal());
  }

  exponential(mean: number): number {
    return -mean * Math.log(1 - this.float());
  }

  poisson(mean: number): number {
    if (mean <= 0) return 0;
    if (mean > 30) return Math.max(0, Math.round(mean + Math.sqrt(mean) * this.normal()));
    const limit = Math.exp(-mean);
    let k = 0;
    let p = this.float();
    while (p > limit) {
      k++;
      p *= this.float();
    }
    return k;
  }

  /** A version-4 UUID. */
  uuid(): string {
    const a = this.uint32();
    const b = this.uint32();
    const c = this.uint32();
    const d = this.uint32();
    return `${hex32(a)}-${hex16(b >>> 16)}-${hex16((b & 0x0fff) | 0x4000)}-${hex16(((c >>> 16) & 0x3fff) | 0x8000)}-${hex16(c & 0xffff)}${hex32(d)}`;
  }

  /** Lower-case hex of `bytes` random bytes. */
  hex(bytes: number): string {
    let out = '';
    for (let i = 0; i < bytes; i++) out += HEX[this.uint32() & 255];
    return out;
  }
}

/**
 * Everything random derives from the seed through named streams, so adding a new kind of draw in
 * one place does not shift the numbers drawn anywhere else.
 */
export class SeedSpace {
  private readonly low: number;
  private readonly high: number;

  constructor(readonly seed: number) {
    this.low = seed >>> 0;
    this.high = Math.floor(seed / 4294967296) | 0;
  }

  /** A 32-bit word fixed by (stream, index, salt). */
  word(stream: string, index: number, salt = 0): number {
    return hashWords([this.low, this.high, hashText(stream), index >>> 0, Math.floor(index / 4294967296), salt]);
  }

  /** A uniform [0, 1) fixed by (stream, index). */
  uniform(stream: string, index: number): number {
    return this.word(stream, index) / 4294967296;
  }

  /** An independent generator for (stream, index), e.g. one per user. */
  rng(stream: string, index: number): Rng {
    return new Rng(this.word(stream, index, 1), this.word(stream, index, 2), this.word(stream, index, 3), this.word(stream, index, 4));
  }
}
