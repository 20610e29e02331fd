/**
 * The playground: one self-contained page (inline CSS and script, no framework, nothing fetched from elsewhere) that
 * talks to this API — model status from /health/ready, rankings through POST /rank with `explain`, per-feature
 * contributions of a chosen keyword as a bar chart, links to /docs, /metrics and the active bundle's /report.
 * The script is plain ES2017 so that any current browser runs it as is.
 */
export const PLAYGROUND_HTML = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>adrank playground</title>
<style>
  :root { --ink: #1d2330; --muted: #667085; --line: #e4e7ec; --bg: #f8f9fb; --accent: #2f6fde; --pos: #1a9e5a; --neg: #d64545; }
  * { box-sizing: border-box; }
  body { margin: 0; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", "Noto Sans KR", "NanumGothic", sans-serif; color: var(--ink); background: var(--bg); }
  header { display: flex; align-items: center; gap: 16px; padding: 12px 24px; background: #fff; border-bottom: 1px solid var(--line); flex-wrap: wrap; }
  header h1 { font-size: 18px; margin: 0; }
  header nav { margin-left: auto; display: flex; gap: 14px; }
  a { color: var(--accent); text-decoration: none; } a:hover { text-decoration: underline; }
  .badge { display: inline-block; padding: 2px 8px; border-radius: 999px; font-size: 12px; background: #eef2f6; color: var(--muted); }
  .badge.ok { background: #e6f6ee; color: var(--pos); } .badge.down { background: #fdecec; color: var(--neg); }
  main { display: grid; grid-template-columns: minmax(280px, 340px) 1fr; gap: 20px; padding: 20px 24px; align-items: start; }
  @media (max-width: 900px) { main { grid-template-columns: 1fr; } }
  section { background: #fff; border: 1px solid var(--line); border-radius: 8px; padding: 16px; }
  label { display: block; font-weight: 600; margin: 10px 0 4px; }
  .hint { color: var(--muted); font-weight: 400; font-size: 12px; }
  input, select, textarea, button { font: inherit; }
  input[type=text], input[type=number], input[type=password], select, textarea { width: 100%; padding: 7px 9px; border: 1px solid #cfd4dc; border-radius: 6px; background: #fff; }
  textarea { min-height: 90px; resize: vertical; }
  .row { display: grid; grid-template-columns: 1fr 1fr 1fr; gap: 8px; }
  button { margin-top: 14px; padding: 8px 16px; border: 0; border-radius: 6px; background: var(--accent); color: #fff; font-weight: 600; cursor: pointer; }
  button:disabled { opacity: .6; cursor: default; }
  details { margin-top: 12px; color: var(--muted); }
  .error { margin-top: 12px; padding: 10px; border-radius: 6px; background: #fdecec; color: #8a1f1f; white-space: pre-wrap; }
  table { width: 100%; border-collapse: collapse; }
  th, td { padding: 6px 8px; border-bottom: 1px solid var(--line); text-align: right; white-space: nowrap; }
  th { color: var(--muted); font-weight: 600; font-size: 12px; }
  th:nth-child(2), td:nth-child(2) { text-align: left; white-space: normal; }
  tbody tr { cursor: pointer; } tbody tr:hover { background: #f3f6fc; } tbody tr.selected { background: #e8f0fe; }
  .bar { display: inline-block; height: 8px; border-radius: 4px; background: var(--accent); vertical-align: middle; margin-right: 6px; }
  .new { font-size: 11px; color: #9a6700; background: #fff4d6; border-radius: 4px; padding: 0 4px; margin-left: 6px; }
  .meta { color: var(--muted); margin: 0 0 8px; }
  .tabs { display: flex; gap: 6px; margin: 6px 0 10px; }
  .tabs button { margin: 0; padding: 4px 10px; background: #eef2f6; color: var(--ink); font-weight: 500; }
  .tabs button.on { background: var(--accent); color: #fff; }
  #chart svg text { font-size: 12px; fill: var(--ink); }
  .empty { color: var(--muted); padding: 24px 0; text-align: center; }
  dialog { width: min(1100px, 95vw); height: 85vh; padding: 0; border: 1px solid var(--line); border-radius: 8px; }
  dialog iframe { width: 100%; height: calc(100% - 40px); border: 0; }
  dialog .bar-top { display: flex; justify-content: space-between; align-items: center; padding: 6px 12px; border-bottom: 1px solid var(--line); }
  dialog .bar-top button { margin: 0; padding: 4px 10px; }
</style>
</head>
<body>
<header>
  <h1>adrank playground</h1>
  <span id="status" class="badge">checking…</span>
  <span id="version" class="badge"></span>
  <nav>
    <a id="report-link" href="report">training report</a>
    <a href="docs">API docs</a>
    <a href="metrics">metrics</a>
  </nav>
</header>
<main>
  <section>
    <form id="form" autocomplete="off">
      <label for="q">Search term</label>
      <input id="q" name="q" type="text" placeholder="e.g. 나이키 운동화" required>
      <label for="candidates">Candidate keywords <span class="hint">— one per line; empty: the nearest keywords</span></label>
      <textarea id="candidates" name="candidates" placeholder="leave empty to retrieve"></textarea>
      <div class="row">
        <div><label for="topk">Top k</label><input id="topk" type="number" min="1" max="100" value="20"></div>
        <div><label for="hour">Hour</label><select id="hour"><option value="">now</option></select></div>
        <div><label for="device">Device</label><select id="device"><option>MOBILE</option><option>PC</option></select></div>
      </div>
      <details><summary>Authorization</summary>
        <label for="token">Bearer token <span class="hint">— only when the API has API_TOKEN set</span></label>
        <input id="token" type="password">
      </details>
      <button id="submit" type="submit">Rank</button>
    </form>
    <div id="error" class="error" hidden></div>
  </section>
  <section>
    <p id="meta" class="meta">Rank keywords for a search term to see the ranker's score, the predicted CTR and the conversion probability.</p>
    <table id="results" hidden>
      <thead><tr><th>#</th><th>keyword</th><th>score</th><th>CTR</th><th>conversion</th><th>similarity</th></tr></thead>
      <tbody></tbody>
    </table>
    <div id="explain" hidden>
      <h3 id="explain-title" style="margin:18px 0 4px"></h3>
      <div class="tabs" id="tabs"></div>
      <p id="explain-meta" class="meta"></p>
      <div id="chart"></div>
    </div>
  </section>
</main>
<dialog id="report-dialog"><div class="bar-top"><strong>Training report</strong><button id="report-close" type="button">close</button></div><iframe id="report-frame" title="training report"></iframe></dialog>
<script>
(function () {
  'use strict';
  var $ = function (id) { return document.getElementById(id); };
  var state = { results: [], selected: -1, model: 'ranker' };
  var MODELS = { ranker: 'ranker (raw score)', ctr: 'CTR (regression)', conversion: 'conversion (log-odds)' };
  var hour = $('hour');
  for (var h = 0; h < 24; h++) { var o = document.createElement('option'); o.value = String(h); o.textContent = h + ':00'; hour.appendChild(o); }
  try { $('token').value = sessionStorage.getItem('adrank-token') || ''; } catch (e) { /* storage off */ }

  function headers(json) {
    var h = {};
    if (json) h['content-type'] = 'application/json';
    var t = $('token').value.trim();
    if (t) h.authorization = 'Bearer ' + t;
    return h;
  }
  function text(el, s) { el.textContent = s; return el; }
  function el(tag, cls) { var e = document.createElement(tag); if (cls) e.className = cls; return e; }
  function pct(x) { return (100 * x).toFixed(2) + ' %'; }
  function showError(msg) { var e = $('error'); e.hidden = !msg; e.textContent = msg || ''; }

  function refreshStatus() {
    fetch('health/ready').then(function (r) { return r.json().then(function (b) { return { ok: r.ok, body: b }; }); })
      .then(function (x) {
        var h = x.body ? (x.body.health || x.body) : {};
        var m = h.details && h.details.model ? h.details.model : {};
        var s = $('status');
        s.className = 'badge ' + (x.ok ? 'ok' : 'down');
        s.textContent = x.ok ? 'ready' : (x.body && x.body.error) || 'not ready';
        $('version').textContent = m.activeVersion ? 'model ' + m.activeVersion : 'no model';
      })
      .catch(function () { var s = $('status'); s.className = 'badge down'; s.textContent = 'unreachable'; });
  }
  refreshStatus();
  setInterval(refreshStatus, 5000);

  $('form').addEventListener('submit', function (ev) {
    ev.preventDefault();
    var q = $('q').value.trim();
    if (!q) return;
    try { sessionStorage.setItem('adrank-token', $('token').value.trim()); } catch (e) { /* storage off */ }
    var body = { given_word: q, top_k: Math.max(1, Math.min(100, Number($('topk').value) || 20)), device: $('device').value, explain: true };
    if ($('hour').value !== '') body.hour = Number($('hour').value);
    var cands = $('candidates').value.split('\\n').map(function (s) { return s.trim(); }).filter(Boolean);
    if (cands.length) body.candidates = cands;
    $('submit').disabled = true;
    showError('');
    fetch('rank', { method: 'POST', headers: headers(true), body: JSON.stringify(body) })
      .then(function (r) { return r.json().then(function (b) { return { status: r.status, body: b }; }); })
      .then(function (x) {
        if (x.status !== 200) { showError(x.status + ': ' + (x.body.error || JSON.stringify(x.body))); return; }
        render(x.body);
      })
      .catch(function (e) { showError('request failed: ' + e.message); })
      .then(function () { $('submit').disabled = false; });
  });

  function render(r) {
    state.results = r.results;
    state.selected = -1;
    text($('meta'), r.results.length + ' keywords for “' + r.given_word + '” · model ' + r.model_version + ' · ' + r.took_ms + ' ms · click a row to see why');
    var tbody = $('results').querySelector('tbody');
    tbody.innerHTML = '';
    var scores = r.results.map(function (x) { return x.score; });
    var lo = Math.min.apply(null, scores), hi = Math.max.apply(null, scores);
    r.results.forEach(function (x, i) {
      var tr = el('tr');
      tr.dataset.index = String(i);
      text(tr.appendChild(el('td')), String(i + 1));
      var kw = tr.appendChild(el('td'));
      text(kw.appendChild(el('span', 'kw')), x.keyword);
      if (!x.known_keyword) text(kw.appendChild(el('span', 'new')), 'new');
      var sc = tr.appendChild(el('td'));
      var bar = sc.appendChild(el('span', 'bar'));
      bar.style.width = (hi > lo ? 8 + 72 * (x.score - lo) / (hi - lo) : 80) + 'px';
      sc.appendChild(document.createTextNode(x.score.toFixed(3)));
      text(tr.appendChild(el('td')), pct(x.ctr));
      text(tr.appendChild(el('td')), pct(x.conversion_probability));
      text(tr.appendChild(el('td')), x.similarity.toFixed(3));
      tr.addEventListener('click', function () { select(i); });
      tbody.appendChild(tr);
    });
    $('results').hidden = r.results.length === 0;
    if (r.results.length === 0) text($('meta'), 'No keywords for “' + r.given_word + '”.');
    $('explain').hidden = true;
    if (r.results.length) select(0);
  }

  function select(i) {
    state.selected = i;
    var rows = $('results').querySelectorAll('tbody tr');
    for (var k = 0; k < rows.length; k++) rows[k].classList.toggle('selected', k === i);
    drawTabs();
    drawChart();
  }

  function drawTabs() {
    var tabs = $('tabs');
    tabs.innerHTML = '';
    Object.keys(MODELS).forEach(function (m) {
      var b = text(el('button', m === state.model ? 'on' : ''), MODELS[m]);
      b.type = 'button';
      b.dataset.model = m;
      b.addEventListener('click', function () { state.model = m; drawTabs(); drawChart(); });
      tabs.appendChild(b);
    });
  }

  function drawChart() {
    var x = state.results[state.selected];
    if (!x || !x.explanation) { $('explain').hidden = true; return; }
    var ex = x.explanation[state.model];
    $('explain').hidden = false;
    text($('explain-title'), 'Why “' + x.keyword + '”');
    var items = Object.keys(ex.contributions).map(function (f) { return { f: f, v: ex.contributions[f] }; })
      .sort(function (a, b) { return Math.abs(b.v) - Math.abs(a.v); }).slice(0, 12);
    var total = ex.expected_value + Object.keys(ex.contributions).reduce(function (s, f) { return s + ex.contributions[f]; }, 0);
    text($('explain-meta'), 'TreeSHAP contributions on the model\\'s raw scale: expected value ' + ex.expected_value.toFixed(4) +
      ' + contributions = ' + total.toFixed(4) + ' (largest 12 of ' + Object.keys(ex.contributions).length + ' features)');
    var W = 640, rowH = 24, left = 150, right = 70, H = items.length * rowH + 10;
    var max = Math.max.apply(null, items.map(function (d) { return Math.abs(d.v); }).concat([1e-12]));
    var mid = left + (W - left - right) / 2, half = (W - left - right) / 2;
    var NS = 'http://www.w3.org/2000/svg';
    var svg = document.createElementNS(NS, 'svg');
    svg.setAttribute('viewBox', '0 0 ' + W + ' ' + H);
    svg.setAttribute('width', String(W));
    svg.setAttribute('height', String(H));
    svg.setAttribute('role', 'img');
    var axis = document.createElementNS(NS, 'line');
    axis.setAttribute('x1', String(mid)); axis.setAttribute('x2', String(mid));
    axis.setAttribute('y1', '0'); axis.setAttribute('y2', String(H)); axis.setAttribute('stroke', '#cfd4dc');
    svg.appendChild(axis);
    items.forEach(function (d, i) {
      var y = 5 + i * rowH;
      var w = Math.max(1, half * Math.abs(d.v) / max);
      var r = document.createElementNS(NS, 'rect');
      r.setAttribute('class', 'contribution');
      r.setAttribute('data-feature', d.f);
      r.setAttribute('x', String(d.v >= 0 ? mid : mid - w));
      r.setAttribute('y', String(y + 3)); r.setAttribute('width', String(w)); r.setAttribute('height', String(rowH - 8));
      r.setAttribute('fill', d.v >= 0 ? '#1a9e5a' : '#d64545');
      svg.appendChild(r);
      var name = document.createElementNS(NS, 'text');
      name.setAttribute('x', String(left - 8)); name.setAttribute('y', String(y + rowH / 2 + 4)); name.setAttribute('text-anchor', 'end');
      name.textContent = d.f;
      svg.appendChild(name);
      var val = document.createElementNS(NS, 'text');
      val.setAttribute('x', String(W - right + 6)); val.setAttribute('y', String(y + rowH / 2 + 4));
      val.textContent = (d.v >= 0 ? '+' : '') + d.v.toFixed(4);
      svg.appendChild(val);
    });
    var chart = $('chart');
    chart.innerHTML = '';
    chart.appendChild(svg);
  }

  // the report needs the token when one is set: fetch it and show it in a dialog
  $('report-link').addEventListener('click', function (ev) {
    ev.preventDefault();
    showError('');
    fetch('report', { headers: headers(false) })
      .then(function (r) { return r.text().then(function (t) { return { status: r.status, text: t }; }); })
      .then(function (x) {
        if (x.status !== 200) { var b; try { b = JSON.parse(x.text).error; } catch (e) { b = x.text; } showError('report: ' + x.status + ': ' + b); return; }
        $('report-frame').srcdoc = x.text;
        $('report-dialog').showModal();
      })
      .catch(function (e) { showError('report: ' + e.message); });
  });
  $('report-close').addEventListener('click', function () { $('report-dialog').close(); });
})();
</script>
</body>
</html>
`;
