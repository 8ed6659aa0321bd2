/**
 * Who freigabe is on GitHub: the app's id (branch protection pins required checks to it) and
 * its slug, whose bot account `<slug>[bot]` authors every commit freigabe makes. Read once with
 * the app's own credentials (`GET /app`) and kept; a failed read is tried again next time.
 */
import type { GitHubClient } from './github-client.js';

export interface AppIdentity {
  readonly id: number;
  readonly slug: string;
}

export function botLogin(identity: AppIdentity): string {
  return `${identity.slug}[bot]`;
}

/** The slice of a Probot instance this needs: the app-authenticated client (no installation id). */
export interface AppAuthLike {
  auth(installationId?: number): Promise<GitHubClient>;
}

export type IdentityResolver = () => Promise<AppIdentity>;

export function identityResolver(app: AppAuthLike, given?: AppIdentity): IdentityResolver {
  if (given) return () => Promise.resolve(given);
  let pending: Promise<AppIdentity> | undefined;
  return () => {
    pending ??= app
      .auth()
      .then((octokit) => octokit.rest.apps.getAuthenticated())
      .then(({ data }) => {
        if (!data || typeof data.slug !== 'string') throw new Error('GET /app returned no slug');
        return { id: data.id, slug: data.slug };
      })
      .catch((error: unknown) => {
        pending = undefined;
        throw error;
      });
    return pending;
  };
}
