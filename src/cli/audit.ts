/**
 * `freigabe audit`: who released what, when, from which source commit and pull request — read
 * from the rendered branches' history (commit trailers written by src/github/publication/publish.ts).
 *
 *   freigabe audit [--repo DIR] [--stage S] [--ref REF] [--branch-prefix P] [--app-slug SLUG]
 *                  [--format text|json|csv] [--locale de|en]
 *
 * Trailers can be typed by anyone, so every commit is also checked for being freigabe's own
 * (`byFreigabe`): author and committer are the app's bot address
 * (`<id>+<slug>[bot]@users.noreply.github.com`, slug `freigabe` unless `--app-slug`) and the
 * commit carries a signature (GitHub signs what an app commits through the API). With GitHub's
 * signing key in the local keyring (`curl https://github.com/web-flow.gpg | gpg --import`) the
 * signature is verified too; without it, it is reported as not checked.
 *
 * One `git for-each-ref` to find the rendered branches, then one `git log` per branch.
 * With a deploy repository (every stage a directory on one branch) pass `--ref main`; the
 * stage then comes from each commit's `Freigabe-Stage` trailer.
 */
import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { loadSettings } from '../core/load.js';
import { SETTINGS_FILE } from '../core/model.js';
import { parseTrailers, verfahrenOfPaths, type Approver } from '../core/publication.js';
import { snapshotOf } from '../core/snapshot.js';

const run = promisify(execFile);

export interface AuditEntry {
  readonly stage: string;
  /** The rendered commit. */
  readonly commit: string;
  /** When it was published (committer date, ISO 8601). */
  readonly date: string;
  readonly source: string | null;
  /** 'owner/repo#n' */
  readonly pullRequest: string | null;
  readonly approvedBy: readonly Approver[];
  readonly notfall: boolean;
  /** Fachverfahren directories the commit changed. */
  readonly verfahren: readonly string[];
  readonly subject: string;
  /** Made by freigabe: its bot's address as author and committer, and a signature that is not bad. */
  readonly byFreigabe: boolean;
  /** git's signature check: good, present but not checkable here (key not imported), none, bad. */
  readonly signature: 'good' | 'unchecked' | 'none' | 'bad';
}

export interface AuditOptions {
  readonly repo: string;
  readonly stage?: string;
  /** Read this one ref (deploy repository) instead of the rendered branches. */
  readonly ref?: string;
  readonly branchPrefix?: string;
  /** The GitHub App's slug; its bot account `<slug>[bot]` makes freigabe's commits. */
  readonly appSlug?: string;
}

export class AuditUsageError extends Error {}

async function git(repo: string, args: string[]): Promise<string> {
  try {
    const { stdout } = await run('git', ['-C', repo, ...args], { maxBuffer: 256 * 1024 * 1024, encoding: 'utf8' });
    return stdout;
  } catch (error) {
    const stderr = (error as { stderr?: string }).stderr?.trim();
    throw new AuditUsageError(stderr || (error as Error).message);
  }
}

function branchPrefixOf(repo: string): string {
  const file = join(repo, SETTINGS_FILE);
  if (!existsSync(file)) return 'rendered/';
  return loadSettings(snapshotOf({ [SETTINGS_FILE]: readFileSync(file) })).value.output.branchPrefix;
}

/** Rendered branches by stage: local branches win over remote-tracking ones (origin first). */
async function renderedBranches(repo: string, prefix: string): Promise<Map<string, string>> {
  const out = await git(repo, ['for-each-ref', '--format=%(refname)', `refs/heads/${prefix}`, 'refs/remotes/']);
  const found = new Map<string, { ref: string; rank: number }>();
  for (const ref of out.split('\n').filter(Boolean)) {
    let stage: string | undefined;
    let rank = 0;
    if (ref.startsWith(`refs/heads/${prefix}`)) stage = ref.slice(`refs/heads/${prefix}`.length);
    else {
      const m = /^refs\/remotes\/([^/]+)\/(.*)$/.exec(ref);
      if (m && m[2].startsWith(prefix)) {
        stage = m[2].slice(prefix.length);
        rank = m[1] === 'origin' ? 1 : 2;
      }
    }
    if (!stage || stage.includes('/') || stage === 'HEAD') continue;
    const prev = found.get(stage);
    if (!prev || rank < prev.rank) found.set(stage, { ref, rank });
  }
  return new Map([...found.entries()].sort((a, b) => (a[0] < b[0] ? -1 : 1)).map(([s, v]) => [s, v.ref]));
}

const RS = '\x1e';
const US = '\x1f';

interface LoggedCommit {
  commit: string;
  date: string;
  message: string;
  paths: string[];
  authorEmail: string;
  committerEmail: string;
  /** git's %G?: G good, U good (untrusted), X/Y good (expired), E cannot check, N none, B/R bad. */
  signature: string;
}

