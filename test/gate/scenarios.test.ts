/**
 * The Freigabe gate, scenario by scenario: a base estate, a head estate, GitHub-shaped reviews,
 * commits and team memberships, and the expected decision. Most scenarios are attempts to get a
 * change past the Verfahrensverantwortliche; each must fail for the stated reason.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import type { PullCommit, Review } from '../../src/core/approval.js';
import { findingMessage } from '../../src/i18n/findings.js';
import {
  commit,
  HEAD_SHA,
  IMAGES,
  M,
  OLDER_SHA,
  PLATFORM,
  renameDir,
  replace,
  reviews,
  runGate,
  setImage,
  W,
} from '../fixtures/gate/builder.js';

/** The everyday pull request: Systempfleger j-becker promotes web 1.5.0 from Schulung to Produktion. */
const PROMOTE_PRODUKTION = { [`${W}/produktion.yaml`]: setImage('web', IMAGES.WEB_V2) };
const SCALE_PRODUKTION = { [`${W}/produktion.yaml`]: replace('replicas: 2', 'replicas: 3') };
const NEW_VERFAHREN = `apiVersion: freigabe/v1
kind: Verfahren
metadata:
  name: hundesteuer
spec:
  title: Hundesteuer-Online
  tenant: bezirksamt-mitte
  verfahrensverantwortliche: [h-lange]
  schutzbedarf: normal
`;
const NEW_BOOKING = `apiVersion: freigabe/v1
kind: Booking
metadata:
  name: hundesteuer
  stage: vorpruefung
spec:
  components:
    - name: web
      image: ghcr.io/ba-mitte/hundesteuer@sha256:${'4e'.repeat(32)}
      size: S
      replicas: 1
`;
const H = 'environments/verfahren/hundesteuer';

describe('four-eyes principle', () => {
  test('self-approval: the author is a VV and approves their own pull request — does not count', () => {
    // The commits are j-becker's: only the authorship of the pull request excludes m-schulz.
    const o = runGate({ head: PROMOTE_PRODUKTION, author: 'm-schulz', commits: [commit('j-becker')], reviews: reviews().approve('m-schulz') });
    expect(o.decision.satisfied).toBe(false);
    const r = o.req('wohngeld', 'produktion');
    expect(r.approvedBy).toEqual([]);
    expect(r.notCounted).toEqual([{ login: 'm-schulz', why: 'pull-request-author' }]);
    expect(r.candidates).toEqual(['a-nowak', 'k-yilmaz']);
  });

  test('the author is a VV, another VV approves — allowed', () => {
    const o = runGate({ head: PROMOTE_PRODUKTION, author: 'm-schulz', reviews: reviews().approve('a-nowak') });
    expect(o.decision.satisfied).toBe(true);
    expect(o.req('wohngeld', 'produktion').approvedBy).toEqual(['a-nowak']);
  });

  test('an approver pushed a commit to the pull request — their approval does not count', () => {
    const o = runGate({
      head: PROMOTE_PRODUKTION,
      author: 'j-becker',
      commits: [commit('j-becker', 'web-flow', OLDER_SHA), commit('a-nowak', 'a-nowak', HEAD_SHA)],
      reviews: reviews().approve('a-nowak'),
    });
    expect(o.decision.satisfied).toBe(false);
    expect(o.req('wohngeld', 'produktion').notCounted).toEqual([{ login: 'a-nowak', why: 'commit-author' }]);
    expect(o.req('wohngeld', 'produktion').candidates).toEqual(['m-schulz', 'k-yilmaz']);
  });

  test('an approver only committed (rebased) someone else’s commit — still excluded', () => {
    const o = runGate({
      head: PROMOTE_PRODUKTION,
      author: 'j-becker',
      commits: [commit('j-becker', 'M-Schulz', HEAD_SHA)],
      reviews: reviews().approve('m-schulz'),
    });
    expect(o.decision.satisfied).toBe(false);
    expect(o.req('wohngeld', 'produktion').notCounted).toEqual([{ login: 'm-schulz', why: 'commit-committer' }]);
  });

  test('approval by a bot that is a member of the platform team — does not count', () => {
    const o = runGate({
      head: { [PLATFORM]: replace('pricePerMonth: 45.00', 'pricePerMonth: 47.50') },
      author: 'p-kraus',
      teams: { 'itdz/plattform': ['p-kraus', 'itdz-automation', 'renovate[bot]'] },
      reviews: reviews().approveAsBot('itdz-automation').approve('renovate[bot]'),
    });
    expect(o.decision.satisfied).toBe(false);
    expect(o.req(null, null).notCounted).toEqual([
      { login: 'itdz-automation', why: 'bot' },
      { login: 'renovate[bot]', why: 'bot' },
    ]);
  });
});

