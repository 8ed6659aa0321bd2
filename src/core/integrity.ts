/**
 * Cross-file integrity (PRODUCT.md 3.1): every reference between documents resolves, names are
 * unique where Kubernetes needs them unique and short enough for it, quantities are in range.
 * Runs over the loaded estate, so it only sees schema-valid documents; one pass, maps for
 * every lookup (an estate of thousands of bookings must stay linear).
 */
import { diagnostic, type Diagnostic } from './diagnostics.js';
import type { Estate, Located, BookingDocument } from './model.js';
import { parseBytes, parseCpu, parseMoney, type Dimension } from './quantity.js';
import { escapePointer, type LineIndex } from './yaml.js';
import { egressProblem, egressRestricted, type EgressDestination } from './network.js';

/** Kubernetes object names and label values: at most 63 characters (DNS-1123 label). */
export const MAX_NAME_LENGTH = 63;

export interface IntegrityParams {
  readonly estate: Estate;
  /** YYYY-MM-DD; without it Vertretung expiry is not checked. */
  readonly today?: string;
}

interface Doc {
  readonly file: string;
  readonly lines: LineIndex;
}

function at(doc: Doc, path: string) {
  return { file: doc.file, line: doc.lines.lineOf(path), path };
}

const PARSERS: Record<Dimension, (v: string | number) => bigint | undefined> = {
  cpu: parseCpu,
  memory: parseBytes,
  storage: parseBytes,
  budgetPerMonth: parseMoney,
};

/** `quantity-out-of-range` when a value the schema let through still is no usable amount. */
function quantity(doc: Doc, path: string, dimension: Dimension, value: string | number | undefined, out: Diagnostic[]): void {
  if (value === undefined || PARSERS[dimension](value) !== undefined) return;
  out.push(diagnostic('quantity-out-of-range', { ...at(doc, path), params: { value: String(value).slice(0, 80), dimension } }));
}

function known(keys: Iterable<string>): string {
  return [...keys].join(', ');
}