/** One `git log` over a ref: hash, committer date, identities, signature, message, then the changed paths. */
async function logOf(repo: string, ref: string): Promise<LoggedCommit[]> {
  const out = await git(repo, ['log', '--no-renames', '--name-only', `--format=${RS}%H${US}%cI${US}%ae${US}%ce${US}%G?${US}%B${US}`, ref, '--']);
  return out
    .split(RS)
    .filter((r) => r.trim() !== '')
    .map((record) => {
      const [commit, date, authorEmail, committerEmail, signature, message, names = ''] = record.split(US);
      return { commit, date: utc(date), authorEmail, committerEmail, signature: signature.trim(), message, paths: names.split('\n').map((l) => l.trim()).filter(Boolean) };
    });
}

function signatureOf(status: string): AuditEntry['signature'] {
  if (['G', 'U', 'X', 'Y'].includes(status)) return 'good';
  if (status === 'E') return 'unchecked';
  if (status === 'N' || status === '') return 'none';
  return 'bad';
}

/** freigabe's own commit: the app's bot address on both sides, signed, the signature not bad. */
export function madeByFreigabe(c: { authorEmail: string; committerEmail: string; signature: string }, appSlug: string): boolean {
  const slug = appSlug.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const bot = new RegExp(`^\\d+\\+${slug}\\[bot\\]@users\\.noreply\\.github\\.com$`, 'i');
  const sig = signatureOf(c.signature);
  return bot.test(c.authorEmail) && bot.test(c.committerEmail) && (sig === 'good' || sig === 'unchecked');
}

/** Git prints the committer's offset; the audit speaks UTC so rows sort and compare as text. */
function utc(date: string): string {
  const t = Date.parse(date);
  return Number.isNaN(t) ? date : new Date(t).toISOString().replace('.000Z', 'Z');
}

export async function readAudit(options: AuditOptions): Promise<AuditEntry[]> {
  const { repo } = options;
  await git(repo, ['rev-parse', '--git-dir']);
  const entries: AuditEntry[] = [];
  const slug = options.appSlug ?? 'freigabe';
  const toEntry = (c: LoggedCommit, stage: string, prefix: string): AuditEntry => {
    const t = parseTrailers(c.message);
    return {
      stage,
      commit: c.commit,
      date: c.date,
      source: t.source ?? null,
      pullRequest: t.pullRequest ?? null,
      approvedBy: t.approvedBy,
      notfall: t.notfall,
      verfahren: verfahrenOfPaths(c.paths, prefix),
      subject: c.message.split('\n')[0],
      byFreigabe: madeByFreigabe(c, slug),
      signature: signatureOf(c.signature),
    };
  };
  if (options.ref) {
    for (const c of await logOf(repo, options.ref)) {
      const stage = parseTrailers(c.message).stage;
      if (!stage || (options.stage && stage !== options.stage)) continue;
      entries.push(toEntry(c, stage, `${stage}/`));
    }
  } else {
    const prefix = options.branchPrefix ?? branchPrefixOf(repo);
    const branches = await renderedBranches(repo, prefix);
    if (options.stage && !branches.has(options.stage)) {
      throw new AuditUsageError(`no rendered branch ${prefix}${options.stage} (neither local nor remote-tracking)`);
    }
    for (const [stage, ref] of branches) {
      if (options.stage && stage !== options.stage) continue;
      for (const c of await logOf(repo, ref)) entries.push(toEntry(c, stage, ''));
    }
  }
  // Newest first over all stages; git's order within a branch breaks ties.
  return entries
    .map((e, i) => ({ e, i }))
    .sort((a, b) => (a.e.date < b.e.date ? 1 : a.e.date > b.e.date ? -1 : a.i - b.i))
    .map(({ e }) => e);
}

const TEXT = {
  de: {
    none: 'Keine gerenderten Commits gefunden.',
    source: 'Quelle',
    pr: 'Pull Request',
    approved: 'Freigegeben von',
    nobody: 'niemandem (Stage ohne Freigabe oder direkter Push)',
    on: 'auf',
    notfall: 'NOTFALLÄNDERUNG',
    verfahren: 'Fachverfahren',
    onlyBootstrap: '(nur Bootstrap-Objekte)',
    unknown: 'unbekannt (kein freigabe-Commit)',
    foreign: '⚠ NICHT VON FREIGABE ERSTELLT: Autor/Committer ist nicht der Bot der App oder der Commit ist nicht (gültig) signiert – die Angaben darunter sind nicht belegt',
    unchecked: 'Signatur nicht geprüft (GitHubs Schlüssel ist nicht importiert: curl https://github.com/web-flow.gpg | gpg --import)',
  },
  en: {
    none: 'No rendered commits found.',
    source: 'Source',
    pr: 'Pull request',
    approved: 'Released by',
    nobody: 'nobody (stage without approval or direct push)',
    on: 'on',
    notfall: 'EMERGENCY CHANGE (Notfalländerung)',
    verfahren: 'Fachverfahren',
    onlyBootstrap: '(bootstrap objects only)',
    unknown: 'unknown (not a freigabe commit)',
    foreign: '⚠ NOT MADE BY FREIGABE: author/committer is not the app’s bot or the commit is not (validly) signed – what follows is not proven',
    unchecked: 'signature not checked (GitHub’s key is not imported: curl https://github.com/web-flow.gpg | gpg --import)',
  },
} as const;