describe('which review counts', () => {
  test('approval given on an older commit — does not count for the new head', () => {
    const o = runGate({ head: PROMOTE_PRODUKTION, author: 'j-becker', reviews: reviews().approve('m-schulz', OLDER_SHA) });
    expect(o.decision.satisfied).toBe(false);
    expect(o.req('wohngeld', 'produktion').notCounted).toEqual([{ login: 'm-schulz', why: 'stale-commit' }]);
    expect(o.req('wohngeld', 'produktion').candidates).toContain('m-schulz');
  });

  test('COMMENTED after APPROVED — the approval still counts', () => {
    const o = runGate({ head: PROMOTE_PRODUKTION, author: 'j-becker', reviews: reviews().approve('m-schulz').comment('m-schulz') });
    expect(o.decision.satisfied).toBe(true);
    expect(o.req('wohngeld', 'produktion').approvedBy).toEqual(['m-schulz']);
  });

  test('APPROVED then DISMISSED — does not count', () => {
    const o = runGate({ head: PROMOTE_PRODUKTION, author: 'j-becker', reviews: reviews().approve('m-schulz').dismissed('m-schulz') });
    expect(o.decision.satisfied).toBe(false);
    expect(o.req('wohngeld', 'produktion').approvedBy).toEqual([]);
  });

  test('the latest review is found by submitted_at, not by array position', () => {
    const t = reviews().requestChanges('m-schulz').approve('m-schulz');
    const shuffled: Review[] = [t.reviews[1], t.reviews[0]];
    const o = runGate({ head: PROMOTE_PRODUKTION, author: 'j-becker', reviews: shuffled });
    expect(o.decision.satisfied).toBe(true);
    const reversed = runGate({ head: PROMOTE_PRODUKTION, author: 'j-becker', reviews: [t.reviews[1], { ...t.reviews[0], submitted_at: '2026-05-14T23:00:00Z' }] });
    expect(reversed.decision.satisfied).toBe(false);
    expect(reversed.req('wohngeld', 'produktion').blockedBy).toEqual(['m-schulz']);
  });

  test('one VV approves, another requests changes — blocked until the second reviews again', () => {
    const blocked = runGate({ head: PROMOTE_PRODUKTION, author: 'j-becker', reviews: reviews().approve('m-schulz').requestChanges('a-nowak') });
    expect(blocked.decision.satisfied).toBe(false);
    expect(blocked.req('wohngeld', 'produktion')).toMatchObject({ approvedBy: ['m-schulz'], blockedBy: ['a-nowak'], satisfied: false });

    const stillBlocked = runGate({ head: PROMOTE_PRODUKTION, author: 'j-becker', reviews: reviews().approve('m-schulz').requestChanges('a-nowak').comment('a-nowak') });
    expect(stillBlocked.req('wohngeld', 'produktion').blockedBy).toEqual(['a-nowak']);

    const released = runGate({ head: PROMOTE_PRODUKTION, author: 'j-becker', reviews: reviews().approve('m-schulz').requestChanges('a-nowak').approve('a-nowak') });
    expect(released.decision.satisfied).toBe(true);
    expect(released.req('wohngeld', 'produktion').approvedBy).toEqual(['a-nowak', 'm-schulz']);
  });

  test('a PENDING review and a review by a deleted account (user null) are ignored', () => {
    const t = reviews().approve('m-schulz');
    // Placed after the approval, so it would replace it if PENDING were taken as a decision.
    const pending = { ...t.reviews[0], id: 9_999_999_999, state: 'PENDING', submitted_at: '2026-05-14T23:59:00Z' } as Review;
    const ghost = { ...t.reviews[0], id: 2, user: null } as Review;
    const o = runGate({ head: PROMOTE_PRODUKTION, author: 'j-becker', reviews: [...t.reviews, pending, ghost] });
    expect(o.req('wohngeld', 'produktion')).toMatchObject({ approvedBy: ['m-schulz'], blockedBy: [], satisfied: true });
  });

  test('changes requested by someone who is not a required approver do not block', () => {
    const o = runGate({ head: PROMOTE_PRODUKTION, author: 'j-becker', reviews: reviews().approve('m-schulz').requestChanges('r-weber') });
    expect(o.decision.satisfied).toBe(true);
    expect(o.req('wohngeld', 'produktion').blockedBy).toEqual([]);
  });

  test('login in another case — M-Schulz is m-schulz', () => {
    const o = runGate({ head: PROMOTE_PRODUKTION, author: 'J-Becker', reviews: reviews().approve('M-Schulz') });
    expect(o.decision.satisfied).toBe(true);
    expect(o.req('wohngeld', 'produktion').approvedBy).toEqual(['M-Schulz']);
  });

  test('recorded GitHub reviews: stale approval, a bot, and changes requested then approved on the head', () => {
    const dir = join(import.meta.dirname, '../fixtures/gate/github');
    const recorded = JSON.parse(readFileSync(join(dir, 'reviews-produktion-promotion.json'), 'utf8')) as Review[];
    const commits = JSON.parse(readFileSync(join(dir, 'commits-produktion-promotion.json'), 'utf8')) as PullCommit[];
    const o = runGate({ head: PROMOTE_PRODUKTION, author: 'j-becker', reviews: recorded, commits });
    expect(o.decision.satisfied).toBe(true);
    expect(o.req('wohngeld', 'produktion')).toMatchObject({
      approvedBy: ['a-nowak'],
      blockedBy: [],
      notCounted: [{ login: 'M-Schulz', why: 'stale-commit' }],
    });
  });
});

