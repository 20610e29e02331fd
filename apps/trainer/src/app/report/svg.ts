/** Small, dependency-free SVG charts for the self-contained report (no scripts, no external resources). */

export function esc(s: string): string {
  return s.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string,
  );
}

export function fmt(x: number, digits = 4): string {
  if (!Number.isFinite(x)) return String(x);
  if (x !== 0 && Math.abs(x) < 1e-3) return x.toExponential(2);
  return Number(x.toPrecision(digits)).toString();
}

const COLORS = ['#2563eb', '#dc2626', '#16a34a', '#9333ea', '#ea580c'];

/** Horizontal bars, one per item (label, value), scaled to the largest. */
export function barChart(items: { label: string; value: number }[], o: { title: string; unit?: string }): string {
  const rowH = 18;
  const labelW = 170;
  const w = 560;
  const h = items.length * rowH + 30;
  const max = Math.max(...items.map((i) => i.value), 1e-12);
  const bars = items
    .map((it, k) => {
      const y = 24 + k * rowH;
      const bw = Math.max(1, ((w - labelW - 70) * it.value) / max);
      return (
        `<text x="${labelW - 6}" y="${y + 12}" text-anchor="end" font-size="11">${esc(it.label)}</text>` +
        `<rect class="mark" x="${labelW}" y="${y + 2}" width="${bw.toFixed(1)}" height="${rowH - 5}" fill="${COLORS[0]}"/>` +
        `<text x="${(labelW + bw + 4).toFixed(1)}" y="${y + 12}" font-size="10" fill="#444">${fmt(it.value, 3)}${o.unit ?? ''}</text>`
      );
    })
    .join('');
  return svg(w, h, `<text x="4" y="14" font-size="12" font-weight="bold">${esc(o.title)}</text>${bars}`);
}

export interface Series {
  name: string;
  points: [number, number][];
  markers?: boolean;
}

/** Lines (and optional markers) on linear axes; `diagonal` draws y = x (perfect calibration). */
export function lineChart(
  series: Series[],
  o: { title: string; xLabel: string; yLabel: string; diagonal?: boolean; xMin?: number; yMin?: number },
): string {
  const w = 420;
  const h = 300;
  const m = { l: 56, r: 12, t: 26, b: 40 };
  const all = series.flatMap((s) => s.points).filter(([x, y]) => Number.isFinite(x) && Number.isFinite(y));
  let xMin = o.xMin ?? Math.min(...all.map((p) => p[0]));
  let xMax = Math.max(...all.map((p) => p[0]));
  let yMin = o.yMin ?? Math.min(...all.map((p) => p[1]));
  let yMax = Math.max(...all.map((p) => p[1]));
  if (o.diagonal) {
    xMin = yMin = Math.min(xMin, yMin);
    xMax = yMax = Math.max(xMax, yMax);
  }
  if (!(xMax > xMin)) xMax = xMin + 1;
  if (!(yMax > yMin)) yMax = yMin + 1;
  const X = (x: number) => m.l + ((x - xMin) / (xMax - xMin)) * (w - m.l - m.r);
  const Y = (y: number) => h - m.b - ((y - yMin) / (yMax - yMin)) * (h - m.t - m.b);
  let body = axes(w, h, m, [xMin, xMax], [yMin, yMax], X, Y, o);
  if (o.diagonal)
    body += `<line x1="${X(xMin)}" y1="${Y(yMin)}" x2="${X(xMax)}" y2="${Y(yMax)}" stroke="#999" stroke-dasharray="4 3"/>`;
  series.forEach((s, k) => {
    const c = COLORS[k % COLORS.length] as string;
    const pts = s.points.filter(([x, y]) => Number.isFinite(x) && Number.isFinite(y));
    if (pts.length === 0) return;
    body += `<path class="mark" d="${pts.map(([x, y], i) => `${i ? 'L' : 'M'}${X(x).toFixed(1)},${Y(y).toFixed(1)}`).join('')}" fill="none" stroke="${c}" stroke-width="2"/>`;
    if (s.markers)
      body += pts
        .map(([x, y]) => `<circle class="mark" cx="${X(x).toFixed(1)}" cy="${Y(y).toFixed(1)}" r="3" fill="${c}"/>`)
        .join('');
  });
  body += legend(
    series.map((s) => s.name),
    m.l + 8,
    m.t + 4,
  );
  return svg(w, h, `<text x="4" y="14" font-size="12" font-weight="bold">${esc(o.title)}</text>${body}`);
}

