/**
 * User-interface texts of the reports (text, Markdown) and the command line, German by
 * default and English. Domain terms — Kontingent, Fachverfahren, Verfahrensverantwortliche,
 * Notfalländerung, stage titles — stay German in both. The compiler makes sure both locales
 * have every text (`en` is typed by `de`).
 */
import type { Severity } from '../core/diagnostics.js';
import type { ChangeKind } from '../core/changes.js';
import type { Dimension } from '../core/quantity.js';
import type { Locale } from './findings.js';
import { notCountedText } from './approval.js';

export type { Locale } from './findings.js';

const plural = (n: number, one: string, many: string): string => `${n} ${n === 1 ? one : many}`;

const de = {
  severity: { error: 'Fehler', warning: 'Warnung', info: 'Hinweis' } satisfies Record<Severity, string>,
  severityCounts: (errors: number, warnings: number, infos: number): string =>
    [plural(errors, 'Fehler', 'Fehler'), plural(warnings, 'Warnung', 'Warnungen'), ...(infos > 0 ? [plural(infos, 'Hinweis', 'Hinweise')] : [])].join(', '),
  noFindings: 'Keine Befunde.',
  validationOk: 'Estate ist gültig.',
  validationFailed: 'Estate hat Fehler.',
  planOk: 'Plan ohne Fehler.',
  planFailed: 'Plan mit Fehlern: so darf der Pull Request nicht gemergt werden.',
  headings: {
    plan: 'freigabe: Plan',
    validation: 'freigabe: Validierung',
    gate: 'freigabe: Freigabe',
    findings: 'Befunde',
    changes: 'Änderungen',
    approval: 'Freigaben',
    kontingent: 'Kontingent',
    cost: 'Kosten pro Monat',
    manifests: 'Gerenderte Manifeste',
  },
  changeKind: { promotion: 'Promotion', booking: 'Buchung', created: 'neu', deleted: 'gelöscht', settings: 'Einstellungen' } satisfies Record<ChangeKind, string>,
  platformWide: 'Plattform',
  allStages: 'alle Stages',
  noChanges: 'Keine Änderungen am Estate.',
  componentAdded: 'neu',
  componentRemoved: 'entfernt',
  replicas: (n: number): string => `${n}×`,
  dimension: { cpu: 'CPU', memory: 'Arbeitsspeicher', storage: 'Speicher', budgetPerMonth: 'Budget/Monat' } satisfies Record<Dimension, string>,
  columns: {
    severity: 'Schwere',
    location: 'Datei:Zeile',
    code: 'Code',
    message: 'Meldung',
    tenant: 'Mandant',
    dimension: 'Dimension',
    stage: 'Stage',
    limit: 'Kontingent',
    before: 'vorher',
    after: 'nachher',
    delta: 'Δ',
    budget: 'Budget',
    used: 'genutzt',
    share: 'Anteil',
    verfahren: 'Fachverfahren',
    kind: 'Art',
    component: 'Komponente',
    requirement: 'Anforderung',
    approvers: 'freigeben dürfen',
    status: 'Status',
  },
  noKontingent: 'Kein Mandant betroffen.',
  wholeKontingent: 'gesamt',
  surgeHeadroom: {
    heading: 'Reserve für Rollouts (Surge)',
    note: 'Im ResourceQuota reserviert für einen zusätzlichen Pod je Fachverfahren während eines Rollouts; zählt nicht zum Kontingent und wird nicht berechnet.',
    pods: 'Pods',
  },
  approvalSatisfied: 'Alle nötigen Freigaben liegen vor.',
  approvalMissing: 'Freigabe fehlt.',
  approvalNone: 'Keine Freigabe nötig.',
  approvalRequired: 'Nötige Freigaben (werden im Pull Request erteilt):',
  approvalsPending: (n: number): string => `${n === 1 ? 'Eine Freigabe' : `${n} Freigaben`} nötig.`,
  requirementMet: 'erteilt',
  requirementOpen: 'offen',
  requirementBlocked: 'blockiert',
  needs: (min: number): string => (min === 1 ? 'eine Freigabe' : `${min} Freigaben`),
  approvedBy: 'freigegeben von',
  blockedBy: 'Änderungen angefordert von',
  couldApprove: 'noch möglich',
  notCountedLabel: 'nicht gezählt',
  notCounted: (n: Parameters<typeof notCountedText>[0]): string => notCountedText(n, 'de'),
  nobody: '—',
  emergency: 'Notfalländerung: die Stage-Reihenfolge wird übersprungen oder ein Änderungsstopp durchbrochen; Freigabe durch Verfahrensverantwortliche und Plattform nötig.',
  manifestSummary: (files: number, added: number, removed: number, modified: number): string =>
    `${plural(files, 'Datei', 'Dateien')} (${added} neu, ${removed} entfernt, ${modified} geändert)`,
  noManifestChanges: 'Keine Änderungen an gerenderten Manifesten.',
  truncated: (shown: number, total: number): string =>
    `Gekürzt: ${shown} von ${total} Dateien gezeigt. Den vollständigen Diff zeigt \`freigabe plan\` lokal.`,
  findingsTruncated: (shown: number, total: number): string => `Gekürzt: ${shown} von ${total} Befunden gezeigt.`,
  rowsTruncated: (shown: number, total: number): string => `Gekürzt: ${shown} von ${total} Zeilen gezeigt.`,
  cli: {
    usage: `Aufruf: freigabe <Befehl> [Optionen]

Befehle:
  validate [--repo DIR]                         Schema, Integrität, Kontingent, Kosten und Richtlinien prüfen
  render [--repo DIR] --out DIR [--stage S]     gerenderte Manifeste jeder Stage (oder einer) schreiben
  plan --base DIR|--base-ref REF [--head DIR|--head-ref REF]
                                                was ein Pull Request von base nach head ändert
  gate --base DIR|--base-ref REF --head DIR|--head-ref REF --author LOGIN --head-sha SHA --reviews FILE
       [--commits FILE] [--commit-count N] [--pushers a,b] [--requested-by a,b] [--timeline FILE]
       [--teams FILE] [--labels a,b] [--today YYYY-MM-DD]
                                                die Freigabe-Entscheidung
  audit [--repo DIR] [--stage S] [--format text|json|csv]
                                                Freigaben, die auf den gerenderten Branches angekommen sind
  serve [--repo DIR] [--port N]                 Dashboard des lokalen Stands auf http://127.0.0.1:N/ (Standard 8080)

Gemeinsame Optionen:
  --repo DIR          Repository (Standard: aktuelles Verzeichnis)
  --format FORMAT     text | json | markdown (Standard: text)
  --locale LOCALE     de | en (Standard: de)
  --labels a,b        Labels des Pull Requests (z. B. notfall)
  --today YYYY-MM-DD  Stichtag (Standard: heute in Europe/Berlin)
  --now ISO-8601      Zeitpunkt für Änderungsstopps, z. B. 2026-12-21T06:00+01:00 (Standard: jetzt)
  --debug             bei internen Fehlern den Stacktrace zeigen

Exit-Codes: 0 in Ordnung/freigegeben, 1 Fehler-Befunde oder fehlende Freigabe, 2 Aufruffehler oder unlesbare Eingabe.`,
    unknownCommand: (cmd: string, known: readonly string[]): string => `Unbekannter Befehl „${cmd}“. Befehle: ${known.join(', ')}.`,
    missingCommand: 'Kein Befehl angegeben.',
    badOption: (detail: string): string => `Ungültiger Aufruf: ${detail}`,
    missingOption: (option: string): string => `Option ${option} fehlt.`,
    exclusive: (a: string, b: string): string => `${a} und ${b} schließen sich aus; bitte nur eine angeben.`,
    oneOf: (a: string, b: string): string => `Bitte ${a} oder ${b} angeben.`,
    badValue: (option: string, value: string, allowed: string): string => `Ungültiger Wert „${value}“ für ${option}; erlaubt: ${allowed}.`,
    badDate: (value: string): string => `Ungültiges Datum „${value}“ für --today; erwartet wird JJJJ-MM-TT.`,
    badNow: (value: string): string => `Ungültiger Zeitpunkt „${value}“ für --now; erwartet wird ISO-8601 mit Zeitzone, z. B. 2026-12-21T06:00:00+01:00 oder …Z.`,
    notADirectory: (dir: string): string => `Verzeichnis ${dir} existiert nicht oder ist nicht lesbar.`,
    notARepository: (dir: string): string => `${dir} ist kein Git-Repository (für --base-ref/--head-ref nötig).`,
    badRef: (ref: string): string => `Git-Referenz „${ref}“ gibt es in diesem Repository nicht.`,
    gitFailed: (detail: string): string => `git ist fehlgeschlagen: ${detail}`,
    unreadableFile: (file: string, reason: string): string => `Datei ${file} ist nicht lesbar: ${reason}`,
    badJson: (file: string, reason: string): string => `Datei ${file} ist kein gültiges JSON: ${reason}`,
    badShape: (file: string, expected: string): string => `Datei ${file} hat nicht die erwartete Form: ${expected}.`,
    symlinkSkipped: (path: string): string => `Warnung: symbolischer Link ${path} wird nicht gelesen.`,
    fileTruncated: (path: string, limit: number): string => `Warnung: ${path} ist größer als ${limit} Bytes und wurde nur teilweise gelesen.`,
    unknownStage: (stage: string, known: string): string => `Stage „${stage}“ gibt es nicht (bekannt: ${known}).`,
    outNotEmpty: (dir: string): string =>
      `Ausgabeverzeichnis ${dir} ist nicht leer und wurde nicht von freigabe render angelegt; bitte ein leeres Verzeichnis angeben.`,
    rendered: (files: number, dir: string): string => `${plural(files, 'Datei', 'Dateien')} nach ${dir} geschrieben.`,
    notRendered: 'Wegen der Fehler wurde nichts geschrieben.',
    serving: (url: string): string => `Dashboard unter ${url} (nur auf diesem Rechner erreichbar; Beenden mit Strg+C)`,
    serveFailed: (port: number, reason: string): string => `Port ${port} auf 127.0.0.1 ist nicht nutzbar (${reason}); bitte mit --port einen anderen wählen.`,
    internalError: (message: string): string => `Interner Fehler in freigabe (bitte melden): ${message}\nMit --debug wird der Stacktrace gezeigt.`,
  },
};