describe('Vertretung and teams', () => {
  test('valid Vertretung — k-yilmaz approves before 31.03.2027', () => {
    const o = runGate({ head: PROMOTE_PRODUKTION, author: 'j-becker', reviews: reviews().approve('k-yilmaz') });
    expect(o.decision.satisfied).toBe(true);
    expect(o.req('wohngeld', 'produktion').approvedBy).toEqual(['k-yilmaz']);
  });

  test('Vertretung on its last day counts; the day after it does not', () => {
    const onLastDay = runGate({ head: PROMOTE_PRODUKTION, author: 'j-becker', today: '2027-03-31', reviews: reviews().approve('k-yilmaz') });
    expect(onLastDay.decision.satisfied).toBe(true);
    const dayAfter = runGate({ head: PROMOTE_PRODUKTION, author: 'j-becker', today: '2027-04-01', reviews: reviews().approve('k-yilmaz') });
    expect(dayAfter.decision.satisfied).toBe(false);
    expect(dayAfter.req('wohngeld', 'produktion').notCounted).toEqual([{ login: 'k-yilmaz', why: 'vertretung-expired' }]);
  });

  test('expired Vertretung — t-alt (until 31.12.2025) approves, does not count', () => {
    const o = runGate({ head: PROMOTE_PRODUKTION, author: 'j-becker', reviews: reviews().approve('t-alt') });
    expect(o.decision.satisfied).toBe(false);
    const r = o.req('wohngeld', 'produktion');
    expect(r.approvers).not.toContain('t-alt');
    expect(r.notCounted).toEqual([{ login: 't-alt', why: 'vertretung-expired' }]);
    expect(r.reason).toContain('die Vertretung von t-alt ist am 31.12.2025 abgelaufen');
  });

  test('an expired Vertretung extended by the pull request itself still does not count', () => {
    const o = runGate({
      head: { ...PROMOTE_PRODUKTION, [`${W}/verfahren.yaml`]: replace('until: 2025-12-31', 'until: 2030-12-31') },
      author: 'j-becker',
      reviews: reviews().approve('t-alt'),
    });
    expect(o.decision.satisfied).toBe(false);
    expect(o.req('wohngeld', 'produktion').approvedBy).toEqual([]);
    expect(o.req('wohngeld', null).approvedBy).toEqual([]);
  });

  test('team member approval — p-kraus of @itdz/plattform releases a platform change', () => {
    const o = runGate({ head: { [PLATFORM]: replace('pricePerMonth: 45.00', 'pricePerMonth: 47.50') }, author: 'j-becker', reviews: reviews().approve('p-kraus') });
    expect(o.decision.satisfied).toBe(true);
    expect(o.req(null, null)).toMatchObject({ role: 'platform', approvers: ['@itdz/plattform'], approvedBy: ['p-kraus'] });
  });

  test('team membership is matched case-insensitively; a non-member of the team does not count', () => {
    const member = runGate({
      head: { [PLATFORM]: replace('pricePerMonth: 45.00', 'pricePerMonth: 47.50') },
      author: 'j-becker',
      teams: { 'ITDZ/Plattform': ['P-Kraus'] },
      reviews: reviews().approve('p-kraus'),
    });
    expect(member.decision.satisfied).toBe(true);
    const outsider = runGate({ head: { [PLATFORM]: replace('pricePerMonth: 45.00', 'pricePerMonth: 47.50') }, author: 'j-becker', reviews: reviews().approve('m-schulz') });
    expect(outsider.decision.satisfied).toBe(false);
    expect(outsider.req(null, null).candidates).toEqual(['@itdz/plattform']);
  });
});

