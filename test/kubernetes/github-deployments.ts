/**
 * GitHub's deployments of one repository behind the strict OpenAPI mock: listing (newest
 * first, paged), the statuses of a deployment (newest first), new statuses, and the commits
 * API's `path` filter. A new `success` status applies GitHub's documented `auto_inactive`
 * ("When you set the state of a deployment to success, then all prior non-transient,
 * non-production environment deployments in the same repository with the same environment
 * name will become inactive"; only those that had a success state).
 */
import type { GitHubMock, RequestRecord } from '../github/openapi-mock.js';

export interface SimStatus {
  readonly state: string;
  readonly description: string;
  /** Written by GitHub itself (auto_inactive), not by a request. */
  readonly auto?: boolean;
  /** There before the test started. */
  readonly initial?: boolean;
}

export interface SimDeployment {
  readonly id: number;
  readonly environment: string;
  readonly sha: string;
  readonly production: boolean;
  readonly payload: Record<string, unknown>;
  readonly statuses: SimStatus[];
}

export class SimulatedDeployments {
  readonly deployments: SimDeployment[] = [];
  /** `<sha>:<path>` → the newest commit touching path as of sha. */
  readonly lastTouch = new Map<string, string>();

  constructor(
    readonly owner: string,
    readonly repo: string,
  ) {}

  /** A deployment as deployments.ts creates it: payload with stage, verfahren, rendered commit and path; first status queued. */
  add(d: { id: number; stage: string; verfahren: string; sha: string; production?: boolean; removed?: boolean; statuses?: SimStatus[] }): void {
    this.deployments.push({
      id: d.id,
      environment: `${d.stage}/${d.verfahren}`,
      sha: d.sha,
      production: d.production ?? false,
      payload: { freigabe: 1, verfahren: d.verfahren, stage: d.stage, source: 'f'.repeat(40), rendered: d.sha, path: d.verfahren, approvedBy: [], notfall: false, removed: d.removed ?? false, components: [] },
      statuses: (d.statuses ?? [{ state: 'queued', description: 'Gerendert; wartet auf Argo CD/Flux.' }]).map((s) => ({ ...s, initial: true })),
    });
  }

  latest(id: number): SimStatus | undefined {
    const d = this.deployments.find((x) => x.id === id);
    return d?.statuses[d.statuses.length - 1];
  }

  /** Statuses created by requests, per deployment, in order. */
  written(id: number): string[] {
    return (this.deployments.find((x) => x.id === id)?.statuses ?? []).filter((s) => !s.auto && !s.initial).map((s) => s.state);
  }

  /** Registers the endpoints, each answering any number of times (at least once). */
  register(mock: GitHubMock, installation: number, token: string): void {
    const base = `/repos/${this.owner}/${this.repo}`;
    const rx = (path: string) => new RegExp(`^${path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace('\\(ID\\)', '(\\d+)')}(\\?.*)?$`);
    mock.on('GET', `${base}/installation`, { body: { id: installation, account: { login: this.owner }, app_id: 123, target_type: 'Organization', permissions: { deployments: 'write' } } }, { persist: true });
    mock.on('POST', `/app/installations/${installation}/access_tokens`, { status: 201, body: { token, expires_at: '2099-01-01T00:00:00Z', permissions: { deployments: 'write' }, repository_selection: 'all' } }, { persist: true });
    mock.on('GET', rx(`${base}/deployments`), (r) => ({ body: this.#list(r) }), { persist: true });
    mock.on('GET', rx(`${base}/deployments/(ID)/statuses`), (r) => ({ body: this.#statuses(r) }), { persist: true });
    mock.on('POST', rx(`${base}/deployments/(ID)/statuses`), (r) => this.#create(r), { persist: true });
    mock.on('GET', rx(`${base}/commits`), (r) => ({ body: this.#commits(r) }), { persist: true });
  }

  #query(r: RequestRecord): URLSearchParams {
    return new URL(r.path, 'https://api.github.com').searchParams;
  }

  #id(r: RequestRecord): number {
    return Number(/deployments\/(\d+)\//.exec(r.path)![1]);
  }

  #list(r: RequestRecord): unknown[] {
    const q = this.#query(r);
    const perPage = Number(q.get('per_page') ?? 30);
    const page = Number(q.get('page') ?? 1);
    const newest = [...this.deployments].sort((a, b) => b.id - a.id);
    return newest.slice((page - 1) * perPage, page * perPage).map((d) => ({
      id: d.id,
      sha: d.sha,
      ref: d.sha,
      task: 'deploy',
      environment: d.environment,
      payload: d.payload,
      production_environment: d.production,
      transient_environment: false,
      description: `freigabe: ${d.environment}`,
      created_at: '2026-05-04T10:00:00Z',
      updated_at: '2026-05-04T10:00:00Z',
    }));
  }

  #statuses(r: RequestRecord): unknown[] {
    const d = this.deployments.find((x) => x.id === this.#id(r));
    const perPage = Number(this.#query(r).get('per_page') ?? 30);
    return [...(d?.statuses ?? [])].reverse().slice(0, perPage).map((s, i) => ({ id: 1000 + i, state: s.state, description: s.description, environment: d?.environment }));
  }

  #create(r: RequestRecord): { status: number; body: unknown } {
    const d = this.deployments.find((x) => x.id === this.#id(r));
    if (!d) return { status: 404, body: { message: 'Not Found' } };
    const body = r.body as { state: string; description?: string };
    d.statuses.push({ state: body.state, description: body.description ?? '' });
    if (body.state === 'success' && !d.production) {
      for (const other of this.deployments) {
        if (other.environment === d.environment && other.id < d.id && other.statuses[other.statuses.length - 1]?.state === 'success') {
          other.statuses.push({ state: 'inactive', description: '', auto: true });
        }
      }
    }
    return { status: 201, body: { id: 5000 + d.statuses.length, state: body.state, description: body.description ?? '', environment: d.environment } };
  }

  #commits(r: RequestRecord): unknown[] {
    const q = this.#query(r);
    const touched = this.lastTouch.get(`${q.get('sha')}:${q.get('path')}`);
    return touched ? [{ sha: touched, commit: { message: 'freigabe: rendered' } }] : [];
  }
}