export function checkIntegrity(params: IntegrityParams): Diagnostic[] {
  const { estate, today } = params;
  const out: Diagnostic[] = [];
  const platform = estate.platform;
  const spec = platform?.data.spec;
  const stageNames = new Set<string>();

  if (platform && spec) {
    spec.stages.forEach((stage, i) => {
      if (stageNames.has(stage.name)) {
        out.push(diagnostic('duplicate-stage', { ...at(platform, `/spec/stages/${i}/name`), params: { stage: stage.name } }));
      }
      stageNames.add(stage.name);
    });
    for (const [name, size] of Object.entries(spec.sizes)) {
      const base = `/spec/sizes/${escapePointer(name)}`;
      quantity(platform, `${base}/cpu`, 'cpu', size.cpu, out);
      quantity(platform, `${base}/memory`, 'memory', size.memory, out);
      quantity(platform, `${base}/pricePerMonth`, 'budgetPerMonth', size.pricePerMonth, out);
    }
    for (const [name, c] of Object.entries(spec.storageClasses)) {
      quantity(platform, `/spec/storageClasses/${escapePointer(name)}/pricePerGiBMonth`, 'budgetPerMonth', c.pricePerGiBMonth, out);
    }
    destinations(platform, '/spec/network/egress/allow', spec.network?.egress?.allow, 'platform', out);
    spec.stages.forEach((stage, i) => destinations(platform, `/spec/stages/${i}/network/egress/allow`, stage.network?.egress?.allow, 'platform', out));
  }
  const knownStages = known(stageNames);

  for (const tenant of estate.tenants.values()) {
    const k = tenant.data.spec.kontingent;
    quantity(tenant, '/spec/kontingent/cpu', 'cpu', k.cpu, out);
    quantity(tenant, '/spec/kontingent/memory', 'memory', k.memory, out);
    quantity(tenant, '/spec/kontingent/storage', 'storage', k.storage, out);
    quantity(tenant, '/spec/kontingent/budgetPerMonth', 'budgetPerMonth', k.budgetPerMonth, out);
    for (const [stage, ceiling] of Object.entries(tenant.data.spec.stages ?? {})) {
      const base = `/spec/stages/${escapePointer(stage)}`;
      // Without a platform every stage would be "unknown"; platform-missing already says why.
      if (platform && !stageNames.has(stage)) {
        out.push(diagnostic('unknown-stage', { ...at(tenant, base), params: { stage, known: knownStages } }));
      }
      quantity(tenant, `${base}/cpu`, 'cpu', ceiling.cpu, out);
      quantity(tenant, `${base}/memory`, 'memory', ceiling.memory, out);
      quantity(tenant, `${base}/storage`, 'storage', ceiling.storage, out);
    }
  }

  /** Ingress hosts per stage: which Fachverfahren holds a host, and which paths it uses there. */
  const hosts = new Map<string, { verfahren: string; component: string; paths: Map<string, string> }>();

  for (const name of [...estate.verfahren.keys()].sort()) {
    const entry = estate.verfahren.get(name)!;
    const doc = entry.doc;
    if (doc) {
      const tenant = doc.data.spec.tenant;
      if (!estate.tenants.has(tenant)) {
        out.push(diagnostic('unknown-tenant', { ...at(doc, '/spec/tenant'), params: { tenant, verfahren: name } }));
      }
      if (today !== undefined) {
        (doc.data.spec.vertretung ?? []).forEach((v, i) => {
          // ISO dates compare correctly as strings; `until` is the last valid day.
          if (v.until !== undefined && v.until < today) {
            out.push(diagnostic('vertretung-expired', { ...at(doc, `/spec/vertretung/${i}/until`), params: { login: v.login, until: v.until, verfahren: name } }));
          }
        });
      }
    }
    // Fachverfahren are visited by name, so which one holds a contested host (and which one
    // gets the finding) does not depend on the order files were read in.
    for (const [stage, booking] of entry.bookings) {
      checkBooking({ booking, stage, verfahren: name, schutzbedarf: doc?.data.spec.schutzbedarf, estate, stageNames, knownStages, hosts, out });
    }
  }
  return out;
}

interface BookingCheck {
  readonly booking: Located<BookingDocument>;
  readonly stage: string;
  readonly verfahren: string;
  /** Undefined when verfahren.yaml is missing or invalid. */
  readonly schutzbedarf: string | undefined;
  readonly estate: Estate;
  readonly stageNames: ReadonlySet<string>;
  readonly knownStages: string;
  readonly hosts: Map<string, { verfahren: string; component: string; paths: Map<string, string> }>;
  readonly out: Diagnostic[];
}

