const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** A token bucket: `ratePerSec` tokens a second, at most `burst` saved up. `take()` waits for a token, in order. */
export class TokenBucket {
  private tokens: number;
  private last = performance.now();
  private chain: Promise<void> = Promise.resolve();

  constructor(
    readonly ratePerSec: number,
    readonly burst: number,
  ) {
    if (!(ratePerSec > 0) || !(burst >= 1)) throw new RangeError(`token bucket needs rate > 0 and burst >= 1`);
    this.tokens = burst;
  }

  take(): Promise<void> {
    const next = this.chain.then(async () => {
      for (;;) {
        const now = performance.now();
        this.tokens = Math.min(this.burst, this.tokens + ((now - this.last) / 1000) * this.ratePerSec);
        this.last = now;
        if (this.tokens >= 1) {
          this.tokens -= 1;
          return;
        }
        await sleep(((1 - this.tokens) / this.ratePerSec) * 1000);
      }
    });
    this.chain = next;
    return next;
  }
}

/**
 * Pauses every call after `threshold` 429 answers in a row: the API asks for minutes of quiet after repeated rate
 * limiting. Any other answer resets the count.
 */
export class RateLimitCircuit {
  private consecutive = 0;
  private openUntil = 0;
  /** How many times the circuit opened (for metrics). */
  opened = 0;

  constructor(
    readonly threshold: number,
    readonly pauseMs: number,
    private readonly onOpen?: (pauseMs: number) => void,
  ) {}

  async wait(): Promise<void> {
    for (;;) {
      const left = this.openUntil - Date.now();
      if (left <= 0) return;
      await sleep(left);
    }
  }

  record(rateLimited: boolean): void {
    if (!rateLimited) {
      this.consecutive = 0;
      return;
    }
    this.consecutive++;
    if (this.consecutive >= this.threshold) {
      this.consecutive = 0;
      this.openUntil = Date.now() + this.pauseMs;
      this.opened++;
      this.onOpen?.(this.pauseMs);
    }
  }

  get isOpen(): boolean {
    return Date.now() < this.openUntil;
  }
}

/** Buckets and circuits shared by every client of one customer id in this process (the limits are per customer). */
export interface CustomerLimits {
  api: TokenBucket;
  keywordTool: TokenBucket;
  circuit: RateLimitCircuit;
  keywordToolCircuit: RateLimitCircuit;
}
