/**
 * Counters of attempts around the Freigabe that freigabe noticed and repaired, for the metrics
 * endpoint (src/ops/metrics.ts exports them as `freigabe_foreign_rendered_pushes_total`) and for
 * tests.
 */
export const securityCounters = {
  /** Pushes to a rendered branch by anyone but freigabe, repaired on their own push event. */
  foreignRenderedPushes: 0,
};

export function countForeignRenderedPush(): void {
  securityCounters.foreignRenderedPushes++;
}