function checkBooking(params: BookingCheck): void {
  const { booking, stage, verfahren, estate, stageNames, knownStages, hosts, out } = params;
  const spec = estate.platform?.data.spec;
  if (spec && !stageNames.has(stage)) {
    out.push(diagnostic('unknown-stage', { ...at(booking, '/metadata/stage'), params: { stage, known: knownStages } }));
  }
  // The namespace of a Fachverfahren in a stage is `<verfahren>-<stage>` (see render.ts).
  const namespace = `${booking.data.metadata.name}-${stage}`;
  if (namespace.length > MAX_NAME_LENGTH) {
    out.push(diagnostic('name-too-long', { ...at(booking, '/metadata/name'), params: { name: namespace, length: namespace.length, limit: MAX_NAME_LENGTH } }));
  }

  const componentNames = new Set<string>();
  booking.data.spec.components.forEach((c, i) => {
    const base = `/spec/components/${i}`;
    if (componentNames.has(c.name)) {
      out.push(diagnostic('duplicate-component', { ...at(booking, `${base}/name`), params: { component: c.name } }));
    }
    componentNames.add(c.name);
    if (spec && !(c.size in spec.sizes)) {
      out.push(diagnostic('unknown-size', { ...at(booking, `${base}/size`), params: { size: c.size, known: known(Object.keys(spec.sizes)) } }));
    }
    if (c.ingress) {
      if (c.port === undefined) {
        out.push(diagnostic('ingress-without-port', { ...at(booking, `${base}/ingress`), params: { component: c.name } }));
      }
      checkHost({ booking, stage, verfahren, component: c.name, index: i, host: c.ingress.host, path: c.ingress.path ?? '/', hosts, out });
    }
    const volumeNames = new Set<string>();
    (c.volumes ?? []).forEach((v, j) => {
      const vbase = `${base}/volumes/${j}`;
      if (volumeNames.has(v.name)) {
        out.push(diagnostic('duplicate-volume', { ...at(booking, `${vbase}/name`), params: { volume: v.name, component: c.name } }));
      }
      volumeNames.add(v.name);
      if (spec && !(v.class in spec.storageClasses)) {
        out.push(diagnostic('unknown-storage-class', { ...at(booking, `${vbase}/class`), params: { class: v.class, known: known(Object.keys(spec.storageClasses)) } }));
      }
      quantity(booking, `${vbase}/size`, 'storage', v.size, out);
    });
  });
  const egress = booking.data.spec.egress;
  destinations(booking, '/spec/egress', egress, 'booking', out);
  if (egress && egress.length > 0 && spec && params.schutzbedarf !== undefined && !egressRestricted(spec, params.schutzbedarf)) {
    out.push(diagnostic('egress-not-restricted', { ...at(booking, '/spec/egress'), params: { verfahren, stage, schutzbedarf: params.schutzbedarf } }));
  }
}

/** Egress destinations that cannot become a NetworkPolicy peer (see network.ts). */
function destinations(doc: Doc, base: string, list: readonly EgressDestination[] | undefined, owner: 'platform' | 'booking', out: Diagnostic[]): void {
  (list ?? []).forEach((d, i) => {
    const problem = egressProblem(d, owner);
    if (!problem) return;
    const where = at(doc, `${base}/${i}${problem.pointer}`);
    if (problem.code === 'egress-cidr-too-broad') out.push(diagnostic(problem.code, { ...where, params: { cidr: problem.cidr, min: problem.min } }));
    else out.push(diagnostic(problem.code, { ...where, params: { reason: problem.reason, ...(d.cidr !== undefined ? { cidr: d.cidr } : {}) } }));
  });
}

interface HostCheck {
  readonly booking: Located<BookingDocument>;
  readonly stage: string;
  readonly verfahren: string;
  readonly component: string;
  readonly index: number;
  readonly host: string;
  readonly path: string;
  readonly hosts: BookingCheck['hosts'];
  readonly out: Diagnostic[];
}

/**
 * A host belongs to one Fachverfahren per stage (its TLS certificate and DNS entry are that
 * Fachverfahren's). Inside it, components may share a host on different paths (`/` and `/api`
 * is the usual split); the same host and path twice is a conflict.
 */
function checkHost(params: HostCheck): void {
  const { booking, stage, verfahren, component, index, path, hosts, out } = params;
  const host = params.host.toLowerCase();
  const key = `${stage}\n${host}`;
  const holder = hosts.get(key);
  if (!holder) {
    hosts.set(key, { verfahren, component, paths: new Map([[path, component]]) });
    return;
  }
  const other = holder.verfahren !== verfahren ? `${holder.verfahren}/${holder.component}` : holder.paths.has(path) ? `${verfahren}/${holder.paths.get(path)}` : undefined;
  if (other === undefined) {
    holder.paths.set(path, component);
    return;
  }
  out.push(diagnostic('duplicate-ingress-host', { ...at(booking, `/spec/components/${index}/ingress/host`), params: { host, stage, other } }));
}
