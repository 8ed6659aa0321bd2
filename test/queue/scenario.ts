/**
 * The estate and the deliveries of the replica tests and the benchmark: payloads from
 * @octokit/webhooks-examples adapted to the fake's repository, pull requests that touch no
 * estate file (each evaluation writes two check runs and nothing else), and merges that
 * change every stage's rendered output.
 */
import { example, type Payload } from '../helpers/webhook-examples.js';
import { loadEstate } from '../../src/core/load.js';
import { stageNames } from '../../src/core/model.js';
import { stageFiles } from '../../src/core/publication.js';
import { renderEstate } from '../../src/core/render.js';
import { snapshotOf } from '../../src/core/snapshot.js';
import { baseEstate } from '../github/estate-fixture.js';
import { INSTALLATION, OWNER, REPO, type FakeGitHub } from './fake-github.js';
import type { Delivery } from './cluster.js';


function adaptRepository(p: Payload): void {
  p.repository.name = REPO;
  p.repository.full_name = `${OWNER}/${REPO}`;
  p.repository.owner.login = OWNER;
  p.repository.owner.name = OWNER;
  p.repository.default_branch = 'main';
  // GitHub sends the repository's own clone URL; the rendered bootstrap objects name it.
  p.repository.clone_url = `https://github.com/${OWNER}/${REPO}.git`;
  p.installation = { id: INSTALLATION, node_id: 'MDIzOkludGVncmF0aW9uSW5zdGFsbGF0aW9uNDI0Mg==' };
}

let counter = 0;
const deliveryId = (prefix: string) => `${prefix}-${process.pid}-${Date.now()}-${counter++}`;

/** A pull_request delivery for the fake's pull request `number` at `head`. */
export function pullRequestDelivery(fake: FakeGitHub, action: 'opened' | 'synchronize', number: number, head: string, updatedAt: string): Delivery {
  const p = example('pull_request', (e) => e.action === action && e.installation) ;
  adaptRepository(p);
  const pull = fake.pulls.get(number)!;
  Object.assign(p.pull_request, {
    number,
    state: 'open',
    html_url: `https://github.com/${OWNER}/${REPO}/pull/${number}`,
    updated_at: updatedAt,
    labels: [],
    requested_reviewers: [],
    requested_teams: [],
  });
  p.pull_request.user = { ...p.pull_request.user, login: 'dev-anna', type: 'User' };
  p.pull_request.head = { ...p.pull_request.head, sha: head };
  p.pull_request.base = { ...p.pull_request.base, sha: pull.base, ref: 'main', repo: { ...p.pull_request.base.repo, default_branch: 'main' } };
  p.number = number;
  return { id: deliveryId('pr'), name: 'pull_request', payload: p };
}

export function pushDelivery(before: string, after: string): Delivery {
  const p = example('push', (e) => e.ref === 'refs/heads/master' && !e.deleted);
  adaptRepository(p);
  Object.assign(p, { ref: 'refs/heads/main', before, after, deleted: false, created: false });
  p.repository.master_branch = 'main';
  p.head_commit = { ...(p.head_commit ?? {}), id: after };
  return { id: deliveryId('push'), name: 'push', payload: p };
}

export function recheckDelivery(number: number): Delivery {
  const p = example('issue_comment', (e) => e.action === 'created');
  adaptRepository(p);
  p.issue.number = number;
  p.issue.pull_request = { url: `https://api.github.com/repos/${OWNER}/${REPO}/pulls/${number}`, html_url: `https://github.com/${OWNER}/${REPO}/pull/${number}` };
  p.comment = { ...p.comment, body: '/freigabe recheck', user: { ...p.comment.user, login: 'j-becker', type: 'User' } };
  return { id: deliveryId('comment'), name: 'issue_comment', payload: p };
}

export const ESTATE = baseEstate();

/** The default branch with the example estate; returns its commit. */
export function seedEstate(fake: FakeGitHub): string {
  return fake.commitFiles(ESTATE, [], 'estate', 'main');
}

/** Pull request `number` with `heads` commits on top of `base` (only README changes to `files`); returns the heads, oldest first. */
export function openPull(fake: FakeGitHub, base: string, number: number, heads: number, files: Record<string, string> = ESTATE): string[] {
  const shas: string[] = [];
  let parent = base;
  for (let i = 1; i <= heads; i++) {
    parent = fake.commitFiles({ ...files, 'README.md': `# estate\n\npull ${number}, commit ${i}\n` }, [parent], `pull ${number} commit ${i}`);
    shas.push(parent);
  }
  fake.pulls.set(number, { number, head: shas.at(-1)!, base, updatedAt: at(heads), comments: [] });
  return shas;
}

/** updated_at of the i-th state of a pull request. */
export const at = (i: number) => `2026-05-04T10:${String(Math.floor(i / 60)).padStart(2, '0')}:${String(i % 60).padStart(2, '0')}Z`;

/** A merge on main: every stage's output changes (a new replica count everywhere). */
export function merge(fake: FakeGitHub, parent: string, replicas: number): { sha: string; files: Record<string, string> } {
  const files = { ...fake.filesAsRecord(parent) };
  for (const stage of ['vorpruefung', 'abnahme', 'produktion']) {
    const path = `environments/verfahren/wohngeld/${stage}.yaml`;
    files[path] = files[path].replace(/replicas: \d+/, `replicas: ${replicas}`);
  }
  const sha = fake.commitFiles(files, [parent], `Merge pull request #${replicas}`, 'main');
  return { sha, files };
}

/** What freigabe renders for these estate files, by stage. */
export function renderedStages(files: Record<string, string>): Map<string, Map<string, string>> {
  const estate = loadEstate({ snapshot: snapshotOf(files) }).value;
  const { files: rendered, diagnostics } = renderEstate({ estate, repoURL: `https://github.com/${OWNER}/${REPO}.git` });
  if (diagnostics.some((d) => d.severity === 'error')) throw new Error(`fixture does not render: ${JSON.stringify(diagnostics)}`);
  return new Map(stageNames(estate).map((s) => [s, stageFiles(rendered, s)]));
}
