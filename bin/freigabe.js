#!/usr/bin/env node
// The `freigabe` command: a shim over the compiled CLI (npm run build writes dist/).
import { run } from '../dist/src/cli/main.js';

await run();
