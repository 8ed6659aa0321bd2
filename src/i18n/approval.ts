/**
 * Reasons of approval requirements, in German (default) and English. A reason says what the
 * pull request changes and who may release it, in words a Verfahrensverantwortliche reads
 * without knowing freigabe. Domain terms (Fachverfahren, Vertretung, Notfalländerung, stage
 * titles) stay German in both languages.
 */
import { berlinTimeText } from './berlin-time.js';
import type { Locale } from './findings.js';

/** Why a requirement exists; stage values are display titles. */
export type ApprovalCause =
  | { readonly type: 'promotion'; readonly verfahren: string; readonly stage: string; readonly components: readonly string[] }
  | { readonly type: 'booking'; readonly verfahren: string; readonly stage: string; readonly components: readonly string[] }
  | { readonly type: 'booking-created'; readonly verfahren: string; readonly stage: string }
  | { readonly type: 'booking-deleted'; readonly verfahren: string; readonly stage: string }
  | { readonly type: 'verfahren-created'; readonly verfahren: string; readonly tenant: string; readonly stages: readonly string[] }
  | { readonly type: 'verfahren-modified'; readonly verfahren: string; readonly files: readonly string[] }
  | { readonly type: 'verfahren-deleted'; readonly verfahren: string; readonly stages: readonly string[] }
  | { readonly type: 'platform-files'; readonly files: readonly string[] }
  | { readonly type: 'emergency'; readonly verfahren: string; readonly stage: string; readonly previous: string; readonly components: readonly string[] }
  | { readonly type: 'deletion-platform' }
  | { readonly type: 'stage-not-in-base'; readonly stage: string }
  | { readonly type: 'tenant-not-in-base'; readonly tenant: string }
  | { readonly type: 'tenant-unreadable'; readonly verfahren: string }
  | { readonly type: 'verfahren-not-in-base'; readonly verfahren: string }
  | { readonly type: 'stage-role'; readonly role: string; readonly stage: string; readonly condition?: { readonly schutzbedarf: string } | { readonly notfall: true } }
  /** `end`: Berlin wall time "YYYY-MM-DDTHH:MM" (exclusive). */
  | { readonly type: 'freeze'; readonly verfahren: string; readonly stage: string; readonly reasons: readonly string[]; readonly end: string };

/** `systempfleger`: the Fachverfahren's Systempfleger; `role`: a role of platform.yaml spec.roles (see `roleName`). */
export type ApproverRole = 'verfahrensverantwortliche' | 'systempfleger' | 'role' | 'tenant' | 'platform';

export interface ApproverInfo {
  readonly principal: string;
  /** Set for a Vertretung with an end date (YYYY-MM-DD). */
  readonly until?: string;
  /** Set for a Vertretung with a start date (YYYY-MM-DD). */
  readonly from?: string;
  readonly vertretung?: boolean;
}

export interface ReasonInput {
  readonly causes: readonly ApprovalCause[];
  readonly role: ApproverRole;
  readonly approvers: readonly ApproverInfo[];
  readonly expired: readonly { readonly login: string; readonly until: string }[];
  /** Vertretungen whose window has not begun. */
  readonly future?: readonly { readonly login: string; readonly from: string }[];
  readonly min: number;
  readonly roleName?: string;
}

function list(items: readonly string[], locale: Locale): string {
  const and = locale === 'de' ? 'und' : 'and';
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} ${and} ${items[items.length - 1]}`;
}

function alternatives(items: readonly string[], locale: Locale): string {
  const or = locale === 'de' ? 'oder' : 'or';
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} ${or} ${items[items.length - 1]}`;
}

/** 2027-03-31 → 31.03.2027 in German; ISO stays in English. */
export function formatDate(iso: string, locale: Locale): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso);
  return m && locale === 'de' ? `${m[3]}.${m[2]}.${m[1]}` : iso;
}

