// Lint: typescript-eslint's recommended rules, no `any`, and no client package outside its adapter.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const CLIENT_PACKAGES = ['@duckdb/node-api', 'cassandra-driver', 'kafkajs', 'ioredis', '@aws-sdk/client-athena', 'lmdb'];

export default tseslint.config(
  { ignores: ['dist/', 'dist-*/', 'node_modules/', 'data/', '.services/', 'coverage/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-restricted-imports': [
        'error',
        { paths: CLIENT_PACKAGES.map((name) => ({ name, message: 'Client packages are imported only by their adapter (src/*/<engine>/).' })) },
      ],
    },
  },
  {
    // Adapters live in a folder named after their engine, beside their port.
    files: ['src/*/duckdb/**', 'src/*/athena/**', 'src/*/cassandra/**', 'src/*/kafka/**', 'src/*/redis/**', 'src/*/embedded/**', 'src/*/lmdb/**', 'test/**', 'bench/**', 'scripts/**'],
    rules: { 'no-restricted-imports': 'off' },
  },
  {
    files: ['**/*.js', '**/*.mjs'],
    languageOptions: { globals: { process: 'readonly', console: 'readonly', require: 'readonly', __dirname: 'readonly', URL: 'readonly', setTimeout: 'readonly', fetch: 'readonly' } },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
);
