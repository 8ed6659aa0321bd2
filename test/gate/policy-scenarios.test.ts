/**
 * Freigabe policy that public bodies need (issue 13), scenario by scenario: Änderungsstopp
 * windows, Vertretung windows, approval roles with segregation of duties, and approvals bound to
 * the content they approved. Each runs the core's plan over a base, a head, GitHub-shaped
 * reviews and a clock, the way `freigabe gate` and the app do.
 */
import { describe, expect, test } from 'vitest';
import { activeFreeze, berlinWallTime, freezeWindows, parseBerlinTime } from '../../src/core/freeze.js';
import { loadEstate } from '../../src/core/load.js';
import { snapshotOf } from '../../src/core/snapshot.js';
import { findingMessage } from '../../src/i18n/findings.js';
import { applyEdits, baseFiles, commit, HEAD_SHA, IMAGES, M, OLDER_SHA, PLATFORM, replace, reviews, setImage, W } from '../fixtures/gate/builder.js';
import { runPolicy } from '../fixtures/gate/policy-builder.js';

const PROMOTE_PRODUKTION = { [`${W}/produktion.yaml`]: setImage('web', IMAGES.WEB_V2) };

/** platform.yaml with Änderungsstopp windows for one stage. */
function freeze(stage: 'produktion' | 'abnahme', ...windows: { start: string; end: string; reason: string }[]) {
  const list = windows.map((w) => `        - { start: "${w.start}", end: "${w.end}", reason: ${w.reason} }\n`).join('');
  const anchor = stage === 'produktion' ? '      minApprovals: 1\n' : '      title: Abnahme\n';
  return { [PLATFORM]: replace(anchor, `${anchor}      aenderungsstopp:\n${list}`) };
}

const JAHRESWECHSEL = freeze('produktion', { start: '2026-12-21T06:00', end: '2027-01-04T08:00', reason: 'Jahreswechsel' });

