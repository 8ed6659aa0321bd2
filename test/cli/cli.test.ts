/**
 * The `freigabe` command line as a process: exit codes 0/1/2, the JSON contract field by
 * field, locales, colour only when asked, usage errors without stack traces, git refs read
 * without a checkout, render output, and the gate over GitHub-shaped review files.
 */
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { EstateBuilder, component, internalImage } from '../helpers/estate.js';
import { STACK_TRACE, assertBuilt, freigabe, git, gitRepo, json, tempDir, update, writeTree } from './helpers.js';

const TODAY = ['--today', '2026-06-01'];
const dirs: string[] = [];
const track = (d: string) => (dirs.push(d), d);

/** minimal estate; the second state doubles the web replicas in Abnahme (needs the VV). */
const baseEstate = () => EstateBuilder.minimal();
const headEstate = () =>
  EstateBuilder.minimal().booking('demo', 'abnahme', (d) => {
    d.spec.components[0].replicas = 2;
  });

let repo: string;

beforeAll(() => {
  assertBuilt();
  // commit 1: base, commit 2: head; the working tree equals commit 2
  repo = track(gitRepo(baseEstate()));
  update(repo, headEstate(), 'more replicas');
});

afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

const keys = (o: unknown) => Object.keys(o as object).sort();

