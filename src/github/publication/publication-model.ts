/**
 * What a publication is made of (PRODUCT.md §4.2): where each stage goes, what happened to it,
 * the audit facts of the source commit. Shared by publish.ts, deployments.ts and
 * promotion-pr.ts without any of them importing another for its types.
 */
import type { Approver } from '../../core/publication.js';
import type { RepoRef } from '../platform/github-client.js';

export interface Logger {
  info(obj: unknown, msg?: string): void;
  warn(obj: unknown, msg?: string): void;
  error(obj: unknown, msg?: string): void;
  debug?(obj: unknown, msg?: string): void;
}

export const silentLogger: Logger = { info() {}, warn() {}, error() {} };

/** What the trailers say about the source commit (from fetchAuditInfo). */
export interface AuditInfo {
  readonly pullRequest?: { readonly repository: string; readonly number: number; readonly title?: string; readonly url?: string; readonly author?: string };
  readonly approvedBy: readonly Approver[];
  readonly notfall: boolean;
}

/** Where one stage goes. */
export interface StageTarget extends RepoRef {
  readonly branch: string;
  /** '' on a rendered branch, '<stage>/' in a deploy repository. */
  readonly prefix: string;
}

export type StageStatus = 'created' | 'updated' | 'unchanged' | 'already-published' | 'stale' | 'empty';

export interface StagePublication {
  readonly stage: string;
  readonly target: StageTarget;
  readonly status: StageStatus;
  /** The new rendered commit (created/updated). */
  readonly commit?: string;
  /** Fachverfahren directories changed by the commit. */
  readonly verfahren: readonly string[];
  readonly attempts: number;
  /** The source commit the branch head named for this stage before this publication (its trailer). */
  readonly previousSource?: string;
}
