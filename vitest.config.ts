import { createRequire } from 'node:module';
import { defineConfig } from 'vitest/config';

// Vite would resolve `graphql` to its .mjs build while yoga and Pothos (loaded by Node) get the .js
// build; two copies break instanceof checks. Pin every import to the one Node resolves.
const require = createRequire(import.meta.url);

// The AWS SDK warns on Node 20 that its support ends; the tests (and every process they start,
// which inherit this environment) run on Node 20 by design.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

export default defineConfig({
  resolve: { alias: { graphql: require.resolve('graphql') } },
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 120_000,
    typecheck: { enabled: true, include: ['test/**/*.test-d.ts'], tsconfig: './tsconfig.json' },
  },
});