describe('the policy is read from the base', () => {
  test('VV list extended by the pull request itself — the new VV’s approval does not count', () => {
    const o = runGate({
      head: { ...PROMOTE_PRODUKTION, [`${W}/verfahren.yaml`]: replace('[m-schulz, a-nowak]', '[m-schulz, a-nowak, e-fischer]') },
      author: 'e-fischer',
      reviews: reviews().approve('e-fischer'),
    });
    expect(o.decision.satisfied).toBe(false);
    expect(o.decision.requirements.map((r) => [r.verfahren, r.stage, r.role])).toEqual([
      ['wohngeld', null, 'verfahrensverantwortliche'],
      ['wohngeld', 'produktion', 'verfahrensverantwortliche'],
    ]);
    for (const r of o.decision.requirements) expect(r.approvers).toEqual(['m-schulz', 'a-nowak', 'k-yilmaz']);
  });

  test('tenant approvers changed in the same pull request that adds a Fachverfahren — the new approver does not count', () => {
    const head = {
      'environments/tenants/bezirksamt-mitte.yaml': replace('approvers: ["@ba-mitte/it-leitung"]', 'approvers: [h-lange]'),
      [`${H}/verfahren.yaml`]: NEW_VERFAHREN,
      [`${H}/vorpruefung.yaml`]: NEW_BOOKING,
    };
    const o = runGate({ head, author: 'h-lange', commits: [commit('j-becker')], reviews: reviews().approve('h-lange') });
    expect(o.decision.satisfied).toBe(false);
    expect(o.decision.requirements.map((r) => [r.verfahren, r.stage, r.role, r.approvers])).toEqual([
      [null, null, 'platform', ['@itdz/plattform']],
      ['hundesteuer', null, 'tenant', ['@ba-mitte/it-leitung']],
    ]);
    const released = runGate({ head, author: 'h-lange', commits: [commit('h-lange')], reviews: reviews().approve('s-wagner').approve('l-meyer') });
    expect(released.decision.satisfied).toBe(true);
  });

  test('a new Fachverfahren for a tenant the base does not know — the platform decides', () => {
    const o = runGate({
      head: {
        'environments/tenants/bezirksamt-spandau.yaml': 'apiVersion: freigabe/v1\nkind: Tenant\nmetadata:\n  name: bezirksamt-spandau\nspec:\n  title: Bezirksamt Spandau\n  approvers: [h-lange]\n  kontingent: { cpu: "8", memory: 16Gi, storage: 100Gi, budgetPerMonth: 800 }\n',
        [`${H}/verfahren.yaml`]: NEW_VERFAHREN.replace('tenant: bezirksamt-mitte', 'tenant: bezirksamt-spandau'),
        [`${H}/vorpruefung.yaml`]: NEW_BOOKING,
      },
      author: 'j-becker',
      reviews: reviews().approve('h-lange'),
    });
    expect(o.decision.satisfied).toBe(false);
    const r = o.req('hundesteuer', null);
    expect(r).toMatchObject({ role: 'platform', approvers: ['@itdz/plattform'], candidates: ['@itdz/plattform'] });
    expect(r.reason).toBe(
      'Neues Fachverfahren hundesteuer für den Mandanten bezirksamt-spandau (Buchungen: Vorprüfung); Mandant bezirksamt-spandau existiert auf dem Basis-Branch nicht, daher die Plattform — Plattform-Freigabe durch @itdz/plattform',
    );
  });

  test('a new Fachverfahren whose verfahren.yaml names no readable tenant — the platform decides', () => {
    const o = runGate({
      head: { [`${H}/verfahren.yaml`]: NEW_VERFAHREN.replace('  tenant: bezirksamt-mitte\n', ''), [`${H}/vorpruefung.yaml`]: NEW_BOOKING },
      author: 'j-becker',
      reviews: reviews().approve('s-wagner'),
    });
    expect(o.decision.satisfied).toBe(false);
    expect(o.req('hundesteuer', null)).toMatchObject({ role: 'platform', approvers: ['@itdz/plattform'] });
    expect(o.req('hundesteuer', null).reason).toContain('nennt keinen lesbaren Mandanten');
  });

  test('`approval: none` set for Produktion in platform.yaml by the pull request — still needs the VVs (base policy) and the platform', () => {
    const head = {
      ...SCALE_PRODUKTION,
      [PLATFORM]: replace('approval: verfahrensverantwortliche\n      minApprovals: 1', 'approval: none\n      minApprovals: 1'),
    };
    const platformOnly = runGate({ head, author: 'j-becker', reviews: reviews().approve('p-kraus') });
    expect(platformOnly.decision.satisfied).toBe(false);
    expect(platformOnly.decision.requirements.map((r) => [r.verfahren, r.stage, r.role, r.satisfied])).toEqual([
      [null, null, 'platform', true],
      ['wohngeld', 'produktion', 'verfahrensverantwortliche', false],
    ]);
    const both = runGate({ head, author: 'j-becker', reviews: reviews().approve('p-kraus').approve('m-schulz') });
    expect(both.decision.satisfied).toBe(true);
  });

  test('`minApprovals: 2` with one approval — not enough; with two — allowed', () => {
    const base = { [PLATFORM]: replace('minApprovals: 1', 'minApprovals: 2') };
    const one = runGate({ base, head: PROMOTE_PRODUKTION, author: 'j-becker', reviews: reviews().approve('m-schulz') });
    expect(one.decision.satisfied).toBe(false);
    expect(one.req('wohngeld', 'produktion')).toMatchObject({ min: 2, approvedBy: ['m-schulz'], candidates: ['a-nowak', 'k-yilmaz'] });
    expect(one.req('wohngeld', 'produktion').reason).toContain('Freigabe durch 2 von m-schulz, a-nowak, k-yilmaz (Vertretung bis 31.03.2027)');
    const two = runGate({ base, head: PROMOTE_PRODUKTION, author: 'j-becker', reviews: reviews().approve('m-schulz').approve('k-yilmaz') });
    expect(two.decision.satisfied).toBe(true);
  });

  test('lowering minApprovals from 2 to 1 in the same pull request does not lower the bar', () => {
    const base = { [PLATFORM]: replace('minApprovals: 1', 'minApprovals: 2') };
    const o = runGate({
      base,
      head: { ...PROMOTE_PRODUKTION, [PLATFORM]: replace('minApprovals: 2', 'minApprovals: 1') },
      author: 'j-becker',
      reviews: reviews().approve('m-schulz').approve('p-kraus'),
    });
    expect(o.req('wohngeld', 'produktion').min).toBe(2);
    expect(o.decision.satisfied).toBe(false);
  });

  test('verfahren.yaml modified (Schutzbedarf) — needs the VVs of the base', () => {
    const o = runGate({ head: { [`${W}/verfahren.yaml`]: replace('schutzbedarf: hoch', 'schutzbedarf: sehr-hoch') }, author: 'j-becker', reviews: reviews().approve('a-nowak') });
    expect(o.decision.satisfied).toBe(true);
    expect(o.req('wohngeld', null).reason).toBe(
      'Verfahren.yaml von wohngeld wird geändert — Freigabe durch m-schulz, a-nowak oder k-yilmaz (Vertretung bis 31.03.2027); die Vertretung von t-alt ist am 31.12.2025 abgelaufen',
    );
  });

  test('a booking in a stage the base does not define — VVs and the platform', () => {
    const pilot = `    - name: pilot\n      title: Pilotbetrieb\n      approval: verfahrensverantwortliche\n      registries: [internal]\n      cluster: { name: caas-prod, server: https://caas-prod.itdz.example, hoheitsgebiet: DE, schutzniveau: hoch, shared: true }\n`;
    const o = runGate({
      head: {
        [PLATFORM]: (t) => t + pilot,
        [`${M}/pilot.yaml`]: `apiVersion: freigabe/v1\nkind: Booking\nmetadata:\n  name: meldewesen\n  stage: pilot\nspec:\n  components:\n    - name: api\n      image: ${IMAGES.MW_V1}\n      size: S\n      replicas: 1\n`,
      },
      author: 'j-becker',
      reviews: reviews().approve('r-weber'),
    });
    expect(o.decision.requirements.map((r) => [r.verfahren, r.stage, r.role, r.satisfied])).toEqual([
      [null, null, 'platform', false],
      ['meldewesen', 'pilot', 'verfahrensverantwortliche', true],
      ['meldewesen', 'pilot', 'platform', false],
    ]);
    expect(o.req('meldewesen', 'pilot', 'platform').reason).toContain('Stage pilot ist auf dem Basis-Branch nicht definiert');
    // Pilotbetrieb follows Produktion in head's order; MW_V1 runs in Produktion on the base.
    expect(o.order.diagnostics).toEqual([]);
  });
});

