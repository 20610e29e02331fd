import type { Evaluation, MetricSet } from '../steps/evaluate.step';
import { HEADLINE } from '../steps/evaluate.step';
import type { GateDecision } from '../steps/gate.step';
import type { ValidationReport } from '../steps/validate.step';
import { barChart, columnChart, esc, fmt, histogram, lineChart } from './svg';

export interface ReportInput {
  version: string;
  createdAt: string;
  dataWindow: { historyFrom: string; from: string; validFrom: string; holdoutFrom: string; to: string };
  source: string;
  embedder: { id: string; dim: number };
  params: { version: string; source: string };
  evaluation: Evaluation;
  gate: GateDecision;
  validation: ValidationReport;
  embedStats: { keywords: number; reused: number; embedded: number; searchTerms: number };
}

const METRIC_NOTES: Record<string, string> = {
  'ctr.rmse': 'impression-weighted RMSE of hourly CTR',
  'ctr.mae': 'impression-weighted MAE',
  'ctr.ece': 'expected calibration error (10 equal-weight bins)',
  'conversion.auc': 'ROC AUC on clicked rows',
  'conversion.logloss': 'log loss on clicked rows',
  'conversion.ece': 'expected calibration error',
  'ranker.ndcg@5': 'per (search term, day), gain 2^grade − 1',
  'ranker.ndcg@10': 'per (search term, day)',
  'ranker.map': 'mean average precision, grade ≥ 1 relevant',
};

/**
 * The evaluation report: one self-contained HTML file (inline SVG and CSS, no script, no external resource — the CSP
 * forbids any): metrics beside baselines and the current bundle, the gate's checks, feature importance (gain) per
 * model, calibration curves, the NDCG@10 distribution over holdout queries, validation curves, a data summary.
 */
