import {
  dayNumber,
  fitPriors,
  KeywordFeatureTable,
  pairKey,
  TrainingRowBuilder,
  type PerformanceRecord,
  type Priors,
  type RelationFigures,
  type TrainingRows,
} from '@adrank/features';
import type { Reporter } from '@adrank/job';
import { dateOf, type ExtractedData } from '../data';

export interface FeatureWindows {
  /** First day that emits rows (earlier days are history only). */
  from: string;
  /** First day of the validation slice (early stopping), inside the training part. */
  validFrom: string;
  /** First day of the holdout (scored, never trained on). */
  holdoutFrom: string;
  to: string;
  /** The features' trailing window (days). */
  historyDays: number;
}

/** Consecutive rows of one part of the split, with its query groups. */
export interface RowRange {
  start: number;
  end: number;
  /** Group sizes of the (search term, day) groups inside the range. */
  groups: number[];
}

export interface FeatureSet {
  rows: TrainingRows;
  split: { train: RowRange; valid: RowRange; holdout: RowRange };
  priors: Priors;
  /** The serving snapshot at the end of the window, shipped in the bundle. */
  table: KeywordFeatureTable;
}

/**
 * Step 4: point-in-time feature rows with @adrank/features, fed day by day from the columns (no row objects beyond
 * one day), into buffers allocated once at the final size; smoothing priors fitted on the days before the holdout
 * only; a time-based split (train | valid | holdout by day); the keyword feature table as of the last day.
 */
export class FeaturesStep {
  constructor(private readonly reporter: Reporter) {}

  run(data: ExtractedData, similarity: (t: string, k: string) => number, w: FeatureWindows): FeatureSet {
    const c = data.columns;
    const fromDay = dayNumber(w.from);
    const holdDay = dayNumber(w.holdoutFrom);
    const relations = new Map<string, RelationFigures>(
      data.relations.map((r) => [pairKey(r.searchTerm, r.keyword), r.figures]),
    );
    const relation = (t: string, k: string): RelationFigures | undefined => relations.get(pairKey(t, k));
    const priors = fitPriors(c.records(-Infinity, holdDay - 1));
    let capacity = 0;
    for (const d of c.days) if (d.day >= fromDay) capacity += d.rows;
    const builder = new TrainingRowBuilder({
      similarity,
      relation,
      windowDays: w.historyDays,
      priors,
      firstRowDate: w.from,
      capacity,
      keepKeys: false,
    });
    c.days.forEach((d, k) => {
      builder.addDay(d.date, c.dayRecords(k));
      this.reporter.progress(k + 1, c.days.length, 'days featurised');
    });
    const rows = builder.finish();
    const split = {
      train: range(rows, w.from, w.validFrom),
      valid: range(rows, w.validFrom, w.holdoutFrom),
      holdout: range(rows, w.holdoutFrom, dateOf(dayNumber(w.to) + 1)),
    };
    const table = KeywordFeatureTable.build(servingRecords(data, dayNumber(w.to) - w.historyDays + 1), {
      endDate: w.to,
      windowDays: w.historyDays,
      priors,
      relations: data.relations,
    });
    this.reporter.info('features built', {
      rows: rows.rows,
      features: rows.schema.width,
      train: split.train.end - split.train.start,
      valid: split.valid.end - split.valid.start,
      holdout: split.holdout.end - split.holdout.start,
      matrixMb: Math.round(rows.matrix.byteLength / 2 ** 20),
    });
    return { rows, split, priors, table };
  }
}

/** Rows of the days in [from, to) and their groups (groups never straddle days). */
function range(rows: TrainingRows, from: string, to: string): RowRange {
  const days = rows.dayRows.filter((d) => d.date >= from && d.date < to);
  const start = days[0]?.start ?? 0;
  const last = days[days.length - 1];
  const end = last === undefined ? 0 : last.start + last.rows;
  const groups: number[] = [];
  let at = 0;
  for (const g of rows.groups) {
    if (at >= start && at < end) groups.push(g);
    at += g;
  }
  return { start: days.length ? start : 0, end, groups };
}

/** The window's records plus each older keyword's latest record (its latest bid and settings), lazily. */
function* servingRecords(data: ExtractedData, windowFromDay: number): Generator<PerformanceRecord> {
  const c = data.columns;
  const latestBefore = new Int32Array(c.keywords.size).fill(-1);
  for (const d of c.days) {
    if (d.day >= windowFromDay) break;
    for (let i = d.start; i < d.start + d.rows; i++) {
      const k = c.keyword[i] as number;
      const j = latestBefore[k] as number;
      // the latest (day, hour), as KeywordFeatureTable picks a keyword's settings
      if (j < 0 || (c.day[j] as number) < d.day || (c.hour[j] as number) <= (c.hour[i] as number)) latestBefore[k] = i;
    }
  }
  for (const i of latestBefore) {
    if (i >= 0) yield c.record(i, dateOf(c.day[i] as number));
  }
  yield* c.records(windowFromDay);
}
