/**
 * A request for changes stays in force until its reviewer reviews again — also when another
 * writer dismissed it. GitHub rewrites a dismissed review's state to DISMISSED in the review
 * list; only the pull request's timeline keeps what it was (`review_dismissed` events), so the
 * adapter reads the timeline and the gate restores those reviews to CHANGES_REQUESTED.
 */
import type { Review } from './approval.js';

/** GET /repos/{o}/{r}/issues/{n}/timeline item (the fields we read). */
export interface TimelineEvent {
  readonly event?: string;
  readonly dismissed_review?: { readonly state?: string; readonly review_id?: number } | null;
  /** `labeled` / `unlabeled` events. */
  readonly label?: { readonly name?: string } | null;
  readonly created_at?: string;
}

/**
 * The labels a pull request carried at a moment (its merge), replayed from the timeline's
 * `labeled` and `unlabeled` events: what the label list says later can have been edited since.
 */
export function labelsAt(timeline: readonly TimelineEvent[], at: string): string[] {
  const until = Date.parse(at);
  const labels = new Map<string, string>();
  for (const e of timeline) {
    const name = e.label?.name;
    if (!name || !e.created_at || !(Date.parse(e.created_at) <= until)) continue;
    if (e.event === 'labeled') labels.set(name.toLowerCase(), name);
    else if (e.event === 'unlabeled') labels.delete(name.toLowerCase());
  }
  return [...labels.values()].sort();
}

/** Ids of reviews that requested changes and were dismissed. */
export function dismissedChangeRequests(timeline: readonly TimelineEvent[]): number[] {
  const ids = new Set<number>();
  for (const e of timeline) {
    const d = e.event === 'review_dismissed' ? e.dismissed_review : undefined;
    if (d && typeof d.review_id === 'number' && d.state?.toLowerCase() === 'changes_requested') ids.add(d.review_id);
  }
  return [...ids].sort((a, b) => a - b);
}

/** The reviews with every dismissed request for changes counted as what it was. */
export function restoreDismissedChangeRequests(reviews: readonly Review[], ids: readonly number[] | undefined): readonly Review[] {
  if (!ids || ids.length === 0) return reviews;
  const dismissed = new Set(ids);
  return reviews.map((r) => (r.state === 'DISMISSED' && r.id !== undefined && dismissed.has(r.id) ? { ...r, state: 'CHANGES_REQUESTED' } : r));
}

/** Whether the timeline must be read at all: only when some reviewer's latest decisive review is DISMISSED. */
export function needsTimeline(reviews: readonly Review[]): boolean {
  return reviews.some((r) => r.state === 'DISMISSED');
}
