/**
 * A realistic, seeded sample of Naver Search Ads data — the embedded default's data. A keyword universe of Korean and
 * English keywords (brands × products × modifiers, with spacing variants such as 나이키 운동화 / 나이키운동화), search
 * terms related to them, keyword-tool relations, entities (campaigns, ad groups, keywords with bids and quality), and
 * hourly performance per (search term, keyword, hour, device) drawn from a hidden "true" model: relatedness, quality,
 * ad rank, hour, device, brand and season effects, with realistic sparsity (most keyword-hours have no click).
 */
import type { AdConversionDetailRow, AdDetailRow } from '@adrank/naver-ads';
import type { FakeData } from '@adrank/naver-ads/testing';
import type { PerformanceRecord, RelationFigures } from '@adrank/features';

export interface SampleOptions {
  seed?: number;
  /** Size of the keyword universe (default 1,000). */
  keywords?: number;
  /** Days of hourly performance (default 30), ending the day before `today`. */
  days?: number;
  /** KST date the data ends before (default 2026-11-21). */
  today?: string;
  /** Search terms (default keywords / 8). */
  searchTerms?: number;
  /** Candidate keywords per search term (default 30). */
  candidates?: number;
  customerId?: string;
}

export interface SampleKeyword {
  id: string;
  keyword: string;
  campaignId: string;
  adgroupId: string;
  bidAmt: number;
  qualityIndex: number;
  isBrand: boolean;
  isSeason: boolean;
  tokens: string[];
  /** Hidden: quality and conversion propensity (not features). */
  quality: number;
  convPropensity: number;
}

export interface SampleData {
  customerId: string;
  keywords: SampleKeyword[];
  searchTerms: string[];
  /** (search term, keyword) relations with keyword-tool figures. */
  relations: { searchTerm: string; keyword: string; figures: RelationFigures }[];
  /** The training grain: one row per (day, hour, device, search term, keyword) with impressions. */
  records: PerformanceRecord[];
  days: string[];
}

const BRANDS = [
  '나이키',
  '아디다스',
  '뉴발란스',
  '삼성',
  '애플',
  '엘지',
  '무인양품',
  '코오롱',
  '노스페이스',
  '다이슨',
  'nike',
  'adidas',
  'asics',
  'lego',
  'sony',
  'dyson',
];
const PRODUCTS = [
  '운동화',
  '러닝화',
  '등산화',
  '패딩',
  '원피스',
  '가방',
  '노트북',
  '스마트폰',
  '텐트',
  '캠핑의자',
  '커피머신',
  '청소기',
  '이어폰',
  '선크림',
  '매트리스',
  'shoes',
  'running shoes',
  'laptop',
  'headphones',
  'backpack',
];
const MODIFIERS = [
  '추천',
  '할인',
  '최저가',
  '정품',
  '여성',
  '남성',
  '아동',
  '신상',
  '후기',
  '세트',
  'sale',
  'best',
  '2026',
];
const SEASONAL = ['겨울', '여름', '크리스마스', '설날'];

/** xorshift32 — deterministic across machines. */
export function rng(seed: number): () => number {
  let x = seed >>> 0 || 0x9e3779b9;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 4294967296;
  };
}

function gaussian(r: () => number): number {
  return Math.sqrt(-2 * Math.log(Math.max(r(), 1e-12))) * Math.cos(2 * Math.PI * r());
}

function poisson(r: () => number, lambda: number): number {
  if (lambda <= 0) return 0;
  if (lambda > 30) return Math.max(0, Math.round(lambda + Math.sqrt(lambda) * gaussian(r)));
  const l = Math.exp(-lambda);
  let k = 0;
  let p = 1;
  do {
    k++;
    p *= r();
  } while (p > l);
  return k - 1;
}

function binomial(r: () => number, n: number, p: number): number {
  if (n <= 0 || p <= 0) return 0;
  if (n > 60) return Math.min(n, Math.max(0, Math.round(n * p + Math.sqrt(n * p * (1 - p)) * gaussian(r))));
  let k = 0;
  for (let i = 0; i < n; i++) if (r() < p) k++;
  return k;
}

const sigmoid = (x: number): number => 1 / (1 + Math.exp(-x));