export type UiText = typeof de;

const en: UiText = {
  severity: { error: 'error', warning: 'warning', info: 'info' },
  severityCounts: (errors, warnings, infos) =>
    [plural(errors, 'error', 'errors'), plural(warnings, 'warning', 'warnings'), ...(infos > 0 ? [plural(infos, 'note', 'notes')] : [])].join(', '),
  noFindings: 'No findings.',
  validationOk: 'The estate is valid.',
  validationFailed: 'The estate has errors.',
  planOk: 'Plan without errors.',
  planFailed: 'Plan with errors: the pull request must not be merged like this.',
  headings: {
    plan: 'freigabe: plan',
    validation: 'freigabe: validation',
    gate: 'freigabe: approval (Freigabe)',
    findings: 'Findings',
    changes: 'Changes',
    approval: 'Approvals (Freigabe)',
    kontingent: 'Kontingent',
    cost: 'Cost per month',
    manifests: 'Rendered manifests',
  },
  changeKind: { promotion: 'promotion', booking: 'booking', created: 'created', deleted: 'deleted', settings: 'settings' },
  platformWide: 'platform',
  allStages: 'all stages',
  noChanges: 'No changes to the estate.',
  componentAdded: 'new',
  componentRemoved: 'removed',
  replicas: (n) => `${n}×`,
  dimension: { cpu: 'CPU', memory: 'memory', storage: 'storage', budgetPerMonth: 'budget/month' },
  columns: {
    severity: 'severity',
    location: 'file:line',
    code: 'code',
    message: 'message',
    tenant: 'tenant',
    dimension: 'dimension',
    stage: 'stage',
    limit: 'Kontingent',
    before: 'before',
    after: 'after',
    delta: 'Δ',
    budget: 'budget',
    used: 'used',
    share: 'share',
    verfahren: 'Fachverfahren',
    kind: 'kind',
    component: 'component',
    requirement: 'requirement',
    approvers: 'may approve',
    status: 'status',
  },
  noKontingent: 'No tenant affected.',
  wholeKontingent: 'total',
  surgeHeadroom: {
    heading: 'Rollout reserve (surge)',
    note: 'Reserved in the ResourceQuota for one more pod per Fachverfahren during a rollout; not part of the Kontingent and not billed.',
    pods: 'pods',
  },
  approvalSatisfied: 'All required approvals are given.',
  approvalMissing: 'Approval missing.',
  approvalNone: 'No approval required.',
  approvalRequired: 'Required approvals (given in the pull request):',
  approvalsPending: (n) => `${n === 1 ? 'One approval' : `${n} approvals`} required.`,
  requirementMet: 'approved',
  requirementOpen: 'open',
  requirementBlocked: 'blocked',
  needs: (min) => (min === 1 ? 'one approval' : `${min} approvals`),
  approvedBy: 'approved by',
  blockedBy: 'changes requested by',
  couldApprove: 'could still approve',
  notCountedLabel: 'not counted',
  notCounted: (n) => notCountedText(n, 'en'),
  nobody: '—',
  emergency: 'Notfalländerung (emergency change): the stage order is skipped or an Änderungsstopp is broken; needs the Verfahrensverantwortliche and a platform approver.',
  manifestSummary: (files, added, removed, modified) =>
    `${plural(files, 'file', 'files')} (${added} added, ${removed} removed, ${modified} modified)`,
  noManifestChanges: 'No changes to rendered manifests.',
  truncated: (shown, total) => `Truncated: showing ${shown} of ${total} files. Run \`freigabe plan\` locally for the full diff.`,
  findingsTruncated: (shown, total) => `Truncated: showing ${shown} of ${total} findings.`,
  rowsTruncated: (shown, total) => `Truncated: showing ${shown} of ${total} rows.`,
  cli: {
    usage: `Usage: freigabe <command> [options]

Commands:
  validate [--repo DIR]                         schema, integrity, Kontingent, cost and policy checks
  render [--repo DIR] --out DIR [--stage S]     write the rendered manifests of every stage (or one)
  plan --base DIR|--base-ref REF [--head DIR|--head-ref REF]
                                                what a pull request from base to head changes
  gate --base DIR|--base-ref REF --head DIR|--head-ref REF --author LOGIN --head-sha SHA --reviews FILE
       [--commits FILE] [--commit-count N] [--pushers a,b] [--requested-by a,b] [--timeline FILE]
       [--teams FILE] [--labels a,b] [--today YYYY-MM-DD]
                                                the approval decision (Freigabe)
  audit [--repo DIR] [--stage S] [--format text|json|csv]
                                                the releases that reached the rendered branches
  serve [--repo DIR] [--port N]                 dashboard of the local checkout on http://127.0.0.1:N/ (default 8080)

Common options:
  --repo DIR          repository (default: current directory)
  --format FORMAT     text | json | markdown (default: text)
  --locale LOCALE     de | en (default: de)
  --labels a,b        labels of the pull request (e.g. notfall)
  --today YYYY-MM-DD  reference date (default: today in Europe/Berlin)
  --now ISO-8601      instant for Änderungsstopp windows, e.g. 2026-12-21T06:00+01:00 (default: now)
  --debug             show the stack trace of internal errors

Exit codes: 0 ok/approved, 1 error findings or approval missing, 2 usage error or unreadable input.`,
    unknownCommand: (cmd, known) => `Unknown command "${cmd}". Commands: ${known.join(', ')}.`,
    missingCommand: 'No command given.',
    badOption: (detail) => `Invalid arguments: ${detail}`,
    missingOption: (option) => `Option ${option} is missing.`,
    exclusive: (a, b) => `${a} and ${b} exclude each other; give only one.`,
    oneOf: (a, b) => `Give ${a} or ${b}.`,
    badValue: (option, value, allowed) => `Invalid value "${value}" for ${option}; allowed: ${allowed}.`,
    badDate: (value) => `Invalid date "${value}" for --today; expected YYYY-MM-DD.`,
    badNow: (value) => `Invalid instant "${value}" for --now; expected ISO-8601 with a time zone, e.g. 2026-12-21T06:00:00+01:00 or …Z.`,
    notADirectory: (dir) => `Directory ${dir} does not exist or is not readable.`,
    notARepository: (dir) => `${dir} is not a git repository (needed for --base-ref/--head-ref).`,
    badRef: (ref) => `Git ref "${ref}" does not exist in this repository.`,
    gitFailed: (detail) => `git failed: ${detail}`,
    unreadableFile: (file, reason) => `File ${file} is not readable: ${reason}`,
    badJson: (file, reason) => `File ${file} is not valid JSON: ${reason}`,
    badShape: (file, expected) => `File ${file} does not have the expected shape: ${expected}.`,
    symlinkSkipped: (path) => `Warning: symbolic link ${path} is not read.`,
    fileTruncated: (path, limit) => `Warning: ${path} is larger than ${limit} bytes and was read only partly.`,
    unknownStage: (stage, known) => `Stage "${stage}" does not exist (known: ${known}).`,
    outNotEmpty: (dir) => `Output directory ${dir} is not empty and was not created by freigabe render; give an empty directory.`,
    rendered: (files, dir) => `Wrote ${plural(files, 'file', 'files')} to ${dir}.`,
    notRendered: 'Nothing was written because of the errors.',
    serving: (url) => `Dashboard at ${url} (reachable from this machine only; stop with Ctrl+C)`,
    serveFailed: (port, reason) => `Port ${port} on 127.0.0.1 cannot be used (${reason}); choose another with --port.`,
    internalError: (message) => `Internal error in freigabe (please report): ${message}\nRun with --debug to see the stack trace.`,
  },
};

const TEXTS: Record<Locale, UiText> = { de, en };

export function uiText(locale: Locale): UiText {
  return TEXTS[locale];
}