describe('several Fachverfahren, deletions and renames', () => {
  test('two Fachverfahren changed, only one approved — blocked, and the output says which', () => {
    const o = runGate({
      head: { ...SCALE_PRODUKTION, [`${M}/produktion.yaml`]: replace('replicas: 2', 'replicas: 3') },
      author: 'j-becker',
      reviews: reviews().approve('m-schulz'),
    });
    expect(o.decision.satisfied).toBe(false);
    expect(o.decision.requirements.map((r) => [r.verfahren, r.stage, r.satisfied, r.approvedBy, r.candidates])).toEqual([
      ['meldewesen', 'produktion', false, [], ['r-weber']],
      ['wohngeld', 'produktion', true, ['m-schulz'], []],
    ]);
  });

  test('one requirement per Fachverfahren × stage, not per component', () => {
    const o = runGate({
      head: { [`${W}/produktion.yaml`]: (t) => setImage('web', IMAGES.WEB_V2)(t).replace('replicas: 1', 'replicas: 2') },
      author: 'j-becker',
    });
    expect(o.decision.requirements).toHaveLength(1);
    expect(o.req('wohngeld', 'produktion').reason).toBe(
      'Produktion von wohngeld ändert das Image von web — Freigabe durch m-schulz, a-nowak oder k-yilmaz (Vertretung bis 31.03.2027); die Vertretung von t-alt ist am 31.12.2025 abgelaufen',
    );
  });

  test('Produktion booking deleted — the VVs and a platform approver', () => {
    const head = { [`${W}/produktion.yaml`]: null };
    const vvOnly = runGate({ head, author: 'j-becker', reviews: reviews().approve('m-schulz') });
    expect(vvOnly.decision.satisfied).toBe(false);
    expect(vvOnly.decision.requirements.map((r) => [r.verfahren, r.stage, r.role, r.satisfied])).toEqual([
      ['wohngeld', 'produktion', 'verfahrensverantwortliche', true],
      ['wohngeld', 'produktion', 'platform', false],
    ]);
    expect(vvOnly.req('wohngeld', 'produktion', 'platform').reason).toBe(
      'Die Buchung von wohngeld in Produktion wird gelöscht; Löschen entfernt laufende Workloads, daher zusätzlich die Plattform — Plattform-Freigabe durch @itdz/plattform',
    );
    const both = runGate({ head, author: 'j-becker', reviews: reviews().approve('m-schulz').approve('l-meyer') });
    expect(both.decision.satisfied).toBe(true);
  });

  test('a whole Fachverfahren deleted — one VV and one platform requirement for it', () => {
    const o = runGate({
      head: (files) => Object.fromEntries(Object.entries(files).filter(([p]) => !p.startsWith(`${M}/`))),
      author: 'j-becker',
      reviews: reviews().approve('r-weber').approve('p-kraus'),
    });
    expect(o.decision.satisfied).toBe(true);
    expect(o.decision.requirements.map((r) => [r.verfahren, r.stage, r.role])).toEqual([
      ['meldewesen', null, 'verfahrensverantwortliche'],
      ['meldewesen', null, 'platform'],
    ]);
    expect(o.req('meldewesen', null, 'verfahrensverantwortliche').reason).toBe(
      'Das Fachverfahren meldewesen wird gelöscht (entfernt Vorprüfung, Abnahme, Schulung und Produktion) — Freigabe durch r-weber',
    );
  });

  test('Fachverfahren directory renamed — deletion of the old name plus admission of the new one, which enters stage by stage', () => {
    const o = runGate({
      head: (files) => {
        const moved = renameDir(files, M, 'environments/verfahren/melderegister');
        for (const p of Object.keys(moved)) if (p.includes('/melderegister/')) moved[p] = moved[p].replaceAll('name: meldewesen', 'name: melderegister');
        return moved;
      },
      author: 'j-becker',
      reviews: reviews().approve('r-weber').approve('p-kraus'),
    });
    expect(o.decision.requirements.map((r) => [r.verfahren, r.stage, r.role, r.satisfied])).toEqual([
      ['melderegister', null, 'tenant', false],
      ['meldewesen', null, 'verfahrensverantwortliche', true],
      ['meldewesen', null, 'platform', true],
    ]);
    expect(o.req('melderegister', null).approvers).toEqual(['p-hoffmann']);
    expect(o.order.diagnostics.map((d) => [d.code, d.params.stage, d.params.previous])).toEqual([
      ['stage-order', 'Abnahme', 'Vorprüfung'],
      ['stage-order', 'Produktion', 'Schulung'],
      ['stage-order', 'Schulung', 'Abnahme'],
    ]);
  });
});

