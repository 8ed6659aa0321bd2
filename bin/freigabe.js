#!/usr/bin/env node
// The `freigabe` command: a shim over the compiled CLI (`npm ci` builds dist/ through the
// prepare script; `npm run build` rebuilds it).
import { existsSync } from 'node:fs';

const main = new URL('../dist/src/cli/main.js', import.meta.url);
if (!existsSync(main)) {
  process.stderr.write('freigabe: dist/ fehlt — bitte `npm run build` ausführen (dist/ is missing: run `npm run build`).\n');
  process.exit(2);
}
const { run } = await import(main.href);
await run();
