// An esbuild plugin for the app bundles: the listed modules are required on first use instead of when their importer
// loads. Each gets a stand-in whose properties are read from the real module (bundled as usual), which is required the
// first time any property is read; a module only ever used as `m.name` behaves the same, minus its load time until
// then. Tested by tools/scripts/lazy-modules.spec.ts.
function escape(s) {
  return s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}

/** @param {string[]} specifiers exact import paths, as the importers write them */
export function lazyModules(specifiers) {
  const filter = new RegExp(`^(${specifiers.map(escape).join('|')})$`);
  return {
    name: 'lazy-modules',
    setup(build) {
      build.onResolve({ filter }, (args) =>
        args.namespace === 'lazy-module'
          ? undefined // the stand-in's own require: the real module
          : { path: args.path, namespace: 'lazy-module', pluginData: { resolveDir: args.resolveDir } },
      );
      build.onLoad({ filter: /.*/, namespace: 'lazy-module' }, (args) => ({
        contents: [
          'let real;',
          `const load = () => (real ??= require(${JSON.stringify(args.path)}));`,
          'module.exports = new Proxy({}, { get: (_, key) => load()[key], has: (_, key) => key in load() });',
        ].join('\n'),
        resolveDir: args.pluginData.resolveDir,
      }));
    },
  };
}
