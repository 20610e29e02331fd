// node tools/bench/cluster.cjs <workers> <script> — bench:api --workers N: N processes running <script>, sharing its
// listening port through node:cluster (the primary hands out connections). Used only to measure the multi-process
// alternative; the service itself runs one process per pod (apps/inference-api/README.md, "Multi-core").
const cluster = require('node:cluster');
const n = Number(process.argv[2]);
const script = process.argv[3];
if (!Number.isInteger(n) || n < 1 || !script) {
  process.stderr.write('usage: cluster.cjs <workers> <script>\n');
  process.exit(2);
}
if (cluster.isPrimary) {
  for (let i = 0; i < n; i++) cluster.fork();
  const stop = () => {
    for (const w of Object.values(cluster.workers ?? {})) w?.kill('SIGTERM');
    setTimeout(() => process.exit(0), 2000).unref();
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
} else {
  require(require('node:path').resolve(script));
}