describe('Änderungsstopp', () => {
  test('first minute of the window (06:00 Berlin = 05:00 UTC in winter): frozen; the minute before: not', () => {
    const first = runPolicy({ base: JAHRESWECHSEL, head: PROMOTE_PRODUKTION, author: 'j-becker', now: '2026-12-21T05:00:00Z', reviews: reviews().approve('m-schulz') });
    expect(first.allowed).toBe(false);
    const finding = first.plan.findings.find((d) => d.code === 'aenderungsstopp')!;
    expect(finding).toMatchObject({ severity: 'error', file: `${W}/produktion.yaml`, line: 1 });
    expect(findingMessage(finding, 'de')).toBe(
      'Änderungsstopp in Produktion (Jahreswechsel) bis 04.01.2027, 08:00 Uhr: die Änderung an wohngeld ist nur als Notfalländerung möglich (Label „notfall“; Freigabe durch Verfahrensverantwortliche und Plattform).',
    );
    expect(findingMessage(finding, 'en')).toContain('until 2027-01-04 08:00 (Europe/Berlin)');
    const before = runPolicy({ base: JAHRESWECHSEL, head: PROMOTE_PRODUKTION, author: 'j-becker', now: '2026-12-21T04:59:00Z', reviews: reviews().approve('m-schulz') });
    expect(before.codes()).not.toContain('aenderungsstopp');
    expect(before.allowed).toBe(true);
  });

  test('last minute of the window (07:59 Berlin): frozen; at its end (08:00): not', () => {
    const last = runPolicy({ base: JAHRESWECHSEL, head: PROMOTE_PRODUKTION, author: 'j-becker', now: '2027-01-04T06:59:00Z', reviews: reviews().approve('m-schulz') });
    expect(last.codes()).toContain('aenderungsstopp');
    expect(last.allowed).toBe(false);
    const after = runPolicy({ base: JAHRESWECHSEL, head: PROMOTE_PRODUKTION, author: 'j-becker', now: '2027-01-04T07:00:00Z', reviews: reviews().approve('m-schulz') });
    expect(after.codes()).not.toContain('aenderungsstopp');
    expect(after.allowed).toBe(true);
  });

  test('another time zone’s midnight: the window starts at Berlin’s midnight, not New York’s or Tokyo’s', () => {
    const base = freeze('produktion', { start: '2026-12-24', end: '2026-12-26', reason: 'Weihnachten' });
    // 23:30 on the 23rd in New York is 05:30 on the 24th in Berlin: inside.
    const newYork = runPolicy({ base, head: PROMOTE_PRODUKTION, author: 'j-becker', today: '2026-12-24', now: '2026-12-23T23:30:00-05:00' });
    expect(newYork.codes()).toContain('aenderungsstopp');
    // 00:30 on the 24th in Tokyo is 16:30 on the 23rd in Berlin: not yet.
    const tokyo = runPolicy({ base, head: PROMOTE_PRODUKTION, author: 'j-becker', today: '2026-12-23', now: '2026-12-24T00:30:00+09:00' });
    expect(tokyo.codes()).not.toContain('aenderungsstopp');
    // A date alone as the end includes that whole day: 23:59 Berlin on the 26th, not 00:00 on the 27th.
    expect(runPolicy({ base, head: PROMOTE_PRODUKTION, author: 'j-becker', now: '2026-12-26T22:59:00Z' }).codes()).toContain('aenderungsstopp');
    expect(runPolicy({ base, head: PROMOTE_PRODUKTION, author: 'j-becker', now: '2026-12-26T23:00:00Z' }).codes()).not.toContain('aenderungsstopp');
  });

  test('DST: a window ending 03:00 on the autumn switch covers the doubled hour; one starting 03:00 on the spring switch starts at 01:00 UTC', () => {
    const autumn = freeze('produktion', { start: '2026-10-24', end: '2026-10-25T03:00', reason: 'Wartung' });
    // 01:30 UTC is 02:30 CET, the second pass through 02:00–03:00: still inside.
    expect(runPolicy({ base: autumn, head: PROMOTE_PRODUKTION, author: 'j-becker', now: '2026-10-25T01:30:00Z' }).codes()).toContain('aenderungsstopp');
    expect(runPolicy({ base: autumn, head: PROMOTE_PRODUKTION, author: 'j-becker', now: '2026-10-25T02:00:00Z' }).codes()).not.toContain('aenderungsstopp');
    const spring = freeze('produktion', { start: '2027-03-28T03:00', end: '2027-03-29', reason: 'Wahl' });
    expect(runPolicy({ base: spring, head: PROMOTE_PRODUKTION, author: 'j-becker', now: '2027-03-28T00:59:00Z' }).codes()).not.toContain('aenderungsstopp');
    expect(runPolicy({ base: spring, head: PROMOTE_PRODUKTION, author: 'j-becker', now: '2027-03-28T01:00:00Z' }).codes()).toContain('aenderungsstopp');
    // A time in the spring gap (02:30 does not exist) lands an hour later, like the clock.
    expect(berlinWallTime(parseBerlinTime('2027-03-28T02:30', 'start')!)).toBe('2027-03-28T03:30');
  });

  test('Notfall in a freeze: a warning, the VVs and a platform approver, marked as emergency', () => {
    const only = runPolicy({ base: JAHRESWECHSEL, head: PROMOTE_PRODUKTION, labels: ['notfall'], author: 'j-becker', now: '2026-12-28T10:00:00+01:00', reviews: reviews().approve('m-schulz') });
    expect(only.plan.findings.filter((d) => d.code.startsWith('aenderungsstopp')).map((d) => [d.severity, d.code])).toEqual([['warning', 'aenderungsstopp-notfall']]);
    expect(only.plan.ok).toBe(true);
    expect(only.plan.emergency).toBe(true);
    expect(only.allowed).toBe(false);
    expect(only.plan.approval.requirements.map((r) => [r.role, r.emergency, r.satisfied])).toEqual([
      ['verfahrensverantwortliche', true, true],
      ['platform', true, false],
    ]);
    expect(only.req('wohngeld', 'produktion', 'platform').reason).toBe(
      'Notfalländerung im Änderungsstopp: Produktion von wohngeld (Jahreswechsel, bis 04.01.2027, 08:00 Uhr) — Plattform-Freigabe durch @itdz/plattform',
    );
    const en = runPolicy({ base: JAHRESWECHSEL, head: PROMOTE_PRODUKTION, labels: ['notfall'], author: 'j-becker', now: '2026-12-28T10:00:00+01:00', locale: 'en' });
    expect(en.req('wohngeld', 'produktion', 'platform').reason).toBe(
      'Notfalländerung during the Änderungsstopp: Produktion of wohngeld (Jahreswechsel, until 2027-01-04 08:00 (Europe/Berlin)) — platform approval by @itdz/plattform',
    );
    const both = runPolicy({ base: JAHRESWECHSEL, head: PROMOTE_PRODUKTION, labels: ['notfall'], author: 'j-becker', now: '2026-12-28T10:00:00+01:00', reviews: reviews().approve('m-schulz').approve('p-kraus') });
    expect(both.allowed).toBe(true);
  });

  test('a freeze concerns only its stage: Schulung and Vorprüfung stay open', () => {
    const o = runPolicy({ base: JAHRESWECHSEL, head: { [`${W}/schulung.yaml`]: replace('replicas: 1', 'replicas: 2') }, author: 'j-becker', now: '2026-12-28T10:00:00Z', reviews: reviews().approve('m-schulz') });
    expect(o.codes()).not.toContain('aenderungsstopp');
    expect(o.allowed).toBe(true);
  });

  test('a new Vertretung for the holidays is possible during the freeze; a new Schutzbedarf is not', () => {
    const vertretung = { [`${W}/verfahren.yaml`]: replace('    - { login: t-alt, until: 2025-12-31 }\n', '    - { login: t-alt, until: 2025-12-31 }\n    - { login: b-krause, from: 2026-12-22, until: 2027-01-02 }\n') };
    const o = runPolicy({ base: JAHRESWECHSEL, head: vertretung, author: 'j-becker', now: '2026-12-21T10:00:00Z', reviews: reviews().approve('m-schulz') });
    expect(o.codes()).not.toContain('aenderungsstopp');
    expect(o.allowed).toBe(true);
    const schutz = runPolicy({ base: JAHRESWECHSEL, head: { [`${W}/verfahren.yaml`]: replace('schutzbedarf: hoch', 'schutzbedarf: sehr-hoch') }, author: 'j-becker', now: '2026-12-21T10:00:00Z' });
    expect(schutz.plan.findings.filter((d) => d.code === 'aenderungsstopp').map((d) => [d.file, d.params.stage])).toEqual([[`${W}/verfahren.yaml`, 'Produktion']]);
  });

  test('the windows come from the base: removing the freeze in the same pull request does not lift it', () => {
    const o = runPolicy({
      base: JAHRESWECHSEL,
      head: { ...PROMOTE_PRODUKTION, [PLATFORM]: (t) => t.replace(/      aenderungsstopp:\n.*\n/, '') },
      author: 'j-becker',
      now: '2026-12-28T10:00:00Z',
      reviews: reviews().approve('m-schulz').approve('p-kraus'),
    });
    expect(o.headFiles[PLATFORM]).not.toContain('aenderungsstopp');
    expect(o.codes()).toContain('aenderungsstopp');
    expect(o.allowed).toBe(false);
  });

  test('past windows are ignored, overlapping ones merge (reasons joined, the later end)', () => {
    const files = applyEdits(
      baseFiles(),
      freeze(
        'produktion',
        { start: '2025-12-20', end: '2026-01-04', reason: 'Jahreswechsel 2025' },
        { start: '2026-12-21', end: '2026-12-30', reason: 'Jahreswechsel' },
        { start: '2026-12-28', end: '2027-01-08', reason: 'Haushaltsabschluss' },
      ),
    );
    const platform = loadEstate({ snapshot: snapshotOf(files) }).value.platform;
    expect(freezeWindows(platform, 'produktion').map((w) => [berlinWallTime(w.start), berlinWallTime(w.end), w.reasons])).toEqual([
      ['2025-12-20T00:00', '2026-01-05T00:00', ['Jahreswechsel 2025']],
      ['2026-12-21T00:00', '2027-01-09T00:00', ['Jahreswechsel', 'Haushaltsabschluss']],
    ]);
    const w = activeFreeze(platform, 'produktion', { now: '2027-01-05T12:00:00Z', today: '2027-01-05' });
    expect(w?.reasons).toEqual(['Jahreswechsel', 'Haushaltsabschluss']);
    expect(activeFreeze(platform, 'produktion', { now: '2026-06-01T12:00:00Z', today: '2026-06-01' })).toBeUndefined();
  });

  test('without a clock the whole day counts (a forgotten `now` freezes, it does not let through)', () => {
    const o = runPolicy({ base: freeze('produktion', { start: '2026-05-15T18:00', end: '2026-05-16', reason: 'Wartung' }), head: PROMOTE_PRODUKTION, author: 'j-becker', today: '2026-05-15' });
    expect(o.codes()).toContain('aenderungsstopp');
  });

  test('a window that ends before it starts is a finding on its line', () => {
    const o = runPolicy({ base: {}, head: freeze('abnahme', { start: '2026-12-21', end: '2026-12-20T10:00', reason: 'Tippfehler' }), author: 'j-becker' });
    const d = o.plan.findings.find((f) => f.code === 'aenderungsstopp-invalid')!;
    expect(d).toMatchObject({ file: PLATFORM, path: '/spec/stages/1/aenderungsstopp/0/end' });
    expect(o.headFiles[PLATFORM].split('\n')[d.line - 1]).toContain('end: "2026-12-20T10:00"');
  });
});

