/**
 * Reasons of approval requirements, in German (default) and English. A reason says what the
 * pull request changes and who may release it, in words a Verfahrensverantwortliche reads
 * without knowing freigabe. Domain terms (Fachverfahren, Vertretung, Notfalländerung, stage
 * titles) stay German in both languages.
 */
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
  | { readonly type: 'verfahren-not-in-base'; readonly verfahren: string };

export type ApproverRole = 'verfahrensverantwortliche' | 'tenant' | 'platform';

export interface ApproverInfo {
  readonly principal: string;
  /** Set for a Vertretung with an end date (YYYY-MM-DD). */
  readonly until?: string;
  readonly vertretung?: boolean;
}

export interface ReasonInput {
  readonly causes: readonly ApprovalCause[];
  readonly role: ApproverRole;
  readonly approvers: readonly ApproverInfo[];
  readonly expired: readonly { readonly login: string; readonly until: string }[];
  readonly min: number;
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
    }
  },
};

function approverText(a: ApproverInfo, locale: Locale): string {
  if (!a.vertretung) return a.principal;
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
      : input.role === 'tenant'
        ? locale === 'de' ? 'Freigabe des Mandanten durch' : 'tenant approval by'
        : locale === 'de' ? 'Freigabe durch' : 'approval by';
  const who = input.min > 1 ? `${input.min} ${locale === 'de' ? 'von' : 'of'} ${names.join(', ')}` : alternatives(names, locale);
  const expired = input.expired.map((e) =>
    locale === 'de'
      ? `die Vertretung von ${e.login} ist am ${formatDate(e.until, 'de')} abgelaufen`
      : `the Vertretung of ${e.login} expired on ${formatDate(e.until, 'en')}`,
  );
  return [`${lead} ${who}`, ...expired].join('; ');
}

/** „Produktion von wohngeld ändert das Image von web — Freigabe durch m-schulz oder k-yilmaz (Vertretung bis 31.03.2027)“ */
export function approvalReason(input: ReasonInput, locale: Locale): string {
  const what = input.causes.map(CAUSES[locale]);
  const text = what.join('; ');
  return `${text.charAt(0).toUpperCase()}${text.slice(1)} — ${whoText(input, locale)}`;
}
