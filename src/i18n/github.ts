/**
 * What the GitHub App says in check runs and the sticky comment beyond the shared report
 * texts (src/i18n/cli.ts): check titles, neutral and failure summaries. German by default,
 * English with `locale: en`; domain terms stay German in both.
 */
import type { LimitExceeded, ArchiveProblemReason } from '../github/platform/tarball.js';

export type Locale = 'de' | 'en';

export interface GitHubText {
  readonly validationTitle: (errors: number, warnings: number) => string;
  readonly approvalSatisfiedTitle: string;
  readonly approvalNoneTitle: string;
  readonly approvalMissingTitle: (open: number) => string;
  readonly noEstateChangeTitle: string;
  readonly noEstateChangeSummary: (root: string) => string;
  readonly settingsBrokenTitle: string;
  readonly settingsBrokenSummary: (branch: string) => string;
  readonly archiveTooLargeTitle: string;
  readonly archiveTooLargeSummary: (sha: string, e: LimitExceeded) => string;
  readonly archiveProblem: (reason: ArchiveProblemReason) => string;
  readonly commentFooter: (sha: string) => string;
  readonly commentNoEstateChange: (sha: string, root: string) => string;
  /** Findings beyond the annotation cap: how many, and the command that lists them all. */
  readonly annotationsOmitted: (shown: number, omitted: number, command: string) => string;
}

const LIMIT_NAMES: Record<LimitExceeded['limit'], { de: string; en: string }> = {
  maxArchiveBytes: { de: 'Größe des Archivs', en: 'archive size' },
  maxUnpackedBytes: { de: 'entpackte Größe', en: 'unpacked size' },
  maxEntries: { de: 'Anzahl der Einträge', en: 'number of entries' },
  maxKeptBytes: { de: 'Größe der Estate-Dateien', en: 'size of the estate files' },
  maxFileBytes: { de: 'Größe einer Datei', en: 'size of one file' },
};

const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;

const de: GitHubText = {
  validationTitle: (e, w) => (e === 0 && w === 0 ? 'Keine Befunde' : `${plural(e, 'Fehler', 'Fehler')}, ${plural(w, 'Warnung', 'Warnungen')}`),
  approvalSatisfiedTitle: 'Alle Freigaben liegen vor',
  approvalNoneTitle: 'Keine Freigabe erforderlich',
  approvalMissingTitle: (n) => `${plural(n, 'Freigabe fehlt', 'Freigaben fehlen')}`,
  noEstateChangeTitle: 'Keine Änderung am Estate',
  noEstateChangeSummary: (root) =>
    `Dieser Pull Request ändert keine Datei unter \`${root}/\`, im Template-Verzeichnis oder in \`.github/freigabe.yml\`. Es ist nichts zu prüfen und keine Freigabe erforderlich.`,
  settingsBrokenTitle: 'Einstellungen fehlerhaft',
  settingsBrokenSummary: (branch) =>
    `Die Einstellungen \`.github/freigabe.yml\` auf dem Default-Branch \`${branch}\` sind fehlerhaft. freigabe prüft diesen Pull Request erst, wenn sie korrigiert sind:`,
  archiveTooLargeTitle: 'Repository zu groß für die Prüfung',
  archiveTooLargeSummary: (sha, e) =>
    `Das Archiv von Commit \`${sha.slice(0, 7)}\` überschreitet eine Grenze (${LIMIT_NAMES[e.limit].de}: mehr als ${e.max.toLocaleString('de-DE')}). Bitte große Dateien außerhalb des Estates entfernen oder die Grenzen des Betriebs (README, FREIGABE_MAX_ARCHIVE_MB) anpassen.`,
  archiveProblem: (reason) =>
    ({
      symlink: 'Symbolische Links sind im Estate nicht erlaubt; die Datei wurde nicht gelesen.',
      hardlink: 'Harte Links sind im Estate nicht erlaubt; die Datei wurde nicht gelesen.',
      'special-file': 'Nur reguläre Dateien sind im Estate erlaubt; der Eintrag wurde nicht gelesen.',
      'unsafe-path': 'Unsicherer Pfad im Archiv (absolut oder mit „..“); der Eintrag wurde nicht gelesen.',
    })[reason],
  commentFooter: (sha) => `<sub>freigabe · Stand: Commit \`${sha.slice(0, 7)}\` · neu prüfen mit \`/freigabe recheck\`</sub>`,
  annotationsOmitted: (shown, omitted, command) =>
    `Als Anmerkung gezeigt: die ${shown} wichtigsten Befunde (Fehler vor Warnungen, geänderte Dateien zuerst). ${plural(omitted, 'weiterer Befund ist', 'weitere Befunde sind')} nicht annotiert; alle listet \`${command}\`.`,
  commentNoEstateChange: (sha, root) => `### freigabe\n\nDer Pull Request ändert (Stand Commit \`${sha.slice(0, 7)}\`) keine Datei unter \`${root}/\`; es ist keine Prüfung und keine Freigabe erforderlich.`,
};