describe('Vertretung with from and until', () => {
  const SOMMER = { [`${W}/verfahren.yaml`]: replace('    - { login: t-alt, until: 2025-12-31 }\n', '    - { login: t-alt, until: 2025-12-31 }\n    - { login: b-krause, from: 2026-07-01, until: 2026-08-15 }\n') };

  test('before its window: does not count, and the reason says from when it will', () => {
    const o = runPolicy({ base: SOMMER, head: PROMOTE_PRODUKTION, author: 'j-becker', today: '2026-06-30', reviews: reviews().approve('b-krause') });
    expect(o.allowed).toBe(false);
    const r = o.req('wohngeld', 'produktion');
    expect(r.approvers).not.toContain('b-krause');
    expect(r.notCounted).toEqual([{ login: 'b-krause', why: 'vertretung-not-yet' }]);
    expect(r.reason).toContain('die Vertretung von b-krause gilt erst ab 01.07.2026');
  });

  test('inside its window, on the first and the last day: counts, and the reason shows the window', () => {
    for (const today of ['2026-07-01', '2026-08-15']) {
      const o = runPolicy({ base: SOMMER, head: PROMOTE_PRODUKTION, author: 'j-becker', today, reviews: reviews().approve('b-krause') });
      expect(o.allowed).toBe(true);
      expect(o.req('wohngeld', 'produktion').reason).toContain('b-krause (Vertretung vom 01.07.2026 bis 15.08.2026)');
    }
  });

  test('after its window: does not count, shown as expired', () => {
    const o = runPolicy({ base: SOMMER, head: PROMOTE_PRODUKTION, author: 'j-becker', today: '2026-08-16', reviews: reviews().approve('b-krause') });
    expect(o.allowed).toBe(false);
    expect(o.req('wohngeld', 'produktion').notCounted).toEqual([{ login: 'b-krause', why: 'vertretung-expired' }]);
    expect(o.req('wohngeld', 'produktion').reason).toContain('die Vertretung von b-krause ist am 15.08.2026 abgelaufen');
  });

  test('`from` after `until` is a finding; the Vertretung never counts', () => {
    const o = runPolicy({
      base: {},
      head: { [`${W}/verfahren.yaml`]: replace('{ login: k-yilmaz, until: 2027-03-31 }', '{ login: k-yilmaz, from: 2027-04-01, until: 2027-03-31 }') },
      author: 'j-becker',
    });
    expect(o.plan.findings.filter((d) => d.code === 'vertretung-window-invalid').map((d) => [d.file, d.line, d.path])).toEqual([[`${W}/verfahren.yaml`, 10, '/spec/vertretung/0/from']]);
  });
});

