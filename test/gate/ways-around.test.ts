/**
 * Issue 11, the pure gate: each attack on the four-eyes rule from the security review, and the
 * rule that stops it. Every test here passed the attack on the gate before the fix.
 */
import { describe, expect, test } from 'vitest';
import type { Review } from '../../src/core/approval.js';
import { contributors, PULL_COMMITS_CAP } from '../../src/core/contributors.js';
import { dismissedChangeRequests, type TimelineEvent } from '../../src/core/dismissed-reviews.js';
import { contributorGapText } from '../../src/i18n/four-eyes.js';
import { commit, HEAD_SHA, IMAGES, OLDER_SHA, reviews, runGate, setImage, unlinkedCommit, W } from '../fixtures/gate/builder.js';

const PROMOTE_PRODUKTION = { [`${W}/produktion.yaml`]: setImage('web', IMAGES.WEB_V2) };
const VORPRUEFUNG_ONLY = { [`${W}/vorpruefung.yaml`]: setImage('web', IMAGES.WEB_V2) };

describe('unlinked commit authors fail closed', () => {
  test('attack: a VV commits under an e-mail GitHub cannot link, then approves their own change — nothing counts', () => {
    const o = runGate({
      head: PROMOTE_PRODUKTION,
      author: 'j-becker',
      commits: [commit('j-becker', 'web-flow', OLDER_SHA), unlinkedCommit({}, HEAD_SHA)],
      reviews: reviews().approve('m-schulz'),
    });
    expect(o.decision.satisfied).toBe(false);
    expect(o.decision.contributorGaps).toEqual([
      { type: 'unlinked-author', sha: HEAD_SHA },
      { type: 'unlinked-committer', sha: HEAD_SHA },
    ]);
    // The approval itself is shown, but cannot release the change.
    expect(o.req('wohngeld', 'produktion')).toMatchObject({ approvedBy: ['m-schulz'], satisfied: false });
  });

  test('an unlinked committer alone is enough to fail closed', () => {
    const o = runGate({ head: PROMOTE_PRODUKTION, author: 'j-becker', commits: [unlinkedCommit({ author: 'j-becker' })], reviews: reviews().approve('m-schulz') });
    expect(o.decision.satisfied).toBe(false);
    expect(o.decision.contributorGaps).toEqual([{ type: 'unlinked-committer', sha: HEAD_SHA }]);
  });

  test('a change that needs no approval is not held up by an unlinked commit', () => {
    const o = runGate({ head: VORPRUEFUNG_ONLY, author: 'j-becker', commits: [unlinkedCommit({})] });
    expect(o.decision.requirements).toEqual([]);
    expect(o.decision.satisfied).toBe(true);
    expect(o.decision.contributorGaps).toBeUndefined();
  });

  test('the reason says what to do, in German and English', () => {
    const de = contributorGapText({ type: 'unlinked-author', sha: HEAD_SHA }, 'de');
    expect(de).toContain('3f9c1a7');
    expect(de).toContain('E-Mail-Adresse');
    expect(de).toContain('git commit --amend --reset-author');
    expect(contributorGapText({ type: 'commits-truncated', listed: 250, total: 312 }, 'en')).toContain('312 commits, but GitHub lists only 250');
  });
});

describe('commits GitHub does not list', () => {
  test('attack: the 251st commit was written by the approving VV — more commits than listed fails closed', () => {
    const listed = Array.from({ length: PULL_COMMITS_CAP }, () => commit('j-becker'));
    const o = runGate({ head: PROMOTE_PRODUKTION, author: 'j-becker', commits: listed, commitCount: 251, reviews: reviews().approve('m-schulz') });
    expect(o.decision.satisfied).toBe(false);
    expect(o.decision.contributorGaps).toEqual([{ type: 'commits-truncated', listed: 250, total: 251 }]);
  });

  test('a full list of 250 without a count is taken as cut short', () => {
    expect(contributors({ author: 'a', commits: Array.from({ length: 250 }, () => commit('a')) }).gaps).toEqual([{ type: 'commits-truncated', listed: 250 }]);
    expect(contributors({ author: 'a', commits: Array.from({ length: 250 }, () => commit('a')), commitCount: 250 }).gaps).toEqual([]);
  });
});