describe('stage order (promotion)', () => {
  test('a promotion from Schulung to Produktion passes the order and needs the VVs', () => {
    const o = runGate({ head: PROMOTE_PRODUKTION, author: 'j-becker', reviews: reviews().approve('m-schulz') });
    expect(o.changes.map((c) => c.kind)).toEqual(['promotion']);
    expect(o.order).toEqual({ diagnostics: [], emergency: false });
    expect(o.decision.satisfied).toBe(true);
  });

  test('a promotion that skips Schulung — stage-order finding on the image line, naming component, image and Schulung', () => {
    const o = runGate({ head: { [`${W}/produktion.yaml`]: setImage('web', IMAGES.WEB_V3) }, author: 'j-becker' });
    expect(o.order.emergency).toBe(false);
    expect(o.order.diagnostics).toEqual([
      {
        severity: 'error',
        code: 'stage-order',
        file: `${W}/produktion.yaml`,
        line: 9,
        path: '/spec/components/0/image',
        params: { verfahren: 'wohngeld', component: 'web', image: IMAGES.WEB_V3, stage: 'Produktion', previous: 'Schulung' },
      },
    ]);
    expect(findingMessage(o.order.diagnostics[0], 'de')).toBe(
      `wohngeld/web: ${IMAGES.WEB_V3} läuft auf dem Basis-Branch nicht in Schulung; es muss zuerst Schulung durchlaufen, bevor es nach Produktion darf. Für eine Notfalländerung das Label „notfall“ setzen.`,
    );
  });

  test('Schulung and Produktion set to the same new digest in one pull request — Produktion is rejected', () => {
    const o = runGate({
      head: { [`${W}/schulung.yaml`]: setImage('web', IMAGES.WEB_V3), [`${W}/produktion.yaml`]: setImage('web', IMAGES.WEB_V3) },
      author: 'j-becker',
    });
    expect(o.order.diagnostics.map((d) => [d.code, d.file, d.params.previous])).toEqual([['stage-order', `${W}/produktion.yaml`, 'Schulung']]);
  });

  test('a digest that has never run anywhere cannot enter Abnahme, but may enter Vorprüfung', () => {
    const o = runGate({
      head: { [`${W}/vorpruefung.yaml`]: setImage('web', IMAGES.WEB_V4), [`${W}/abnahme.yaml`]: setImage('web', IMAGES.WEB_V4) },
      author: 'j-becker',
    });
    expect(o.order.diagnostics.map((d) => [d.file, d.params.stage, d.params.previous])).toEqual([[`${W}/abnahme.yaml`, 'Abnahme', 'Vorprüfung']]);
  });

  test('`notfall` with only the VV — marked as Notfalländerung, blocked until a platform approver releases it', () => {
    const o = runGate({ head: { [`${W}/produktion.yaml`]: setImage('web', IMAGES.WEB_V3) }, labels: ['notfall'], author: 'j-becker', reviews: reviews().approve('m-schulz') });
    expect(o.order.emergency).toBe(true);
    expect(o.order.diagnostics.map((d) => [d.severity, d.code])).toEqual([['warning', 'emergency-change']]);
    expect(o.decision.emergency).toBe(true);
    expect(o.decision.satisfied).toBe(false);
    expect(o.decision.requirements.map((r) => [r.stage, r.role, r.emergency, r.satisfied])).toEqual([
      ['produktion', 'verfahrensverantwortliche', true, true],
      ['produktion', 'platform', true, false],
    ]);
    expect(o.req('wohngeld', 'produktion', 'platform').reason).toBe(
      'Notfalländerung: web von wohngeld kommt nach Produktion, ohne Schulung durchlaufen zu haben — Plattform-Freigabe durch @itdz/plattform',
    );
  });

  test('`notfall` with the VV and a platform approver — allowed and marked as emergency', () => {
    const o = runGate({
      head: { [`${W}/produktion.yaml`]: setImage('web', IMAGES.WEB_V3) },
      labels: ['Notfall'],
      author: 'j-becker',
      reviews: reviews().approve('m-schulz').approve('p-kraus'),
    });
    expect(o.decision).toMatchObject({ satisfied: true, emergency: true });
    expect(o.order.diagnostics.some((d) => d.severity === 'error')).toBe(false);
  });

  test('`notfall` on an ordinary promotion changes nothing: no emergency, no platform approver', () => {
    const o = runGate({ head: PROMOTE_PRODUKTION, labels: ['notfall'], author: 'j-becker', reviews: reviews().approve('m-schulz') });
    expect(o.order.emergency).toBe(false);
    expect(o.decision.requirements.map((r) => r.role)).toEqual(['verfahrensverantwortliche']);
    expect(o.decision.satisfied).toBe(true);
  });
});

