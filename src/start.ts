/**
 * `npm start`. With GitHub App credentials it runs the app. Without them it still does its
 * main job on the repository it starts in — prints the plan of the bundled estate (base: an
 * empty estate, head: this directory) — and then serves Probot's setup page, which registers
 * the GitHub App from app.yml (manifest flow). In production, missing credentials stop it
 * with a message that says which variable to set; secrets are never printed.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseEnv } from 'node:util';
import { run } from 'probot';
import { plan } from './core/plan.js';
import { snapshotOf } from './core/snapshot.js';
import { readDirectorySnapshot } from './cli/read-dir.js';
import { missingProductionSettings } from './github/platform/credentials.js';
import { berlinDate } from './github/platform/today.js';
import app, { operations } from './index.js';
import { FreigabeOctokit } from './github/platform/write-budget.js';
import { gitHubMetricsPlugin } from './ops/metrics.js';
import { exitOnSigterm } from './ops/operations.js';
import { formatPlanText } from './report/text.js';

/** Same as Probot's own: a `.env` in the working directory (written by the setup flow) is applied first. */
function applyDotEnv(): void {
  try {
    Object.assign(process.env, parseEnv(readFileSync(join(process.cwd(), '.env'), 'utf8')));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
}

function printExamplePlan(dir: string): void {
  const locale = process.env.FREIGABE_LOCALE === 'en' ? 'en' : 'de';
  const { snapshot, warnings } = readDirectorySnapshot(dir, locale);
  for (const w of warnings) console.error(w);
  const result = plan({ base: snapshotOf({}), head: snapshot, today: berlinDate(new Date()), locale });
  const heading = locale === 'en' ? `freigabe: plan of ${dir} (base: empty estate)` : `freigabe: Plan von ${dir} (Basis: leeres Estate)`;
  console.log(`${heading}\n\n${formatPlanText(result, { locale, color: process.stdout.isTTY ?? false, diff: false })}`);
}

async function main(): Promise<number> {
  applyDotEnv();
  const env = process.env;
  const production = env.NODE_ENV === 'production';
  const missing = missingProductionSettings(env);
  const en = env.FREIGABE_LOCALE === 'en';
  if (production && missing.length > 0) {
    const list = missing.map((m) => `  - ${m}`).join('\n');
    console.error(
      en
        ? `freigabe: cannot start in production without GitHub App credentials. Set:\n${list}\nSee README "GitHub App" for how to register the app.`
        : `freigabe: Start im Produktionsbetrieb ohne Zugangsdaten der GitHub App nicht möglich. Bitte setzen:\n${list}\nWie die App registriert wird, steht in der README unter "GitHub App".`,
    );
    return 1;
  }
  const configured = Boolean(env.APP_ID && (env.PRIVATE_KEY || env.PRIVATE_KEY_PATH));
  if (!configured) {
    printExamplePlan(process.cwd());
    // Smee channels need the internet and a download of smee-client; use WEBHOOK_PROXY_URL to opt in.
    if (!env.NO_SMEE_SETUP && !env.WEBHOOK_PROXY_URL) env.NO_SMEE_SETUP = 'true';
    const url = `http://${env.HOST ?? 'localhost'}:${env.PORT ?? '3000'}/probot`;
    console.log(
      en
        ? `freigabe: no GitHub App credentials (APP_ID, PRIVATE_KEY/PRIVATE_KEY_PATH) found.\n` +
            `Register the app from app.yml: open ${url} — the setup writes the credentials to .env; then restart.`
        : `freigabe: keine Zugangsdaten der GitHub App (APP_ID, PRIVATE_KEY/PRIVATE_KEY_PATH) gefunden.\n` +
            `App aus app.yml registrieren: ${url} öffnen — die Einrichtung schreibt die Zugangsdaten nach .env; danach neu starten.`,
    );
  }
  // Probot's Octokit with freigabe's write budget (src/github/platform/write-budget.ts); every instance
  // counts its writes and the rate limit left (src/ops/metrics.ts).
  const server = await run(app, { Octokit: FreigabeOctokit.plugin(gitHubMetricsPlugin(operations.metrics)) });
  exitOnSigterm({ server, operations, env }); // README "Shutdown"
  return 0;
}

main().then(
  (code) => {
    if (code !== 0) process.exit(code);
  },
  (error: unknown) => {
    // Probot's own start-up errors (e.g. an unreadable key) say what to fix; no stack needed.
    console.error(`freigabe: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  },
);
