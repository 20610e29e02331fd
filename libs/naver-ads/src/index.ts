export { NaverAdsClient } from './lib/client';
export type {
  Campaign,
  CampaignType,
  AdGroup,
  Keyword,
  StatsQuery,
  StatsRow,
  StatsResult,
  StatField,
  DatePreset,
  Breakdown,
  RelatedKeyword,
  MonthlyCount,
  Competition,
  ReportJob,
  ReportStatus,
  WaitOptions,
  PageOptions,
} from './lib/client';
export { STAT_FIELDS, parseMonthlyCount, parseCompetition } from './lib/client';
export {
  resolveConfig,
  configFromEnv,
  DEFAULT_BASE_URL,
  type NaverAdsConfig,
  type ResolvedConfig,
  type NaverAdsHooks,
  type CallEvent,
  type RetryEvent,
} from './lib/config';
export { NaverApiError, NaverResponseError, NaverConfigError, ReportParseError, ReportJobError } from './lib/errors';
export { resetSharedLimits } from './lib/http';
export { TokenBucket, RateLimitCircuit } from './lib/rate-limit';
export { signature, encodePath } from './lib/sign';
export {
  parseReport,
  parseReportRows,
  costIncludingVat,
  costConventionOn,
  REPORT_TYPES,
  REPORT_COLUMNS,
  COST_CONVENTION_CHANGE,
  type ReportType,
  type ReportRows,
  type ReportRowBase,
  type AdRow,
  type AdDetailRow,
  type AdConversionRow,
  type AdConversionDetailRow,
  type CostConvention,
  type ParseOptions,
} from './lib/reports';
