/**
 * GitHub Enterprise: the bootstrap objects a publication commits name the clone URL GitHub
 * reports for the repository (`repository.clone_url`), not github.com. The push payload is
 * GitHub Enterprise Server's own example (@octokit/webhooks-examples, ghes-35).
 */
import examples from '@octokit/webhooks-examples/ghes-35/index.json' with { type: 'json' };
import { afterEach, describe, expect, test } from 'vitest';
import { loadEstate } from '../../src/core/load.js';
import { renderEstate } from '../../src/core/render.js';
import { snapshotOf } from '../../src/core/snapshot.js';
import { cloneUrlOf } from '../../src/github/publication/publish.js';
import { DIGEST, STAGES, withSchulung } from './fixture.js';
import { GitServer } from './git-server.js';
import { API_BASE, OWNER, REPO, commitEstate, createPublishApp, expectDeployments, pushEventFrom, serveTarball, type PublishTestApp } from './harness.js';

const ZERO = '0'.repeat(40);
let t: PublishTestApp;
afterEach(() => t?.mock.verify());

type Payload = Record<string, any>;

/** GHES's push example for our repository: its clone_url keeps the enterprise host. */
function ghePush(after: string) {
  const def = (examples as unknown as { name: string; examples: Payload[] }[]).find((d) => d.name === 'push')!;
  const p = structuredClone(def.examples[0]);
  const host = new URL(p.repository.clone_url).origin;
  expect(host).not.toBe('https://github.com');
  return pushEventFrom(p, { before: ZERO, after, cloneUrl: `${host}/${OWNER}/${REPO}.git` });
}

function directories(files: Record<string, string>): number {
  const estate = loadEstate({ snapshot: snapshotOf(files) }).value;
  const rendered = renderEstate({ estate, repoURL: 'x' }).files;
  return new Set([...rendered.keys()].map((p) => p.split('/')).filter((p) => p.length === 3 && p[1] !== '_bootstrap').map((p) => `${p[0]}/${p[1]}`)).size;
}

describe('publication on GitHub Enterprise', () => {
  test('rendered branches: Argo CD and Flux read the enterprise host from repository.clone_url', async () => {
    t = await createPublishApp();
    const files = withSchulung(DIGEST.d);
    const head = commitEstate(t.git, files);
    const event = ghePush(head);
    const cloneUrl = event.payload.repository.clone_url as string;

    await serveTarball(t.mock, head, files);
    for (const s of STAGES) t.git.expectRead(t.mock, `rendered/${s}`).expectWrite(t.mock, `rendered/${s}`);
    t.mock.on('GET', `${API_BASE}/commits/${head}/pulls?per_page=100`, { body: [] });
    expectDeployments(t.mock, directories(files));

    await t.probot.receive(event as never);

    const bootstrap = t.git.files('rendered/schulung');
    expect(bootstrap.get('_bootstrap/argocd-applicationset.yaml')).toContain(`repoURL: ${cloneUrl}`);
    expect(bootstrap.get('_bootstrap/flux-gitrepository.yaml')).toContain(`url: ${cloneUrl}`);
    for (const text of bootstrap.values()) expect(text).not.toContain('https://github.com/');
  });

  test('deploy repository: same enterprise host, the deploy repository’s owner and name', async () => {
    t = await createPublishApp();
    const deploy = new GitServer(OWNER, 'deploy');
    deploy.seed('live', { 'README.md': '# deploy\n' });
    const files = { ...withSchulung(DIGEST.d), '.github/freigabe.yml': `output:\n  repository: ${OWNER}/deploy\n  branch: live\n` };
    const head = commitEstate(t.git, files);
    const event = ghePush(head);
    const host = new URL(event.payload.repository.clone_url as string).origin;

    await serveTarball(t.mock, head, files);
    deploy.expectRead(t.mock, 'live', { times: STAGES.length });
    deploy.expectTree(t.mock, STAGES.length).expectCommit(t.mock, STAGES.length).expectUpdateRef(t.mock, 'live', { times: STAGES.length });
    t.mock.on('GET', `${API_BASE}/commits/${head}/pulls?per_page=100`, { body: [] });
    expectDeployments(t.mock, directories(files), `/repos/${OWNER}/deploy`);

    await t.probot.receive(event as never);

    expect(deploy.files('live').get('schulung/_bootstrap/argocd-applicationset.yaml')).toContain(`repoURL: ${host}/${OWNER}/deploy.git`);
  });
});

describe('cloneUrlOf', () => {
  const source = { owner: 'itdz', repo: 'estate' };
  test('the reported URL for the repository itself, the same host for another, github.com without one', () => {
    expect(cloneUrlOf({ sourceCloneUrl: 'https://ghe.example.org/itdz/estate.git', source, target: source })).toBe('https://ghe.example.org/itdz/estate.git');
    expect(cloneUrlOf({ sourceCloneUrl: 'https://ghe.example.org/itdz/estate.git', source, target: { owner: 'ops', repo: 'deploy' } })).toBe('https://ghe.example.org/ops/deploy.git');
    expect(cloneUrlOf({ source, target: { owner: 'ops', repo: 'deploy' } })).toBe('https://github.com/ops/deploy.git');
  });
});
