/**
 * Publication into a deploy repository (`output.repository` in .github/freigabe.yml), end to
 * end through the Probot app: a `push` webhook → one commit per stage on the deploy
 * repository's `output.branch`, each stage in its own directory, the repository's other files
 * untouched, deployments in the deploy repository; a re-delivery writes nothing. Every request
 * is checked against GitHub's REST description by the strict mock; both repositories are
 * in-memory git servers.
 */
import { afterEach, describe, expect, test } from 'vitest';
import { loadEstate } from '../../src/core/load.js';
import { parseTrailers } from '../../src/core/publication.js';
import { renderEstate } from '../../src/core/render.js';
import { snapshotOf } from '../../src/core/snapshot.js';
import { DIGEST, PR_HEAD, STAGES, withSchulung } from './fixture.js';
import { GitServer } from './git-server.js';
import { API_BASE, OWNER, commitEstate, createPublishApp, expectDeployments, mergedPull, pushEvent, serveTarball, type PublishTestApp } from './harness.js';

const DEPLOY_REPO = 'deploy';
const DEPLOY_BASE = `/repos/${OWNER}/${DEPLOY_REPO}`;
const ZERO = '0'.repeat(40);
const README = '# Deploy repository\n\nWritten by freigabe; Argo CD and Flux read the stage directories.\n';

let t: PublishTestApp;
afterEach(() => t?.mock.verify());

/** The fixture estate publishing to itdz/deploy on branch `live`. */
function estateFiles(): Record<string, string> {
  return { ...withSchulung(DIGEST.d), '.github/freigabe.yml': `output:\n  repository: ${OWNER}/${DEPLOY_REPO}\n  branch: live\n` };
}

/** Every stage's rendered files under `<stage>/`, as the deploy repository must hold them. */
function expectedDirectories(files: Record<string, string>): Map<string, string> {
  const estate = loadEstate({ snapshot: snapshotOf(files) }).value;
  const { files: rendered, diagnostics } = renderEstate({ estate, repoURL: `https://github.com/${OWNER}/${DEPLOY_REPO}.git` });
  expect(diagnostics).toEqual([]);
  return new Map(rendered);
}

/** '<stage>/<verfahren>' of every rendered Fachverfahren directory. */
function verfahrenDirectories(wanted: ReadonlyMap<string, string>): string[] {
  const dirs = [...wanted.keys()].map((p) => p.split('/')).filter((parts) => parts.length === 3 && parts[1] !== '_bootstrap');
  return [...new Set(dirs.map((parts) => `${parts[0]}/${parts[1]}`))].sort();
}

describe('publication into a deploy repository', () => {
  test('first push → one commit per stage on the configured branch, stage directories beside the repository’s own files, deployments there', async () => {
    t = await createPublishApp();
    const deploy = new GitServer(OWNER, DEPLOY_REPO);
    const initial = deploy.seed('live', { 'README.md': README }, 'Initial commit');
    const files = estateFiles();
    const head = commitEstate(t.git, files, [], 'Merge pull request #41');
    const wanted = expectedDirectories(files);
    const directories = verfahrenDirectories(wanted);

    await serveTarball(t.mock, head, files);
    deploy.expectRead(t.mock, 'live', { times: STAGES.length });
    deploy.expectTree(t.mock, STAGES.length).expectCommit(t.mock, STAGES.length).expectUpdateRef(t.mock, 'live', { times: STAGES.length });
    t.mock.on('GET', `${API_BASE}/commits/${head}/pulls?per_page=100`, { body: [mergedPull({ number: 41, mergeSha: head, headSha: PR_HEAD, author: 'j-becker', title: 'Wohngeld' })] });
    t.mock.on('GET', `${API_BASE}/pulls/41/reviews?per_page=100`, { body: [] });
    // the first commit has no parent: no change to decide again, the trailers name no approver
    t.mock.on('GET', `${API_BASE}/git/commits/${head}`, { body: t.git.commitJson(head) });
    expectDeployments(t.mock, directories.length, DEPLOY_BASE);

    await t.probot.receive(pushEvent(ZERO, head));

    // one commit per stage, in platform order, on top of the repository's own history
    const log = deploy.log('live');
    expect(log.map((c) => parseTrailers(c.message).stage ?? null)).toEqual([...[...STAGES].reverse(), null]);
    expect(log.at(-1)!.sha).toBe(initial);
    for (const c of log.slice(0, -1)) expect(parseTrailers(c.message)).toMatchObject({ source: head, pullRequest: `${OWNER}/estate#41` });
    // exactly the rendered stage directories, and the README untouched
    expect(deploy.files('live')).toEqual(new Map([['README.md', README], ...wanted]));
    // the bootstrap objects point Argo CD and Flux at this repository, branch and directory
    const appset = deploy.files('live').get('schulung/_bootstrap/argocd-applicationset.yaml')!;
    expect(appset).toContain(`repoURL: https://github.com/${OWNER}/${DEPLOY_REPO}.git`);
    expect(appset).toContain('revision: live');
    expect(appset).toContain('- path: "schulung/*"');
    expect(appset).toContain('path: schulung/_bootstrap');
    expect(deploy.files('live').get('schulung/_bootstrap/flux-gitrepository.yaml')).toContain('branch: live');
    // the estate repository got no rendered branch
    expect([...t.git.refs.keys()].filter((r) => r.startsWith('rendered/'))).toEqual([]);
    // deployments live in the deploy repository, at the commit of their stage
    const deployments = t.mock.find('POST', `${DEPLOY_BASE}/deployments`).map((r) => r.body as { ref: string; environment: string; payload: { path: string } });
    expect(deployments.map((d) => d.environment).sort()).toEqual(directories);
    expect(directories.length).toBeGreaterThanOrEqual(STAGES.length);
    for (const d of deployments) {
      const stage = d.environment.split('/')[0];
      expect(parseTrailers(deploy.commits.get(d.ref)!.message).stage).toBe(stage);
      expect(d.payload.path).toBe(d.environment);
    }
  });

  test('re-delivery → only reads: the stages are compared by tree, the last one by its trailer', async () => {
    t = await createPublishApp();
    const deploy = new GitServer(OWNER, DEPLOY_REPO);
    deploy.seed('live', { 'README.md': README }, 'Initial commit');
    const files = estateFiles();
    const head = commitEstate(t.git, files, [], 'Merge pull request #41');
    const wanted = expectedDirectories(files);
    const directories = verfahrenDirectories(wanted).length;

    await serveTarball(t.mock, head, files);
    deploy.expectRead(t.mock, 'live', { times: STAGES.length });
    deploy.expectTree(t.mock, STAGES.length).expectCommit(t.mock, STAGES.length).expectUpdateRef(t.mock, 'live', { times: STAGES.length });
    t.mock.on('GET', `${API_BASE}/commits/${head}/pulls?per_page=100`, { body: [] });
    expectDeployments(t.mock, directories, DEPLOY_BASE);
    const event = pushEvent(ZERO, head);
    await t.probot.receive(event);
    const published = deploy.refs.get('live');
    const requests = t.mock.requests.length;

    // the head is Produktion's commit: its trailer settles Produktion; the others are compared by tree
    deploy.expectRead(t.mock, 'live', { times: STAGES.length - 1 });
    deploy.expectHeadOnly(t.mock, 'live');
    await t.probot.receive({ ...event, id: 'redelivery' });

    expect(deploy.refs.get('live')).toBe(published);
    const second = t.mock.requests.slice(requests);
    expect(second.length).toBeGreaterThan(0);
    expect(second.filter((r) => r.method !== 'GET')).toEqual([]);
  });
});
