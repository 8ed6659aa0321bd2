/**
 * One sticky comment per pull request, found again by a hidden marker and updated in place.
 * Only a bot's comment counts as ours: a person quoting the marker does not take it over.
 */
import type { GitHubClient, RepoRef } from '../platform/github-client.js';

export const COMMENT_MARKER = '<!-- freigabe:plan -->';
/** GitHub rejects comment bodies over 65,536 characters. */
export const COMMENT_MAX_CHARS = 65_536;

export interface UpsertCommentParams extends RepoRef {
  readonly octokit: GitHubClient;
  readonly number: number;
  /** Without the marker; it is added. */
  readonly body: string;
  /** When false, an existing comment is updated but none is created. */
  readonly create: boolean;
}

/** The comment's URL, or undefined when there was none and none was created. */
export async function upsertStickyComment(params: UpsertCommentParams): Promise<string | undefined> {
  const { octokit, owner, repo, number } = params;
  const body = `${COMMENT_MARKER}\n${params.body}`.slice(0, COMMENT_MAX_CHARS);
  const comments = await octokit.paginate(octokit.rest.issues.listComments, { owner, repo, issue_number: number, per_page: 100 });
  const ours = comments.find((c) => c.user?.type === 'Bot' && (c.body ?? '').startsWith(COMMENT_MARKER));
  if (ours) {
    if (ours.body === body) return ours.html_url;
    const updated = await octokit.rest.issues.updateComment({ owner, repo, comment_id: ours.id, body });
    return updated.data.html_url;
  }
  if (!params.create) return undefined;
  const created = await octokit.rest.issues.createComment({ owner, repo, issue_number: number, body });
  return created.data.html_url;
}
