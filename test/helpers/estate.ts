/**
 * Fixture estates in memory, for tests of the core.
 *
 *   const b = EstateBuilder.minimal();                    // valid: platform, tenant "amt", Verfahren "demo"
 *   b.booking('demo', 'abnahme', (d) => { d.spec.components[0].size = 'XXL'; });
 *   const { diagnostics } = b.validate();                  // loadEstate + validateEstate, sorted
 *   expect(diagnostics[0].line).toBe(b.lineOf('verfahren/demo/abnahme.yaml', 'size: XXL'));
 *
 * Documents are kept as objects and written as block-style YAML (js-yaml `dump`) when a
 * snapshot is taken; `file()` puts raw text or bytes at a path instead (for syntax errors, tags,
 * bombs). Paths given to the builder are relative to the estate root `environments/`; paths
 * in diagnostics are repository-relative (`environments/...`), which `path()` returns.
 *
 * The minimal estate (see MINIMAL_*) is valid on its own: four stages
 * vorpruefung → abnahme → schulung → produktion (only the first takes external registries and
 * tags; produktion runs on an unshared sehr-hoch cluster), sizes S and M, storage classes
 * standard and encrypted, tenant "amt", Verfahren "demo" (normal) booked in vorpruefung
 * (tag from ghcr.io) and abnahme (digest from the internal registry).
 */
import { createHash } from 'node:crypto';
import { dump } from 'js-yaml';
import type { BookingDocument, Component, PlatformDocument, TenantDocument, VerfahrenDocument } from '../../src/core/model.js';
import { snapshotOf, type Snapshot } from '../../src/core/snapshot.js';
import { validateSnapshot } from '../../src/core/validate.js';

export const ROOT = 'environments';

/** A realistic-looking, deterministic sha256 digest (64 hex) for `seed`. */
export function digest(seed: string): string {
  return createHash('sha256').update(seed).digest('hex');
}

/** An image of the minimal platform's internal registry, pinned by digest. */
export function internalImage(repo: string, version = '1.0.0'): string {
  return `registry.intern.example/${repo}@sha256:${digest(`${repo}:${version}`)}`;
}

export const MINIMAL_PLATFORM: PlatformDocument = {
  apiVersion: 'freigabe/v1',
  kind: 'Platform',
  metadata: { name: 'test-plattform' },
  spec: {
    approvers: ['@plattform/betrieb'],
    registries: { internal: ['registry.intern.example'], external: ['ghcr.io'] },
    sizes: {
      S: { cpu: '500m', memory: '1Gi', pricePerMonth: '10.00' },
      M: { cpu: '1', memory: '2Gi', pricePerMonth: '20.00' },
    },
    storageClasses: { standard: { pricePerGiBMonth: '0.10' }, encrypted: { pricePerGiBMonth: '0.25' } },
    stages: [
      stage('vorpruefung', 'Vorprüfung', 'none', ['internal', 'external'], { schutzniveau: 'hoch', shared: true }),
      stage('abnahme', 'Abnahme', 'verfahrensverantwortliche', ['internal'], { schutzniveau: 'sehr-hoch', shared: true }),
      stage('schulung', 'Schulung', 'verfahrensverantwortliche', ['internal'], { schutzniveau: 'sehr-hoch', shared: true }),
      stage('produktion', 'Produktion', 'verfahrensverantwortliche', ['internal'], { schutzniveau: 'sehr-hoch', shared: false }),
    ],
  },
};

function stage(
  name: string,
  title: string,
  approval: 'none' | 'verfahrensverantwortliche',
  registries: ('internal' | 'external')[],
  cluster: { schutzniveau: 'normal' | 'hoch' | 'sehr-hoch'; shared: boolean },
): PlatformDocument['spec']['stages'][number] {
  return {
    name,
    title,
    approval,
    registries,
    cluster: { name: `caas-${name}`, server: `https://api.caas-${name}.intern.example:6443`, hoheitsgebiet: 'DE', ...cluster },
  };
}

export const MINIMAL_TENANT: TenantDocument = {
  apiVersion: 'freigabe/v1',
  kind: 'Tenant',
  metadata: { name: 'amt' },
  spec: {
    title: 'Amt für Tests',
    approvers: ['@amt/it-leitung'],
    kontingent: { cpu: '10', memory: '20Gi', storage: '100Gi', budgetPerMonth: '1000.00' },
  },
};

export const MINIMAL_VERFAHREN: VerfahrenDocument = {
  apiVersion: 'freigabe/v1',
  kind: 'Verfahren',
  metadata: { name: 'demo' },
  spec: { title: 'Demo-Verfahren', tenant: 'amt', verfahrensverantwortliche: ['v-verantwortlich'], schutzbedarf: 'normal' },
};

/** A component of size S, one replica, port 8080, image `demo/<name>` from the internal registry. */
export function component(overrides: Partial<Component> & { name: string }): Component {
  const { name, ...rest } = overrides;
  return { name, image: internalImage(`demo/${name}`), size: 'S', replicas: 1, port: 8080, ...rest };
}

