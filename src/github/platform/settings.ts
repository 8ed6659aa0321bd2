/**
 * Settings come from `.github/freigabe.yml` on the default branch (never from the pull
 * request, which could otherwise move the estate root or switch checks off for itself).
 * When the pull request targets the default branch, the base snapshot already holds that
 * file and no extra call is made.
 */
import type { Diagnostic } from '../../core/diagnostics.js';
import { loadSettings } from '../../core/load.js';
import { SETTINGS_FILE, type Settings } from '../../core/model.js';
import { snapshotOf, type Snapshot } from '../../core/snapshot.js';
import type { GitHubClient, RepoRef } from './github-client.js';

export interface SettingsResult {
  readonly settings: Settings;
  /** Findings of a broken settings file (code settings-invalid, with file and line). */
  readonly diagnostics: readonly Diagnostic[];
}

export function settingsFromSnapshot(snapshot: Snapshot): SettingsResult {
  const { value, diagnostics } = loadSettings(snapshot);
  return { settings: value, diagnostics };
}

export interface ReadSettingsParams extends RepoRef {
  readonly octokit: GitHubClient;
  readonly defaultBranch: string;
}

/** One contents call; a missing file means the documented defaults. */
export async function readDefaultBranchSettings(params: ReadSettingsParams): Promise<SettingsResult> {
  const { octokit, owner, repo, defaultBranch } = params;
  const response = await octokit.rest.repos
    .getContent({ owner, repo, path: SETTINGS_FILE, ref: defaultBranch })
    .catch((error: { status?: number }) => {
      if (error.status === 404) return undefined;
      throw error;
    });
  const data = response?.data;
  if (!data || Array.isArray(data) || data.type !== 'file' || !('content' in data)) return settingsFromSnapshot(snapshotOf({}));
  const bytes = Buffer.from(data.content, data.encoding === 'base64' ? 'base64' : 'utf8');
  return settingsFromSnapshot(snapshotOf({ [SETTINGS_FILE]: new Uint8Array(bytes) }));
}
