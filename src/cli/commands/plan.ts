/** `freigabe plan --base DIR|--base-ref REF [--head DIR|--head-ref REF]`: what a pull request changes. */
import { plan } from '../../core/plan.js';
import { planJsonChunks } from '../../report/json.js';
import { formatPlanMarkdown } from '../../report/markdown.js';
import { planTextChunks } from '../../report/text.js';
import { COMMON_OPTIONS, SOURCE_OPTIONS, clock, common, labels, parse, useColor, type CommandIO } from '../options.js';
import { readSources, sources } from '../sources.js';
import { UsageError } from '../errors.js';
import { uiText } from '../../i18n/cli.js';

export const PLAN_OPTIONS = { ...COMMON_OPTIONS, ...SOURCE_OPTIONS, 'max-chars': { type: 'string' } } as const;

export function planCommand(argv: readonly string[], io: CommandIO, locale: 'de' | 'en'): number {
  const values = parse(argv, PLAN_OPTIONS, locale);
  const c = common(values, io);
  const time = clock(values, io, c.locale);
  const { base, head } = sources(values, c.repo, io, c.locale);
  // 1. read (I/O)
  const [baseSnapshot, headSnapshot] = readSources([base, head], c.repo, io, c.locale);
  // 2. plan (pure)
  const result = plan({ base: baseSnapshot, head: headSnapshot, labels: labels(values.labels), ...time, locale: c.locale });
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
