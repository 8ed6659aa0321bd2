/**
 * `freigabe render [--repo DIR] --out DIR [--stage S]`: writes the rendered tree of every stage
 * (or one). Nothing is written when the estate has errors: a half-valid render must not reach
 * a cluster. The output directory must be empty or a previous render's (marker file); the
 * stages rendered now replace their old directories, so no stale manifest survives.
 */
import { existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { sortDiagnostics } from '../../core/diagnostics.js';
import { stageNames } from '../../core/model.js';
import { costTable, kontingentTable } from '../../core/kontingent.js';
import type { Validation } from '../../core/plan.js';
import { renderEstate } from '../../core/render.js';
import { validateEstate } from '../../core/validate.js';
import { loadEstate } from '../../core/load.js';
import { uiText } from '../../i18n/cli.js';
import { validationToJson } from '../../report/json.js';
import { formatValidationMarkdown } from '../../report/markdown.js';
import { formatValidationText } from '../../report/text.js';
import { UsageError } from '../errors.js';
import { COMMON_OPTIONS, common, parse, today, useColor, type CommandIO } from '../options.js';
import { readSources } from '../sources.js';

export const RENDER_OPTIONS = { ...COMMON_OPTIONS, out: { type: 'string' }, stage: { type: 'string' }, today: { type: 'string' } } as const;

/** Marks a directory as freigabe's render output, so a later render may replace its stages. */
export const RENDER_MARKER = '.freigabe-render';

const SAFE_SEGMENT = /^[A-Za-z0-9_][A-Za-z0-9._-]*$/;

export function renderCommand(argv: readonly string[], io: CommandIO, locale: 'de' | 'en'): number {
  const values = parse(argv, RENDER_OPTIONS, locale);
  const c = common(values, io);
  const t = uiText(c.locale);
  if (values.out === undefined || values.out === '') throw new UsageError(t.cli.missingOption('--out DIR'));
  const out = resolve(io.cwd, values.out);
  if (existsSync(out) && readdirSync(out).length > 0 && !existsSync(join(out, RENDER_MARKER))) throw new UsageError(t.cli.outNotEmpty(out));
  const day = today(values.today, io, c.locale);

  // 1. read
  const [snapshot] = readSources([{ dir: c.repo }], c.repo, io, c.locale);
  // 2. validate and render (pure)
  // load + validate, and the render itself supplies the render checks (validateSnapshot would render twice)
  const loaded = loadEstate({ snapshot });
  const estate = loaded.value;
  const diagnostics = [...loaded.diagnostics, ...validateEstate({ estate, today: day })];
  const stages = stageNames(estate);
  if (values.stage !== undefined && !stages.includes(values.stage)) throw new UsageError(t.cli.unknownStage(values.stage, stages.join(', ')));
  const rendered = renderEstate({ estate, ...(values.stage !== undefined ? { stages: [values.stage] } : {}) });
  const findings = sortDiagnostics([...diagnostics, ...rendered.diagnostics]);
  const tenants = [...estate.tenants.keys()].sort();
  const result: Validation = {
    ok: !findings.some((d) => d.severity === 'error'),
    findings,
    kontingent: kontingentTable({ base: estate, head: estate, tenants }),
    cost: costTable({ base: estate, head: estate, tenants }),
    stages: estate.platform?.data.spec.stages.map((s) => ({ name: s.name, title: s.title })) ?? [],
  };

  // 3. write, only a valid render
  const written: string[] = [];
  if (result.ok) {
    const paths = [...rendered.files.keys()].sort();
    for (const path of paths) {
      // The core names files; still never let a name climb out of the output directory.
      if (!path.split('/').every((s) => SAFE_SEGMENT.test(s))) throw new Error(`unsafe rendered path ${JSON.stringify(path)}`);
    }
    mkdirSync(out, { recursive: true });
    for (const stage of values.stage !== undefined ? [values.stage] : stages) {
      if (SAFE_SEGMENT.test(stage)) rmSync(join(out, stage), { recursive: true, force: true });
    }
    writeFileSync(join(out, RENDER_MARKER), 'Rendered by freigabe render; stage directories here are replaced on the next render.\n');
    const made = new Set<string>();
    for (const path of paths) {
      const file = join(out, path);
      const dir = dirname(file);
      if (!made.has(dir)) {
        mkdirSync(dir, { recursive: true });
        made.add(dir);
      }
      writeFileSync(file, rendered.files.get(path)!);
      written.push(path);
    }
  }

  // 4. report
  if (c.format === 'json') io.stdout(`${JSON.stringify({ ...validationToJson(result, c.locale), out, files: written }, null, 2)}\n`);
  else {
    const report =
      c.format === 'markdown'
        ? formatValidationMarkdown(result, { locale: c.locale, maxChars: Number.MAX_SAFE_INTEGER })
        : formatValidationText(result, { locale: c.locale, color: useColor(c.format, io) });
    io.stdout(`${report}\n${result.ok ? t.cli.rendered(written.length, out) : t.cli.notRendered}\n`);
  }
  return result.ok ? 0 : 1;
}