const CAUSES: { [L in Locale]: (c: ApprovalCause) => string } = {
  de: (c) => {
    switch (c.type) {
      case 'promotion':
        return `${c.stage} von ${c.verfahren} ändert das Image von ${list(c.components, 'de')}`;
      case 'booking':
        return c.components.length > 0
          ? `${c.stage} von ${c.verfahren} ändert die Buchung von ${list(c.components, 'de')}`
          : `${c.stage} von ${c.verfahren} ändert die Buchung`;
      case 'booking-created':
        return `${c.verfahren} wird in ${c.stage} neu gebucht`;
      case 'booking-deleted':
        return `die Buchung von ${c.verfahren} in ${c.stage} wird gelöscht`;
      case 'verfahren-created':
        return `neues Fachverfahren ${c.verfahren}${c.tenant ? ` für den Mandanten ${c.tenant}` : ''}${c.stages.length > 0 ? ` (Buchungen: ${list(c.stages, 'de')})` : ''}`;
      case 'verfahren-modified':
        return `${list(c.files, 'de')} von ${c.verfahren} wird geändert`;
      case 'verfahren-deleted':
        return `das Fachverfahren ${c.verfahren} wird gelöscht${c.stages.length > 0 ? ` (entfernt ${list(c.stages, 'de')})` : ''}`;
      case 'platform-files':
        return `Plattform-Änderung an ${list(c.files, 'de')}`;
      case 'emergency':
        return `Notfalländerung: ${list(c.components, 'de')} von ${c.verfahren} kommt nach ${c.stage}, ohne ${c.previous} durchlaufen zu haben`;
      case 'deletion-platform':
        return 'Löschen entfernt laufende Workloads, daher zusätzlich die Plattform';
      case 'stage-not-in-base':
        return `Stage ${c.stage} ist auf dem Basis-Branch nicht definiert, daher zusätzlich die Plattform`;
      case 'tenant-not-in-base':
        return `Mandant ${c.tenant} existiert auf dem Basis-Branch nicht, daher die Plattform`;
      case 'tenant-unreadable':
        return `die verfahren.yaml von ${c.verfahren} ist ungültig und nennt keinen lesbaren Mandanten, daher die Plattform`;
      case 'verfahren-not-in-base':
        return `auf dem Basis-Branch gibt es keine gültige verfahren.yaml von ${c.verfahren} (keine Verfahrensverantwortlichen), daher die Plattform`;
      case 'stage-role':
        return `${c.stage} verlangt zusätzlich die Rolle ${c.role}${c.condition ? ('notfall' in c.condition ? ' bei einer Notfalländerung' : ` bei Schutzbedarf ${c.condition.schutzbedarf}`) : ''}`;
      case 'freeze':
        return `Notfalländerung im Änderungsstopp: ${c.stage} von ${c.verfahren} (${c.reasons.join('; ')}, bis ${berlinTimeText(c.end, 'de')})`;
    }
  },
  en: (c) => {
    switch (c.type) {
      case 'promotion':
        return `${c.stage} of ${c.verfahren} changes the image of ${list(c.components, 'en')}`;
      case 'booking':
        return c.components.length > 0
          ? `${c.stage} of ${c.verfahren} changes the booking of ${list(c.components, 'en')}`
          : `${c.stage} of ${c.verfahren} changes the booking`;
      case 'booking-created':
        return `${c.verfahren} is booked in ${c.stage} for the first time`;
      case 'booking-deleted':
        return `the booking of ${c.verfahren} in ${c.stage} is deleted`;
      case 'verfahren-created':
        return `new Fachverfahren ${c.verfahren}${c.tenant ? ` for tenant ${c.tenant}` : ''}${c.stages.length > 0 ? ` (bookings: ${list(c.stages, 'en')})` : ''}`;
      case 'verfahren-modified':
        return `${list(c.files, 'en')} of ${c.verfahren} is changed`;
      case 'verfahren-deleted':
        return `the Fachverfahren ${c.verfahren} is deleted${c.stages.length > 0 ? ` (removes ${list(c.stages, 'en')})` : ''}`;
      case 'platform-files':
        return `platform change to ${list(c.files, 'en')}`;
      case 'emergency':
        return `Notfalländerung (emergency change): ${list(c.components, 'en')} of ${c.verfahren} enters ${c.stage} without having passed ${c.previous}`;
      case 'deletion-platform':
        return 'deleting removes running workloads, so a platform approver is needed too';
      case 'stage-not-in-base':
        return `stage ${c.stage} is not defined on the base branch, so a platform approver is needed too`;
      case 'tenant-not-in-base':
        return `tenant ${c.tenant} does not exist on the base branch, so a platform approver decides`;
      case 'tenant-unreadable':
        return `the verfahren.yaml of ${c.verfahren} is invalid and names no readable tenant, so a platform approver decides`;
      case 'verfahren-not-in-base':
        return `the base branch has no valid verfahren.yaml of ${c.verfahren} (no Verfahrensverantwortliche), so a platform approver decides`;
      case 'stage-role':
        return `${c.stage} also needs the role ${c.role}${c.condition ? ('notfall' in c.condition ? ' for a Notfalländerung' : ` for Schutzbedarf ${c.condition.schutzbedarf}`) : ''}`;
      case 'freeze':
        return `Notfalländerung during the Änderungsstopp: ${c.stage} of ${c.verfahren} (${c.reasons.join('; ')}, until ${berlinTimeText(c.end, 'en')})`;
    }
  },
};

