#!/usr/bin/env node
/**
 * Bundles the command line into one file after `tsc` (npm run build): dist/freigabe-cli.mjs,
 * which bin/freigabe.js loads. Node then resolves and compiles one module instead of several
 * hundred (kubernetes-models alone has one per schema), about 150 ms less per command. Nothing
 * is minified, so stack traces (--debug) stay readable.
 */
import { build } from 'esbuild';
import { join } from 'node:path';

await build({
  absWorkingDir: join(import.meta.dirname, '..'),
  entryPoints: ['dist/src/cli/main.js'],
  outfile: 'dist/freigabe-cli.mjs',
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20.18',
  legalComments: 'none',
  logLevel: 'warning',
  // Dependencies ask for the npm package punycode; Node's built-in of that name is deprecated
  // and warns on every start (Node 21+) when code outside node_modules loads it.
  alias: { punycode: 'punycode/punycode.js' },
  // CommonJS dependencies call require() for Node's built-in modules.
  banner: { js: "import { createRequire as __freigabeRequire } from 'node:module'; const require = __freigabeRequire(import.meta.url);" },
});
