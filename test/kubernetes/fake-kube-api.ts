/**
 * A Kubernetes-API-shaped HTTP server on 127.0.0.1 for tests of the status reader: it serves
 * namespaced custom-object lists and watch streams (newline-delimited JSON events) the way the
 * API server does — resourceVersions, label selectors, `410 Gone` once old versions are
 * compacted — and lets a test change objects, drop every watch connection or compact.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';

type Obj = Record<string, any>;

interface Collection {
  readonly apiVersion: string;
  readonly kind: string;
  readonly items: Map<string, Obj>;
  /** Every change, for watches that start at an older resourceVersion. */
  readonly log: { rv: number; type: string; object: Obj }[];
}

interface Watcher {
  readonly path: string;
  readonly res: ServerResponse;
  readonly selector: string | null;
}

export interface RequestLog {
  readonly path: string;
  readonly watch: boolean;
  readonly resourceVersion: string | null;
  readonly labelSelector: string | null;
}

function matches(obj: Obj, selector: string | null): boolean {
  if (!selector) return true;
  return selector.split(',').every((term) => {
    const [k, v] = term.split('=');
    return obj.metadata?.labels?.[k] === v;
  });
}

export class FakeKubeApi {
  readonly #server: Server;
  readonly #collections = new Map<string, Collection>();
  readonly #watchers = new Set<Watcher>();
  /** Watches from below this resourceVersion get 410 Gone. */
  #compactedBelow = 0;
  #rv = 100;
  readonly requests: RequestLog[] = [];
  /** Watches answered with 410 Gone. */
  gone = 0;
  port = 0;

  constructor() {
    this.#server = createServer((req, res) => this.#handle(req, res));
  }

  async listen(port = 0): Promise<string> {
    await new Promise<void>((resolve, reject) => {
      this.#server.once('error', reject);
      this.#server.listen(port, '127.0.0.1', () => resolve());
    });
    this.port = (this.#server.address() as { port: number }).port;
    return `http://127.0.0.1:${this.port}`;
  }

  async close(): Promise<void> {
    this.dropWatches();
    this.#server.closeAllConnections();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }

  /** A namespaced collection, e.g. ('argoproj.io/v1alpha1', 'applications', 'argocd', 'Application'). */
  collection(apiVersion: string, plural: string, namespace: string, kind: string): void {
    this.#collections.set(`/apis/${apiVersion}/namespaces/${namespace}/${plural}`, { apiVersion, kind, items: new Map(), log: [] });
  }

  /** Creates or replaces an object; watchers see ADDED or MODIFIED. */
  put(path: string, object: Obj): void {
    const c = this.#collection(path);
    const rv = ++this.#rv;
    const stored = structuredClone(object);
    stored.apiVersion = c.apiVersion;
    stored.kind = c.kind;
    stored.metadata = { ...stored.metadata, resourceVersion: String(rv) };
    const type = c.items.has(stored.metadata.name) ? 'MODIFIED' : 'ADDED';
    c.items.set(stored.metadata.name, stored);
    this.#record(path, c, rv, type, stored);
  }

  delete(path: string, name: string): void {
    const c = this.#collection(path);
    const existing = c.items.get(name);
    if (!existing) return;
    c.items.delete(name);
    const rv = ++this.#rv;
    this.#record(path, c, rv, 'DELETED', { ...existing, metadata: { ...existing.metadata, resourceVersion: String(rv) } });
  }

  /** Closes every open watch connection, as an API server or a load balancer does. */
  dropWatches(): void {
    for (const w of this.#watchers) w.res.end();
    this.#watchers.clear();
  }

  /** From now on, watches from any resourceVersion up to the current one get 410 Gone. */
  compact(): void {
    this.#compactedBelow = this.#rv + 1;
  }

  openWatches(path?: string): number {
    return [...this.#watchers].filter((w) => !path || w.path === path).length;
  }

  #collection(path: string): Collection {
    const c = this.#collections.get(path);
    if (!c) throw new Error(`fake API: no collection ${path}`);
    return c;
  }

  #record(path: string, c: Collection, rv: number, type: string, object: Obj): void {
    c.log.push({ rv, type, object });
    for (const w of this.#watchers) {
      if (w.path === path && matches(object, w.selector)) w.res.write(`${JSON.stringify({ type, object })}\n`);
    }
  }

  #handle(req: IncomingMessage, res: ServerResponse): void {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const watch = url.searchParams.get('watch') === 'true';
    const resourceVersion = url.searchParams.get('resourceVersion');
    const selector = url.searchParams.get('labelSelector');
    this.requests.push({ path: url.pathname, watch, resourceVersion, labelSelector: selector });
    const c = this.#collections.get(url.pathname);
    if (req.method !== 'GET' || !c) {
      res.writeHead(404, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ kind: 'Status', apiVersion: 'v1', status: 'Failure', reason: 'NotFound', code: 404, message: `${url.pathname} not found` }));
      return;
    }
    if (!watch) {
      const items = [...c.items.values()].filter((o) => matches(o, selector));
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ apiVersion: c.apiVersion, kind: `${c.kind}List`, metadata: { resourceVersion: String(this.#rv) }, items }));
      return;
    }
    res.writeHead(200, { 'content-type': 'application/json', 'transfer-encoding': 'chunked' });
    res.flushHeaders();
    const from = Number(resourceVersion ?? '0');
    if (from < this.#compactedBelow) {
      // What kube-apiserver sends for a resourceVersion it no longer has, then it ends the watch.
      this.gone++;
      const status = { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: `too old resource version: ${from} (${this.#compactedBelow})`, reason: 'Expired', code: 410 };
      res.end(`${JSON.stringify({ type: 'ERROR', object: status })}\n`);
      return;
    }
    for (const e of c.log) if (e.rv > from && matches(e.object, selector)) res.write(`${JSON.stringify({ type: e.type, object: e.object })}\n`);
    const watcher: Watcher = { path: url.pathname, res, selector };
    this.#watchers.add(watcher);
    req.on('close', () => this.#watchers.delete(watcher));
  }
}

/** A kubeconfig with one context per server (plain http on loopback, which client-node allows only with insecure-skip-tls-verify; a throwaway token). */
export function kubeconfigYaml(contexts: Record<string, string>): string {
  const names = Object.keys(contexts);
  const lines = ['apiVersion: v1', 'kind: Config', `current-context: ${names[0]}`, 'clusters:'];
  for (const [name, server] of Object.entries(contexts)) lines.push(`- name: ${name}`, '  cluster:', `    server: ${server}`, '    insecure-skip-tls-verify: true');
  lines.push('users:', '- name: freigabe', '  user:', '    token: throwaway-test-token', 'contexts:');
  for (const name of names) lines.push(`- name: ${name}`, '  context:', `    cluster: ${name}`, '    user: freigabe');
  return `${lines.join('\n')}\n`;
}
