import type { Locale } from './findings.js';

/** A Berlin wall time "2027-01-04T00:00" as "04.01.2027, 00:00 Uhr" (German) or "2027-01-04 00:00 (Europe/Berlin)". */
export function berlinTimeText(wall: string, locale: Locale): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}:\d{2})$/.exec(wall);
  if (!m) return wall;
  return locale === 'de' ? `${m[3]}.${m[2]}.${m[1]}, ${m[4]} Uhr` : `${m[1]}-${m[2]}-${m[3]} ${m[4]} (Europe/Berlin)`;
}
