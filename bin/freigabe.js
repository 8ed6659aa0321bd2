#!/usr/bin/env node
// The `freigabe` command: a shim over the bundled CLI (`npm ci` builds dist/ through the
// prepare script; `npm run build` rebuilds it).
import { existsSync } from 'node:fs';

const cli = new URL('../dist/freigabe-cli.mjs', import.meta.url);
if (!existsSync(cli)) {
  process.stderr.write('freigabe: dist/ fehlt — bitte `npm run build` ausführen (dist/ is missing: run `npm run build`).\n');
  process.exit(2);
}
const { run } = await import(cli.href);
await run();
