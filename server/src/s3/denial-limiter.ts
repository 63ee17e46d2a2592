// Rate limit on refusals (DESIGN §7): a client that keeps failing authentication or authorisation (a stale
// key in a retry loop, someone guessing) is slowed down per IP before any signature work is done. Accepted
// requests never consume tokens, so a busy `mcli mirror` is never throttled.

export interface DenialLimiterOptions {
  /** Refusals an IP may collect in a burst before it is slowed down. */
  burst: number;
  /** Refusals per minute an IP regains. */
  perMinute: number;
  now?: () => number;
}

/** Generous enough for a few misconfigured machines behind one NAT, small enough to stop a guessing loop. */
export const DEFAULT_DENIAL_LIMITS: DenialLimiterOptions = { burst: 200, perMinute: 120 };
/** Forget idle IPs so the table cannot grow without bound. */
const MAX_TRACKED_IPS = 10_000;

export class DenialLimiter {
  readonly #buckets = new Map<string, { tokens: number; at: number }>();
  readonly #now: () => number;

  constructor(private readonly opts: DenialLimiterOptions = DEFAULT_DENIAL_LIMITS) {
    if (!(opts.burst > 0) || !(opts.perMinute > 0)) throw new Error('denial limiter: burst and perMinute must be positive');
    this.#now = opts.now ?? Date.now;
  }

  /** False while this IP has used up its refusals. */
  allows(ip: string): boolean {
    return this.#tokens(ip) >= 1;
  }

  recordDenial(ip: string): void {
    const tokens = this.#tokens(ip);
    if (this.#buckets.size >= MAX_TRACKED_IPS && !this.#buckets.has(ip)) this.#buckets.delete(this.#buckets.keys().next().value!);
    this.#buckets.set(ip, { tokens: Math.max(0, tokens - 1), at: this.#now() });
  }

  #tokens(ip: string): number {
    const b = this.#buckets.get(ip);
    if (!b) return this.opts.burst;
    const refilled = b.tokens + ((this.#now() - b.at) / 60_000) * this.opts.perMinute;
    return Math.min(this.opts.burst, refilled);
  }
}