export function formatAuditText(entries: readonly AuditEntry[], locale: 'de' | 'en'): string {
  const t = TEXT[locale];
  if (entries.length === 0) return `${t.none}\n`;
  const out: string[] = [];
  for (const e of entries) {
    out.push(`${e.date}  ${e.stage}  ${e.commit.slice(0, 12)}${e.notfall ? `  ${t.notfall}` : ''}`);
    if (!e.byFreigabe) out.push(`  ${t.foreign}`);
    else if (e.signature === 'unchecked') out.push(`  ${t.unchecked}`);
    out.push(`  ${t.verfahren}: ${e.verfahren.length > 0 ? e.verfahren.join(', ') : t.onlyBootstrap}`);
    out.push(`  ${t.source}: ${e.source ?? t.unknown}${e.pullRequest ? `  ${t.pr}: ${e.pullRequest}` : ''}`);
    if (e.approvedBy.length === 0) out.push(`  ${t.approved}: ${t.nobody}`);
    for (const a of e.approvedBy) out.push(`  ${t.approved}: ${a.login} (${a.at}, ${t.on} ${a.sha.slice(0, 12)})`);
    out.push('');
  }
  return out.join('\n');
}

export function formatAuditJson(entries: readonly AuditEntry[]): string {
  return `${JSON.stringify({ entries }, null, 2)}\n`;
}

/** RFC 4180 cell; a leading formula character is neutralised so spreadsheets do not execute it. */
function csvCell(value: string): string {
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe;
}

export const AUDIT_CSV_COLUMNS = ['date', 'stage', 'commit', 'source', 'pull_request', 'verfahren', 'approved_by', 'notfall', 'by_freigabe', 'signature'] as const;

export function formatAuditCsv(entries: readonly AuditEntry[]): string {
  const rows = [AUDIT_CSV_COLUMNS.join(',')];
  for (const e of entries) {
    rows.push(
      [
        e.date,
        e.stage,
        e.commit,
        e.source ?? '',
        e.pullRequest ?? '',
        e.verfahren.join(' '),
        e.approvedBy.map((a) => `${a.login} ${a.at} ${a.sha}`).join('; '),
        e.notfall ? 'true' : 'false',
        e.byFreigabe ? 'true' : 'false',
        e.signature,
      ]
        .map(csvCell)
        .join(','),
    );
  }
  return `${rows.join('\r\n')}\r\n`;
}

export interface CommandIO {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  /** Default of --repo (the dispatcher passes its working directory). */
  readonly cwd?: string;
}

const defaultIO: CommandIO = { stdout: (s) => process.stdout.write(s), stderr: (s) => process.stderr.write(s) };

const USAGE = 'usage: freigabe audit [--repo DIR] [--stage S] [--ref REF] [--branch-prefix P] [--app-slug SLUG] [--format text|json|csv] [--locale de|en]';

/** `freigabe audit …` (argv without the command name). Returns the exit code. */
export async function auditCommand(argv: readonly string[], io: CommandIO = defaultIO): Promise<number> {
  const opts: Record<string, string> = {};
  const known = new Set(['repo', 'stage', 'ref', 'branch-prefix', 'app-slug', 'format', 'locale']);
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--debug') continue;
    const m = /^--([a-z-]+)(?:=(.*))?$/.exec(arg);
    if (!m || !known.has(m[1])) {
      io.stderr(`freigabe audit: unknown argument ${JSON.stringify(arg)}\n${USAGE}\n`);
      return 2;
    }
    const value = m[2] ?? argv[++i];
    if (value === undefined) {
      io.stderr(`freigabe audit: --${m[1]} needs a value\n${USAGE}\n`);
      return 2;
    }
    opts[m[1]] = value;
  }
  const format = opts.format ?? 'text';
  const locale = opts.locale ?? 'de';
  if (!['text', 'json', 'csv'].includes(format) || !['de', 'en'].includes(locale)) {
    io.stderr(`freigabe audit: --format must be text, json or csv; --locale de or en\n${USAGE}\n`);
    return 2;
  }
  try {
    const entries = await readAudit({
      repo: opts.repo ?? io.cwd ?? process.cwd(),
      ...(opts.stage ? { stage: opts.stage } : {}),
      ...(opts.ref ? { ref: opts.ref } : {}),
      ...(opts['branch-prefix'] ? { branchPrefix: opts['branch-prefix'] } : {}),
      ...(opts['app-slug'] ? { appSlug: opts['app-slug'] } : {}),
    });
    io.stdout(format === 'json' ? formatAuditJson(entries) : format === 'csv' ? formatAuditCsv(entries) : formatAuditText(entries, locale as 'de' | 'en'));
    return 0;
  } catch (error) {
    if (error instanceof AuditUsageError) {
      io.stderr(`freigabe audit: ${error.message}\n`);
      return 2;
    }
    if (argv.includes('--debug')) io.stderr(`${(error as Error).stack}\n`);
    else io.stderr(`freigabe audit: internal error: ${(error as Error).message}\n`);
    return 2;
  }
}
