/**
 * Who may use comment commands (`/freigabe recheck`, `/freigabe promote …`): people with write
 * access to the repository (GET …/collaborators/{username}/permission → role admin, maintain or
 * write). Everybody else gets a polite refusal in the repository's locale.
 */
import type { Locale } from '../../i18n/github.js';
import type { GitHubClient } from './github-client.js';
import { readDefaultBranchSettings } from './settings.js';

const WRITE_ROLES = new Set(['admin', 'maintain', 'write']);

export interface CommandPermissionParams {
  readonly octokit: GitHubClient;
  readonly owner: string;
  readonly repo: string;
  readonly username: string;
}

export async function hasWriteAccess(params: CommandPermissionParams): Promise<{ allowed: boolean; role: string }> {
  const { octokit, owner, repo, username } = params;
  const { data } = await octokit.rest.repos.getCollaboratorPermissionLevel({ owner, repo, username });
  const role = data.role_name || data.permission;
  return { allowed: WRITE_ROLES.has(role), role };
}

const REFUSAL: Record<Locale, (login: string, command: string) => string> = {
  de: (login, command) =>
    `@${login}, danke für den Hinweis! \`${command}\` dürfen nur Personen mit Schreibrechten auf dieses Repository verwenden. Bitte eine Person mit Schreibrechten oder die Verfahrensverantwortlichen, den Befehl auszuführen.`,
  en: (login, command) =>
    `@${login}, thank you! Only people with write access to this repository can use \`${command}\`. Please ask someone with write access or the Verfahrensverantwortliche to run it.`,
};

export interface RefuseParams extends CommandPermissionParams {
  readonly defaultBranch: string;
  readonly number: number;
  readonly command: string;
}

/** Answers on the pull request, in the locale of the default branch's settings. */
export async function refuseCommand(params: RefuseParams): Promise<void> {
  const { octokit, owner, repo, defaultBranch, number, username, command } = params;
  const { settings } = await readDefaultBranchSettings({ octokit, owner, repo, defaultBranch });
  await octokit.rest.issues.createComment({ owner, repo, issue_number: number, body: REFUSAL[settings.locale](username, command) });
}
