import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest';
import { Probot } from 'probot';
import { clusterConfigFromEnv } from '../../src/github/publication/deployment-status-app.js';
import app from '../../src/index.js';
import { throwawayPrivateKey } from '../github/app-harness.js';
import { parseClusterConfig } from '../../src/kubernetes/cluster-config.js';
import { loadKubeConfigs } from '../../src/kubernetes/cluster-watch.js';
import { kubeconfigYaml } from './fake-kube-api.js';

const parse = (text: string) => parseClusterConfig('/etc/freigabe/clusters.yaml', new TextEncoder().encode(text));

describe('the cluster file (FREIGABE_CLUSTERS)', () => {
  test('kubeconfig contexts and in-cluster, with default namespaces per agent', () => {
    const { config, errors } = parse(
      ['repository: itdz/estate', 'locale: en', 'stages:', '  abnahme: { context: caas-abnahme, agent: argocd }', '  produktion:', '    inCluster: true', '    agent: flux', '    namespace: flux-prod', ''].join('\n'),
    );
    expect(errors).toEqual([]);
    expect(config).toMatchObject({ owner: 'itdz', repo: 'estate', locale: 'en' });
    expect(config!.stages).toEqual([
      { stage: 'abnahme', cluster: { context: 'caas-abnahme' }, agent: 'argocd', namespace: 'argocd', line: 4, clusterLine: 4 },
      { stage: 'produktion', cluster: { inCluster: true }, agent: 'flux', namespace: 'flux-prod', line: 5, clusterLine: 6 },
    ]);
  });

  test('the README example is a valid cluster file', () => {
    const readme = readFileSync(join(import.meta.dirname, '..', '..', 'README.md'), 'utf8');
    const example = /```yaml\n(# FREIGABE_CLUSTERS=[\s\S]*?)```/.exec(readme)![1];
    const { config, errors } = parse(example);
    expect(errors).toEqual([]);
    expect(config!.stages.map((s) => `${s.stage}:${s.agent}:${s.namespace}`)).toEqual(['vorpruefung:argocd:argocd', 'abnahme:argocd:argocd', 'produktion:flux:flux-system']);
  });

  test('every mistake at once, each with file and line', () => {
    const { config, errors } = parse(
      [
        'repository: estate', // 1
        'stagez: {}', // 2
        'stages:', // 3
        '  abnahme:', // 4
        '    context: caas', // 5
        '    inCluster: true', // 6
        '    agent: argo', // 7
        '  Schulung: { context: x, agent: flux }', // 8
        '  produktion: { agent: flux, namespace: "Flux System", color: red }', // 9
        '  vorpruefung: { inCluster: yes, agent: argocd }', // 10
        '',
      ].join('\n'),
    );
    expect(config).toBeUndefined();
    expect(errors).toEqual([
      '/etc/freigabe/clusters.yaml:2: unknown key "stagez" (allowed: repository, stages, locale)',
      '/etc/freigabe/clusters.yaml:1: `repository` must be "owner/name": the repository that holds the rendered commits and their GitHub Deployments (the estate, or output.repository)',
      '/etc/freigabe/clusters.yaml:6: stage "abnahme": give either `context` or `inCluster: true`, not both',
      '/etc/freigabe/clusters.yaml:7: stage "abnahme": `agent` must be argocd or flux',
      '/etc/freigabe/clusters.yaml:8: stage "Schulung" is not a stage name (lower-case letters, digits and "-")',
      '/etc/freigabe/clusters.yaml:9: unknown key "color" (allowed: context, inCluster, agent, namespace)',
      '/etc/freigabe/clusters.yaml:9: stage "produktion" needs `context: <kubeconfig context>` or `inCluster: true`',
      '/etc/freigabe/clusters.yaml:9: stage "produktion": `namespace` must be a Kubernetes namespace name',
      '/etc/freigabe/clusters.yaml:10: stage "vorpruefung": `inCluster` can only be true; use `context` for a kubeconfig context',
    ]);
  });

  test('unsafe or broken YAML is a message with its line, not a crash', () => {
    expect(parse('repository: a/b\nstages:\n  abnahme: { context: x, agent: argocd }\n  abnahme: { context: y, agent: flux }\n').errors).toEqual([
      '/etc/freigabe/clusters.yaml:4: Key "abnahme" appears twice in this mapping.',
    ]);
    expect(parse('repository: [a/b\n').errors[0]).toMatch(/^\/etc\/freigabe\/clusters\.yaml:\d+: YAML syntax error/);
    expect(parse('- a\n- b\n').errors).toEqual(['/etc/freigabe/clusters.yaml:1: expected a mapping with `repository` and `stages`']);
    expect(parse('repository: a/b\nstages: {}\n').errors).toEqual([
      '/etc/freigabe/clusters.yaml:2: `stages` must map at least one stage name to { context | inCluster, agent, namespace }',
    ]);
  });
});

