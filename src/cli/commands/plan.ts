/** `freigabe plan --base DIR|--base-ref REF [--head DIR|--head-ref REF]`: what a pull request changes. */
import { plan } from '../../core/plan.js';
import { planJsonChunks } from '../../report/json.js';
import { formatPlanMarkdown } from '../../report/markdown.js';
import { planTextChunks } from '../../report/text.js';
import { COMMON_OPTIONS, SOURCE_OPTIONS, common, labels, parse, today, useColor, type CommandIO } from '../options.js';
import { readSources, sources } from '../sources.js';
import { AUTO_MIN_DIRECTORIES, threadMode, withRenderHelper } from '../render-assist.js';
import type { Snapshot } from '../../core/snapshot.js';
import { UsageError } from '../errors.js';
import { uiText } from '../../i18n/cli.js';

export const PLAN_OPTIONS = { ...COMMON_OPTIONS, ...SOURCE_OPTIONS, 'max-chars': { type: 'string' } } as const;

export function planCommand(argv: readonly string[], io: CommandIO, locale: 'de' | 'en'): number {
  const values = parse(argv, PLAN_OPTIONS, locale);
  const c = common(values, io);
  const day = today(values.today, io, c.locale);
  const { base, head } = sources(values, c.repo, io, c.locale);
  // 1. read (I/O)
  const [baseSnapshot, headSnapshot] = readSources([base, head], c.repo, io, c.locale);
  // 2. plan (pure)
  const params = { base: baseSnapshot, head: headSnapshot, labels: labels(values.labels), today: day, locale: c.locale };
  // A second thread only for a plan that will likely render much; most touch one Fachverfahren.
  const result = threadMode(io.env, c.locale) === 'always' || mayRenderMuch(baseSnapshot, headSnapshot)
    ? withRenderHelper(io, c.locale, [baseSnapshot, headSnapshot], 1, (helper) => plan({ ...params, ...(helper ? { assist: (s, p) => helper.assist(s, p) } : {}) }))
    : plan(params);
  // 3. report (I/O)
  // JSON and text are written in pieces: a first rollout's manifest diff is tens of megabytes.
  if (c.format === 'json') for (const chunk of planJsonChunks(result, c.locale)) io.stdout(chunk);
  else if (c.format === 'markdown') {
    // Default: the size of the pull-request comment, so the output can be pasted or posted as is.
    const raw = values['max-chars'];
    const maxChars = raw === undefined ? undefined : Number(raw);
    if (maxChars !== undefined && (!Number.isSafeInteger(maxChars) || maxChars < 1000)) {
      throw new UsageError(uiText(c.locale).cli.badValue('--max-chars', String(raw), '≥ 1000'));
    }
    io.stdout(formatPlanMarkdown(result, { locale: c.locale, ...(maxChars ? { maxChars } : {}) }));
  } else for (const chunk of planTextChunks(result, { locale: c.locale, color: useColor(c.format, io) })) io.stdout(chunk);
  return result.ok ? 0 : 1;
}

/** Paths of Fachverfahren files: `…/verfahren/<name>/<file>`. */
const VERFAHREN_FILE = /(?:^|\/)verfahren\/([^/]+)\/[^/]+$/;

/**
 * Whether a plan may render many Fachverfahren: a cheap look at the files that differ. A change
 * outside the Fachverfahren directories (platform, tenants, templates, settings) may touch all
 * of them; otherwise it touches the Fachverfahren whose files changed.
 */
function mayRenderMuch(base: Snapshot, head: Snapshot): boolean {
  const touched = new Set<string>();
  const consider = (path: string): boolean => {
    const m = VERFAHREN_FILE.exec(path);
    if (!m) return true;
    touched.add(m[1]);
    return touched.size >= AUTO_MIN_DIRECTORIES / 4;
  };
  for (const [path, bytes] of head.files) if (!sameBytes(base.files.get(path), bytes) && consider(path)) return true;
  for (const path of base.files.keys()) if (!head.files.has(path) && consider(path)) return true;
  return false;
}

function sameBytes(a: Uint8Array | undefined, b: Uint8Array): boolean {
  return a !== undefined && a.length === b.length && Buffer.compare(a, b) === 0;
}
