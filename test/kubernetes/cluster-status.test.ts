/**
 * The status path end to end: client-node's real KubeConfig, informers and watch against
 * Kubernetes-API-shaped servers on 127.0.0.1, ending in GitHub deployment statuses sent through
 * the strict OpenAPI mock. Waits are for conditions, with generous limits; nothing is timed.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import nock from 'nock';
import { pino } from 'pino';
import { Probot } from 'probot';
import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest';
import { startClusterStatus, type ClusterStatus } from '../../src/github/publication/deployment-status-app.js';
import { TestOctokit, throwawayPrivateKey } from '../github/app-harness.js';
import { GitHubMock } from '../github/openapi-mock.js';
import { FakeKubeApi, kubeconfigYaml } from './fake-kube-api.js';
import { SimulatedDeployments } from './github-deployments.js';

const OWNER = 'itdz';
const REPO = 'estate';
const INSTALLATION = 4242;
const TOKEN = 'ghs_throwawayInstallationToken0123456789';
const APPS = '/apis/argoproj.io/v1alpha1/namespaces/argocd/applications';
const KUSTOMIZATIONS = '/apis/kustomize.toolkit.fluxcd.io/v1/namespaces/flux-system/kustomizations';
const WAIT = { timeout: 90_000, interval: 25 };

const sha = (c: string) => c.repeat(40);
const R1 = sha('1');
const R2 = sha('2');
const S1 = sha('5');
const P0 = sha('7');
const P1 = sha('8');
const P2 = sha('9');

function application(verfahren: string, stage: string, status: Record<string, unknown>) {
  return {
    metadata: { name: `${verfahren}-${stage}`, namespace: 'argocd', labels: { 'app.kubernetes.io/managed-by': 'freigabe', 'freigabe.io/stage': stage, 'freigabe.io/verfahren': verfahren } },
    spec: { project: 'default' },
    status,
  };
}

const syncing = (revision: string) => ({
  sync: { status: 'OutOfSync', revision },
  health: { status: 'Healthy' },
  operationState: { phase: 'Running', message: 'one or more tasks are running', operation: { sync: { revision } } },
});
const healthy = (revision: string) => ({ sync: { status: 'Synced', revision }, health: { status: 'Healthy' }, operationState: { phase: 'Succeeded', syncResult: { revision } } });
const degraded = (revision: string, message: string) => ({ sync: { status: 'Synced', revision }, health: { status: 'Degraded', message }, operationState: { phase: 'Succeeded', syncResult: { revision } } });

function kustomization(stage: string, applied: string, verfahren: string[]) {
  return {
    metadata: { name: `freigabe-${stage}`, namespace: 'flux-system', labels: { 'app.kubernetes.io/managed-by': 'freigabe', 'freigabe.io/stage': stage } },
    spec: { path: './', prune: true },
    status: {
      lastAppliedRevision: `rendered/${stage}@sha1:${applied}`,
      lastAttemptedRevision: `rendered/${stage}@sha1:${applied}`,
      conditions: [{ type: 'Ready', status: 'True', reason: 'ReconciliationSucceeded', message: `Applied revision: rendered/${stage}@sha1:${applied}` }],
      inventory: { entries: verfahren.flatMap((v) => [{ id: `_${v}-${stage}__Namespace`, v: 'v1' }, { id: `${v}-${stage}_web_apps_Deployment`, v: 'v1' }]) },
    },
  };
}

/** A port nobody listens on: taken from the OS, then released. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

let dir: string;
let mock: GitHubMock;
let argo: FakeKubeApi;
let flux: FakeKubeApi;
let revived: FakeKubeApi | undefined;
let running: ClusterStatus[] = [];
let logs: string[];

function probot(): Probot {
  logs = [];
  const log = pino({ level: 'info' }, new Writable({ write: (chunk, _e, cb) => (logs.push(String(chunk)), cb()) }));
  return new Probot({ appId: 123, privateKey: throwawayPrivateKey(), secret: 'throwaway', log, Octokit: TestOctokit });
}

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'freigabe-status-'));
  mock = new GitHubMock();
  // The clusters are the test's own servers on loopback; GitHub stays behind the mock.
  nock.enableNetConnect('127.0.0.1');
});

afterEach(async () => {
  for (const r of running) await r.stop();
  running = [];
  await argo?.close();
  await flux?.close();
  await revived?.close();
  revived = undefined;
  vi.unstubAllEnvs();
  rmSync(dir, { recursive: true, force: true });
  nock.disableNetConnect();
  mock.verify();
});

describe('Argo CD and Flux status become GitHub deployment statuses', () => {
  test('syncing, success, failure, replaced, a dropped watch, 410 Gone and an unreachable cluster', async () => {
    argo = new FakeKubeApi();
    argo.collection('argoproj.io/v1alpha1', 'applications', 'argocd', 'Application');
    flux = new FakeKubeApi();
    flux.collection('kustomize.toolkit.fluxcd.io/v1', 'kustomizations', 'flux-system', 'Kustomization');
    const deadPort = await closedPort();
    const kubeconfig = join(dir, 'kubeconfig');
    writeFileSync(kubeconfig, kubeconfigYaml({ 'caas-abnahme': await argo.listen(), 'caas-prod': await flux.listen(), 'caas-schulung': `http://127.0.0.1:${deadPort}` }));
    const clusters = join(dir, 'clusters.yaml');
    writeFileSync(
      clusters,
      [
        `repository: ${OWNER}/${REPO}`,
        'stages:',
        '  abnahme: { context: caas-abnahme, agent: argocd }',
        '  schulung: { context: caas-schulung, agent: argocd }',
        '  produktion: { context: caas-prod, agent: flux }',
        '',
      ].join('\n'),
    );
    vi.stubEnv('KUBECONFIG', kubeconfig);

    // The clusters before the app starts.
    argo.put(APPS, application('wohngeld', 'abnahme', syncing(R2)));
    argo.put(APPS, application('bauantrag', 'abnahme', degraded(R2, 'Deployment "web" exceeded its progress deadline')));
    argo.put(APPS, { ...application('fremd', 'abnahme', healthy(R2)), metadata: { name: 'fremd', namespace: 'argocd', labels: { team: 'other' } } });
    flux.put(KUSTOMIZATIONS, kustomization('produktion', P2, ['meldewesen', 'wohngeld']));

    // What deployments.ts recorded after the merges.
    const gh = new SimulatedDeployments(OWNER, REPO);
    gh.add({ id: 9, stage: 'produktion', verfahren: 'wohngeld', sha: P0, production: true, statuses: [{ state: 'queued', description: '' }, { state: 'success', description: '' }] });
    gh.add({ id: 11, stage: 'abnahme', verfahren: 'wohngeld', sha: R1 });
    gh.add({ id: 12, stage: 'abnahme', verfahren: 'wohngeld', sha: R2 });
    gh.add({ id: 13, stage: 'abnahme', verfahren: 'bauantrag', sha: R2 });
    gh.add({ id: 14, stage: 'produktion', verfahren: 'wohngeld', sha: P1, production: true });
    gh.add({ id: 15, stage: 'schulung', verfahren: 'wohngeld', sha: S1 });
    // P2 changed only meldewesen: as of P2, wohngeld's directory was last changed by P1.
    gh.lastTouch.set(`${P2}:wohngeld`, P1);
    gh.register(mock, INSTALLATION, TOKEN);

    const status = startClusterStatus(probot(), { FREIGABE_CLUSTERS: clusters, KUBECONFIG: kubeconfig }, { retry: { initialMs: 50, maxMs: 400 }, retryMs: 200, lookAgainMs: 200 })!;
    running.push(status);
    await status.started;

    await vi.waitFor(() => {
      expect(gh.latest(12)?.state).toBe('in_progress');
      expect(gh.latest(11)?.state).toBe('inactive');
      expect(gh.latest(13)?.state).toBe('failure');
      expect(gh.latest(14)?.state).toBe('success');
      expect(gh.latest(9)?.state).toBe('inactive');
      expect(gh.latest(15)?.state).toBe('in_progress');
    }, WAIT);
    expect(gh.latest(12)?.description).toBe(`Argo CD wendet ${R2.slice(0, 7)} an.`);
    expect(gh.latest(11)?.description).toBe('Ersetzt durch Deployment 12.');
    expect(gh.latest(13)?.description).toBe('Argo CD: Degraded – Deployment "web" exceeded its progress deadline');
    expect(gh.latest(15)?.description).toMatch(/^Cluster caas-schulung nicht erreichbar \(.*ECONNREFUSED.*\); Status unbekannt\.$/);
    // Production is not covered by GitHub's auto_inactive: the app replaced the earlier success itself.
    expect(gh.written(9)).toEqual(['inactive']);
    expect(status.source.stages().find((s) => s.stage === 'schulung')).toMatchObject({ reachable: false, cluster: 'caas-schulung' });
    expect(status.source.statuses().map((s) => `${s.stage}/${s.verfahren}:${s.phase}`)).toEqual([
      'abnahme/bauantrag:degraded',
      'abnahme/wohngeld:progressing',
      'produktion/meldewesen:synced',
      'produktion/wohngeld:synced',
    ]);

    // A dropped watch: the library watches again from the resourceVersion it has, without listing.
    const listsBefore = argo.requests.filter((r) => !r.watch).length;
    argo.dropWatches();
    argo.put(APPS, application('wohngeld', 'abnahme', healthy(R2)));
    await vi.waitFor(() => expect(gh.latest(12)?.state).toBe('success'), WAIT);
    expect(gh.latest(12)?.description).toBe(`Argo CD hat ${R2.slice(0, 7)} angewendet; das Fachverfahren ist bereit.`);
    const rewatch = argo.requests.filter((r) => r.watch).at(-1)!;
    expect(rewatch.resourceVersion).toMatch(/^\d+$/);
    expect(rewatch.labelSelector).toBe('app.kubernetes.io/managed-by=freigabe');
    expect(argo.requests.filter((r) => !r.watch)).toHaveLength(listsBefore);

    // 410 Gone: the versions the watch would resume from are compacted; the library lists again.
    argo.compact();
    argo.dropWatches();
    argo.put(APPS, application('bauantrag', 'abnahme', healthy(R2)));
    await vi.waitFor(() => {
      expect(argo.gone).toBeGreaterThan(0);
      expect(argo.requests.filter((r) => !r.watch).length).toBeGreaterThan(listsBefore);
      expect(gh.latest(13)?.state).toBe('success');
    }, WAIT);

    // The unreachable cluster comes up: its informer is started again and the state follows.
    revived = new FakeKubeApi();
    revived.collection('argoproj.io/v1alpha1', 'applications', 'argocd', 'Application');
    revived.put(APPS, application('wohngeld', 'schulung', healthy(S1)));
    await revived.listen(deadPort);
    await vi.waitFor(() => expect(gh.latest(15)?.state).toBe('success'), WAIT);
    expect(status.source.stages().find((s) => s.stage === 'schulung')).toMatchObject({ reachable: true, message: null });

    // A later merge: Argo CD names the new commit before deployments.ts has recorded its deployment;
    // freigabe looks for it, does not find it, and looks again after a pause.
    const R3 = sha('3');
    const listings = () => mock.find('GET', '/repos/itdz/estate/deployments').length;
    const listed = listings();
    argo.put(APPS, application('wohngeld', 'abnahme', syncing(R3)));
    await vi.waitFor(() => expect(listings()).toBeGreaterThan(listed), WAIT);
    gh.add({ id: 16, stage: 'abnahme', verfahren: 'wohngeld', sha: R3 });
    await vi.waitFor(() => expect(gh.latest(16)?.state).toBe('in_progress'), WAIT);
    // Until the newer one succeeds, the older success is what runs.
    expect(gh.latest(12)?.state).toBe('success');
    argo.put(APPS, application('wohngeld', 'abnahme', healthy(R3)));
    await vi.waitFor(() => expect(gh.latest(16)?.state).toBe('success'), WAIT);
    // Outside production GitHub's auto_inactive retired 12; freigabe wrote nothing for it.
    expect(gh.latest(12)).toMatchObject({ state: 'inactive', auto: true });
    expect(gh.written(16)).toEqual(['in_progress', 'success']);

    // Each state was written once per deployment, never twice: 11 writes for 11 changes of state.
    expect(mock.requests.filter((r) => r.method === 'POST' && r.path.endsWith('/statuses'))).toHaveLength(11);
    expect(gh.written(11)).toEqual(['inactive']);
    expect(gh.written(12)).toEqual(['in_progress', 'success']);
    expect(gh.written(13)).toEqual(['failure', 'success']);
    expect(gh.written(14)).toEqual(['success']);
    expect(gh.written(15)).toEqual(['in_progress', 'success']);
    await status.publisher.idle();

    // A restart reads the latest statuses and writes nothing new.
    await status.stop();
    const before = gh.deployments.flatMap((d) => d.statuses).length;
    const again = startClusterStatus(probot(), { FREIGABE_CLUSTERS: clusters, KUBECONFIG: kubeconfig }, { retry: { initialMs: 50, maxMs: 400 } })!;
    running.push(again);
    await again.started;
    await again.publisher.idle();
    expect(gh.deployments.flatMap((d) => d.statuses)).toHaveLength(before);
    // It did look: the latest status of each deployment it tracks was read, once per process.
    expect(mock.find('GET', '/repos/itdz/estate/deployments/12/statuses')).toHaveLength(2);
    expect(mock.requests.filter((r) => /^\/repos\/itdz\/estate\/deployments\/\d+\/statuses/.test(r.path) && r.method === 'GET')).toHaveLength(2 * gh.deployments.length);

    // The Argo CD cluster goes away: after one quiet retry its stage reads unreachable, with the
    // last known state kept for the dashboard; the deployments there are settled and stay so.
    await argo.close();
    await vi.waitFor(() => expect(again.source.stages().find((s) => s.stage === 'abnahme')).toMatchObject({ reachable: false }), WAIT);
    expect(again.source.statuses().filter((s) => s.stage === 'abnahme').map((s) => `${s.verfahren}:${s.phase}:${s.revision}`)).toEqual([`bauantrag:unreachable:${R2}`, `wohngeld:unreachable:${R3}`]);
    expect(again.source.stages().find((s) => s.stage === 'abnahme')?.message).toMatch(/ECONNREFUSED/);
    await again.publisher.idle();
    expect(gh.deployments.flatMap((d) => d.statuses)).toHaveLength(before);
    expect(logs.join('\n')).not.toContain(TOKEN);
  }, 120_000);
});
