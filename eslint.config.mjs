import nx from '@nx/eslint-plugin';
import prettier from 'eslint-config-prettier';

// Project tags (project.json):
//   type:app | type:lib | type:tool       what a project is
//   scope:shared | inference | trainer | etl | tools   who may use it
//   lib:<name>                            which lib, for the architecture's "never" edges
export default [
  ...nx.configs['flat/base'],
  ...nx.configs['flat/typescript'],
  ...nx.configs['flat/javascript'],
  prettier,
  {
    ignores: ['**/dist', '**/node_modules', '**/tmp', '**/.nx', '**/.adrank', '**/coverage', '**/fixtures/**'],
  },
  {
    files: ['**/*.ts', '**/*.js', '**/*.mjs', '**/*.cjs'],
    rules: {
      '@nx/enforce-module-boundaries': [
        'error',
        {
          enforceBuildableLibDependency: true,
          banTransitiveDependencies: true,
          allow: [],
          depConstraints: [
            { sourceTag: 'type:app', onlyDependOnLibsWithTags: ['type:lib'] },
            { sourceTag: 'type:lib', onlyDependOnLibsWithTags: ['type:lib'] },
            { sourceTag: 'type:tool', onlyDependOnLibsWithTags: ['type:lib'] },
            { sourceTag: 'type:infra', onlyDependOnLibsWithTags: ['type:lib'] },
            { sourceTag: 'scope:shared', onlyDependOnLibsWithTags: ['scope:shared'] },
            { sourceTag: 'scope:inference', onlyDependOnLibsWithTags: ['scope:shared', 'scope:inference'] },
            { sourceTag: 'scope:trainer', onlyDependOnLibsWithTags: ['scope:shared', 'scope:trainer'] },
            { sourceTag: 'scope:etl', onlyDependOnLibsWithTags: ['scope:shared', 'scope:etl'] },
            { sourceTag: 'scope:tools', onlyDependOnLibsWithTags: ['scope:shared'] },
            { sourceTag: 'scope:infra', onlyDependOnLibsWithTags: ['scope:shared'] },
            // ARCHITECTURE.md: features takes a similarity number and does not import embeddings;
            // model-store knows files and manifests, not LightGBM; naver-ads knows the API, not the warehouse driver.
            { sourceTag: 'lib:features', notDependOnLibsWithTags: ['lib:embeddings'] },
            { sourceTag: 'lib:model-store', notDependOnLibsWithTags: ['lib:lightgbm'] },
            { sourceTag: 'lib:naver-ads', notDependOnLibsWithTags: ['lib:warehouse'] },
          ],
        },
      ],
      // One public door per lib: '@adrank/<lib>' or '@adrank/<lib>/testing', never its files.
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['@adrank/*/src', '@adrank/*/src/**', '@adrank/*/*/**', '!@adrank/*/testing'],
              message: 'Import a lib through its public entry point (@adrank/<lib> or @adrank/<lib>/testing).',
            },
          ],
        },
      ],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    files: ['**/*.cjs', '**/*.js'],
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
];
