// Per-client token buckets for the unauthenticated boot routes (DESIGN §7). A booting machine makes a handful of
// requests (script, kernel, initrd, document, a retry now and then); a client making hundreds a second is a loop
// or an attack, and each /ipxe request writes to the database. Refusals are 429 with Retry-After, which iPXE's
// bootstrap script answers by waiting and trying again.

export interface RateVerdict { ok: boolean; retryAfterS: number }

/** Buckets beyond this many clients are pruned of the ones that are full again (idle clients cost nothing). */
const PRUNE_AT = 10_000;

export class TokenBuckets {
  readonly #buckets = new Map<string, { tokens: number; at: number }>();

  constructor(
    private readonly ratePerS: number,
    private readonly burst: number,
    private readonly now: () => number = Date.now,
  ) {
    if (!(ratePerS > 0) || !(burst >= 1)) throw new Error(`rate limit needs a positive rate and a burst ≥ 1 (got ${ratePerS}/s, ${burst})`);
  }

  take(key: string): RateVerdict {
    const t = this.now();
    const b = this.#buckets.get(key) ?? { tokens: this.burst, at: t };
    b.tokens = Math.min(this.burst, b.tokens + ((t - b.at) / 1000) * this.ratePerS);
    b.at = t;
    if (b.tokens < 1) {
      this.#buckets.set(key, b);
      return { ok: false, retryAfterS: Math.ceil((1 - b.tokens) / this.ratePerS) };
    }
    b.tokens -= 1;
    this.#buckets.set(key, b);
    if (this.#buckets.size > PRUNE_AT) this.#prune(t);
    return { ok: true, retryAfterS: 0 };
  }

  #prune(t: number): void {
    for (const [key, b] of this.#buckets) {
      if (b.tokens + ((t - b.at) / 1000) * this.ratePerS >= this.burst) this.#buckets.delete(key);
    }
  }
}
