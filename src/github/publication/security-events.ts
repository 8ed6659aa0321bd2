/**
 * Counters of attempts around the Freigabe that freigabe noticed and repaired, for the metrics
 * endpoint (the queue/ops part exports them through prom-client) and for tests.
 */
export const securityCounters = {
  /** Pushes to a rendered branch by anyone but freigabe, repaired on their own push event. */
  foreignRenderedPushes: 0,
};

export function countForeignRenderedPush(): void {
  securityCounters.foreignRenderedPushes++;
}