/** Roles as the issue describes them: Abnahme needs the Systempfleger, Produktion the ISB for hoch/sehr-hoch and Betrieb for a Notfalländerung. */
const ROLES = {
  [PLATFORM]: (t: string) =>
    replace('  approvers: ["@itdz/plattform"]\n', '  approvers: ["@itdz/plattform"]\n  roles:\n    informationssicherheit: ["@itdz/informationssicherheit"]\n    betrieb: [o-berg]\n')(t)
      .replace('      title: Abnahme\n', '      title: Abnahme\n      roles: [{ role: systempfleger }]\n')
      .replace('      minApprovals: 1\n', '      minApprovals: 1\n      roles:\n        - { role: informationssicherheit, schutzbedarf: [hoch, sehr-hoch] }\n        - { role: betrieb, notfall: true }\n'),
};
const ROLE_TEAMS = { 'itdz/plattform': ['p-kraus', 'l-meyer'], 'itdz/informationssicherheit': ['i-sommer', 'm-schulz'] };

describe('approval roles and segregation of duties', () => {
  test('entering Abnahme needs the VVs and a Systempfleger of the Fachverfahren', () => {
    const head = { [`${W}/abnahme.yaml`]: replace('replicas: 1', 'replicas: 2') };
    const vv = runPolicy({ base: ROLES, head, author: 'e-fischer', teams: ROLE_TEAMS, reviews: reviews().approve('m-schulz') });
    expect(vv.plan.approval.requirements.map((r) => [r.role, r.approvers, r.satisfied])).toEqual([
      ['verfahrensverantwortliche', ['m-schulz', 'a-nowak', 'k-yilmaz'], true],
      ['systempfleger', ['j-becker'], false],
    ]);
    expect(vv.req('wohngeld', 'abnahme', 'systempfleger').reason).toBe(
      'Abnahme von wohngeld ändert die Buchung von db; Abnahme verlangt zusätzlich die Rolle systempfleger — Freigabe der Systempfleger durch j-becker',
    );
    const both = runPolicy({ base: ROLES, head, author: 'e-fischer', teams: ROLE_TEAMS, reviews: reviews().approve('m-schulz').approve('j-becker') });
    expect(both.allowed).toBe(true);
  });

  test('Produktion with Schutzbedarf hoch needs the ISB; a tenant may name its own members', () => {
    const o = runPolicy({ base: ROLES, head: PROMOTE_PRODUKTION, author: 'j-becker', teams: ROLE_TEAMS, reviews: reviews().approve('a-nowak') });
    expect(o.allowed).toBe(false);
    expect(o.req('wohngeld', 'produktion', 'role', 'informationssicherheit')).toMatchObject({ approvers: ['@itdz/informationssicherheit'], satisfied: false });
    const tenant = runPolicy({
      base: { ...ROLES, 'environments/tenants/bezirksamt-mitte.yaml': replace('  approvers: ["@ba-mitte/it-leitung"]\n', '  approvers: ["@ba-mitte/it-leitung"]\n  roles:\n    informationssicherheit: [h-lange]\n') },
      head: PROMOTE_PRODUKTION,
      author: 'j-becker',
      teams: ROLE_TEAMS,
      reviews: reviews().approve('a-nowak').approve('h-lange'),
    });
    expect(tenant.req('wohngeld', 'produktion', 'role', 'informationssicherheit').approvers).toEqual(['@itdz/informationssicherheit', 'h-lange']);
    expect(tenant.allowed).toBe(true);
  });

  test('Schutzbedarf normal: no ISB; lowering it in the same pull request does not drop the role', () => {
    const normal = { ...ROLES, [`${W}/verfahren.yaml`]: replace('schutzbedarf: hoch', 'schutzbedarf: normal') };
    const o = runPolicy({ base: normal, head: PROMOTE_PRODUKTION, author: 'j-becker', teams: ROLE_TEAMS, reviews: reviews().approve('a-nowak') });
    expect(o.plan.approval.requirements.map((r) => r.role)).toEqual(['verfahrensverantwortliche']);
    const lowered = runPolicy({ base: ROLES, head: { ...PROMOTE_PRODUKTION, ...normal }, author: 'j-becker', teams: ROLE_TEAMS, reviews: reviews().approve('a-nowak') });
    expect(lowered.plan.approval.requirements.map((r) => r.roleName ?? r.role)).toContain('informationssicherheit');
  });

  test('one person in two roles: m-schulz (VV and ISB) fills only one; a second person is needed', () => {
    const alone = runPolicy({ base: ROLES, head: PROMOTE_PRODUKTION, author: 'j-becker', teams: ROLE_TEAMS, reviews: reviews().approve('m-schulz') });
    expect(alone.allowed).toBe(false);
    const vv = alone.req('wohngeld', 'produktion', 'verfahrensverantwortliche');
    const isb = alone.req('wohngeld', 'produktion', 'role');
    expect([vv.approvedBy, isb.approvedBy]).toEqual([['m-schulz'], []]);
    expect(isb.notCounted).toEqual([{ login: 'm-schulz', why: 'other-role', countedFor: 'verfahrensverantwortliche' }]);
    // With a-nowak as second VV, m-schulz is matched to the ISB role, whatever the review order.
    for (const t of [reviews().approve('m-schulz').approve('a-nowak'), reviews().approve('a-nowak').approve('m-schulz')]) {
      const two = runPolicy({ base: ROLES, head: PROMOTE_PRODUKTION, author: 'j-becker', teams: ROLE_TEAMS, reviews: t });
      expect(two.allowed).toBe(true);
      expect(two.req('wohngeld', 'produktion', 'role').approvedBy).toEqual(['m-schulz']);
      expect(two.req('wohngeld', 'produktion', 'verfahrensverantwortliche').approvedBy).toEqual(['a-nowak']);
    }
    // Small teams may allow one person several roles, explicitly.
    const small = runPolicy({
      base: { ...ROLES, [PLATFORM]: (t) => ROLES[PLATFORM](t).replace('  roles:\n    informationssicherheit', '  segregationOfDuties: false\n  roles:\n    informationssicherheit') },
      head: PROMOTE_PRODUKTION,
      author: 'j-becker',
      teams: ROLE_TEAMS,
      reviews: reviews().approve('m-schulz'),
    });
    expect(small.allowed).toBe(true);
  });

  test('minApprovals 2 and the ISB: three approvals from three people, matched whatever the order', () => {
    const base = { ...ROLES, [PLATFORM]: (t: string) => ROLES[PLATFORM](t).replace('minApprovals: 1', 'minApprovals: 2') };
    const two = runPolicy({ base, head: PROMOTE_PRODUKTION, author: 'j-becker', teams: ROLE_TEAMS, reviews: reviews().approve('m-schulz').approve('a-nowak') });
    expect(two.allowed).toBe(false);
    for (const t of [reviews().approve('m-schulz').approve('a-nowak').approve('i-sommer'), reviews().approve('i-sommer').approve('a-nowak').approve('m-schulz')]) {
      const three = runPolicy({ base, head: PROMOTE_PRODUKTION, author: 'j-becker', teams: ROLE_TEAMS, reviews: t });
      expect(three.allowed).toBe(true);
      expect(three.req('wohngeld', 'produktion', 'verfahrensverantwortliche').approvedBy.sort()).toEqual(['a-nowak', 'm-schulz']);
      expect(three.req('wohngeld', 'produktion', 'role').approvedBy).toEqual(['i-sommer']);
    }
  });

  test('segregation also separates the VV and the platform approver of a Notfalländerung, with Betrieb as a third role', () => {
    const head = { [`${W}/produktion.yaml`]: setImage('web', IMAGES.WEB_V3) };
    const teams = { ...ROLE_TEAMS, 'itdz/plattform': ['p-kraus', 'a-nowak'] };
    const o = runPolicy({ base: ROLES, head, labels: ['notfall'], author: 'j-becker', teams, reviews: reviews().approve('a-nowak').approve('i-sommer').approve('o-berg') });
    expect(o.plan.approval.requirements.map((r) => [r.role, r.roleName ?? null, r.approvedBy, r.satisfied])).toEqual([
      ['verfahrensverantwortliche', null, ['a-nowak'], true],
      ['role', 'betrieb', ['o-berg'], true],
      ['role', 'informationssicherheit', ['i-sommer'], true],
      ['platform', null, [], false],
    ]);
    expect(o.req('wohngeld', 'produktion', 'role', 'betrieb').reason).toContain('Produktion verlangt zusätzlich die Rolle betrieb bei einer Notfalländerung');
    const released = runPolicy({ base: ROLES, head, labels: ['notfall'], author: 'j-becker', teams, reviews: reviews().approve('a-nowak').approve('i-sommer').approve('o-berg').approve('p-kraus') });
    expect(released.allowed).toBe(true);
  });

  test('a Fachverfahren booked in a stage whose role nobody holds for it: a warning on its verfahren.yaml', () => {
    const o = runPolicy({ base: {}, head: ROLES, author: 'j-becker' });
    // meldewesen lists no Systempfleger; wohngeld does (j-becker). The ISB role has members on the platform.
    expect(o.plan.findings.filter((d) => d.code === 'role-without-members').map((d) => [d.severity, d.file, d.params.role])).toEqual([['warning', `${M}/verfahren.yaml`, 'systempfleger']]);
    expect(findingMessage(o.plan.findings.find((d) => d.code === 'role-without-members')!, 'de')).toBe(
      'Abnahme verlangt die Rolle systempfleger, aber für meldewesen hat sie niemand (verfahren.yaml, platform.yaml oder Mandant); Änderungen daran könnten nicht freigegeben werden.',
    );
  });

  test('deleting a Produktion booking needs the VVs, the platform and the ISB, three different people', () => {
    const o = runPolicy({ base: ROLES, head: { [`${W}/produktion.yaml`]: null }, author: 'j-becker', teams: ROLE_TEAMS, reviews: reviews().approve('m-schulz').approve('p-kraus') });
    expect(o.plan.approval.requirements.map((r) => [r.role, r.roleName ?? null, r.approvedBy])).toEqual([
      ['verfahrensverantwortliche', null, ['m-schulz']],
      ['role', 'informationssicherheit', []],
      ['platform', null, ['p-kraus']],
    ]);
    expect(o.allowed).toBe(false);
  });

  test('a stage naming a role the platform does not define is a finding', () => {
    const o = runPolicy({ base: {}, head: { [PLATFORM]: replace('      title: Abnahme\n', '      title: Abnahme\n      roles: [{ role: datenschutz }]\n') }, author: 'j-becker' });
    const found = o.plan.findings.filter((d) => d.code === 'unknown-role');
    expect(found.map((d) => [d.path, d.params.role])).toEqual([['/spec/stages/1/roles/0/role', 'datenschutz']]);
    expect(o.headFiles[PLATFORM].split('\n')[found[0].line - 1]).toBe('      roles: [{ role: datenschutz }]');
  });
});

