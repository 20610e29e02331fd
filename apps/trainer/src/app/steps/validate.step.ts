import { dayNumber } from '@adrank/features';
import { dateOf, type ExtractedData } from '../data';

export interface ValidationCheck {
  check: string;
  /** Rows (or days) affected. */
  count: number;
  message: string;
  examples: string[];
}

export interface ValidationReport {
  ok: boolean;
  errors: ValidationCheck[];
  warnings: ValidationCheck[];
  summary: {
    rows: number;
    historyRows: number;
    days: number;
    searchTerms: number;
    keywords: number;
    impressions: number;
    clicks: number;
    conversions: number;
    rowsPerDay: { date: string; rows: number; clicks: number }[];
  };
}

export interface ValidateOptions {
  minRows: number;
  minQueries: number;
  /** First day of the holdout (rows from it on are scored, never trained on). */
  holdoutFrom: string;
}

export class ValidationFailed extends Error {
  override readonly name = 'ValidationFailed';
  constructor(readonly report: ValidationReport) {
    super(
      `the data failed validation:\n${report.errors.map((e) => `  - ${e.message}${e.examples.length ? ` (e.g. ${e.examples.join('; ')})` : ''}`).join('\n')}`,
    );
  }
}

/**
 * Step 2: judges the extracted data before any CPU is spent on it. Errors (the job stops, nothing is published):
 * too few rows or search terms, bad values (missing or negative counts, non-integer counts, clicks above impressions,
 * bad hour/device, empty texts), days without data inside the row window, a holdout or training window without
 * clicks or without both converting and non-converting clicked rows. Warnings: missing history days, missing bids,
 * conversions above clicks.
 */
export function validateData(data: ExtractedData, o: ValidateOptions): ValidationReport {
  const c = data.columns;
  const fromDay = dayNumber(data.window.from);
  const toDay = dayNumber(data.window.to);
  const holdDay = dayNumber(o.holdoutFrom);
  const errors = new Map<string, ValidationCheck>();
  const warnings = new Map<string, ValidationCheck>();
  const note = (into: Map<string, ValidationCheck>, check: string, message: string, example: string): void => {
    let v = into.get(check);
    if (v === undefined) into.set(check, (v = { check, count: 0, message, examples: [] }));
    v.count++;
    if (v.examples.length < 3) v.examples.push(example);
  };
  const where = (i: number): string =>
    `${dateOf(c.day[i] as number)} "${c.terms.values[c.term[i] as number]}" / "${c.keywords.values[c.keyword[i] as number]}"`;

  let rows = 0;
  let historyRows = 0;
  let impressions = 0;
  let clicks = 0;
  let conversions = 0;
  const terms = new Set<number>();
  const keywords = new Set<number>();
  const split = { train: { clicked: 0, converted: 0 }, holdout: { clicked: 0, converted: 0, rows: 0 } };
  for (let i = 0; i < c.length; i++) {
    const day = c.day[i] as number;
    if (day < fromDay) historyRows++;
    else rows++;
    for (const [name, col] of [
      ['impressions', c.impressions],
      ['clicks', c.clicks],
      ['conversions', c.conversions],
      ['cost', c.cost],
      ['sum_ad_rank', c.sumAdRank],
    ] as const) {
      const v = col[i] as number;
      if (Number.isNaN(v)) note(errors, `${name}-missing`, `${name} is missing or not a number`, where(i));
      else if (v < 0) note(errors, `${name}-negative`, `${name} is negative`, `${where(i)}: ${v}`);
      else if (name !== 'cost' && name !== 'sum_ad_rank' && !Number.isInteger(v))
        note(errors, `${name}-fraction`, `${name} is not a whole number`, `${where(i)}: ${v}`);
    }
    const imp = c.impressions[i] as number;
    const clk = c.clicks[i] as number;
    const cv = c.conversions[i] as number;
    if (clk > imp)
      note(errors, 'clicks-above-impressions', 'clicks exceed impressions', `${where(i)}: ${clk} > ${imp}`);
    if (cv > clk)
      note(warnings, 'conversions-above-clicks', 'conversions exceed clicks', `${where(i)}: ${cv} > ${clk}`);
    if (c.hour[i] === 255) note(errors, 'hour', 'stat_hour is not an integer 0–23', where(i));
    if (c.mobile[i] === 255) note(errors, 'device', 'device is not PC or MOBILE', where(i));
    if (c.terms.values[c.term[i] as number] === '') note(errors, 'search-term-empty', 'search_term is empty', where(i));
    if (c.keywords.values[c.keyword[i] as number] === '') note(errors, 'keyword-empty', 'keyword is empty', where(i));
    if (Number.isNaN(c.bidAmt[i] as number))
      note(warnings, 'bid-missing', 'bid_amt is missing (the row is built with a bid of 0)', where(i));
    if (day < fromDay) continue;
    terms.add(c.term[i] as number);
    keywords.add(c.keyword[i] as number);
    if (imp > 0) impressions += imp;
    if (clk > 0) clicks += clk;
    if (cv > 0) conversions += cv;
    const s = day >= holdDay ? split.holdout : split.train;
    if (day >= holdDay) split.holdout.rows++;
    if (clk > 0) {
      s.clicked++;
      if (cv > 0) s.converted++;
    }
  }
  if (rows < o.minRows)
    note(
      errors,
      'min-rows',
      `only ${rows} rows in the window ${data.window.from}…${data.window.to} (need ≥ ${o.minRows})`,
      data.source,
    );
  if (terms.size < o.minQueries)
    note(errors, 'min-queries', `only ${terms.size} distinct search terms (need ≥ ${o.minQueries})`, data.source);
  const present = new Set(c.days.map((d) => d.day));
  for (let d = fromDay; d <= toDay; d++)
    if (!present.has(d)) note(errors, 'date-gap', 'days without any data inside the training window', dateOf(d));
  const historyFrom = dayNumber(data.window.historyFrom);
  for (let d = historyFrom; d < fromDay; d++)
    if (!present.has(d))
      note(
        warnings,
        'history-gap',
        'days without data in the history before the window (features see less)',
        dateOf(d),
      );
  for (const [name, s] of [
    ['training', split.train],
    ['holdout', split.holdout],
  ] as const) {
    if (s.clicked === 0) note(errors, `${name}-no-clicks`, `the ${name} days have no clicked rows`, data.window.to);
    else if (s.converted === 0 || s.converted === s.clicked)
      note(
        errors,
        `${name}-conversions`,
        `the ${name} days need both converting and non-converting clicked rows (have ${s.converted} of ${s.clicked})`,
        data.window.to,
      );
  }
  const rowsPerDay = c.days
    .filter((d) => d.day >= fromDay)
    .map((d) => {
      let clk = 0;
      for (let i = d.start; i < d.start + d.rows; i++) clk += (c.clicks[i] as number) > 0 ? (c.clicks[i] as number) : 0;
      return { date: d.date, rows: d.rows, clicks: clk };
    });
  const errs = [...errors.values()].map(withCount);
  return {
    ok: errs.length === 0,
    errors: errs,
    warnings: [...warnings.values()].map(withCount),
    summary: {
      rows,
      historyRows,
      days: rowsPerDay.length,
      searchTerms: terms.size,
      keywords: keywords.size,
      impressions,
      clicks,
      conversions,
      rowsPerDay,
    },
  };
}

function withCount(v: ValidationCheck): ValidationCheck {
  return v.count > 1 ? { ...v, message: `${v.message} (${v.count}×)` } : v;
}
