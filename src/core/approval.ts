/**
 * The Freigabe gate: approval requirements from a change (policy read from the base), and the
 * decision over GitHub-shaped reviews, commits and team memberships (PRODUCT.md 3.5).
 * OWNER: gate work (issue 3). Stub: signatures are fixed, the body is to be written.
 */
import type { Change } from './changes.js';
import type { Estate } from './model.js';

/** GET /repos/{o}/{r}/pulls/{n}/reviews item (the fields we read). */
export interface Review {
  readonly user: { readonly login: string; readonly type?: string } | null;
  readonly state: string;
  readonly commit_id: string | null;
  readonly submitted_at?: string | null;
  readonly id?: number;
}

/** GET /repos/{o}/{r}/pulls/{n}/commits item (the fields we read). */
export interface PullCommit {
  readonly sha?: string;
  readonly author: { readonly login: string } | null;
  readonly committer: { readonly login: string } | null;
}

export interface ApprovalRequirement {
  readonly reason: string;
  readonly verfahren: string | null;
  readonly stage: string | null;
  /** Principals (logins, @org/team) whose approval counts, from the base. */
  readonly approvers: readonly string[];
  readonly min: number;
  readonly approvedBy: readonly string[];
  readonly blockedBy: readonly string[];
}

export interface ApprovalResult {
  readonly satisfied: boolean;
  readonly requirements: readonly ApprovalRequirement[];
}

export interface RequirementsParams {
  readonly base: Estate;
  readonly head: Estate;
  readonly changes: readonly Change[];
  readonly labels?: readonly string[];
  readonly today: string;
  readonly locale?: 'de' | 'en';
}

export interface GateParams extends RequirementsParams {
  readonly author: string;
  readonly headSha: string;
  readonly reviews: readonly Review[];
  readonly commits?: readonly PullCommit[];
  /** "org/team" → member logins. */
  readonly teams?: Readonly<Record<string, readonly string[]>>;
}

/** Requirements only (no reviews): what plan reports. */
export function approvalRequirements(_params: RequirementsParams): ApprovalResult {
  return { satisfied: true, requirements: [] };
}

export function decideApproval(_params: GateParams): ApprovalResult {
  return { satisfied: true, requirements: [] };
}
