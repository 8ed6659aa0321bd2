import { describe, expect, test } from 'vitest';
import { applicationIdentity, applicationStatus, fluxRevisionSha, fluxVerfahren, kustomizationStage, kustomizationStatus } from '../../src/kubernetes/agent-status.js';

const seen = { cluster: 'caas-abnahme', observedAt: '2026-05-04T10:00:00.000Z' };
const A = 'a'.repeat(40);
const B = 'b'.repeat(40);
const id = { stage: 'abnahme', verfahren: 'wohngeld' };

describe('Argo CD Application → WorkloadStatus', () => {
  test('Synced and Healthy at a commit', () => {
    expect(applicationStatus({ status: { sync: { status: 'Synced', revision: A }, health: { status: 'Healthy' } } }, id, seen)).toEqual({
      verfahren: 'wohngeld', stage: 'abnahme', agent: 'argocd', phase: 'synced', revision: A, targetRevision: A, health: 'Healthy', sync: 'Synced',
      message: null, reason: null, observedAt: seen.observedAt, cluster: 'caas-abnahme',
    });
  });

  test('OutOfSync towards a new commit: the applied revision is the last successful sync, not the target', () => {
    const s = applicationStatus({ status: { sync: { status: 'OutOfSync', revision: B }, health: { status: 'Healthy' }, history: [{ revision: A }] } }, id, seen);
    expect(s).toMatchObject({ phase: 'out-of-sync', revision: A, targetRevision: B });
    const running = applicationStatus({ status: { sync: { status: 'OutOfSync', revision: B }, operationState: { phase: 'Running', message: 'waiting', syncResult: { revision: B } }, history: [{ revision: A }] } }, id, seen);
    expect(running).toMatchObject({ phase: 'progressing', revision: A, targetRevision: B, reason: 'Syncing', message: 'waiting' });
  });

  test('conditions, failed operations and health: the reason an agent gives', () => {
    const comparison = applicationStatus({ status: { sync: { status: 'Unknown' }, conditions: [{ type: 'SharedResourceWarning', message: 'w' }, { type: 'ComparisonError', message: 'rpc error: repository not accessible' }] } }, id, seen);
    expect(comparison).toMatchObject({ phase: 'degraded', reason: 'ComparisonError', message: 'rpc error: repository not accessible' });
    const failed = applicationStatus({ status: { sync: { status: 'OutOfSync', revision: B }, operationState: { phase: 'Failed', message: 'one or more objects failed to apply' } } }, id, seen);
    expect(failed).toMatchObject({ phase: 'degraded', reason: 'SyncFailed', targetRevision: B, revision: null });
    const degraded = applicationStatus({ status: { sync: { status: 'Synced', revision: A }, health: { status: 'Degraded', message: 'back-off restarting' } } }, id, seen);
    expect(degraded).toMatchObject({ phase: 'degraded', reason: 'Degraded', message: 'back-off restarting', revision: A });
    expect(applicationStatus({ status: { sync: { status: 'Synced', revision: A }, health: { status: 'Progressing' } } }, id, seen).phase).toBe('progressing');
    expect(applicationStatus({ status: { sync: { status: 'Synced', revision: A }, health: { status: 'Missing' } } }, id, seen)).toMatchObject({ phase: 'unknown', reason: 'Missing' });
  });

  test('odd objects are unknown, never an exception', () => {
    for (const odd of [null, 42, 'x', { status: 'x' }, { status: { sync: [], health: 7, conditions: {} } }, { status: { sync: { revision: 'not-a-sha' } } }]) {
      expect(applicationStatus(odd, id, seen)).toMatchObject({ phase: 'unknown', revision: null, targetRevision: null });
    }
  });

  test('identity from the ApplicationSet labels, else from the name <verfahren>-<stage>', () => {
    expect(applicationIdentity({ metadata: { name: 'x', labels: { 'freigabe.io/stage': 'abnahme', 'freigabe.io/verfahren': 'wohngeld' } } }, [])).toEqual(id);
    expect(applicationIdentity({ metadata: { name: 'wohn-geld-abnahme' } }, ['produktion', 'abnahme'])).toEqual({ stage: 'abnahme', verfahren: 'wohn-geld' });
    expect(applicationIdentity({ metadata: { name: 'other' } }, ['abnahme'])).toEqual({ stage: null, verfahren: null });
  });
});

