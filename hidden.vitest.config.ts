/**
 * Runs one exercise's hidden suites straight from the source tree, for authors working on
 * the bundled set:
 *
 *   BUGBASH_EXERCISE=payment-processor BUGBASH_IMPL=solutions/payment-processor \
 *     npx vitest run --config hidden.vitest.config.ts
 *
 * `bugbash author validate` is the real check (starter, reference and every single-bug
 * variant); this is the quick loop while writing tests.
 */
import path from 'node:path';
import { defineConfig } from 'vitest/config';

const root = import.meta.dirname;
const exercise = process.env.BUGBASH_EXERCISE ?? 'payment-processor';
const impl = path.resolve(root, process.env.BUGBASH_IMPL ?? `solutions/${exercise}`);

export default defineConfig({
  resolve: {
    alias: [
      { find: /^@impl\/(.*)$/, replacement: `${impl}/$1` },
      { find: /^@reference\/(.*)$/, replacement: `${path.join(root, 'solutions', exercise)}/$1` },
      { find: /^bugbash\/harness$/, replacement: path.join(root, 'src/harness/index.ts') },
    ],
  },
  test: {
    root,
    include: [`exercises/${exercise}/hidden/**/*.test.ts`],
  },
});