describe('validate', () => {
  test('a valid estate: exit 0, the contract object without changes and approval', () => {
    const { code, out } = json(['validate', '--repo', repo, ...TODAY]);
    expect(code).toBe(0);
    expect(keys(out)).toEqual(['cost', 'findings', 'kontingent', 'ok']);
    expect(out.ok).toBe(true);
    const rows = out.kontingent as Record<string, unknown>[];
    expect(rows.length).toBeGreaterThanOrEqual(4);
    for (const r of rows) expect(keys(r)).toEqual(['after', 'before', 'delta', 'dimension', 'limit', 'stage', 'tenant']);
    expect(rows.find((r) => r.dimension === 'cpu' && r.stage === null)).toEqual({ tenant: 'amt', dimension: 'cpu', stage: null, limit: '10', before: '1500m', after: '1500m', delta: '0' });
    expect(out.cost).toEqual([{ tenant: 'amt', before: '30.00', after: '30.00', delta: '0.00', budget: '1000.00' }]);
  });

  test('prints nothing on stderr: no warning from Node.js or a dependency (the bundle must not load deprecated built-ins)', () => {
    const r = freigabe(['validate', '--repo', repo, ...TODAY]);
    expect(r.code).toBe(0);
    expect(r.stdout).not.toBe('');
    expect(r.stderr).toBe('');
  });

  test('an error: exit 1, every finding field, file and line of the offending value', () => {
    const b = EstateBuilder.minimal().booking('demo', 'abnahme', (d) => {
      d.spec.components[0].size = 'XXL';
    });
    const dir = track(tempDir('invalid'));
    writeTree(dir, b.files());
    const { code, out } = json(['validate', '--repo', dir, ...TODAY]);
    expect(code).toBe(1);
    expect(out.ok).toBe(false);
    const finding = (out.findings as Record<string, unknown>[]).find((f) => f.code === 'unknown-size')!;
    expect(keys(finding)).toEqual(['code', 'file', 'line', 'message', 'path', 'severity']);
    expect(finding).toMatchObject({ severity: 'error', file: 'environments/verfahren/demo/abnahme.yaml', line: b.lineOf('verfahren/demo/abnahme.yaml', 'size: XXL') });
    expect(finding.path).toMatch(/^\/spec\/components\/0/);
    expect(finding.message).toMatch(/XXL/);
  });

  test('messages are German by default and English with --locale en; domain terms stay German', () => {
    const b = EstateBuilder.minimal().booking('demo', 'abnahme', (d) => {
      d.spec.components[0].replicas = 100;
    });
    const dir = track(tempDir('locale'));
    writeTree(dir, b.files());
    const de = freigabe(['validate', '--repo', dir, ...TODAY]);
    const en = freigabe(['validate', '--repo', dir, ...TODAY, '--locale', 'en']);
    expect(de.code).toBe(1);
    expect(en.code).toBe(1);
    expect(de.stdout).toContain('Befunde');
    expect(de.stdout).toContain('Estate hat Fehler.');
    expect(en.stdout).toContain('Findings');
    expect(en.stdout).toContain('The estate has errors.');
    expect(en.stdout).toContain('Kontingent');
    const jde = json(['validate', '--repo', dir, ...TODAY]).out.findings as { code: string; message: string }[];
    const jen = json(['validate', '--repo', dir, ...TODAY, '--locale', 'en']).out.findings as { code: string; message: string }[];
    expect(jde.map((f) => f.code)).toEqual(jen.map((f) => f.code));
    expect(jde.find((f) => f.code === 'kontingent-exceeded')!.message).not.toBe(jen.find((f) => f.code === 'kontingent-exceeded')!.message);
  });

  test('text is coloured only when asked (not a TTY here); FORCE_COLOR turns it on', () => {
    const plain = freigabe(['validate', '--repo', repo, ...TODAY]);
    expect(plain.stdout).not.toContain('\x1b[');
    const forced = freigabe(['validate', '--repo', repo, ...TODAY], { env: { FORCE_COLOR: '1' } });
    expect(forced.stdout).toContain('\x1b[');
    expect(freigabe(['validate', '--repo', repo, ...TODAY, '--format', 'json'], { env: { FORCE_COLOR: '1' } }).stdout).not.toContain('\x1b[');
  });

  test('markdown: a validation report with tables', () => {
    const r = freigabe(['validate', '--repo', repo, ...TODAY, '--format', 'markdown']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^### freigabe: Validierung/);
    expect(r.stdout).toContain('| Mandant | Dimension | Stage | Kontingent | genutzt | Anteil |');
  });

  test('the estate root comes from .github/freigabe.yml; default is the current directory', () => {
    const dir = track(tempDir('root'));
    const files = new Map([...EstateBuilder.minimal().files()].map(([p, c]) => [p.replace(/^environments\//, 'estate/'), c]));
    writeTree(dir, files);
    writeFileSync(join(dir, 'README.md'), '# not part of the estate\n');
    expect(freigabe(['validate'], { cwd: dir }).code).toBe(0); // no environments/: empty estate, nothing to complain about
    mkdirSync(join(dir, '.github'));
    writeFileSync(join(dir, '.github', 'freigabe.yml'), 'root: estate\n');
    const { code, out } = json(['validate', ...TODAY], { cwd: dir });
    expect(code).toBe(0);
    expect((out.kontingent as unknown[]).length).toBeGreaterThan(0);
  });

  test('symbolic links are not followed (warning on stderr); .git and node_modules are skipped', () => {
    const dir = track(tempDir('links'));
    writeTree(dir, EstateBuilder.minimal().files());
    const outside = track(tempDir('outside'));
    writeFileSync(join(outside, 'secret.yaml'), 'kind: Tenant\n');
    symlinkSync(join(outside, 'secret.yaml'), join(dir, 'environments', 'tenants', 'linked.yaml'));
    mkdirSync(join(dir, 'environments', 'node_modules'));
    writeFileSync(join(dir, 'environments', 'node_modules', 'x.yaml'), 'junk: [');
    const { code, out, stderr } = json(['validate', '--repo', dir, ...TODAY]);
    expect(stderr).toMatch(/symbolischer Link environments\/tenants\/linked\.yaml/);
    expect(code).toBe(0);
    expect(JSON.stringify(out.findings)).not.toContain('linked.yaml');
    expect(JSON.stringify(out.findings)).not.toContain('node_modules');
  });
});

describe('plan', () => {
  test('--base-ref HEAD~1 against the working tree: exit 0 and every contract field', () => {
    const { code, out } = json(['plan', '--repo', repo, '--base-ref', 'HEAD~1', ...TODAY]);
    expect(code).toBe(0);
    for (const k of ['ok', 'findings', 'changes', 'kontingent', 'cost', 'approval']) expect(out).toHaveProperty(k);
    expect(out.ok).toBe(true);
    const changes = out.changes as Record<string, unknown>[];
    expect(changes).toHaveLength(1);
    expect(changes[0]).toMatchObject({ verfahren: 'demo', stage: 'abnahme', kind: 'booking' });
    for (const k of ['verfahren', 'stage', 'kind', 'components']) expect(changes[0]).toHaveProperty(k);
    const comp = (changes[0].components as Record<string, Record<string, unknown>>[])[0];
    expect(keys(comp)).toEqual(['after', 'before', 'name']);
    expect(keys(comp.before)).toEqual(['image', 'replicas', 'size']);
    expect(comp.before.replicas).toBe(1);
    expect(comp.after.replicas).toBe(2);
    expect((out.kontingent as Record<string, unknown>[]).find((r) => r.dimension === 'memory' && r.stage === null)).toEqual({
      tenant: 'amt',
      dimension: 'memory',
      stage: null,
      limit: '20Gi',
      before: '2Gi',
      after: '3Gi',
      delta: '1Gi',
    });
    expect(out.cost).toEqual([{ tenant: 'amt', before: '20.00', after: '30.00', delta: '10.00', budget: '1000.00' }]);
    const approval = out.approval as { satisfied: boolean; requirements: Record<string, unknown>[] };
    expect(keys(approval)).toEqual(['requirements', 'satisfied']);
    expect(approval.satisfied).toBe(false);
    expect(keys(approval.requirements[0])).toEqual(['approvedBy', 'approvers', 'blockedBy', 'min', 'reason', 'stage', 'verfahren']);
    expect(approval.requirements[0]).toMatchObject({ verfahren: 'demo', stage: 'abnahme', approvers: ['v-verantwortlich'], min: 1, approvedBy: [], blockedBy: [] });
    const manifests = out.manifests as { path: string; diff: string }[];
    expect(manifests.length).toBeGreaterThan(0);
    expect(manifests.every((m) => m.path.startsWith('abnahme/demo/'))).toBe(true);
  });

  test('--head-ref HEAD gives the same plan as the working tree; --base/--head directories too', () => {
    const fromTree = json(['plan', '--repo', repo, '--base-ref', 'HEAD~1', ...TODAY]).out;
    const fromRefs = json(['plan', '--repo', repo, '--base-ref', 'HEAD~1', '--head-ref', 'HEAD', ...TODAY]).out;
    expect(fromRefs).toEqual(fromTree);
    const baseDir = track(tempDir('base'));
    writeTree(baseDir, baseEstate().files());
    const fromDirs = json(['plan', '--base', baseDir, '--head', repo, ...TODAY]).out;
    expect(fromDirs).toEqual(fromTree);
  });

  test('a head with an error: exit 1; text and markdown verdicts', () => {
    const r = track(gitRepo(baseEstate()));
    update(
      r,
      EstateBuilder.minimal().booking('demo', 'abnahme', (d) => {
        d.spec.components[0].image = 'ghcr.io/amt/demo-web:latest';
      }),
      'tag in Abnahme',
    );
    const text = freigabe(['plan', '--repo', r, '--base-ref', 'HEAD~1', ...TODAY]);
    expect(text.code).toBe(1);
    expect(text.stdout).toContain('✘ Plan mit Fehlern');
    expect(text.stdout).toMatch(/environments\/verfahren\/demo\/abnahme\.yaml:\d+: Fehler \[/);
    const md = freigabe(['plan', '--repo', r, '--base-ref', 'HEAD~1', ...TODAY, '--format', 'markdown', '--locale', 'en']);
    expect(md.code).toBe(1);
    expect(md.stdout).toMatch(/^### freigabe: plan\n\n❌ \*\*Plan with errors/);
    expect(md.stdout).toContain('<details><summary>');
    expect(md.stdout.length).toBeLessThanOrEqual(65_000);
  });

  test('text output: sections, changes per stage with the German stage title, the diff', () => {
    const r = freigabe(['plan', '--repo', repo, '--base-ref', 'HEAD~1', ...TODAY, '--locale', 'en']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Changes');
    expect(r.stdout).toContain('Abnahme (abnahme)');
    expect(r.stdout).toContain('web: 1× → 2×');
    expect(r.stdout).toMatch(/^\+\s+replicas: 2$/m);
    expect(r.stdout).toContain('✔ Plan without errors.');
  });

  test('a base with no estate at all (the initial import): everything is created, no stage order to keep', () => {
    const empty = track(tempDir('empty'));
    const { code, out } = json(['plan', '--base', empty, '--head', repo, ...TODAY]);
    // demo's web enters Abnahme at once: nothing has run anywhere yet, so that is no violation
    expect((out.findings as { code: string }[]).filter((f) => f.code === 'stage-order')).toEqual([]);
    expect((out.changes as { kind: string }[]).some((c) => c.kind === 'created')).toBe(true);
    expect((out.manifests as { status: string }[]).every((m) => m.status === 'added')).toBe(true);
    // plan's exit code follows the findings; the platform change still needs approval, and
    // nobody on the (empty) base can give it
    expect(code).toBe(0);
    expect((out.approval as { satisfied: boolean }).satisfied).toBe(false);
  });
});

describe('render', () => {
  test('writes every stage, one directory per Fachverfahren with a kustomization.yaml; re-render replaces', () => {
    const out = join(track(tempDir('render')), 'out');
    const r = freigabe(['render', '--repo', repo, '--out', out, ...TODAY]);
    expect(r.code).toBe(0);
    expect(existsSync(join(out, 'abnahme', 'demo', 'kustomization.yaml'))).toBe(true);
    expect(existsSync(join(out, 'vorpruefung', 'demo', 'kustomization.yaml'))).toBe(true);
    const first = readFileSync(join(out, 'abnahme', 'demo', 'kustomization.yaml'), 'utf8');
    // a stale file in a stage directory does not survive the next render
    writeFileSync(join(out, 'abnahme', 'demo', 'stale.yaml'), 'x: 1\n');
    expect(freigabe(['render', '--repo', repo, '--out', out, ...TODAY]).code).toBe(0);
    expect(existsSync(join(out, 'abnahme', 'demo', 'stale.yaml'))).toBe(false);
    expect(readFileSync(join(out, 'abnahme', 'demo', 'kustomization.yaml'), 'utf8')).toBe(first);
  });

  test('--stage renders one stage; JSON lists the written files', () => {
    const out = join(track(tempDir('render-stage')), 'out');
    const { code, out: result } = json(['render', '--repo', repo, '--out', out, '--stage', 'abnahme', ...TODAY]);
    expect(code).toBe(0);
    expect(readdirSync(out).filter((n) => !n.startsWith('.'))).toEqual(['abnahme']);
    expect((result.files as string[]).every((f) => f.startsWith('abnahme/'))).toBe(true);
  });

  test('an estate with errors: exit 1 and nothing written', () => {
    const dir = track(tempDir('render-bad'));
    writeTree(
      dir,
      EstateBuilder.minimal()
        .booking('demo', 'abnahme', (d) => {
          d.spec.components[0].size = 'XXL';
        })
        .files(),
    );
    const out = join(dir, 'out');
    const r = freigabe(['render', '--repo', dir, '--out', out, ...TODAY]);
    expect(r.code).toBe(1);
    expect(existsSync(out)).toBe(false);
  });

  test('a foreign non-empty output directory is refused (exit 2); an unknown stage too', () => {
    const out = track(tempDir('foreign'));
    writeFileSync(join(out, 'important.txt'), 'keep me\n');
    const r = freigabe(['render', '--repo', repo, '--out', out]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/nicht leer/);
    expect(readFileSync(join(out, 'important.txt'), 'utf8')).toBe('keep me\n');
    const s = freigabe(['render', '--repo', repo, '--out', join(out, 'new'), '--stage', 'nirgendwo']);
    expect(s.code).toBe(2);
    expect(s.stderr).toMatch(/nirgendwo.*vorpruefung/);
  });
});

describe('gate', () => {
  const HEAD_SHA = 'c0ffee'.padEnd(40, '0');
  let files: string;
  const write = (name: string, data: unknown) => {
    const path = join(files, name);
    writeFileSync(path, JSON.stringify(data));
    return path;
  };
  const review = (login: string, state = 'APPROVED', sha = HEAD_SHA, type = 'User') => ({
    id: 1,
    user: { login, type },
    state,
    commit_id: sha,
    submitted_at: '2026-06-01T09:00:00Z',
    body: '',
  });
  const gate = (reviews: unknown[], extra: string[] = []) =>
    freigabe(['gate', '--repo', repo, '--base-ref', 'HEAD~1', '--head-ref', 'HEAD', '--author', 'entwickler', '--head-sha', HEAD_SHA, '--reviews', write('reviews.json', reviews), ...TODAY, ...extra]);

  beforeAll(() => {
    files = track(tempDir('gate'));
  });

  test('approvals never release an estate with errors: a skipped stage blocks the gate (exit 1, finding in the output)', () => {
    const skipping = track(gitRepo(baseEstate()));
    update(
      skipping,
      EstateBuilder.minimal().booking('demo', 'abnahme', (d) => {
        d.spec.components[0].image = internalImage('demo/web', '9.9.9');
      }),
      'new release straight into Abnahme',
    );
    const reviews = write('skip-reviews.json', [review('v-verantwortlich')]);
    const args = ['gate', '--repo', skipping, '--base-ref', 'HEAD~1', '--head-ref', 'HEAD', '--author', 'entwickler', '--head-sha', HEAD_SHA, '--reviews', reviews, ...TODAY];
    const { code, out } = json(args);
    expect(code).toBe(1);
    expect(out.ok).toBe(false);
    expect((out.approval as { satisfied: boolean }).satisfied).toBe(true);
    expect((out.findings as { code: string; file: string }[]).map((f) => [f.code, f.file])).toEqual([['stage-order', 'environments/verfahren/demo/abnahme.yaml']]);
    const text = freigabe(args);
    expect(text.code).toBe(1);
    expect(text.stdout).toContain('stage-order');
  });

  test('the VV approved the head commit: exit 0', () => {
    const r = gate([review('v-verantwortlich')]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('✔ erteilt');
    expect(r.stdout).toContain('Alle nötigen Freigaben liegen vor.');
  });

  test('no approval, or one on an older commit, or by the author: exit 1, and who could still approve', () => {
    expect(gate([]).code).toBe(1);
    expect(gate([review('v-verantwortlich', 'APPROVED', 'a'.repeat(40))]).code).toBe(1);
    const r = gate([review('jemand-anderes')], ['--locale', 'en']);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('could still approve: v-verantwortlich');
  });

  test('JSON: ok, approval with approvedBy and blockedBy', () => {
    const approved = freigabe(['gate', '--repo', repo, '--base-ref', 'HEAD~1', '--author', 'entwickler', '--head-sha', HEAD_SHA, '--reviews', write('r1.json', [review('v-verantwortlich')]), ...TODAY, '--format', 'json']);
    const out = JSON.parse(approved.stdout) as { ok: boolean; approval: { satisfied: boolean; requirements: { approvedBy: string[]; blockedBy: string[] }[] } };
    expect(approved.code).toBe(0);
    expect(out.ok).toBe(true);
    expect(out.approval.satisfied).toBe(true);
    expect(out.approval.requirements[0].approvedBy).toEqual(['v-verantwortlich']);
    const blocked = JSON.parse(gate([review('v-verantwortlich', 'CHANGES_REQUESTED')], ['--format', 'json']).stdout) as typeof out;
    expect(blocked.ok).toBe(false);
    expect(blocked.approval.requirements[0].blockedBy).toEqual(['v-verantwortlich']);
  });

  test('commits and teams files in GitHub shapes are read', () => {
    const commits = write('commits.json', [{ sha: HEAD_SHA, author: { login: 'v-verantwortlich' }, committer: { login: 'web-flow' } }]);
    // the VV pushed a commit to the pull request: their approval does not count (four eyes)
    expect(gate([review('v-verantwortlich')], ['--commits', commits]).code).toBe(1);
    const teams = write('teams.json', { 'amt/it-leitung': ['chefin'] });
    expect(gate([review('v-verantwortlich')], ['--teams', teams]).code).toBe(0);
  });

  test('issue 11 attack: commits with unlinked (null) author and committer — exit 1, and the reason says what to do', () => {
    const commits = write('unlinked.json', [{ sha: HEAD_SHA, author: null, committer: null }]);
    const r = gate([review('v-verantwortlich')], ['--commits', commits]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('Vier-Augen-Prinzip nicht prüfbar');
    expect(r.stdout).toContain('git commit --amend --reset-author');
    const out = JSON.parse(gate([review('v-verantwortlich')], ['--commits', commits, '--format', 'json']).stdout) as { ok: boolean; approval: { contributorGaps: unknown[] } };
    expect(out.ok).toBe(false);
    expect(out.approval.contributorGaps).toEqual([{ type: 'unlinked-author', sha: HEAD_SHA }, { type: 'unlinked-committer', sha: HEAD_SHA }]);
  });

  test('issue 11: more commits than listed, a pusher, the promotion requester — exit 1; the timeline is read', () => {
    const commits = write('one.json', [{ sha: HEAD_SHA, author: { login: 'entwickler' }, committer: { login: 'web-flow' } }]);
    expect(gate([review('v-verantwortlich')], ['--commits', commits]).code).toBe(0);
    expect(gate([review('v-verantwortlich')], ['--commits', commits, '--commit-count', '2']).code).toBe(1);
    expect(gate([review('v-verantwortlich')], ['--commits', commits, '--pushers', 'V-Verantwortlich']).code).toBe(1);
    expect(gate([review('v-verantwortlich')], ['--commits', commits, '--requested-by', 'v-verantwortlich']).code).toBe(1);
    // the timeline is GitHub's array; the rule itself is tested in test/gate/ways-around.test.ts
    const timeline = write('timeline.json', [{ event: 'review_dismissed', dismissed_review: { state: 'changes_requested', review_id: 11, dismissal_message: null } }]);
    expect(gate([review('v-verantwortlich')], ['--commits', commits, '--timeline', timeline]).code).toBe(0);
    expect(gate([review('v-verantwortlich')], ['--timeline', write('timeline-bad.json', { event: 'x' })]).code).toBe(2);
    const bad = gate([review('v-verantwortlich')], ['--commit-count', 'viele']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--commit-count');
  });

  test('bad input files: exit 2 with a message, no stack trace', () => {
    writeFileSync(join(files, 'broken.json'), '[{');
    const broken = freigabe(['gate', '--repo', repo, '--base-ref', 'HEAD~1', '--author', 'a', '--head-sha', HEAD_SHA, '--reviews', join(files, 'broken.json')]);
    expect(broken.code).toBe(2);
    expect(broken.stderr).toMatch(/kein gültiges JSON/);
    expect(broken.stderr).not.toMatch(STACK_TRACE);
    const shape = gate([{ state: 42 }]);
    expect(shape.code).toBe(2);
    expect(shape.stderr).toMatch(/nicht die erwartete Form/);
    const missing = freigabe(['gate', '--repo', repo, '--base-ref', 'HEAD~1', '--author', 'a', '--head-sha', HEAD_SHA, '--reviews', join(files, 'nope.json')]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/nope\.json.*ENOENT/);
  });

  test('--author, --head-sha and --reviews are required', () => {
    const r = freigabe(['gate', '--repo', repo, '--base-ref', 'HEAD~1', '--head-sha', HEAD_SHA, '--reviews', write('r.json', [])]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('Option --author fehlt.');
  });
});

describe('usage errors and unreadable input: exit 2, a message, never a stack trace', () => {
  const cases: [string, string[], RegExp][] = [
    ['no command', [], /Kein Befehl/],
    ['unknown command', ['deploy'], /Unbekannter Befehl „deploy“/],
    ['unknown option', ['validate', '--frobnicate'], /Ungültiger Aufruf: .*frobnicate/],
    ['render without --out', ['render'], /Option --out DIR fehlt/],
    ['bad --format', ['validate', '--format', 'xml'], /Ungültiger Wert „xml“ für --format; erlaubt: text, json, markdown/],
    ['bad --locale', ['validate', '--locale', 'fr'], /Ungültiger Wert „fr“ für --locale/],
    ['plan without base', ['plan'], /--base DIR oder --base-ref REF/],
    ['both --base and --base-ref', ['plan', '--base', '.', '--base-ref', 'HEAD'], /schließen sich aus/],
    ['bad --today', ['validate', '--today', '2026-02-30'], /Ungültiges Datum/],
    ['unknown ref', ['plan', '--base-ref', 'no-such-branch'], /Git-Referenz „no-such-branch“ gibt es/],
    ['ref looking like an option', ['plan', '--base-ref=--output=/tmp/x'], /Git-Referenz/],
    ['missing repository directory', ['validate', '--repo', '/nonexistent/freigabe'], /existiert nicht/],
  ];
  for (const [name, args, message] of cases) {
    test(name, () => {
      const r = freigabe(args, { cwd: repo });
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(message);
      expect(r.stderr).not.toMatch(STACK_TRACE);
      expect(r.stdout).toBe('');
    });
  }

  test('English messages with --locale en', () => {
    const r = freigabe(['render', '--locale', 'en'], { cwd: repo });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('Option --out DIR is missing.');
  });

  test('--base-ref outside a git repository', () => {
    const dir = track(tempDir('nogit'));
    const r = freigabe(['plan', '--repo', dir, '--base-ref', 'HEAD']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/kein Git-Repository/);
    expect(r.stderr).not.toMatch(STACK_TRACE);
  });

  test('--help prints the usage and exits 0', () => {
    const r = freigabe(['--help', '--locale', 'en']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^Usage: freigabe <command>/);
  });
});

describe('git reading', () => {
  test('a commit is read without a checkout, also when the working tree differs', () => {
    const r = track(gitRepo(baseEstate()));
    update(r, headEstate(), 'second');
    // the working tree now has a broken file that is not committed
    writeFileSync(join(r, 'environments', 'tenants', 'amt.yaml'), 'kind: [');
    expect(freigabe(['validate', '--repo', r]).code).toBe(1);
    const { code, out } = json(['plan', '--repo', r, '--base-ref', 'HEAD~1', '--head-ref', 'HEAD', ...TODAY]);
    expect(code).toBe(0);
    expect(out.ok).toBe(true);
    expect(git(r, ['status', '--porcelain'])).toContain('amt.yaml');
  });

  test('a committed symbolic link is not read (warning)', () => {
    const r = track(gitRepo(baseEstate()));
    symlinkSync('/etc/passwd', join(r, 'environments', 'tenants', 'passwd.yaml'));
    git(r, ['add', '-A']);
    git(r, ['commit', '-q', '-m', 'link']);
    const { code, out, stderr } = json(['plan', '--repo', r, '--base-ref', 'HEAD~1', '--head-ref', 'HEAD', ...TODAY]);
    expect(code).toBe(0);
    expect(stderr).toMatch(/symbolischer Link environments\/tenants\/passwd\.yaml/);
    expect(JSON.stringify(out)).not.toContain('root:x:0');
  });

  test('a new Fachverfahren in a new commit shows up as created, with its components', () => {
    const r = track(gitRepo(baseEstate()));
    update(
      r,
      EstateBuilder.minimal()
        .verfahren('neu')
        .booking('neu', 'vorpruefung', [component({ name: 'api', image: 'ghcr.io/amt/neu-api:1.0.0', size: 'M', replicas: 2 })]),
      'neu',
    );
    const { code, out } = json(['plan', '--repo', r, '--base-ref', 'HEAD~1', '--head-ref', 'HEAD', ...TODAY]);
    expect(code).toBe(0);
    const created = (out.changes as { verfahren: string; kind: string; components: { after: { size: string; replicas: number } | null }[] }[]).filter((c) => c.verfahren === 'neu');
    expect(created.length).toBeGreaterThan(0);
    expect(created.flatMap((c) => c.components).some((c) => c.after?.size === 'M' && c.after.replicas === 2)).toBe(true);
  });
});
