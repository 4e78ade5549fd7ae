// Lint rules that keep the architecture of docs/design.md#parts-and-import-rules true: the import direction
// between folders, and determinism in orchestrators (their code is replayed).
import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

// Each folder rule also applies to the matching folder under test/lint-fixtures, whose bad
// files prove in a test that every rule fires.
const FIXTURES = 'test/lint-fixtures';
const at = (...dirs) => dirs.flatMap((d) => [`${d}/**/*.ts`, `${FIXTURES}/${d}/**/*.ts`]);
// Tests beside the code are not product code: they may import test tools and local/.
const TESTS = ['**/*.test.ts'];

const PRODUCT = ['functions', 'orchestrations', 'activities', 'core', 'adapters'];
const SDKS = ['@azure/*', '@kubernetes/*', 'undici', 'durable-functions'];
const NODE_IO = ['node:*', 'fs', 'fs/*', 'http', 'https', 'net', 'tls', 'child_process', 'dgram', 'dns', 'os', 'worker_threads'];

// Relative imports only: `@azure/functions` is not our functions/ folder.
const relativeTo = (name) => `^(?:\\.{1,2}/)+(?:[^/]+/)*${name}(?:/|$)`;
const folder = (name) => ({ regex: relativeTo(name), message: `this folder may not import ${name}/ (docs/design.md#parts-and-import-rules).` });
const noLocal = { regex: relativeTo('local'), message: 'product code never imports local/ (the simulator and local host are test and demo tools).' };

export default tseslint.config(
  {
    ignores: ['node_modules/**', 'dist/**', 'coverage/**', 'reports/**', '**/*.js', `${FIXTURES}/**`],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      globals: { ...globals.node },
      parserOptions: {
        projectService: {
          allowDefaultProject: [`${FIXTURES}/*/*.ts`, `${FIXTURES}/*/*/*.ts`, 'eslint.config.mjs'],
          maximumDefaultProjectFileMatchCount_THIS_WILL_SLOW_DOWN_LINTING: 40,
        },
        tsconfigRootDir: import.meta.dirname,
      },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: { arguments: false } }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
    },
  },
  {
    files: at('core'),
    ignores: TESTS,
    rules: {
      '@typescript-eslint/no-restricted-imports': ['error', {
        patterns: [
          ...['functions', 'orchestrations', 'activities', 'adapters'].map(folder),
          noLocal,
          { group: [...SDKS, ...NODE_IO], message: 'core/ holds pure rules: no I/O and no SDKs (docs/design.md#parts-and-import-rules).' },
        ],
      }],
    },
  },
  {
    files: at('orchestrations'),
    ignores: TESTS,
    rules: {
      '@typescript-eslint/no-restricted-imports': ['error', {
        patterns: [
          {
            regex: '^(?!durable-functions$|\\./|\\.\\./core/|\\.\\./activities/)',
            message: 'orchestrations/ may import only durable-functions, core/ and each other (replays must be deterministic).',
          },
          { group: ['../activities/*'], allowTypeImports: true, message: 'orchestrations/ may import only the types of activities, never their code.' },
        ],
      }],
      'no-restricted-globals': ['error',
        ...['process', 'setTimeout', 'setInterval', 'setImmediate', 'clearTimeout', 'clearInterval', 'performance', 'fetch', 'require']
          .map((name) => ({ name, message: `${name} is not deterministic under replay: use context.df (currentUtcDateTime, createTimer, newGuid) or an activity.` })),
      ],
      // new Date(ms) is deterministic (timers need it); reading the wall clock is not.
      'no-restricted-syntax': ['error',
        { selector: "NewExpression[callee.name='Date'][arguments.length=0]", message: 'new Date() reads the wall clock, which is not deterministic under replay: use context.df.currentUtcDateTime.' },
        { selector: "CallExpression[callee.name='Date']", message: 'Date() reads the wall clock, which is not deterministic under replay: use context.df.currentUtcDateTime.' },
        { selector: "MemberExpression[object.name='Date'][property.name='now']", message: 'Date.now reads the wall clock, which is not deterministic under replay: use context.df.currentUtcDateTime.' },
      ],
      'no-restricted-properties': ['error',
        { object: 'Math', property: 'random', message: 'Math.random is not deterministic under replay: use context.df.newGuid.' },
        { object: 'globalThis', message: 'globalThis reaches non-deterministic globals; orchestrators get everything from context.df and their input.' },
      ],
    },
  },
  {
    files: at('activities'),
    ignores: TESTS,
    rules: {
      '@typescript-eslint/no-restricted-imports': ['error', { patterns: [...['functions', 'orchestrations'].map(folder), noLocal] }],
    },
  },
  {
    files: at('adapters'),
    ignores: TESTS,
    rules: {
      '@typescript-eslint/no-restricted-imports': ['error', { patterns: [...['functions', 'orchestrations', 'activities'].map(folder), noLocal] }],
    },
  },
  {
    files: at('functions'),
    ignores: TESTS,
    rules: {
      '@typescript-eslint/no-restricted-imports': ['error', { patterns: [folder('adapters'), noLocal] }],
    },
  },
  {
    files: at('local/aks'),
    ignores: TESTS,
    rules: {
      '@typescript-eslint/no-restricted-imports': ['error', {
        patterns: [
          ...[...PRODUCT, 'host'].map(folder),
          { group: ['**/demo', '**/demo.*'], message: 'local/aks is independent of the demo.' },
          { group: ['durable-functions', '@azure/functions'], message: 'local/aks models AKS and Kubernetes only; it knows nothing of the app.' },
        ],
      }],
    },
  },
  // Out of local/aks, only local/clock.ts: one rule per folder depth, since the import string
  // is relative to the importing file.
  ...[['local/aks/*.ts', 1], ['local/aks/*/*.ts', 2], ['local/aks/*/*/*.ts', 3]].map(([glob, depth]) => ({
    files: [glob, `${FIXTURES}/${glob}`],
    ignores: TESTS,
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [{
          regex: `^(?:\\.\\./){${depth}}(?!clock$)[^/]+(?:/|$)|^(?:\\.\\./){${Number(depth) + 1},}`,
          message: 'local/aks imports nothing of the project but local/clock.ts: it is an independent model of AKS and Kubernetes.',
        }],
      }],
    },
  })),
  {
    files: at('local/host'),
    ignores: TESTS,
    rules: {
      '@typescript-eslint/no-restricted-imports': ['error', {
        patterns: [...PRODUCT.map(folder), folder('aks')],
      }],
    },
  },
  {
    files: ['test/**/*.ts', 'bench/**/*.ts', 'local/**/*.test.ts', '**/*.test.ts'],
    rules: {
      '@typescript-eslint/no-non-null-assertion': 'off',
    },
  },
);
