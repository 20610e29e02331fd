import { costConventionOn, type AdConversionDetailRow, type AdDetailRow } from '../lib/reports';
import { DEFAULT_FAKE_ACCOUNT, shiftDate, type FakeData } from './fake-server';

export interface FakeDataOptions {
  customerId?: string;
  campaigns?: number;
  adgroupsPerCampaign?: number;
  keywordsPerAdgroup?: number;
  /** Report days ending the day before `today` (default 3). */
  days?: number;
  /** KST date the reports end before (default 2026-11-21). */
  today?: string;
  seed?: number;
}

const WORDS = [
  '나이키 운동화',
  '러닝화',
  '등산화 추천',
  '캠핑 의자',
  '커피 머신',
  '원피스',
  '패딩 할인',
  'running shoes',
  'nike air',
  'coffee maker',
];

/**
 * Deterministic entities (Korean and English keywords — English ones upper-cased, as Naver returns them), keyword-tool
 * relations (some counts `"< 10"`, Korean compIdx) and hourly AD_DETAIL / AD_CONVERSION_DETAIL rows for the fake server.
 */
export function buildFakeData(o: FakeDataOptions = {}): FakeData {
  const customerId = o.customerId ?? DEFAULT_FAKE_ACCOUNT.customerId;
  let x = (o.seed ?? 7) >>> 0 || 7;
  const rnd = (): number => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 4294967296;
  };
  const data: FakeData = {
    campaigns: [],
    adgroups: [],
    keywords: [],
    relations: {},
    reports: { AD_DETAIL: [], AD_CONVERSION_DETAIL: [] },
  };
  const pad = (n: number) => String(n).padStart(3, '0');
  const kwIds: { kw: string; grp: string; cmp: string }[] = [];
  for (let c = 0; c < (o.campaigns ?? 2); c++) {
    const cmp = `cmp-a001-01-000000000${pad(c)}`;
    data.campaigns.push({
      nccCampaignId: cmp,
      customerId: Number(customerId),
      name: `캠페인 ${c + 1}`,
      campaignTp: c % 2 ? 'SHOPPING' : 'WEB_SITE',
      status: 'ELIGIBLE',
      dailyBudget: 50000,
    });
    for (let g = 0; g < (o.adgroupsPerCampaign ?? 2); g++) {
      const grp = `grp-a001-01-000000${pad(c)}${pad(g)}`;
      data.adgroups.push({
        nccAdgroupId: grp,
        nccCampaignId: cmp,
        name: `광고그룹 ${c + 1}-${g + 1}`,
        bidAmt: 500,
        adgroupType: 'WEB_SITE',
        status: 'ELIGIBLE',
      });
      for (let k = 0; k < (o.keywordsPerAdgroup ?? 5); k++) {
        const id = `nkw-a001-01-000${pad(c)}${pad(g)}${pad(k)}`;
        const word = `${WORDS[(c * 7 + g * 3 + k) % WORDS.length]}${k >= WORDS.length ? ` ${k}` : ''}`;
        data.keywords.push({
          nccKeywordId: id,
          nccAdgroupId: grp,
          nccCampaignId: cmp,
          keyword: /^[a-z0-9 ]+$/i.test(word) ? word.toUpperCase() : word,
          bidAmt: 70 + Math.floor(rnd() * 2000),
          useGroupBidAmt: k % 4 === 0,
          status: k % 9 === 8 ? 'PAUSED' : 'ELIGIBLE',
          inspectStatus: 'APPROVED',
          nccQi: { qiGrade: 1 + Math.floor(rnd() * 7) },
          regTm: '2026-01-02T03:04:05.000Z',
          editTm: '2026-10-01T00:00:00.000Z',
        });
        kwIds.push({ kw: id, grp, cmp });
      }
    }
  }
  for (const w of WORDS) {
    const hint = w.replace(/\s+/g, '');
    data.relations[hint] = [0, 1, 2].map((i) => ({
      relKeyword: i === 0 ? hint : `${hint}${['추천', '가격'][i - 1]}`,
      monthlyPcQcCnt: i === 2 ? '< 10' : 100 + Math.floor(rnd() * 5000),
      monthlyMobileQcCnt: i === 2 ? '<10' : 500 + Math.floor(rnd() * 40000),
      monthlyAvePcClkCnt: Math.round(rnd() * 1000) / 10,
      monthlyAveMobileClkCnt: Math.round(rnd() * 5000) / 10,
      monthlyAvePcCtr: Math.round(rnd() * 300) / 100,
      monthlyAveMobileCtr: Math.round(rnd() * 300) / 100,
      plAvgDepth: 1 + Math.floor(rnd() * 15),
      compIdx: ['낮음', '중간', '높음'][i],
    }));
  }
  const today = o.today ?? '2026-11-21';
  const days = o.days ?? 3;
  const ad = data.reports.AD_DETAIL as AdDetailRow[];
  const conv = data.reports.AD_CONVERSION_DETAIL as AdConversionDetailRow[];
  for (let d = days; d >= 1; d--) {
    const date = shiftDate(today, -d);
    for (const { kw, grp, cmp } of kwIds) {
      for (const hour of [9, 13, 21]) {
        for (const device of ['PC', 'MOBILE'] as const) {
          const impressions = Math.floor(rnd() * 200);
          const clicks = Math.min(impressions, Math.floor(rnd() * 12));
          const vatIncluded = costConventionOn(date) === 'vat_included';
          const cost = clicks * (vatIncluded ? 110 * (3 + Math.floor(rnd() * 8)) : Math.round(rnd() * 80000) / 100);
          const base = {
            date,
            customerId,
            campaignId: cmp,
            adgroupId: grp,
            keywordId: kw,
            adId: `nad-${kw.slice(4)}`,
            businessChannelId: 'bsn-a001-00-000000000000001',
            hour,
            regionCode: String(1 + (hour % 17)).padStart(2, '0'),
            mediaCode: '27758',
            device,
          };
          ad.push({
            ...base,
            impressions,
            clicks,
            cost,
            costConvention: costConventionOn(date),
            sumAdRank: impressions * (1 + Math.floor(rnd() * 8)),
            viewCount: 0,
          });
          if (clicks > 0 && rnd() < 0.3) {
            conv.push({
              ...base,
              conversionMethod: rnd() < 0.7 ? 'direct' : 'indirect',
              conversionType: rnd() < 0.1 ? '1' : 'purchase',
              legacyConversionType: false,
              conversions: 1,
              conversionRevenue: 10000 + Math.floor(rnd() * 90000),
            });
          }
        }
      }
    }
    // A row without a keyword (e.g. a shopping product ad): "-" in the file.
    ad.push({
      date,
      customerId,
      campaignId: kwIds[0]?.cmp ?? 'cmp',
      adgroupId: kwIds[0]?.grp ?? 'grp',
      keywordId: null,
      adId: 'nad-product-1',
      businessChannelId: 'bsn-a001-00-000000000000001',
      hour: 0,
      regionCode: '01',
      mediaCode: '27758',
      device: 'PC',
      impressions: 5,
      clicks: 0,
      cost: 0,
      costConvention: costConventionOn(date),
      sumAdRank: 10,
      viewCount: 0,
    });
  }
  for (const r of conv) r.legacyConversionType = /^[1-5]$/.test(r.conversionType);
  return data;
}