function shiftDate(iso: string, days: number): string {
  return new Date(Date.parse(`${iso}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
}

/** Share of a day's searches per hour (KST): quiet nights, a lunch bump, an evening peak. */
const HOURLY = (() => {
  const w = Array.from(
    { length: 24 },
    (_, h) =>
      0.25 +
      Math.exp(-((h - 21) ** 2) / 8) * 1.4 +
      Math.exp(-((h - 12) ** 2) / 4) * 0.8 +
      (h >= 8 && h <= 23 ? 0.5 : 0),
  );
  const s = w.reduce((a, b) => a + b, 0);
  return w.map((x) => x / s);
})();

export function generateSample(o: SampleOptions = {}): SampleData {
  const seed = o.seed ?? 42;
  const r = rng(seed);
  const nKeywords = o.keywords ?? 1000;
  const nDays = o.days ?? 30;
  const today = o.today ?? '2026-11-21';
  const customerId = o.customerId ?? '1234567';
  if (!Number.isInteger(nKeywords) || nKeywords < 20) throw new Error('--keywords must be an integer >= 20');
  if (!Number.isInteger(nDays) || nDays < 1 || nDays > 400) throw new Error('--days must be an integer in 1..400');
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)] as T;

  // --- keyword universe -------------------------------------------------------------------------------------------
  const seen = new Set<string>();
  const keywords: SampleKeyword[] = [];
  const spaced = (tokens: string[]) => tokens.join(' ');
  for (let guard = 0; keywords.length < nKeywords && guard < nKeywords * 50; guard++) {
    const shape = r();
    const brand = pick(BRANDS);
    const product = pick(PRODUCTS);
    const tokens =
      shape < 0.35
        ? [brand, product]
        : shape < 0.6
          ? [product, pick(MODIFIERS)]
          : shape < 0.8
            ? [brand, product, pick(MODIFIERS)]
            : shape < 0.9
              ? [pick(SEASONAL), product]
              : [product];
    // Spacing variants: Korean keywords often come both with and without the space.
    const text =
      tokens.length === 2 && r() < 0.25 && /[가-힣]/.test(tokens.join('')) ? tokens.join('') : spaced(tokens);
    if (seen.has(text)) continue;
    seen.add(text);
    const quality = gaussian(r);
    const i = keywords.length;
    keywords.push({
      id: `nkw-a001-01-${String(i).padStart(15, '0')}`,
      keyword: text,
      campaignId: `cmp-a001-01-${String(Math.floor(i / 200)).padStart(15, '0')}`,
      adgroupId: `grp-a001-01-${String(Math.floor(i / 20)).padStart(15, '0')}`,
      bidAmt: Math.round(Math.min(100_000, Math.max(70, Math.exp(6 + 0.8 * gaussian(r)))) / 10) * 10,
      qualityIndex: Math.min(7, Math.max(1, Math.round(4 + 1.4 * quality + 0.6 * gaussian(r)))),
      isBrand: BRANDS.includes(tokens[0] as string),
      isSeason: SEASONAL.includes(tokens[0] as string),
      tokens: tokens.flatMap((t) => t.split(' ')),
      quality,
      convPropensity: gaussian(r),
    });
  }

  // --- search terms and their candidates ------------------------------------------------------------------------
  const nTerms = o.searchTerms ?? Math.max(10, Math.floor(keywords.length / 8));
  const terms = new Set<string>();
  for (let guard = 0; terms.size < nTerms && guard < nTerms * 50; guard++) {
    const shape = r();
    const t =
      shape < 0.5
        ? `${pick(BRANDS)} ${pick(PRODUCTS)}`
        : shape < 0.8
          ? `${pick(PRODUCTS)} ${pick(MODIFIERS)}`
          : pick(PRODUCTS);
    terms.add(t);
  }
  const searchTerms = [...terms];
  const byToken = new Map<string, number[]>();
  keywords.forEach((k, i) => {
    for (const t of new Set([...k.tokens, k.keyword.replace(/\s+/g, '')])) {
      const l = byToken.get(t) ?? [];
      l.push(i);
      byToken.set(t, l);
    }
  });
  const nCand = o.candidates ?? 30;
  const relations: SampleData['relations'] = [];
  const pairs: { term: number; kw: number; relatedness: number; popularity: number }[] = [];
  searchTerms.forEach((term, ti) => {
    const tTokens = term.split(' ');
    const cands = new Set<number>();
    for (const t of tTokens) for (const i of byToken.get(t) ?? []) if (cands.size < nCand) cands.add(i);
    while (cands.size < Math.min(nCand, keywords.length)) cands.add(Math.floor(r() * keywords.length)); // loosely related
    const popularity = Math.exp(1.2 * gaussian(r)); // search volume of the term
    for (const ki of cands) {
      const k = keywords[ki] as SampleKeyword;
      const shared = tTokens.filter((t) => k.tokens.includes(t));
      const productMatch = shared.some((t) => PRODUCTS.some((p) => p.split(' ').includes(t)));
      const brandMatch = shared.some((t) => BRANDS.includes(t));
      const brandClash = k.isBrand && tTokens.some((t) => BRANDS.includes(t)) && !brandMatch;
      const relatedness = Math.min(
        1,
        Math.max(
          0,
          (productMatch ? 0.55 : 0) +
            (brandMatch ? 0.35 : 0) +
            0.1 * shared.length -
            (brandClash ? 0.3 : 0) +
            0.08 * gaussian(r),
        ),
      );
      pairs.push({ term: ti, kw: ki, relatedness, popularity });
      relations.push({
        searchTerm: term,
        keyword: k.keyword,
        figures: {
          monthlySearchVolume: Math.round(popularity * 800 * (0.3 + relatedness) * Math.exp(0.4 * gaussian(r))),
          competition: k.bidAmt > 1500 ? 'high' : k.bidAmt > 500 ? 'mid' : 'low',
          adDepth: Math.min(15, Math.max(1, Math.round(3 + k.bidAmt / 600 + gaussian(r)))),
        },
      });
    }
  });

  // --- hourly performance from the hidden model -------------------------------------------------------------------
  const days = Array.from({ length: nDays }, (_, d) => shiftDate(today, d - nDays));
  const records: PerformanceRecord[] = [];
  for (const [di, date] of days.entries()) {
    const dow = (Math.round(Date.parse(`${date}T00:00:00Z`) / 86_400_000) + 3) % 7;
    const weekend = dow >= 5 ? 1.15 : 1;
    const winter = Number(date.slice(5, 7)) >= 11 || Number(date.slice(5, 7)) <= 2;
    for (const p of pairs) {
      const k = keywords[p.kw] as SampleKeyword;
      // Exposure: how often the keyword's ad shows for the term (relatedness, bid, quality).
      const rank = Math.min(15, Math.max(1, 6 - 1.2 * Math.log(k.bidAmt / 300) - 0.9 * k.quality + 0.6 * gaussian(r)));
      const lambda =
        0.5 *
        p.popularity *
        weekend *
        (0.15 + 2.2 * p.relatedness ** 2) *
        (1.3 - rank / 15) *
        (k.isSeason && winter ? 1.6 : 1) *
        (1 + 0.02 * di);
      const daily = poisson(r, lambda);
      if (daily === 0) continue;
      const cells = new Map<number, number>(); // hour * 2 + device → impressions
      for (let i = 0; i < daily; i++) {
        let u = r();
        let h = 0;
        while (h < 23 && u > (HOURLY[h] as number)) u -= HOURLY[h++] as number;
        const cell = h * 2 + (r() < 0.72 ? 1 : 0);
        cells.set(cell, (cells.get(cell) ?? 0) + 1);
      }
      for (const [cell, impressions] of cells) {
        const hour = cell >> 1;
        const mobile = (cell & 1) === 1;
        const ctr = sigmoid(
          -5.0 +
            3.2 * p.relatedness +
            0.45 * k.quality -
            0.12 * (rank - 1) +
            (mobile ? 0.25 : 0) +
            (hour >= 20 && hour <= 23 ? 0.2 : hour <= 5 ? -0.3 : 0) +
            (k.isBrand ? 0.2 : 0) +
            (k.isSeason && winter ? 0.35 : 0),
        );
        const clicks = binomial(r, impressions, ctr);
        const cvr = sigmoid(
          -3.0 + 1.6 * k.convPropensity + 1.5 * p.relatedness + 0.3 * k.quality + (mobile ? -0.2 : 0),
        );
        const conversions = binomial(r, clicks, cvr);
        const cpc = Math.round((k.bidAmt * (0.45 + 0.5 * r())) / 10) * 10;
        records.push({
          date,
          hour,
          device: mobile ? 'MOBILE' : 'PC',
          searchTerm: searchTerms[p.term] as string,
          keyword: k.keyword,
          impressions,
          clicks,
          conversions,
          cost: clicks * cpc,
          sumAdRank: (Math.round(rank * 10) / 10) * impressions,
          bidAmt: k.bidAmt,
          qualityIndex: k.qualityIndex,
          isBrand: k.isBrand,
          isSeason: k.isSeason,
        });
      }
    }
  }
  return { customerId, keywords, searchTerms, relations, records, days };
}

/**
 * The fake Naver server's seed: entities, keyword-tool relations (hint = search term without spaces) and the daily
 * AD_DETAIL / AD_CONVERSION_DETAIL reports — the sample's hourly performance summed per keyword, as Naver reports it.
 */
export function toFakeNaverData(s: SampleData): FakeData {
  const campaigns = [...new Set(s.keywords.map((k) => k.campaignId))].map((id, i) => ({
    nccCampaignId: id,
    customerId: Number(s.customerId),
    name: `캠페인 ${i + 1}`,
    campaignTp: 'WEB_SITE',
    status: 'ELIGIBLE',
    dailyBudget: 100_000,
  }));
  const adgroups = [...new Map(s.keywords.map((k) => [k.adgroupId, k.campaignId]))].map(([id, cmp], i) => ({
    nccAdgroupId: id,
    nccCampaignId: cmp,
    name: `광고그룹 ${i + 1}`,
    bidAmt: 500,
    adgroupType: 'WEB_SITE',
    status: 'ELIGIBLE',
  }));
  const keywords = s.keywords.map((k) => ({
    nccKeywordId: k.id,
    nccAdgroupId: k.adgroupId,
    nccCampaignId: k.campaignId,
    keyword: /^[\x20-\x7e]+$/.test(k.keyword) ? k.keyword.toUpperCase() : k.keyword,
    bidAmt: k.bidAmt,
    useGroupBidAmt: false,
    status: 'ELIGIBLE',
    inspectStatus: 'APPROVED',
    nccQi: { qiGrade: k.qualityIndex },
    regTm: '2026-01-02T03:04:05.000Z',
    editTm: '2026-10-01T00:00:00.000Z',
  }));
  const relations: FakeData['relations'] = {};
  for (const rel of s.relations) {
    const hint = rel.searchTerm.replace(/\s+/g, '');
    const v = rel.figures.monthlySearchVolume ?? 0;
    (relations[hint] ??= []).push({
      relKeyword: rel.keyword.replace(/\s+/g, ''),
      monthlyPcQcCnt: v < 10 ? '< 10' : Math.round(v * 0.3),
      monthlyMobileQcCnt: v < 10 ? '< 10' : Math.round(v * 0.7),
      monthlyAvePcClkCnt: Math.round(v * 0.3 * 0.01 * 10) / 10,
      monthlyAveMobileClkCnt: Math.round(v * 0.7 * 0.012 * 10) / 10,
      monthlyAvePcCtr: 1.0,
      monthlyAveMobileCtr: 1.2,
      plAvgDepth: rel.figures.adDepth ?? 1,
      compIdx: { low: '낮음', mid: '중간', high: '높음' }[rel.figures.competition ?? 'low'],
    });
  }
  // Records come day by day: aggregate one day at a time with numeric keys (keyword × 48 hour-device cells).
  const index = new Map(s.keywords.map((k, i) => [k.keyword, i]));
  const adRows: AdDetailRow[] = [];
  const convRows: AdConversionDetailRow[] = [];
  let day = '';
  let ad = new Map<number, AdDetailRow>();
  let conv = new Map<number, AdConversionDetailRow>();
  const flush = (): void => {
    for (const v of ad.values()) adRows.push(v);
    for (const v of conv.values()) convRows.push(v);
    ad = new Map();
    conv = new Map();
  };
  for (const r of s.records) {
    if (r.date !== day) {
      flush();
      day = r.date;
    }
    const ki = index.get(r.keyword) as number;
    const k = s.keywords[ki] as SampleKeyword;
    const key = ki * 48 + r.hour * 2 + (r.device === 'MOBILE' ? 1 : 0);
    const a = ad.get(key);
    if (a) {
      a.impressions += r.impressions;
      a.clicks += r.clicks;
      a.cost += r.cost;
      a.sumAdRank = Math.round((a.sumAdRank + r.sumAdRank) * 10) / 10;
    } else {
      ad.set(key, {
        date: r.date,
        customerId: s.customerId,
        campaignId: k.campaignId,
        adgroupId: k.adgroupId,
        keywordId: k.id,
        adId: `nad-${k.id.slice(4)}`,
        businessChannelId: 'bsn-a001-00-000000000000001',
        hour: r.hour,
        regionCode: '01',
        mediaCode: '27758',
        device: r.device,
        impressions: r.impressions,
        clicks: r.clicks,
        cost: r.cost,
        costConvention: 'vat_included',
        sumAdRank: r.sumAdRank,
        viewCount: 0,
      });
    }
    if (r.conversions > 0) {
      const c = conv.get(key);
      if (c) {
        c.conversions += r.conversions;
        c.conversionRevenue = c.conversions * 39_000;
      } else {
        conv.set(key, {
          date: r.date,
          customerId: s.customerId,
          campaignId: k.campaignId,
          adgroupId: k.adgroupId,
          keywordId: k.id,
          adId: `nad-${k.id.slice(4)}`,
          businessChannelId: 'bsn-a001-00-000000000000001',
          hour: r.hour,
          regionCode: '01',
          mediaCode: '27758',
          device: r.device,
          conversionMethod: 'direct',
          conversionType: 'purchase',
          legacyConversionType: false,
          conversions: r.conversions,
          conversionRevenue: r.conversions * 39_000,
        });
      }
    }
  }
  flush();
  return { campaigns, adgroups, keywords, relations, reports: { AD_DETAIL: adRows, AD_CONVERSION_DETAIL: convRows } };
}
