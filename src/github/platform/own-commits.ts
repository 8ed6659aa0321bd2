/**
 * Recognising the commits freigabe made itself, by more than their message: a trailer can be
 * typed by anyone, an author name too. A commit is freigabe's when its author and committer
 * are the app's bot account (the `<id>+<slug>[bot]@users.noreply.github.com` address GitHub
 * gives it) and GitHub marks it verified — GitHub signs the commits an app creates through the
 * API, and nobody else can produce that signature for the bot's address.
 */
import { botLogin, type AppIdentity } from './app-identity.js';

/** The identity fields of a git commit (GET /git/commits/{sha}, or `.commit` of the REST commit). */
export interface GitCommitIdentity {
  readonly author?: { readonly name?: string; readonly email?: string } | null;
  readonly committer?: { readonly name?: string; readonly email?: string } | null;
  readonly verification?: { readonly verified?: boolean } | null;
}

function escapeRegex(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

export function isOwnCommit(commit: GitCommitIdentity, identity: AppIdentity): boolean {
  const address = new RegExp(`^\\d+\\+${escapeRegex(botLogin(identity))}@users\\.noreply\\.github\\.com$`, 'i');
  const bot = (who: GitCommitIdentity['author']) => typeof who?.email === 'string' && address.test(who.email);
  return bot(commit.author) && bot(commit.committer) && commit.verification?.verified === true;
}
