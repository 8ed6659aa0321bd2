/**
 * `freigabe gate --base … --head … --author LOGIN --head-sha SHA --reviews FILE [--commits FILE]
 * [--commit-count N] [--pushers a,b] [--requested-by a,b] [--timeline FILE] [--teams FILE]
 * [--labels a,b] [--today YYYY-MM-DD] [--now ISO-8601]`: the approval decision. The input files
 * are GitHub's REST shapes (CONTRACTS.md), so the GitHub adapter can pass real data through.
 * Approvals on older commits are compared by content with the head when `--repo` is a git
 * repository that holds those commits (read-reviewed.ts).
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { PullCommit, Review } from '../../core/approval.js';
import { dismissedChangeRequests, type TimelineEvent } from '../../core/dismissed-reviews.js';
import { plan } from '../../core/plan.js';
import { uiText, type Locale } from '../../i18n/cli.js';
import { gateAllows, gateToJson } from '../../report/json.js';
import { formatGateMarkdown } from '../../report/markdown.js';
import { formatGateText } from '../../report/text.js';
import { InputError, UsageError } from '../errors.js';
import { COMMON_OPTIONS, SOURCE_OPTIONS, clock, common, labels, parse, useColor, type CommandIO } from '../options.js';
import { readReviewedSnapshots } from '../read-reviewed.js';
import { readSources, sources } from '../sources.js';

export const GATE_OPTIONS = {
  ...COMMON_OPTIONS,
  ...SOURCE_OPTIONS,
  author: { type: 'string' },
  'head-sha': { type: 'string' },
  reviews: { type: 'string' },
  commits: { type: 'string' },
  'commit-count': { type: 'string' },
  pushers: { type: 'string' },
  'requested-by': { type: 'string' },
  timeline: { type: 'string' },
  teams: { type: 'string' },
} as const;

function readJson(file: string, io: CommandIO, locale: Locale): unknown {
  const t = uiText(locale).cli;
  let text: string;
  try {
    text = readFileSync(resolve(io.cwd, file), 'utf8');
  } catch (error) {
    throw new InputError(t.unreadableFile(file, (error as NodeJS.ErrnoException).code ?? String(error)));
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new InputError(t.badJson(file, (error as Error).message));
  }
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const optionalString = (v: unknown): boolean => v === undefined || v === null || typeof v === 'string';
const userOk = (u: unknown): boolean => u === null || u === undefined || (isObject(u) && typeof u.login === 'string' && optionalString(u.type));

/** Reviews as GET /repos/{o}/{r}/pulls/{n}/reviews returns them; fields we do not read are dropped. */
export function parseReviews(data: unknown, file: string, locale: Locale): Review[] {
  const bad = (): never => {
    throw new InputError(uiText(locale).cli.badShape(file, '[{ "user": { "login", "type" }, "state", "commit_id", "submitted_at" }, …]'));
  };
  if (!Array.isArray(data)) return bad();
  return data.map((r) => {
    if (!isObject(r) || typeof r.state !== 'string' || !userOk(r.user) || !optionalString(r.commit_id) || !optionalString(r.submitted_at)) return bad();
    const user = isObject(r.user) ? { login: r.user.login as string, ...(typeof r.user.type === 'string' ? { type: r.user.type } : {}) } : null;
    return {
      user,
      state: r.state,
      commit_id: (r.commit_id as string | null | undefined) ?? null,
      ...(typeof r.submitted_at === 'string' ? { submitted_at: r.submitted_at } : {}),
      ...(typeof r.id === 'number' ? { id: r.id } : {}),
    };
  });
}

/** Commits as GET /repos/{o}/{r}/pulls/{n}/commits returns them. */
export function parseCommits(data: unknown, file: string, locale: Locale): PullCommit[] {
  const bad = (): never => {
    throw new InputError(uiText(locale).cli.badShape(file, '[{ "author": { "login" }, "committer": { "login" } }, …]'));
  };
  if (!Array.isArray(data)) return bad();
  return data.map((c) => {
    if (!isObject(c) || !userOk(c.author) || !userOk(c.committer)) return bad();
    const login = (u: unknown) => (isObject(u) ? { login: u.login as string } : null);
    return { ...(typeof c.sha === 'string' ? { sha: c.sha } : {}), author: login(c.author), committer: login(c.committer) };
  });
}