const en: GitHubText = {
  validationTitle: (e, w) => (e === 0 && w === 0 ? 'No findings' : `${plural(e, 'error', 'errors')}, ${plural(w, 'warning', 'warnings')}`),
  approvalSatisfiedTitle: 'All approvals (Freigaben) given',
  approvalNoneTitle: 'No approval (Freigabe) required',
  approvalMissingTitle: (n) => `${plural(n, 'approval (Freigabe) missing', 'approvals (Freigaben) missing')}`,
  noEstateChangeTitle: 'No change to the estate',
  noEstateChangeSummary: (root) =>
    `This pull request changes no file under \`${root}/\`, the templates directory or \`.github/freigabe.yml\`. There is nothing to check and no approval is required.`,
  settingsBrokenTitle: 'Settings broken',
  settingsBrokenSummary: (branch) =>
    `The settings \`.github/freigabe.yml\` on the default branch \`${branch}\` are broken. freigabe checks this pull request once they are fixed:`,
  archiveTooLargeTitle: 'Repository too large to check',
  archiveTooLargeSummary: (sha, e) =>
    `The archive of commit \`${sha.slice(0, 7)}\` exceeds a limit (${LIMIT_NAMES[e.limit].en}: more than ${e.max.toLocaleString('en-US')}). Remove large files outside the estate or raise the operator's limits (README, FREIGABE_MAX_ARCHIVE_MB).`,
  archiveProblem: (reason) =>
    ({
      symlink: 'Symbolic links are not allowed in the estate; the file was not read.',
      hardlink: 'Hard links are not allowed in the estate; the file was not read.',
      'special-file': 'Only regular files are allowed in the estate; the entry was not read.',
      'unsafe-path': 'Unsafe path in the archive (absolute or with ".."); the entry was not read.',
    })[reason],
  commentFooter: (sha) => `<sub>freigabe · as of commit \`${sha.slice(0, 7)}\` · check again with \`/freigabe recheck\`</sub>`,
  annotationsOmitted: (shown, omitted, command) =>
    `Annotated: the ${shown} most important findings (errors before warnings, changed files first). ${plural(omitted, 'further finding is', 'further findings are')} not annotated; \`${command}\` lists them all.`,
  commentNoEstateChange: (sha, root) => `### freigabe\n\nAs of commit \`${sha.slice(0, 7)}\` this pull request changes no file under \`${root}/\`; no check and no approval is required.`,
};

export function githubText(locale: Locale): GitHubText {
  return locale === 'en' ? en : de;
}

/** Shown when freigabe itself failed; both languages, since the settings may be what could not be read. */
export const INTERNAL_ERROR = {
  title: 'freigabe: interner Fehler / internal error',
  summary:
    'freigabe konnte diesen Pull Request wegen eines internen Fehlers nicht prüfen; Details stehen in den Logs des Betriebs. Mit `/freigabe recheck` erneut versuchen.\n\n' +
    'freigabe could not check this pull request because of an internal error; see the operator\'s logs. Retry with `/freigabe recheck`.',
} as const;