/** Side-by-side histogram bars of several value lists over [lo, hi] in `bins` bins. */
export function histogram(
  series: { name: string; values: number[] }[],
  o: { title: string; xLabel: string; lo: number; hi: number; bins: number },
): string {
  const w = 420;
  const h = 300;
  const m = { l: 56, r: 12, t: 26, b: 40 };
  const counts = series.map((s) => {
    const c = new Array<number>(o.bins).fill(0);
    for (const v of s.values) {
      if (!Number.isFinite(v)) continue;
      const b = Math.min(o.bins - 1, Math.max(0, Math.floor(((v - o.lo) / (o.hi - o.lo)) * o.bins)));
      c[b] = (c[b] as number) + 1;
    }
    return c;
  });
  const yMax = Math.max(1, ...counts.flat());
  const X = (x: number) => m.l + ((x - o.lo) / (o.hi - o.lo)) * (w - m.l - m.r);
  const Y = (y: number) => h - m.b - (y / yMax) * (h - m.t - m.b);
  let body = axes(w, h, m, [o.lo, o.hi], [0, yMax], X, Y, { xLabel: o.xLabel, yLabel: 'queries' });
  const slot = (w - m.l - m.r) / o.bins;
  const bw = (slot - 2) / series.length;
  counts.forEach((c, k) => {
    c.forEach((n, b) => {
      if (n === 0) return;
      const x = m.l + b * slot + 1 + k * bw;
      body += `<rect class="mark" x="${x.toFixed(1)}" y="${Y(n).toFixed(1)}" width="${bw.toFixed(1)}" height="${(h - m.b - Y(n)).toFixed(1)}" fill="${COLORS[k % COLORS.length]}"/>`;
    });
  });
  body += legend(
    series.map((s) => s.name),
    m.l + 8,
    m.t + 4,
  );
  return svg(w, h, `<text x="4" y="14" font-size="12" font-weight="bold">${esc(o.title)}</text>${body}`);
}

/** Vertical bars over categories (e.g. rows per day). */
export function columnChart(items: { label: string; value: number }[], o: { title: string; yLabel: string }): string {
  const w = 860;
  const h = 220;
  const m = { l: 64, r: 12, t: 26, b: 56 };
  const yMax = Math.max(1, ...items.map((i) => i.value));
  const slot = (w - m.l - m.r) / Math.max(1, items.length);
  const Y = (y: number) => h - m.b - (y / yMax) * (h - m.t - m.b);
  let body = `<line x1="${m.l}" y1="${h - m.b}" x2="${w - m.r}" y2="${h - m.b}" stroke="#333"/>`;
  body += `<line x1="${m.l}" y1="${m.t}" x2="${m.l}" y2="${h - m.b}" stroke="#333"/>`;
  body += `<text x="${m.l - 6}" y="${m.t + 4}" text-anchor="end" font-size="10">${fmt(yMax, 3)}</text>`;
  body += `<text x="${m.l - 6}" y="${h - m.b}" text-anchor="end" font-size="10">0</text>`;
  body += `<text x="12" y="${(h - m.b + m.t) / 2}" font-size="11" transform="rotate(-90 12 ${(h - m.b + m.t) / 2})" text-anchor="middle">${esc(o.yLabel)}</text>`;
  const every = Math.max(1, Math.ceil(items.length / 12));
  items.forEach((it, k) => {
    const x = m.l + k * slot;
    body += `<rect class="mark" x="${(x + 1).toFixed(1)}" y="${Y(it.value).toFixed(1)}" width="${Math.max(1, slot - 2).toFixed(1)}" height="${(h - m.b - Y(it.value)).toFixed(1)}" fill="${COLORS[0]}"/>`;
    if (k % every === 0)
      body += `<text x="${(x + slot / 2).toFixed(1)}" y="${h - m.b + 14}" font-size="9" text-anchor="middle">${esc(it.label)}</text>`;
  });
  return svg(w, h, `<text x="4" y="14" font-size="12" font-weight="bold">${esc(o.title)}</text>${body}`);
}

function axes(
  w: number,
  h: number,
  m: { l: number; r: number; t: number; b: number },
  xr: [number, number],
  yr: [number, number],
  X: (x: number) => number,
  Y: (y: number) => number,
  o: { xLabel: string; yLabel: string },
): string {
  let s = `<rect x="${m.l}" y="${m.t}" width="${w - m.l - m.r}" height="${h - m.t - m.b}" fill="#fafafa" stroke="#ccc"/>`;
  for (let i = 0; i <= 4; i++) {
    const xv = xr[0] + ((xr[1] - xr[0]) * i) / 4;
    const yv = yr[0] + ((yr[1] - yr[0]) * i) / 4;
    s += `<text x="${X(xv).toFixed(1)}" y="${h - m.b + 14}" font-size="10" text-anchor="middle">${fmt(xv, 3)}</text>`;
    s += `<text x="${m.l - 4}" y="${(Y(yv) + 3).toFixed(1)}" font-size="10" text-anchor="end">${fmt(yv, 3)}</text>`;
  }
  s += `<text x="${(m.l + w - m.r) / 2}" y="${h - 8}" font-size="11" text-anchor="middle">${esc(o.xLabel)}</text>`;
  s += `<text x="12" y="${(h - m.b + m.t) / 2}" font-size="11" text-anchor="middle" transform="rotate(-90 12 ${(h - m.b + m.t) / 2})">${esc(o.yLabel)}</text>`;
  return s;
}

function legend(names: string[], x: number, y: number): string {
  return names
    .map(
      (n, k) =>
        `<rect x="${x}" y="${y + k * 14}" width="10" height="10" fill="${COLORS[k % COLORS.length]}"/><text x="${x + 14}" y="${y + k * 14 + 9}" font-size="10">${esc(n)}</text>`,
    )
    .join('');
}

function svg(w: number, h: number, body: string): string {
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}" viewBox="0 0 ${w} ${h}" font-family="system-ui, sans-serif">${body}</svg>`;
}
