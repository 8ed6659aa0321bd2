/**
 * Why the four-eyes rule cannot be checked, and what to do about it (src/core/contributors.ts).
 * Shown in the approval check, the sticky comment and `freigabe gate`.
 */
import type { ContributorGap } from '../core/contributors.js';
import type { Locale } from './findings.js';

const short = (sha: string) => (/^[0-9a-f]{40}$/i.test(sha) ? sha.slice(0, 7) : sha);

export function contributorGapText(gap: ContributorGap, locale: Locale): string {
  const de = locale === 'de';
  switch (gap.type) {
    case 'unlinked-author':
    case 'unlinked-committer': {
      const who = gap.type === 'unlinked-author' ? (de ? 'Autor' : 'author') : de ? 'Committer' : 'committer';
      return de
        ? `Commit ${short(gap.sha)}: GitHub kann den ${who} (E-Mail-Adresse) keinem Konto zuordnen, also ist nicht bekannt, wer die Änderung gemacht hat. Abhilfe: die E-Mail-Adresse im eigenen GitHub-Konto hinterlegen und bestätigen, oder den Commit mit einer zugeordneten Adresse neu schreiben (\`git commit --amend --reset-author\`) und erneut pushen.`
        : `Commit ${short(gap.sha)}: GitHub cannot link its ${who} (e-mail address) to an account, so it is not known who made the change. To fix: add and verify the e-mail address in your GitHub account, or re-author the commit with a linked address (\`git commit --amend --reset-author\`) and push again.`;
    }
    case 'commits-truncated': {
      const total = gap.total ?? (de ? 'mehr' : 'more');
      return de
        ? `Der Pull Request hat ${total} Commits, GitHub liefert aber nur ${gap.listed}; wer die übrigen geschrieben hat, ist nicht bekannt. Abhilfe: die Commits zusammenfassen (squash) oder den Pull Request aufteilen.`
        : `The pull request has ${total} commits, but GitHub lists only ${gap.listed}; who wrote the others is not known. To fix: squash the commits or split the pull request.`;
    }
    case 'pushers-unknown':
      return de
        ? 'freigabe kann nicht lesen, wer auf den Branch des Pull Requests gepusht hat (ein Fork, in dem freigabe nicht installiert ist). Abhilfe: den Pull Request von einem Branch dieses Repositorys aus öffnen.'
        : 'freigabe cannot read who pushed to the pull request’s branch (a fork freigabe is not installed on). To fix: open the pull request from a branch of this repository.';
  }
}

export function contributorGapsHeading(locale: Locale): string {
  return locale === 'de'
    ? 'Vier-Augen-Prinzip nicht prüfbar – keine Freigabe zählt, bis das behoben ist:'
    : 'Four-eyes rule cannot be checked – no approval counts until this is fixed:';
}
