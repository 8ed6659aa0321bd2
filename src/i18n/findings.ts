/**
 * Messages of every finding code, in German (default) and English. Domain terms
 * (Kontingent, Fachverfahren, Verfahrensverantwortliche, stage titles) stay German in both.
 * The compiler makes sure every code has both texts.
 */
import { berlinTimeText } from './berlin-time.js';
import type { Diagnostic, DiagnosticParams, FindingCode } from '../core/diagnostics.js';
import type { Dimension } from '../core/quantity.js';
import { formatCount, formatPercent, readableAmount } from './numbers.js';

export type Locale = 'de' | 'en';
type Text = (p: DiagnosticParams) => string;

const s = (p: DiagnosticParams, k: string): string => String(p[k] ?? '');

const DIMENSION: Record<Locale, Record<Dimension, string>> = {
  de: { cpu: 'CPU', memory: 'Arbeitsspeicher', storage: 'Speicher', budgetPerMonth: 'Budget/Monat' },
  en: { cpu: 'CPU', memory: 'memory', storage: 'storage', budgetPerMonth: 'budget/month' },
};

const isDimension = (d: string): d is Dimension => d === 'cpu' || d === 'memory' || d === 'storage' || d === 'budgetPerMonth';

/** "Arbeitsspeicher 68,5 GiB von 68 GiB": the dimension's name and both amounts in one readable unit. */
function usage(p: DiagnosticParams, locale: Locale): { dimension: string; after: string; limit: string } {
  const d = s(p, 'dimension');
  if (!isDimension(d)) return { dimension: d, after: s(p, 'after'), limit: s(p, 'limit') };
  return { dimension: DIMENSION[locale][d], after: readableAmount(d, s(p, 'after'), locale, s(p, 'limit')), limit: readableAmount(d, s(p, 'limit'), locale) };
}

/** A count param with the locale's grouping ("262.144"), or the raw text when it is not a number. */
function count(p: DiagnosticParams, k: string, locale: Locale): string {
  const v = p[k];
  const n = typeof v === 'number' ? v : Number(v);
  return v !== undefined && v !== '' && Number.isFinite(n) ? formatCount(n, locale) : s(p, k);
}

const EGRESS_REASONS: Readonly<Record<string, { de: string; en: string }>> = {
  'one-of': { de: 'genau eines von cidr und namespace angeben', en: 'give exactly one of cidr and namespace' },
  'pod-labels-with-cidr': { de: 'podLabels nur zusammen mit namespace', en: 'podLabels only together with namespace' },
  'not-cidr': { de: 'kein IPv4- oder IPv6-Netz in CIDR-Schreibweise', en: 'not an IPv4 or IPv6 network in CIDR notation' },
  'host-bits': { de: 'Host-Bits gesetzt; bitte die Netzadresse schreiben', en: 'host bits are set; write the network address' },
};

