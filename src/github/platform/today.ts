/** The calendar date in Berlin: a Vertretung "until 2027-03-31" ends at midnight local time, not UTC. */
export function berlinDate(now: Date): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Berlin', year: 'numeric', month: '2-digit', day: '2-digit' }).format(now);
}