describe('Flux Kustomization → WorkloadStatus', () => {
  const k = (status: Record<string, unknown>, spec: Record<string, unknown> = {}) => ({ metadata: { name: 'freigabe-produktion' }, spec, status });
  const ready = (s: string, reason: string, message = '') => ({ type: 'Ready', status: s, reason, message });

  test('revisions: branch@sha1:, sha1:, and the older branch/sha', () => {
    expect(fluxRevisionSha(`rendered/produktion@sha1:${A}`)).toBe(A);
    expect(fluxRevisionSha(`sha1:${A}`)).toBe(A);
    expect(fluxRevisionSha(`rendered/produktion/${A}`)).toBe(A);
    expect(fluxRevisionSha('rendered/produktion@sha1:zz')).toBeNull();
    expect(fluxRevisionSha(undefined)).toBeNull();
  });

  test('Ready at the applied revision, progressing towards a new one, failed with the reason', () => {
    const applied = kustomizationStatus(k({ lastAppliedRevision: `main@sha1:${A}`, lastAttemptedRevision: `main@sha1:${A}`, conditions: [ready('True', 'ReconciliationSucceeded')] }), 'produktion', seen);
    expect(applied).toMatchObject({ phase: 'synced', revision: A, targetRevision: A, health: 'True', sync: null, verfahren: '', agent: 'flux' });
    const moving = kustomizationStatus(k({ lastAppliedRevision: `main@sha1:${A}`, lastAttemptedRevision: `main@sha1:${B}`, conditions: [ready('Unknown', 'Progressing', 'Reconciliation in progress'), { type: 'Reconciling', status: 'True', reason: 'Progressing', message: 'Reconciliation in progress' }] }), 'produktion', seen);
    expect(moving).toMatchObject({ phase: 'progressing', revision: A, targetRevision: B, reason: 'Progressing' });
    const failed = kustomizationStatus(k({ lastAppliedRevision: `main@sha1:${A}`, lastAttemptedRevision: `main@sha1:${B}`, conditions: [ready('False', 'HealthCheckFailed', 'timeout waiting for: [Deployment/wohngeld-produktion/web status: InProgress]')] }), 'produktion', seen);
    expect(failed).toMatchObject({ phase: 'degraded', reason: 'HealthCheckFailed', targetRevision: B });
    const source = kustomizationStatus(k({ conditions: [ready('False', 'ArtifactFailed', 'Source artifact not found')] }), 'produktion', seen);
    expect(source).toMatchObject({ phase: 'degraded', reason: 'ArtifactFailed', revision: null });
    expect(kustomizationStatus(k({ conditions: [ready('True', 'x')] }, { suspend: true }), 'produktion', seen)).toMatchObject({ phase: 'unknown', reason: 'Suspended' });
  });

  test('its Fachverfahren from the inventory namespaces <verfahren>-<stage>; its stage from label or name', () => {
    const inventory = { inventory: { entries: [{ id: '_wohngeld-produktion__Namespace' }, { id: 'wohngeld-produktion_web_apps_Deployment' }, { id: '_bauantrag-produktion__Namespace' }, { id: '_kube-system__Namespace' }, { id: '_-produktion__Namespace' }] } };
    expect(fluxVerfahren(k(inventory), 'produktion')).toEqual(['bauantrag', 'wohngeld']);
    expect(fluxVerfahren(k({}), 'produktion')).toEqual([]);
    expect(kustomizationStage(k({}))).toBe('produktion');
    expect(kustomizationStage({ metadata: { name: 'x', labels: { 'freigabe.io/stage': 'abnahme' } } })).toBe('abnahme');
    expect(kustomizationStage({ metadata: { name: 'other' } })).toBeNull();
  });
});