export const FINDING_MESSAGES: Record<FindingCode, { de: Text; en: Text }> = {
  'yaml-syntax': {
    de: (p) => `YAML-Syntaxfehler: ${s(p, 'reason')}`,
    en: (p) => `YAML syntax error: ${s(p, 'reason')}`,
  },
  'yaml-duplicate-key': {
    de: (p) => `Schlüssel „${s(p, 'key')}“ kommt in diesem Objekt doppelt vor.`,
    en: (p) => `Key "${s(p, 'key')}" appears twice in this mapping.`,
  },
  'yaml-custom-tag': {
    de: (p) => `YAML-Tag ${s(p, 'tag')} ist nicht erlaubt; bitte einfache Werte ohne Tags verwenden.`,
    en: (p) => `YAML tag ${s(p, 'tag')} is not allowed; use plain values without tags.`,
  },
  'yaml-alias-limit': {
    de: (p) => `Zu viele YAML-Aliase (höchstens ${count(p, 'aliases', 'de')} Aliase, zusammen höchstens ${count(p, 'nodes', 'de')} Knoten).`,
    en: (p) => `Too many YAML aliases (at most ${count(p, 'aliases', 'en')} aliases, expanding to at most ${count(p, 'nodes', 'en')} nodes).`,
  },
  'yaml-too-large': {
    de: (p) => `Datei ist ${count(p, 'size', 'de')} Bytes groß; erlaubt sind höchstens ${count(p, 'limit', 'de')} Bytes.`,
    en: (p) => `File has ${count(p, 'size', 'en')} bytes; at most ${count(p, 'limit', 'en')} bytes are allowed.`,
  },
  'yaml-too-deep': {
    de: (p) => `YAML ist tiefer als ${count(p, 'limit', 'de')} Ebenen verschachtelt.`,
    en: (p) => `YAML is nested deeper than ${count(p, 'limit', 'en')} levels.`,
  },
  'yaml-not-utf8': {
    de: (p) => `Datei ist kein gültiges UTF-8 (erstes ungültiges Byte nach ${count(p, 'offset', 'de')} Bytes).`,
    en: (p) => `File is not valid UTF-8 (first invalid byte after ${count(p, 'offset', 'en')} bytes).`,
  },
  'yaml-multiple-documents': {
    de: (p) => `Datei enthält ${count(p, 'count', 'de')} YAML-Dokumente; erlaubt ist genau eines pro Datei.`,
    en: (p) => `File holds ${count(p, 'count', 'en')} YAML documents; exactly one per file is allowed.`,
  },
  'yaml-empty': {
    de: () => 'Datei ist leer; erwartet wird ein freigabe/v1-Dokument.',
    en: () => 'File is empty; a freigabe/v1 document is expected.',
  },
  'unknown-file': {
    de: () => 'Unbekannte Datei im Estate; erlaubt sind platform.yaml, tenants/<name>.yaml und verfahren/<name>/<verfahren|stage>.yaml.',
    en: () => 'Unknown file in the estate; allowed are platform.yaml, tenants/<name>.yaml and verfahren/<name>/<verfahren|stage>.yaml.',
  },
  'invalid-path': {
    de: (p) => `Ungültiger Pfadbestandteil „${s(p, 'segment')}“: Namen müssen DNS-Labels sein (a-z, 0-9, -).`,
    en: (p) => `Invalid path segment "${s(p, 'segment')}": names must be DNS labels (a-z, 0-9, -).`,
  },
  'wrong-kind': {
    de: (p) => `An dieser Stelle wird kind: ${s(p, 'expected')} erwartet, gefunden: ${s(p, 'actual')}.`,
    en: (p) => `This path expects kind: ${s(p, 'expected')}, found: ${s(p, 'actual')}.`,
  },
  'name-mismatch': {
    de: (p) => `metadata.name „${s(p, 'name')}“ muss dem Datei- bzw. Verzeichnisnamen „${s(p, 'expected')}“ entsprechen.`,
    en: (p) => `metadata.name "${s(p, 'name')}" must equal the file or directory name "${s(p, 'expected')}".`,
  },
  'stage-mismatch': {
    de: (p) => `metadata.stage „${s(p, 'stage')}“ muss dem Dateinamen „${s(p, 'expected')}“ entsprechen.`,
    en: (p) => `metadata.stage "${s(p, 'stage')}" must equal the file name "${s(p, 'expected')}".`,
  },
  'platform-missing': {
    de: () => 'platform.yaml fehlt; ohne Plattform können Stages, Größen und Preise nicht geprüft werden.',
    en: () => 'platform.yaml is missing; without it stages, sizes and prices cannot be checked.',
  },
  'booking-without-verfahren': {
    de: (p) => `Buchung ohne Fachverfahren: ${s(p, 'expected')} fehlt.`,
    en: (p) => `Booking without a Fachverfahren: ${s(p, 'expected')} is missing.`,
  },
  'settings-invalid': {
    de: (p) => `Einstellungen ungültig (${s(p, 'cause')}${p.de ? `: ${s(p, 'de')}` : ''}); es gelten die Standardwerte.`,
    en: (p) => `Settings invalid (${s(p, 'cause')}${p.en ? `: ${s(p, 'en')}` : ''}); the defaults apply.`,
  },
  'schema-violation': {
    de: (p) => `${s(p, 'pointer')}: ${s(p, 'de')}`,
    en: (p) => `${s(p, 'pointer')}: ${s(p, 'en')}`,
  },
  'unknown-tenant': {
    de: (p) => `Mandant „${s(p, 'tenant')}“ existiert nicht (tenants/${s(p, 'tenant')}.yaml fehlt).`,
    en: (p) => `Tenant "${s(p, 'tenant')}" does not exist (tenants/${s(p, 'tenant')}.yaml is missing).`,
  },
  'unknown-stage': {
    de: (p) => `Stage „${s(p, 'stage')}“ ist in platform.yaml nicht definiert (bekannt: ${s(p, 'known')}).`,
    en: (p) => `Stage "${s(p, 'stage')}" is not defined in platform.yaml (known: ${s(p, 'known')}).`,
  },
  'unknown-size': {
    de: (p) => `Größe „${s(p, 'size')}“ ist in platform.yaml nicht definiert (bekannt: ${s(p, 'known')}).`,
    en: (p) => `Size "${s(p, 'size')}" is not defined in platform.yaml (known: ${s(p, 'known')}).`,
  },
  'unknown-storage-class': {
    de: (p) => `Storage-Klasse „${s(p, 'class')}“ ist in platform.yaml nicht definiert (bekannt: ${s(p, 'known')}).`,
    en: (p) => `Storage class "${s(p, 'class')}" is not defined in platform.yaml (known: ${s(p, 'known')}).`,
  },
  'duplicate-stage': {
    de: (p) => `Stage „${s(p, 'stage')}“ ist mehrfach definiert.`,
    en: (p) => `Stage "${s(p, 'stage')}" is defined more than once.`,
  },
  'duplicate-component': {
    de: (p) => `Komponente „${s(p, 'component')}“ ist in dieser Buchung mehrfach vorhanden.`,
    en: (p) => `Component "${s(p, 'component')}" appears more than once in this booking.`,
  },
  'duplicate-volume': {
    de: (p) => `Volume „${s(p, 'volume')}“ ist in Komponente „${s(p, 'component')}“ mehrfach vorhanden.`,
    en: (p) => `Volume "${s(p, 'volume')}" appears more than once in component "${s(p, 'component')}".`,
  },
  'duplicate-ingress-host': {
    de: (p) => `Host „${s(p, 'host')}“ wird in ${s(p, 'stage')} bereits von ${s(p, 'other')} verwendet.`,
    en: (p) => `Host "${s(p, 'host')}" is already used in ${s(p, 'stage')} by ${s(p, 'other')}.`,
  },
  'ingress-without-port': {
    de: (p) => `Komponente „${s(p, 'component')}“ hat einen Ingress, aber keinen port.`,
    en: (p) => `Component "${s(p, 'component')}" has an ingress but no port.`,
  },
  'name-too-long': {
    de: (p) => `Name „${s(p, 'name')}“ ist ${count(p, 'length', 'de')} Zeichen lang; Kubernetes erlaubt höchstens ${count(p, 'limit', 'de')} Zeichen.`,
    en: (p) => `Name "${s(p, 'name')}" has ${count(p, 'length', 'en')} characters; Kubernetes allows at most ${count(p, 'limit', 'en')} characters.`,
  },
  'quantity-out-of-range': {
    de: (p) => `Menge „${s(p, 'value')}“ ist keine gültige Angabe für ${s(p, 'dimension')} oder liegt außerhalb des erlaubten Bereichs.`,
    en: (p) => `Quantity "${s(p, 'value')}" is not a valid ${s(p, 'dimension')} amount or is out of range.`,
  },
  'egress-destination-invalid': {
    de: (p) => `Egress-Ziel ungültig: ${EGRESS_REASONS[s(p, 'reason')]?.de ?? s(p, 'reason')}${p.cidr !== undefined ? ` (${s(p, 'cidr')})` : ''}.`,
    en: (p) => `Invalid egress destination: ${EGRESS_REASONS[s(p, 'reason')]?.en ?? s(p, 'reason')}${p.cidr !== undefined ? ` (${s(p, 'cidr')})` : ''}.`,
  },
  'egress-cidr-too-broad': {
    de: (p) => `Egress-Ziel ${s(p, 'cidr')} ist zu weit: eine Buchung darf höchstens ein /${s(p, 'min')}-Netz freigeben; breitere Ziele legt die Plattform in platform.yaml fest.`,
    en: (p) => `Egress destination ${s(p, 'cidr')} is too broad: a booking may open at most a /${s(p, 'min')} network; broader destinations belong in platform.yaml.`,
  },
  'egress-not-restricted': {
    de: (p) => `Egress von ${s(p, 'verfahren')} (Schutzbedarf ${s(p, 'schutzbedarf')}) ist in ${s(p, 'stage')} offen, da platform.yaml Schutzbedarf normal nicht einschränkt (network.egress.normal); die Egress-Ziele wirken erst mit normal: restricted.`,
    en: (p) => `Egress of ${s(p, 'verfahren')} (Schutzbedarf ${s(p, 'schutzbedarf')}) is open in ${s(p, 'stage')} because platform.yaml does not restrict Schutzbedarf normal (network.egress.normal); the egress destinations take effect with normal: restricted.`,
  },
  'vertretung-expired': {
    de: (p) => `Vertretung von ${s(p, 'login')} ist seit ${s(p, 'until')} abgelaufen und zählt nicht mehr als Freigabe.`,
    en: (p) => `Vertretung of ${s(p, 'login')} expired on ${s(p, 'until')} and no longer counts as approval.`,
  },
  'vertretung-window-invalid': {
    de: (p) => `Vertretung von ${s(p, 'login')}: „from“ (${s(p, 'from')}) liegt nach „until“ (${s(p, 'until')}); diese Vertretung zählt nie.`,
    en: (p) => `Vertretung of ${s(p, 'login')}: "from" (${s(p, 'from')}) lies after "until" (${s(p, 'until')}); this Vertretung never counts.`,
  },
  'unknown-role': {
    de: (p) => `Stage ${s(p, 'stage')} verlangt die Rolle „${s(p, 'role')}“, die platform.yaml unter spec.roles nicht definiert (eingebaut: systempfleger, plattform).`,
    en: (p) => `Stage ${s(p, 'stage')} requires the role "${s(p, 'role')}", which platform.yaml does not define under spec.roles (built in: systempfleger, plattform).`,
  },
  'role-without-members': {
    de: (p) => `${s(p, 'stage')} verlangt die Rolle ${s(p, 'role')}, aber für ${s(p, 'verfahren')} hat sie niemand (verfahren.yaml, platform.yaml oder Mandant); Änderungen daran könnten nicht freigegeben werden.`,
    en: (p) => `${s(p, 'stage')} requires the role ${s(p, 'role')}, but nobody holds it for ${s(p, 'verfahren')} (verfahren.yaml, platform.yaml or the tenant); changes there could not be released.`,
  },
  'kontingent-exceeded': {
    de: (p) => {
      const u = usage(p, 'de');
      return `Kontingent von ${s(p, 'tenant')} überschritten: ${u.dimension} ${u.after} von ${u.limit}.`;
    },
    en: (p) => {
      const u = usage(p, 'en');
      return `Kontingent of ${s(p, 'tenant')} exceeded: ${u.dimension} ${u.after} of ${u.limit}.`;
    },
  },
  'stage-ceiling-exceeded': {
    de: (p) => {
      const u = usage(p, 'de');
      return `Obergrenze von ${s(p, 'tenant')} in ${s(p, 'stage')} überschritten: ${u.dimension} ${u.after} von ${u.limit}.`;
    },
    en: (p) => {
      const u = usage(p, 'en');
      return `Ceiling of ${s(p, 'tenant')} in ${s(p, 'stage')} exceeded: ${u.dimension} ${u.after} of ${u.limit}.`;
    },
  },
  'budget-exceeded': {
    de: (p) => {
      const u = usage(p, 'de');
      return `Budget von ${s(p, 'tenant')} überschritten: ${u.after} pro Monat von ${u.limit}.`;
    },
    en: (p) => {
      const u = usage(p, 'en');
      return `Budget of ${s(p, 'tenant')} exceeded: ${u.after} per month of ${u.limit}.`;
    },
  },
  'kontingent-near-limit': {
    de: (p) => {
      const u = usage(p, 'de');
      const where = 'stage' in p ? ` in ${s(p, 'stage')}` : '';
      return `Kontingent von ${s(p, 'tenant')}${where} fast ausgeschöpft: ${u.dimension} ${u.after} von ${u.limit} (${formatPercent(Number(p.percent), 'de')}).`;
    },
    en: (p) => {
      const u = usage(p, 'en');
      const where = 'stage' in p ? ` in ${s(p, 'stage')}` : '';
      return `Kontingent of ${s(p, 'tenant')}${where} nearly used up: ${u.dimension} ${u.after} of ${u.limit} (${formatPercent(Number(p.percent), 'en')}).`;
    },
  },
  'registry-not-allowed': {
    de: (p) => `Image ${s(p, 'image')} stammt aus keiner in ${s(p, 'stage')} erlaubten Registry (erlaubt: ${s(p, 'allowed')}).`,
    en: (p) => `Image ${s(p, 'image')} is not from a registry allowed in ${s(p, 'stage')} (allowed: ${s(p, 'allowed')}).`,
  },
  'image-not-pinned': {
    de: (p) => `Image ${s(p, 'image')} muss in ${s(p, 'stage')} per Digest (@sha256:…) festgelegt sein; ein Tag allein genügt nicht.`,
    en: (p) => `Image ${s(p, 'image')} must be pinned by digest (@sha256:…) in ${s(p, 'stage')}; a tag alone is not enough.`,
  },
  'placement-schutzniveau': {
    de: (p) => `${s(p, 'verfahren')} hat Schutzbedarf ${s(p, 'schutzbedarf')}, Cluster ${s(p, 'cluster')} (${s(p, 'stage')}) nur Schutzniveau ${s(p, 'schutzniveau')}.`,
    en: (p) => `${s(p, 'verfahren')} has Schutzbedarf ${s(p, 'schutzbedarf')}, cluster ${s(p, 'cluster')} (${s(p, 'stage')}) only Schutzniveau ${s(p, 'schutzniveau')}.`,
  },
  'placement-hoheitsgebiet': {
    de: (p) => `${s(p, 'verfahren')} (Schutzbedarf ${s(p, 'schutzbedarf')}) darf nur auf Clustern mit Hoheitsgebiet DE laufen; ${s(p, 'cluster')} liegt in ${s(p, 'hoheitsgebiet')}.`,
    en: (p) => `${s(p, 'verfahren')} (Schutzbedarf ${s(p, 'schutzbedarf')}) may only run on clusters with Hoheitsgebiet DE; ${s(p, 'cluster')} is in ${s(p, 'hoheitsgebiet')}.`,
  },
  'placement-shared-cluster': {
    de: (p) => `${s(p, 'verfahren')} hat Schutzbedarf sehr-hoch; Produktion darf nicht auf dem geteilten Cluster ${s(p, 'cluster')} laufen.`,
    en: (p) => `${s(p, 'verfahren')} has Schutzbedarf sehr-hoch; Produktion must not run on the shared cluster ${s(p, 'cluster')}.`,
  },
  'stage-order': {
    de: (p) => `${s(p, 'verfahren')}/${s(p, 'component')}: ${s(p, 'image')} läuft auf dem Basis-Branch nicht in ${s(p, 'previous')}; es muss zuerst ${s(p, 'previous')} durchlaufen, bevor es nach ${s(p, 'stage')} darf. Für eine Notfalländerung das Label „notfall“ setzen.`,
    en: (p) => `${s(p, 'verfahren')}/${s(p, 'component')}: ${s(p, 'image')} does not run in ${s(p, 'previous')} on the base branch; it must pass ${s(p, 'previous')} before it may enter ${s(p, 'stage')}. For an emergency change (Notfalländerung) add the label "notfall".`,
  },
  'emergency-change': {
    de: (p) => `Notfalländerung: ${s(p, 'verfahren')}/${s(p, 'component')} kommt nach ${s(p, 'stage')}, ohne ${s(p, 'previous')} durchlaufen zu haben; Freigabe durch Verfahrensverantwortliche und Plattform nötig.`,
    en: (p) => `Notfalländerung (emergency change): ${s(p, 'verfahren')}/${s(p, 'component')} enters ${s(p, 'stage')} without having passed ${s(p, 'previous')}; needs the Verfahrensverantwortliche and a platform approver.`,
  },
  'aenderungsstopp': {
    de: (p) => `Änderungsstopp in ${s(p, 'stage')} (${s(p, 'reason')}) bis ${berlinTimeText(s(p, 'end'), 'de')}: die Änderung an ${s(p, 'verfahren')} ist nur als Notfalländerung möglich (Label „notfall“; Freigabe durch Verfahrensverantwortliche und Plattform).`,
    en: (p) => `Änderungsstopp (change freeze) in ${s(p, 'stage')} (${s(p, 'reason')}) until ${berlinTimeText(s(p, 'end'), 'en')}: the change to ${s(p, 'verfahren')} is only possible as a Notfalländerung (label "notfall"; approval by the Verfahrensverantwortliche and a platform approver).`,
  },
  'aenderungsstopp-notfall': {
    de: (p) => `Notfalländerung im Änderungsstopp von ${s(p, 'stage')} (${s(p, 'reason')}, bis ${berlinTimeText(s(p, 'end'), 'de')}): ${s(p, 'verfahren')} braucht die Freigabe der Verfahrensverantwortlichen und der Plattform.`,
    en: (p) => `Notfalländerung (emergency change) during the Änderungsstopp of ${s(p, 'stage')} (${s(p, 'reason')}, until ${berlinTimeText(s(p, 'end'), 'en')}): ${s(p, 'verfahren')} needs the Verfahrensverantwortliche and a platform approver.`,
  },
  'aenderungsstopp-invalid': {
    de: (p) => `Änderungsstopp in ${s(p, 'stage')}: ${s(p, 'start')} bis ${s(p, 'end')} ist kein gültiger Zeitraum (Ende nach Beginn, existierende Zeitpunkte, Europe/Berlin).`,
    en: (p) => `Änderungsstopp in ${s(p, 'stage')}: ${s(p, 'start')} to ${s(p, 'end')} is not a valid window (end after start, existing times, Europe/Berlin).`,
  },
  'template-error': {
    de: (p) => `Template ${s(p, 'template')} konnte nicht angewendet werden: ${s(p, 'reason')}`,
    en: (p) => `Template ${s(p, 'template')} failed: ${s(p, 'reason')}`,
  },
  'template-unknown': {
    de: (p) => `Unbekanntes Template „${s(p, 'name')}“; überschreibbar sind: ${s(p, 'known')}.`,
    en: (p) => `Unknown template "${s(p, 'name')}"; these can be overridden: ${s(p, 'known')}.`,
  },
  'render-kind-not-allowed': {
    de: (p) => `Template erzeugt ${s(p, 'kind')}; erlaubt sind: ${s(p, 'allowed')}.`,
    en: (p) => `Template emits ${s(p, 'kind')}; allowed are: ${s(p, 'allowed')}.`,
  },
  'render-invalid-object': {
    de: (p) => `Gerendertes ${s(p, 'kind')} „${s(p, 'name')}“ ist kein gültiges Kubernetes-Objekt: ${s(p, 'reason')}`,
    en: (p) => `Rendered ${s(p, 'kind')} "${s(p, 'name')}" is not a valid Kubernetes object: ${s(p, 'reason')}`,
  },
};

export function findingMessage(d: Diagnostic, locale: Locale): string {
  return FINDING_MESSAGES[d.code][locale](d.params);
}