function approverText(a: ApproverInfo, locale: Locale): string {
  if (!a.vertretung) return a.principal;
  if (a.from !== undefined) {
    const from = formatDate(a.from, locale);
    if (a.until === undefined) return locale === 'de' ? `${a.principal} (Vertretung ab ${from})` : `${a.principal} (Vertretung from ${from})`;
    const until = formatDate(a.until, locale);
    return locale === 'de' ? `${a.principal} (Vertretung vom ${from} bis ${until})` : `${a.principal} (Vertretung from ${from} until ${until})`;
  }
  if (a.until === undefined) return `${a.principal} (Vertretung)`;
  return locale === 'de'
    ? `${a.principal} (Vertretung bis ${formatDate(a.until, 'de')})`
    : `${a.principal} (Vertretung until ${formatDate(a.until, 'en')})`;
}

function whoText(input: ReasonInput, locale: Locale): string {
  const names = input.approvers.map((a) => approverText(a, locale));
  if (names.length === 0) {
    return locale === 'de'
      ? 'auf dem Basis-Branch ist niemand freigabeberechtigt; bitte das Plattform-Team ansprechen'
      : 'nobody on the base branch may approve this; please contact the platform team';
  }
  const lead =
    input.role === 'platform'
      ? locale === 'de' ? 'Plattform-Freigabe durch' : 'platform approval by'
      : input.role === 'systempfleger'
        ? locale === 'de' ? 'Freigabe der Systempfleger durch' : 'Systempfleger approval by'
      : input.role === 'role'
        ? locale === 'de' ? `Freigabe der Rolle ${input.roleName ?? ''} durch` : `approval of the role ${input.roleName ?? ''} by`
      : input.role === 'tenant'
        ? locale === 'de' ? 'Freigabe des Mandanten durch' : 'tenant approval by'
        : locale === 'de' ? 'Freigabe durch' : 'approval by';
  const who = input.min > 1 ? `${input.min} ${locale === 'de' ? 'von' : 'of'} ${names.join(', ')}` : alternatives(names, locale);
  const expired = input.expired.map((e) =>
    locale === 'de'
      ? `die Vertretung von ${e.login} ist am ${formatDate(e.until, 'de')} abgelaufen`
      : `the Vertretung of ${e.login} expired on ${formatDate(e.until, 'en')}`,
  );
  const future = (input.future ?? []).map((f) =>
    locale === 'de'
      ? `die Vertretung von ${f.login} gilt erst ab ${formatDate(f.from, 'de')}`
      : `the Vertretung of ${f.login} starts on ${formatDate(f.from, 'en')}`,
  );
  return [`${lead} ${who}`, ...expired, ...future].join('; ');
}

/** „Produktion von wohngeld ändert das Image von web — Freigabe durch m-schulz oder k-yilmaz (Vertretung bis 31.03.2027)“ */
export function approvalReason(input: ReasonInput, locale: Locale): string {
  const what = input.causes.map(CAUSES[locale]);
  const text = what.join('; ');
  return `${text.charAt(0).toUpperCase()}${text.slice(1)} — ${whoText(input, locale)}`;
}

/** Why an entitled reviewer's approval does not count, in one short clause (comment and check). */
export function notCountedText(
  n: { readonly login: string; readonly why: string; readonly countedFor?: string; readonly commit?: string; readonly changed?: readonly string[] },
  locale: Locale,
): string {
  const de = locale === 'de';
  const changed = (n.changed ?? []).join(', ');
  const commit = (n.commit ?? '').slice(0, 7);
  const why: Record<string, string> = de
    ? {
        'stale-commit': 'Freigabe gilt einem älteren Commit',
        'content-changed': `Freigabe auf ${commit} verfällt: seither geändert ${changed}`,
        'pull-request-author': 'Autor:in des Pull Requests (Vier-Augen-Prinzip)',
        'commit-author': 'Autor:in eines Commits (Vier-Augen-Prinzip)',
        'commit-committer': 'Committer:in eines Commits (Vier-Augen-Prinzip)',
        bot: 'Bot',
        'vertretung-expired': 'Vertretung abgelaufen',
        'vertretung-not-yet': 'Vertretung noch nicht gültig',
        'other-role': `zählt schon für die Rolle ${n.countedFor ?? ''} (Funktionstrennung)`,
      }
    : {
        'stale-commit': 'approval is for an older commit',
        'content-changed': `approval on ${commit} voided: changed since: ${changed}`,
        'pull-request-author': 'author of the pull request (four-eyes principle)',
        'commit-author': 'author of a commit (four-eyes principle)',
        'commit-committer': 'committer of a commit (four-eyes principle)',
        bot: 'bot',
        'vertretung-expired': 'Vertretung expired',
        'vertretung-not-yet': 'Vertretung not yet valid',
        'other-role': `already counts for the role ${n.countedFor ?? ''} (segregation of duties)`,
      };
  return `${n.login}: ${why[n.why] ?? n.why}`;
}
