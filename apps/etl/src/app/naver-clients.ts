import { NaverAdsClient } from '@adrank/naver-ads';
import type { EtlConfig } from './config';

/** Counters the Naver hooks feed, for the run summary. */
export interface CallStats {
  calls: number;
  retries: number;
  failures: number;
}

/** One Naver client per customer id (they share the customer's rate limits inside the client library). */
export class NaverClients {
  private readonly clients = new Map<string, NaverAdsClient>();
  readonly stats: CallStats = { calls: 0, retries: 0, failures: 0 };

  constructor(private readonly cfg: EtlConfig) {}

  for(customerId: string): NaverAdsClient {
    if (this.cfg.ADRANK_CUSTOMER_IDS && !this.cfg.ADRANK_CUSTOMER_IDS.includes(customerId)) {
      throw new Error(
        `customer ${customerId} is not in ADRANK_CUSTOMER_IDS (${this.cfg.ADRANK_CUSTOMER_IDS.join(', ')})`,
      );
    }
    let c = this.clients.get(customerId);
    if (c === undefined) {
      c = new NaverAdsClient({
        apiKey: this.cfg.NAVER_ADS_API_KEY,
        secretKey: this.cfg.NAVER_ADS_SECRET_KEY,
        customerId,
        ...(this.cfg.NAVER_ADS_BASE_URL ? { baseUrl: this.cfg.NAVER_ADS_BASE_URL } : {}),
        retry: { maxAttempts: this.cfg.NAVER_ADS_MAX_ATTEMPTS, baseDelayMs: this.cfg.NAVER_ADS_RETRY_BASE_MS },
        circuit: { pauseMs: this.cfg.NAVER_ADS_CIRCUIT_PAUSE_MS },
        rateLimit: {
          ratePerSec: this.cfg.NAVER_ADS_RATE_PER_SEC,
          burst: this.cfg.NAVER_ADS_RATE_PER_SEC,
          keywordToolRatePerSec: this.cfg.NAVER_ADS_KEYWORDTOOL_RATE_PER_SEC,
          keywordToolBurst: Math.max(2, this.cfg.NAVER_ADS_KEYWORDTOOL_RATE_PER_SEC),
        },
        hooks: {
          onCall: (e) => {
            this.stats.calls++;
            if (e.error) this.stats.failures++;
          },
          onRetry: () => {
            this.stats.retries++;
          },
        },
      });
      this.clients.set(customerId, c);
    }
    return c;
  }
}
