/** Why a cluster did not answer, in the words that reach the log, the dashboard and a deployment status. */
import { createServer } from 'node:http';
import { CustomObjectsApi, KubeConfig } from '@kubernetes/client-node';
import { expect, test } from 'vitest';
import { errorMessage } from '../../src/kubernetes/cluster-watch.js';

function config(server: string): KubeConfig {
  const kc = new KubeConfig();
  kc.loadFromClusterAndUser({ name: 'c', server, skipTLSVerify: true }, { name: 'u', token: 'throwaway' });
  return kc;
}

const list = (kc: KubeConfig) =>
  kc.makeApiClient(CustomObjectsApi).listNamespacedCustomObject({ group: 'argoproj.io', version: 'v1alpha1', namespace: 'argocd', plural: 'applications' });

test('missing RBAC: the HTTP status and the API server’s own message', async () => {
  const message = 'applications.argoproj.io is forbidden: User "system:serviceaccount:freigabe:freigabe" cannot list resource "applications" in API group "argoproj.io" in the namespace "argocd"';
  const server = createServer((_req, res) => {
    res.writeHead(403, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ kind: 'Status', apiVersion: 'v1', status: 'Failure', message, reason: 'Forbidden', code: 403 }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    const error = await list(config(`http://127.0.0.1:${(server.address() as { port: number }).port}`)).catch((e: unknown) => e);
    expect(errorMessage(error)).toBe(`HTTP 403: ${message}`);
  } finally {
    server.close();
  }
});

test('a closed port: the connection error, without the URL', async () => {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  const error = await list(config(`http://127.0.0.1:${port}`)).catch((e: unknown) => e);
  expect(errorMessage(error)).toBe(`connect ECONNREFUSED 127.0.0.1:${port}`);
});