describe('connecting the configured clusters', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'freigabe-kubeconfig-'));
  });
  afterEach(() => {
    vi.unstubAllEnvs();
    rmSync(dir, { recursive: true, force: true });
  });

  test('without FREIGABE_CLUSTERS nothing is configured; with a broken cluster file the app does not start, and says why', async () => {
    expect(clusterConfigFromEnv({})).toBeUndefined();
    vi.stubEnv('FREIGABE_RECONCILE', 'false');
    vi.stubEnv('FREIGABE_CLUSTERS', '');
    const probot = () => new Probot({ appId: 123, privateKey: throwawayPrivateKey(), secret: 'throwaway' });
    // Probot's server hands its handlers over as `addHandler` (the ops endpoints use it).
    const options = { cwd: process.cwd(), addHandler: () => undefined };
    await expect(probot().load(app, options)).resolves.not.toThrow();
    const file = join(dir, 'clusters.yaml');
    writeFileSync(file, 'repository: itdz/estate\nstages:\n  abnahme: { context: caas, agent: flux, inCluster: true }\n');
    vi.stubEnv('FREIGABE_CLUSTERS', file);
    await expect(probot().load(app, options)).rejects.toThrow(`${file}:3: stage "abnahme": give either \`context\` or \`inCluster: true\`, not both`);
  });

  test('a context that the kubeconfig does not have names the line and the contexts it has', () => {
    const kubeconfig = join(dir, 'config');
    writeFileSync(kubeconfig, kubeconfigYaml({ 'caas-test': 'https://caas-test.example:6443', 'caas-prod': 'https://caas-prod.example:6443' }));
    vi.stubEnv('KUBECONFIG', kubeconfig);
    const file = join(dir, 'clusters.yaml');
    writeFileSync(file, 'repository: itdz/estate\nstages:\n  vorpruefung: { context: caas-test, agent: argocd }\n  produktion:\n    context: caas-produktion\n    agent: flux\n');
    expect(() => clusterConfigFromEnv({ FREIGABE_CLUSTERS: file, KUBECONFIG: kubeconfig })).toThrow(
      `FREIGABE_CLUSTERS: the clusters cannot be reached as configured:\n  ${file}:5: context "caas-produktion" is not in the kubeconfig (KUBECONFIG=${kubeconfig}; contexts: caas-test, caas-prod)`,
    );
    writeFileSync(file, 'repository: itdz/estate\nstages:\n  vorpruefung: { context: caas-test, agent: argocd }\n  produktion: { context: caas-prod, agent: flux }\n');
    const loaded = clusterConfigFromEnv({ FREIGABE_CLUSTERS: file, KUBECONFIG: kubeconfig })!;
    expect(loaded.kubeConfigs.get('caas-prod')!.getCurrentCluster()!.server).toBe('https://caas-prod.example:6443');
    expect(loaded.kubeConfigs.get('caas-test')!.getCurrentCluster()!.server).toBe('https://caas-test.example:6443');
  });

  test('an unreadable cluster file and a broken one say which file', () => {
    expect(() => clusterConfigFromEnv({ FREIGABE_CLUSTERS: join(dir, 'missing.yaml') })).toThrow(`FREIGABE_CLUSTERS=${join(dir, 'missing.yaml')}: the cluster file cannot be read (ENOENT)`);
    const file = join(dir, 'clusters.yaml');
    writeFileSync(file, 'repository: itdz/estate\nstages:\n  abnahme: { agent: argocd }\n');
    expect(() => clusterConfigFromEnv({ FREIGABE_CLUSTERS: file })).toThrow(`${file}:3: stage "abnahme" needs \`context: <kubeconfig context>\` or \`inCluster: true\``);
  });

  test('in-cluster: outside a pod a clear message; inside, the service account and the API server from the environment', () => {
    const { config } = parseClusterConfig('clusters.yaml', new TextEncoder().encode('repository: itdz/estate\nstages:\n  produktion:\n    inCluster: true\n    agent: flux\n'));
    expect(loadKubeConfigs(config!, { env: {} }).errors).toEqual([
      'clusters.yaml:4: inCluster needs the app to run in a Kubernetes pod (KUBERNETES_SERVICE_HOST and KUBERNETES_SERVICE_PORT are not set); use `context` outside a cluster',
    ]);
    const env = { KUBERNETES_SERVICE_HOST: '10.96.0.1', KUBERNETES_SERVICE_PORT: '443' };
    expect(loadKubeConfigs(config!, { env, serviceAccountPrefix: dir }).errors).toEqual([
      `clusters.yaml:4: inCluster needs the pod's service account token at ${dir}/var/run/secrets/kubernetes.io/serviceaccount/token (automountServiceAccountToken)`,
    ]);
    const sa = join(dir, 'var/run/secrets/kubernetes.io/serviceaccount');
    mkdirSync(sa, { recursive: true });
    writeFileSync(join(sa, 'token'), 'throwaway-token');
    writeFileSync(join(sa, 'namespace'), 'freigabe');
    const hostBefore = process.env.KUBERNETES_SERVICE_HOST;
    const { configs, errors } = loadKubeConfigs(config!, { env, serviceAccountPrefix: dir });
    expect(errors).toEqual([]);
    const kc = configs.get('in-cluster')!;
    expect(kc.getCurrentCluster()).toMatchObject({ server: 'https://10.96.0.1:443', caFile: `${sa}/ca.crt` });
    expect(process.env.KUBERNETES_SERVICE_HOST).toBe(hostBefore);
  });
});