export function booking(name: string, stageName: string, components: Component[]): BookingDocument {
  return { apiVersion: 'freigabe/v1', kind: 'Booking', metadata: { name, stage: stageName }, spec: { components } };
}

const clone = <T>(value: T): T => structuredClone(value);

type Mutate<T> = (doc: T) => void;

export class EstateBuilder {
  private readonly docs = new Map<string, unknown>();
  private readonly raw = new Map<string, string | Uint8Array>();

  /** An empty estate (no platform). */
  static empty(): EstateBuilder {
    return new EstateBuilder();
  }

  /** The valid minimal estate described at the top of this file. */
  static minimal(): EstateBuilder {
    return new EstateBuilder()
      .platform()
      .tenant('amt')
      .verfahren('demo')
      .booking('demo', 'vorpruefung', [component({ name: 'web', image: 'ghcr.io/amt/demo-web:1.0.0' })])
      .booking('demo', 'abnahme', [component({ name: 'web' })]);
  }

  /** Sets platform.yaml (the minimal one unless given), then applies `mutate`. */
  platform(mutate?: Mutate<PlatformDocument>): this {
    return this.put('platform.yaml', (this.docs.get('platform.yaml') as PlatformDocument | undefined) ?? clone(MINIMAL_PLATFORM), mutate);
  }

  /** Sets tenants/<name>.yaml (a copy of MINIMAL_TENANT named `name` unless present). */
  tenant(name: string, mutate?: Mutate<TenantDocument>): this {
    const path = `tenants/${name}.yaml`;
    const doc = (this.docs.get(path) as TenantDocument | undefined) ?? { ...clone(MINIMAL_TENANT), metadata: { name } };
    return this.put(path, doc, mutate);
  }

  /** Sets verfahren/<name>/verfahren.yaml (a copy of MINIMAL_VERFAHREN named `name` unless present). */
  verfahren(name: string, mutate?: Mutate<VerfahrenDocument>): this {
    const path = `verfahren/${name}/verfahren.yaml`;
    const doc = (this.docs.get(path) as VerfahrenDocument | undefined) ?? { ...clone(MINIMAL_VERFAHREN), metadata: { name } };
    return this.put(path, doc, mutate);
  }

  /** Sets verfahren/<name>/<stage>.yaml: new components, or a change to the present booking. */
  booking(name: string, stageName: string, change: Component[] | Mutate<BookingDocument>): this {
    const path = `verfahren/${name}/${stageName}.yaml`;
    if (Array.isArray(change)) return this.put(path, booking(name, stageName, clone(change)));
    const doc = this.docs.get(path) as BookingDocument | undefined;
    if (!doc) throw new Error(`no booking ${path} to change`);
    return this.put(path, doc, change);
  }

  /** Raw content at a path under the estate root (replaces a document there). */
  file(path: string, content: string | Uint8Array): this {
    this.docs.delete(path);
    this.raw.set(path, content);
    return this;
  }

  remove(path: string): this {
    this.docs.delete(path);
    this.raw.delete(path);
    return this;
  }

  /** Repository-relative path of a file under the estate root. */
  path(path: string): string {
    return `${ROOT}/${path}`;
  }

  /** The YAML text of a file as it will be in the snapshot. */
  text(path: string): string {
    const raw = this.raw.get(path);
    if (raw !== undefined) return typeof raw === 'string' ? raw : new TextDecoder().decode(raw);
    const doc = this.docs.get(path);
    if (doc === undefined) throw new Error(`no file ${path}`);
    return dump(doc, { lineWidth: -1, noRefs: true });
  }

  /** 1-based line of the `occurrence`-th line containing `needle` in a file; throws if absent. */
  lineOf(path: string, needle: string, occurrence = 1): number {
    return lineOf(this.text(path), needle, occurrence);
  }

  /** Every file, repository-relative path → content. */
  files(): Map<string, string | Uint8Array> {
    const out = new Map<string, string | Uint8Array>();
    for (const path of this.docs.keys()) out.set(this.path(path), this.text(path));
    for (const [path, content] of this.raw) out.set(this.path(path), content);
    return out;
  }

  snapshot(): Snapshot {
    const files: Record<string, string | Uint8Array> = {};
    for (const [path, content] of this.files()) files[path] = content;
    return snapshotOf(files);
  }

  /** validateSnapshot over this estate. */
  validate(today = '2026-06-01') {
    return validateSnapshot({ snapshot: this.snapshot(), today });
  }

  private put<T>(path: string, doc: T, mutate?: Mutate<T>): this {
    mutate?.(doc);
    this.raw.delete(path);
    this.docs.set(path, doc);
    return this;
  }
}

/** 1-based line of the `occurrence`-th line of `text` containing `needle`; throws if absent. */
export function lineOf(text: string, needle: string, occurrence = 1): number {
  const lines = text.split('\n');
  let seen = 0;
  for (let i = 0; i < lines.length; i++) {
    if (lines[i].includes(needle) && ++seen === occurrence) return i + 1;
  }
  throw new Error(`"${needle}" (occurrence ${occurrence}) not found in:\n${text}`);
}
