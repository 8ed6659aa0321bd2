import { describe, expect, test } from 'vitest';
import { desiredStatus, shouldWrite, type TrackedDeployment } from '../../src/github/publication/deployment-status.js';
import type { Observation } from '../../src/kubernetes/cluster-watch.js';
import type { WorkloadStatus } from '../../src/kubernetes/workload-status.js';

const R = '2'.repeat(40);
const deployment: TrackedDeployment = { id: 12, environment: 'abnahme/wohngeld', stage: 'abnahme', verfahren: 'wohngeld', ref: R, path: 'wohngeld', removed: false, production: false };
const status = (s: Partial<WorkloadStatus>): Observation => ({
  kind: 'present',
  status: { verfahren: 'wohngeld', stage: 'abnahme', agent: 'argocd', phase: 'synced', revision: R, health: 'Healthy', sync: 'Synced', message: null, observedAt: '', ...s },
});
const decide = (observation: Observation, applied: boolean, targeted = applied, d = deployment, locale: 'de' | 'en' = 'en') => desiredStatus({ deployment: d, observation, applied, targeted, locale });

describe('which deployment status the cluster state means', () => {
  test('success only when the applied revision carries the commit and the Fachverfahren is healthy', () => {
    expect(decide(status({}), true)).toEqual({ state: 'success', description: 'Argo CD applied 2222222; the Fachverfahren is ready.' });
    expect(decide(status({ phase: 'progressing', health: 'Progressing' }), true)).toEqual({ state: 'in_progress', description: 'Argo CD applied 2222222; waiting for readiness (Progressing).' });
    expect(decide(status({ phase: 'synced' }), false, true)?.state).toBe('in_progress');
    // Healthy at some other revision says nothing about this deployment.
    expect(decide(status({ phase: 'synced' }), false, false)).toBeUndefined();
  });

  test('failure for the workload, error for the agent, with the agent’s words', () => {
    expect(decide(status({ phase: 'degraded', reason: 'Degraded', message: 'back-off restarting failed container' }), true)).toEqual({ state: 'failure', description: 'Argo CD: Degraded – back-off restarting failed container' });
    expect(decide(status({ phase: 'degraded', reason: 'ComparisonError', message: 'repository not accessible' }), false, true)).toEqual({ state: 'error', description: 'Argo CD: ComparisonError – repository not accessible' });
    expect(decide(status({ agent: 'flux', phase: 'degraded', reason: 'HealthCheckFailed', message: 'x'.repeat(300) }), true)!.description).toHaveLength(140);
  });

  test('an unreachable cluster is in progress with a reason, never a success; unknown before the first answer', () => {
    expect(decide({ kind: 'unreachable', cluster: 'caas-abnahme', message: 'connect ECONNREFUSED 10.0.0.1:6443' }, false, false, deployment, 'de')).toEqual({
      state: 'in_progress',
      description: 'Cluster caas-abnahme nicht erreichbar (connect ECONNREFUSED 10.0.0.1:6443); Status unbekannt.',
    });
    expect(decide({ kind: 'pending' }, false)).toBeUndefined();
    expect(decide({ kind: 'unconfigured' }, false)).toBeUndefined();
  });

  test('a removed Fachverfahren: success once Argo CD has no Application for it any more', () => {
    expect(decide({ kind: 'absent' }, false, false, { ...deployment, removed: true })?.state).toBe('success');
    expect(decide({ kind: 'absent' }, false)).toBeUndefined();
  });
});

describe('when a status is written', () => {
  const s = (state: string, description = '') => ({ state: state as never, description });
  test('only on a change of state, or of the situation while in progress', () => {
    expect(shouldWrite(undefined, s('in_progress', 'a'))).toBe(true);
    expect(shouldWrite(s('queued'), s('in_progress', 'a'))).toBe(true);
    expect(shouldWrite(s('in_progress', 'a'), s('in_progress', 'a'))).toBe(false);
    expect(shouldWrite(s('in_progress', 'a'), s('in_progress', 'unreachable'))).toBe(true);
    expect(shouldWrite(s('failure', 'x'), s('failure', 'y'))).toBe(false);
    expect(shouldWrite(s('failure', 'x'), s('success'))).toBe(true);
    expect(shouldWrite(s('failure', 'x'), s('in_progress', 'unreachable'))).toBe(false);
  });
  test('success stays until replaced; inactive is final', () => {
    expect(shouldWrite(s('success'), s('failure'))).toBe(false);
    expect(shouldWrite(s('success'), s('in_progress', 'unreachable'))).toBe(false);
    expect(shouldWrite(s('success'), s('inactive'))).toBe(true);
    expect(shouldWrite(s('inactive'), s('success'))).toBe(false);
  });
});