describe('platform-owned files and what needs nobody', () => {
  test('template change — platform approvers; a VV approval does not release it', () => {
    const head = { 'templates/deployment.yaml.hbs': 'apiVersion: apps/v1\nkind: Deployment\n' };
    const vv = runGate({ head, author: 'j-becker', reviews: reviews().approve('m-schulz') });
    expect(vv.decision.satisfied).toBe(false);
    expect(vv.req(null, null)).toMatchObject({ role: 'platform', files: ['templates/deployment.yaml.hbs'] });
    expect(vv.req(null, null).reason).toBe('Plattform-Änderung an templates/deployment.yaml.hbs — Plattform-Freigabe durch @itdz/plattform');
    const platform = runGate({ head, author: 'j-becker', reviews: reviews().approve('l-meyer') });
    expect(platform.decision.satisfied).toBe(true);
  });

  test('.github/freigabe.yml changed — platform approvers', () => {
    const o = runGate({ head: { '.github/freigabe.yml': 'locale: en\n' }, author: 'j-becker' });
    expect(o.decision.requirements.map((r) => [r.role, r.files])).toEqual([['platform', ['.github/freigabe.yml']]]);
  });

  test('change to a stage with `approval: none` — no approval needed, validation still applies', () => {
    const ok = runGate({ head: { [`${W}/vorpruefung.yaml`]: setImage('web', IMAGES.WEB_V4) }, author: 'j-becker' });
    expect(ok.changes.map((c) => [c.stage, c.kind])).toEqual([['vorpruefung', 'promotion']]);
    expect(ok.decision).toEqual({ satisfied: true, requirements: [], emergency: false });

    const broken = runGate({ head: { [`${W}/vorpruefung.yaml`]: replace('replicas: 2', 'replicas: zwei') }, author: 'j-becker' });
    expect(broken.decision.satisfied).toBe(true);
    expect(broken.headDiagnostics.map((d) => [d.code, d.file])).toEqual([['schema-violation', `${W}/vorpruefung.yaml`]]);
  });

  test('deleting a Vorprüfung booking still needs the VVs and the platform (deletion prunes workloads)', () => {
    const o = runGate({ head: { [`${W}/vorpruefung.yaml`]: null }, author: 'j-becker' });
    expect(o.decision.requirements.map((r) => [r.stage, r.role])).toEqual([
      ['vorpruefung', 'verfahrensverantwortliche'],
      ['vorpruefung', 'platform'],
    ]);
  });

  test('change outside the estate root — nothing required', () => {
    const o = runGate({ head: { 'docs/betrieb.md': '# Betrieb\n', '.github/workflows/lint.yml': 'on: push\n' }, author: 'j-becker' });
    expect(o.changes).toEqual([]);
    expect(o.decision).toEqual({ satisfied: true, requirements: [], emergency: false });
  });
});

describe('reasons in English', () => {
  test('locale en keeps domain terms German and dates ISO', () => {
    const o = runGate({ head: PROMOTE_PRODUKTION, author: 'j-becker', locale: 'en' });
    expect(o.req('wohngeld', 'produktion').reason).toBe(
      'Produktion of wohngeld changes the image of web — approval by m-schulz, a-nowak or k-yilmaz (Vertretung until 2027-03-31); the Vertretung of t-alt expired on 2025-12-31',
    );
  });
});