/** The timeline as GET /repos/{o}/{r}/issues/{n}/timeline returns it; only `review_dismissed` events are read. */
export function parseTimeline(data: unknown, file: string, locale: Locale): TimelineEvent[] {
  if (!Array.isArray(data) || !data.every(isObject)) {
    throw new InputError(uiText(locale).cli.badShape(file, '[{ "event": "review_dismissed", "dismissed_review": { "state", "review_id" } }, …]'));
  }
  return data as TimelineEvent[];
}

function commitCount(value: string | undefined, locale: Locale): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d{1,9}$/.test(value)) throw new UsageError(uiText(locale).cli.badValue('--commit-count', value, '0, 1, 2, …'));
  return Number(value);
}

/** `{ "org/team": ["login", …] }`. */
export function parseTeams(data: unknown, file: string, locale: Locale): Record<string, string[]> {
  if (!isObject(data) || !Object.values(data).every((m) => Array.isArray(m) && m.every((l) => typeof l === 'string'))) {
    throw new InputError(uiText(locale).cli.badShape(file, '{ "org/team": ["login", …] }'));
  }
  return Object.fromEntries(Object.entries(data).map(([team, members]) => [team, [...(members as string[])]]));
}

export function gateCommand(argv: readonly string[], io: CommandIO, locale: Locale): number {
  const values = parse(argv, GATE_OPTIONS, locale);
  const c = common(values, io);
  const t = uiText(c.locale).cli;
  for (const required of ['author', 'head-sha', 'reviews'] as const) {
    if (values[required] === undefined || values[required] === '') throw new UsageError(t.missingOption(`--${required}`));
  }
  const time = clock(values, io, c.locale);
  const { base, head } = sources(values, c.repo, io, c.locale);

  // 1. read (I/O)
  const reviews = parseReviews(readJson(values.reviews!, io, c.locale), values.reviews!, c.locale);
  const commits = values.commits !== undefined ? parseCommits(readJson(values.commits, io, c.locale), values.commits, c.locale) : undefined;
  const teams = values.teams !== undefined ? parseTeams(readJson(values.teams, io, c.locale), values.teams, c.locale) : undefined;
  const timeline = values.timeline !== undefined ? parseTimeline(readJson(values.timeline, io, c.locale), values.timeline, c.locale) : undefined;
  const count = commitCount(values['commit-count'], c.locale);
  const requesters = labels(values['requested-by']);
  const [baseSnapshot, headSnapshot] = readSources([base, head], c.repo, io, c.locale);
  const reviewed = readReviewedSnapshots({ repo: c.repo, reviews, headSha: values['head-sha']!, locale: c.locale });

  // 2. decide (pure); manifests are not needed for the decision
  const result = plan({
    base: baseSnapshot,
    head: headSnapshot,
    labels: labels(values.labels),
    ...time,
    locale: c.locale,
    manifests: false,
    review: {
      author: values.author!,
      headSha: values['head-sha']!,
      reviews,
      ...(commits ? { commits } : {}),
      ...(teams ? { teams } : {}),
      ...(count !== undefined ? { commitCount: count } : {}),
      pushers: labels(values.pushers),
      promotionRequesters: requesters,
      ...(timeline ? { dismissedChangeRequests: dismissedChangeRequests(timeline) } : {}),
      reviewed,
    },
  });

  // 3. report (I/O)
  if (c.format === 'json') io.stdout(`${JSON.stringify(gateToJson(result, c.locale), null, 2)}\n`);
  else if (c.format === 'markdown') io.stdout(formatGateMarkdown(result, { locale: c.locale }));
  else io.stdout(formatGateText(result, { locale: c.locale, color: useColor(c.format, io) }));
  return gateAllows(result) ? 0 : 1;
}
