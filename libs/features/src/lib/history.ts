import { EMPTY_AGG, type HistoryAgg } from './records';

/**
 * Trailing-window totals per key, point in time: `advanceTo(day)` makes `get(key)` return the totals of days in
 * [day − window, day − 1] — strictly before `day`. Days are added in ascending order (`add(day, key, agg)` for a day
 * already finished), and old days leave the window lazily.
 */
export class TrailingWindow {
  private readonly entries = new Map<string, { days: number[]; aggs: HistoryAgg[]; head: number }>();
  private current = -Infinity;

  constructor(readonly windowDays: number) {
    if (!Number.isInteger(windowDays) || windowDays < 1)
      throw new Error(`window must be a positive integer, got ${windowDays}`);
  }

  /** Moves the point in time to `day`; only data from earlier days is visible afterwards. */
  advanceTo(day: number): void {
    if (day < this.current) throw new Error(`the window moves forward only (at day ${this.current}, asked for ${day})`);
    this.current = day;
  }

  /** Adds a finished day's totals of `key`. `day` must be before the current point in time. */
  add(day: number, key: string, agg: HistoryAgg): void {
    if (day >= this.current)
      throw new Error(`day ${day} is not before the current day ${this.current}: it would leak into its own features`);
    let e = this.entries.get(key);
    if (e === undefined) {
      e = { days: [], aggs: [], head: 0 };
      this.entries.set(key, e);
    }
    const last = e.days[e.days.length - 1];
    if (last !== undefined && last > day) throw new Error('days must be added in ascending order');
    e.days.push(day);
    e.aggs.push({ ...agg });
  }

  /** Totals of `key` over the window before the current day, or undefined when it has none. */
  get(key: string): HistoryAgg | undefined {
    const e = this.entries.get(key);
    if (e === undefined) return undefined;
    const from = this.current - this.windowDays;
    while (e.head < e.days.length && (e.days[e.head] as number) < from) e.head++;
    if (e.head > 64 && e.head * 2 > e.days.length) {
      e.days = e.days.slice(e.head);
      e.aggs = e.aggs.slice(e.head);
      e.head = 0;
    }
    // Summed afresh in day order (no running total with subtractions): the same days give the same floating-point
    // totals whichever way they were reached — in training and in the serving snapshot alike.
    const total = { ...EMPTY_AGG };
    let any = false;
    for (let i = e.head; i < e.days.length && (e.days[i] as number) < this.current; i++) {
      addInto(total, e.aggs[i] as HistoryAgg);
      any = true;
    }
    return any ? total : undefined;
  }

  keys(): IterableIterator<string> {
    return this.entries.keys();
  }
}

export function addInto(target: HistoryAgg, a: HistoryAgg): void {
  target.impressions += a.impressions;
  target.clicks += a.clicks;
  target.conversions += a.conversions;
  target.cost += a.cost;
  target.sumAdRank += a.sumAdRank;
}