describe('approvals bound to the approved content', () => {
  /** main moved on since the review: meldewesen changed in Schulung (nothing wohngeld renders). */
  const MAIN_MOVED = { [`${M}/schulung.yaml`]: replace('replicas: 2', 'replicas: 3') };

  test('rebase with unchanged content: the approval on the older commit keeps counting', () => {
    const reviewedFiles = applyEdits(baseFiles(), PROMOTE_PRODUKTION);
    const o = runPolicy({ base: MAIN_MOVED, head: PROMOTE_PRODUKTION, author: 'j-becker', reviews: reviews().approve('m-schulz', OLDER_SHA), reviewed: { [OLDER_SHA]: reviewedFiles } });
    expect(o.allowed).toBe(true);
    expect(o.req('wohngeld', 'produktion')).toMatchObject({ approvedBy: ['m-schulz'], notCounted: [] });
  });

  test('an update merge that brings a conflicting change to the approved file voids it, and says why', () => {
    const reviewedFiles = applyEdits(baseFiles(), PROMOTE_PRODUKTION);
    const mainScaled = { [`${W}/produktion.yaml`]: replace('replicas: 2', 'replicas: 3') };
    const o = runPolicy({ base: mainScaled, head: PROMOTE_PRODUKTION, author: 'j-becker', reviews: reviews().approve('m-schulz', OLDER_SHA), reviewed: { [OLDER_SHA]: reviewedFiles } });
    expect(o.allowed).toBe(false);
    const r = o.req('wohngeld', 'produktion');
    expect(r.notCounted).toEqual([
      {
        login: 'm-schulz',
        why: 'content-changed',
        commit: OLDER_SHA,
        changed: [`${W}/produktion.yaml`, 'rendered/produktion/wohngeld/deployment-web.yaml', 'rendered/produktion/wohngeld/resourcequota-freigabe-booking.yaml'],
      },
    ]);
    expect(r.candidates).toContain('m-schulz');
  });

  test('a rebase that changes a rendered manifest (size M grows on main) voids it', () => {
    const reviewedFiles = applyEdits(baseFiles(), PROMOTE_PRODUKTION);
    const bigger = { [PLATFORM]: replace('M: { cpu: "1", memory: 2Gi', 'M: { cpu: "2", memory: 2Gi') };
    const o = runPolicy({ base: bigger, head: PROMOTE_PRODUKTION, author: 'j-becker', reviews: reviews().approve('m-schulz', OLDER_SHA), reviewed: { [OLDER_SHA]: reviewedFiles } });
    expect(o.allowed).toBe(false);
    const n = o.req('wohngeld', 'produktion').notCounted![0];
    expect(n).toMatchObject({ login: 'm-schulz', why: 'content-changed' });
    expect(n.changed).toContain('rendered/produktion/wohngeld/deployment-web.yaml');
    expect(n.changed).not.toContain(`${W}/produktion.yaml`);
  });

  test('dropping part of the approved change of the Fachverfahren voids it too', () => {
    const reviewedFiles = applyEdits(baseFiles(), { ...PROMOTE_PRODUKTION, [`${W}/schulung.yaml`]: replace('replicas: 1', 'replicas: 2') });
    const o = runPolicy({ base: {}, head: PROMOTE_PRODUKTION, author: 'j-becker', reviews: reviews().approve('m-schulz', OLDER_SHA), reviewed: { [OLDER_SHA]: reviewedFiles } });
    expect(o.allowed).toBe(false);
    expect(o.req('wohngeld', 'produktion').notCounted).toEqual([{ login: 'm-schulz', why: 'content-changed', commit: OLDER_SHA, changed: [`${W}/schulung.yaml`] }]);
  });

  test('the four-eyes rules still apply to every commit: an approver who committed the rebase does not count', () => {
    const reviewedFiles = applyEdits(baseFiles(), PROMOTE_PRODUKTION);
    const o = runPolicy({
      base: MAIN_MOVED,
      head: PROMOTE_PRODUKTION,
      author: 'j-becker',
      commits: [commit('j-becker', 'm-schulz', HEAD_SHA)],
      reviews: reviews().approve('m-schulz', OLDER_SHA),
      reviewed: { [OLDER_SHA]: reviewedFiles },
    });
    expect(o.req('wohngeld', 'produktion').notCounted).toEqual([{ login: 'm-schulz', why: 'commit-committer' }]);
  });
});
