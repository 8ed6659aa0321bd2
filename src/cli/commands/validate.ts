/** `freigabe validate [--repo DIR]`: schema, integrity, Kontingent, cost and policy checks of one state. */
import { validation } from '../../core/plan.js';
import { validationToJson } from '../../report/json.js';
import { formatValidationMarkdown } from '../../report/markdown.js';
import { formatValidationText } from '../../report/text.js';
import { COMMON_OPTIONS, common, parse, today, useColor, type CommandIO } from '../options.js';
import { readSources } from '../sources.js';

export const VALIDATE_OPTIONS = { ...COMMON_OPTIONS, today: { type: 'string' } } as const;

export function validateCommand(argv: readonly string[], io: CommandIO, locale: 'de' | 'en'): number {
  const values = parse(argv, VALIDATE_OPTIONS, locale);
  const c = common(values, io);
  const day = today(values.today, io, c.locale);
  // 1. read (I/O)
  const [snapshot] = readSources([{ dir: c.repo }], c.repo, io, c.locale);
  // 2. evaluate (pure)
  const result = validation({ snapshot, today: day });
  // 3. report (I/O)
  if (c.format === 'json') io.stdout(`${JSON.stringify(validationToJson(result, c.locale), null, 2)}\n`);
  else if (c.format === 'markdown') io.stdout(formatValidationMarkdown(result, { locale: c.locale, maxChars: Number.MAX_SAFE_INTEGER }));
  else io.stdout(formatValidationText(result, { locale: c.locale, color: useColor(c.format, io) }));
  return result.ok ? 0 : 1;
}