describe('pushers and the promotion requester are contributors', () => {
  test('attack: a VV pushes a colleague’s commit to the branch and approves — the pusher does not count', () => {
    const o = runGate({ head: PROMOTE_PRODUKTION, author: 'j-becker', commits: [commit('j-becker')], pushers: ['m-schulz'], reviews: reviews().approve('m-schulz') });
    expect(o.decision.satisfied).toBe(false);
    expect(o.req('wohngeld', 'produktion').notCounted).toEqual([{ login: 'm-schulz', why: 'pusher' }]);
    expect(o.req('wohngeld', 'produktion').candidates).toEqual(['a-nowak', 'k-yilmaz']);
  });

  test('attack: the VV who ran /freigabe promote approves the promotion — does not count', () => {
    const o = runGate({
      head: PROMOTE_PRODUKTION,
      author: 'freigabe[bot]',
      commits: [commit('freigabe[bot]', 'freigabe[bot]')],
      promotionRequesters: ['M-Schulz'],
      reviews: reviews().approve('m-schulz'),
    });
    expect(o.decision.satisfied).toBe(false);
    expect(o.req('wohngeld', 'produktion').notCounted).toEqual([{ login: 'm-schulz', why: 'promotion-requester' }]);
    const other = runGate({ head: PROMOTE_PRODUKTION, author: 'freigabe[bot]', commits: [commit('freigabe[bot]', 'freigabe[bot]')], promotionRequesters: ['m-schulz'], reviews: reviews().approve('a-nowak') });
    expect(other.decision.satisfied).toBe(true);
  });
});

describe('a request for changes cannot be dismissed away', () => {
  const dismissedCr = () => {
    const t = reviews().requestChanges('a-nowak').approve('m-schulz');
    const cr = t.reviews[0];
    // GitHub rewrites the dismissed review's state in place; the timeline keeps what it was.
    const list: Review[] = [{ ...cr, state: 'DISMISSED' }, t.reviews[1]];
    const timeline: TimelineEvent[] = [
      { event: 'reviewed' },
      { event: 'review_dismissed', dismissed_review: { state: 'changes_requested', review_id: cr.id! } },
    ];
    return { list, timeline, id: cr.id! };
  };

  test('attack: another writer dismisses the VV’s request for changes — it still blocks', () => {
    const { list, timeline, id } = dismissedCr();
    expect(dismissedChangeRequests(timeline)).toEqual([id]);
    const o = runGate({ head: PROMOTE_PRODUKTION, author: 'j-becker', reviews: list, dismissedChangeRequests: dismissedChangeRequests(timeline) });
    expect(o.decision.satisfied).toBe(false);
    expect(o.req('wohngeld', 'produktion').blockedBy).toEqual(['a-nowak']);
  });

  test('it blocks until the same reviewer submits a newer review', () => {
    const { list, timeline } = dismissedCr();
    const later = reviews().requestChanges('x').approve('x').approve('x').approve('a-nowak').reviews[3];
    const o = runGate({ head: PROMOTE_PRODUKTION, author: 'j-becker', reviews: [...list, later], dismissedChangeRequests: dismissedChangeRequests(timeline) });
    expect(o.decision.satisfied).toBe(true);
    expect(o.req('wohngeld', 'produktion').blockedBy).toEqual([]);
  });

  test('a dismissed approval stays dismissed (the timeline says it was an approval)', () => {
    const t = reviews().approve('m-schulz');
    const o = runGate({
      head: PROMOTE_PRODUKTION,
      author: 'j-becker',
      reviews: [{ ...t.reviews[0], state: 'DISMISSED' }],
      dismissedChangeRequests: dismissedChangeRequests([{ event: 'review_dismissed', dismissed_review: { state: 'approved', review_id: t.reviews[0].id! } }]),
    });
    expect(o.req('wohngeld', 'produktion')).toMatchObject({ approvedBy: [], blockedBy: [], satisfied: false });
  });
});