export function renderReport(r: ReportInput): string {
  const e = r.evaluation;
  const cols: { name: string; m: MetricSet | null | undefined }[] = [
    { name: 'new model', m: e.model },
    ...(e.current ? [{ name: `current ${e.current.version} (this holdout)`, m: e.current.scored }] : []),
    ...(e.current ? [{ name: `current (recorded)`, m: e.current.recorded }] : []),
    ...Object.entries(e.baselines).map(([name, m]) => ({ name: `baseline: ${name}`, m })),
  ];
  const metricRows = Object.keys(METRIC_NOTES)
    .map((k) => {
      const cells = cols.map((c) => `<td>${c.m && c.m[k] !== undefined ? fmt(c.m[k] as number) : '—'}</td>`).join('');
      const head = k in HEADLINE ? ' class="headline"' : '';
      return `<tr${head}><th>${esc(k)}${k in HEADLINE ? ` <small>(${HEADLINE[k]} is better)</small>` : ''}<br><small>${esc(METRIC_NOTES[k] as string)}</small></th>${cells}</tr>`;
    })
    .join('');
  const gateRows = r.gate.checks
    .map(
      (c) =>
        `<tr class="${c.ok ? 'ok' : 'bad'}"><td>${esc(c.metric)}</td><td>${esc(c.against)}</td><td>${fmt(c.ours)}</td><td>${fmt(c.theirs)}</td><td>${(c.worseBy * 100).toFixed(2)}%</td><td>${(c.tolerance * 100).toFixed(1)}%</td><td>${c.ok ? 'ok' : 'worse'}</td></tr>`,
    )
    .join('');
  const figure = (id: string, caption: string, svg: string) =>
    `<figure class="plot" data-plot="${id}">${svg}<figcaption>${esc(caption)}</figcaption></figure>`;
  const importance = (['ctr', 'conversion', 'ranker'] as const)
    .map((kind) => {
      const imp = e.importance[kind];
      const total = imp.reduce((a, x) => a + x.gain, 0) || 1;
      return figure(
        `importance-${kind}`,
        `${kind}: share of total split gain per feature (top 15)`,
        barChart(
          imp.slice(0, 15).map((x) => ({ label: x.feature, value: (100 * x.gain) / total })),
          { title: `Feature importance (gain) — ${kind}`, unit: '%' },
        ),
      );
    })
    .join('');
  const calib = (['ctr', 'conversion'] as const)
    .map((kind) =>
      figure(
        `calibration-${kind}`,
        `${kind}: mean prediction vs observed rate in 10 equal-weight bins of the holdout (dashed: perfect)`,
        lineChart(
          [{ name: 'new model', points: e.calibration[kind].map((b) => [b.predicted, b.observed]), markers: true }],
          {
            title: `Calibration — ${kind}`,
            xLabel: 'predicted',
            yLabel: 'observed',
            diagonal: true,
            xMin: 0,
            yMin: 0,
          },
        ),
      ),
    )
    .join('');
  const ndcg = figure(
    'ndcg-distribution',
    `NDCG@10 per holdout query (${e.ndcg10PerQuery.model.length} queries): new ranker vs similarity order`,
    histogram(
      [
        { name: 'new ranker', values: e.ndcg10PerQuery.model },
        { name: 'similarity', values: e.ndcg10PerQuery.similarity },
      ],
      { title: 'NDCG@10 distribution over queries', xLabel: 'NDCG@10', lo: 0, hi: 1, bins: 10 },
    ),
  );
  const curves = (['ctr', 'conversion', 'ranker'] as const)
    .map((kind) => {
      const t = e.training[kind];
      return figure(
        `validation-${kind}`,
        `${kind}: validation ${t.evals.metric ?? ''} per iteration (best ${t.bestIteration} of ${t.iterations}, ${t.engine} engine)`,
        lineChart([{ name: t.evals.metric ?? 'metric', points: t.evals.values.map((v, i) => [i + 1, v]) }], {
          title: `Early stopping — ${kind}`,
          xLabel: 'iteration',
          yLabel: t.evals.metric ?? '',
        }),
      );
    })
    .join('');
  const v = r.validation;
  const data = figure(
    'rows-per-day',
    'rows per day in the training window',
    columnChart(
      v.summary.rowsPerDay.map((d) => ({ label: d.date.slice(5), value: d.rows })),
      { title: 'Rows per day', yLabel: 'rows' },
    ),
  );
  const warnings = v.warnings.length
    ? `<ul>${v.warnings.map((w) => `<li>${esc(w.message)}${w.examples.length ? ` — e.g. ${esc(w.examples.join('; '))}` : ''}</li>`).join('')}</ul>`
    : '<p>No warnings.</p>';
  const s = v.summary;
  const dw = r.dataWindow;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<title>adrank training report ${esc(r.version)}</title>
<style>
body{font-family:system-ui,sans-serif;margin:24px;color:#111;max-width:1400px}
h1{font-size:20px}h2{font-size:16px;margin-top:28px;border-bottom:1px solid #ddd}
table{border-collapse:collapse;font-size:12px}td,th{border:1px solid #ddd;padding:4px 8px;text-align:right;vertical-align:top}
th{text-align:left;font-weight:normal}tr.headline th{font-weight:bold}thead th{font-weight:bold;background:#f3f4f6}
tr.bad td{background:#fee2e2}tr.ok td{background:#f0fdf4}
.decision{font-size:15px;padding:8px 12px;display:inline-block;border-radius:4px}
.publish{background:#dcfce7}.hold{background:#fee2e2}
.plots{display:flex;flex-wrap:wrap;gap:16px}figure{margin:0}figcaption{font-size:11px;color:#555;max-width:560px}
dl{display:grid;grid-template-columns:max-content auto;gap:2px 12px;font-size:13px}dt{color:#555}
</style></head><body>
<h1>adrank training report — ${esc(r.version)}</h1>
<p class="decision ${r.gate.decision}" id="decision">${r.gate.decision === 'publish' ? 'Published' : 'Held by the gate'}: ${esc(r.gate.summary)}</p>
<dl>
<dt>created</dt><dd>${esc(r.createdAt)}</dd>
<dt>source</dt><dd>${esc(r.source)}</dd>
<dt>data window</dt><dd>history from ${dw.historyFrom}; rows ${dw.from} … ${dw.to}; validation from ${dw.validFrom}; holdout ${dw.holdoutFrom} … ${dw.to}</dd>
<dt>embedder</dt><dd>${esc(r.embedder.id)} (dim ${r.embedder.dim}); ${r.embedStats.keywords} keywords (${r.embedStats.reused} reused, ${r.embedStats.embedded} embedded), ${r.embedStats.searchTerms} search terms</dd>
<dt>parameters</dt><dd>${esc(r.params.version)} (${esc(r.params.source)})</dd>
<dt>holdout</dt><dd>${e.holdout.rows} rows, ${e.holdout.queries} queries, ${e.holdout.clickedRows} clicked rows</dd>
</dl>
<h2>Holdout metrics</h2>
<table id="metrics"><thead><tr><th>metric</th>${cols.map((c) => `<th>${esc(c.name)}</th>`).join('')}</tr></thead><tbody>${metricRows}</tbody></table>
<h2>Gate</h2>
${r.gate.skipped.length ? `<p>${r.gate.skipped.map(esc).join('<br>')}</p>` : ''}
<table id="gate"><thead><tr><th>metric</th><th>against</th><th>ours</th><th>theirs</th><th>worse by</th><th>tolerance</th><th></th></tr></thead><tbody>${gateRows}</tbody></table>
<h2>Feature importance</h2><div class="plots">${importance}</div>
<h2>Calibration</h2><div class="plots">${calib}</div>
<h2>Ranking</h2><div class="plots">${ndcg}</div>
<h2>Training</h2><div class="plots">${curves}</div>
<h2>Data</h2>
<dl>
<dt>rows (window)</dt><dd>${s.rows} (+ ${s.historyRows} history rows)</dd>
<dt>days</dt><dd>${s.days}</dd>
<dt>search terms / keywords</dt><dd>${s.searchTerms} / ${s.keywords}</dd>
<dt>impressions / clicks / conversions</dt><dd>${s.impressions} / ${s.clicks} / ${s.conversions}</dd>
</dl>
<div class="plots">${data}</div>
<h3>Validation warnings</h3>${warnings}
</body></html>
`;
}
