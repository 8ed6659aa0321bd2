/**
 * Deployments within GitHub's write budget: one per changed Fachverfahren and stage, but one
 * stage-wide deployment when more than MAX_DEPLOYMENTS_PER_STAGE changed at once.
 */
import { Octokit } from '@octokit/rest';
import { afterEach, expect, test } from 'vitest';
import { createDeployments, MAX_DEPLOYMENTS_PER_STAGE } from '../../src/github/publication/deployments.js';
import type { GitHubClient } from '../../src/github/platform/github-client.js';
import { silentLogger, type StagePublication } from '../../src/github/publication/publish.js';
import { GitHubMock } from '../github/openapi-mock.js';
import { estateOf, fixtureSnapshot } from './fixture.js';
import { expectDeployments } from './harness.js';

let mock: GitHubMock;
afterEach(() => mock.verify());

const publication = (verfahren: string[]): StagePublication => ({
  stage: 'schulung',
  target: { owner: 'itdz', repo: 'estate', branch: 'rendered/schulung', prefix: '' },
  status: 'updated',
  commit: 'e'.repeat(40),
  verfahren,
  attempts: 1,
});

const deploy = (verfahren: string[]) =>
  createDeployments({
    octokit: new Octokit({ auth: 'ghs_throwaway', request: { retries: 0 } }) as unknown as GitHubClient,
    publications: [publication(verfahren)],
    estate: estateOf(fixtureSnapshot()),
    sha: 'a'.repeat(40),
    audit: { approvedBy: [], notfall: false },
    log: silentLogger,
  });

test(`up to ${MAX_DEPLOYMENTS_PER_STAGE} changed Fachverfahren: one deployment each`, async () => {
  mock = new GitHubMock();
  expectDeployments(mock, 2, '/repos/itdz/estate');
  const records = await deploy(['kita-portal', 'wohngeld']);
  expect(records.map((r) => r.verfahren)).toEqual(['kita-portal', 'wohngeld']);
  expect(mock.find('POST', '/repos/itdz/estate/deployments').map((r) => (r.body as { environment: string }).environment)).toEqual(['schulung/kita-portal', 'schulung/wohngeld']);
});

test(`more than ${MAX_DEPLOYMENTS_PER_STAGE}: one stage-wide deployment naming them all (2 writes, not 2 per Fachverfahren)`, async () => {
  mock = new GitHubMock();
  expectDeployments(mock, 1, '/repos/itdz/estate');
  const changed = Array.from({ length: MAX_DEPLOYMENTS_PER_STAGE + 1 }, (_, i) => `fv-${i}`);
  const records = await deploy(changed);
  expect(records.map((r) => r.verfahren)).toEqual(['*']);
  const [request] = mock.find('POST', '/repos/itdz/estate/deployments');
  expect(request.body).toMatchObject({ environment: 'schulung', payload: { verfahren: '*', changed, stage: 'schulung', path: '.' } });
});
