#!/usr/bin/env node
// `npm run demo` becomes the whole embedded pipeline (sample data → ETL → train → publish → serve) with issue [10/11].
console.log('adrank demo: not yet available — the end-to-end demo arrives with the inference API (issue [10/11]).');
console.log('What runs today: `npm test`, `npm run bench:predict`, and `npx adrank-lgbm --help`.');
