/**
 * The view models templates see: plain objects built from well-formed estate documents, with
 * every quantity already exact and canonical (integer millicores and bytes, formatted the
 * Kubernetes way). Templates never see estate documents themselves, so they cannot reach
 * prototypes or fields we did not mean to expose.
 */
import type { Component, Estate, Located, BookingDocument, PlatformDocument, Stage, VerfahrenDocument } from './model.js';
import { formatBytes, formatCpu, parseBytes, parseCpu } from './quantity.js';
import { egressOf, surgeHeadroom, trafficOf, type EgressModel, type TrafficModel } from './network.js';
import { bookingHeadroom } from './surge-headroom.js';

/** Name of the scratch emptyDir mounted at /tmp (the root filesystem is read-only). */
export const SCRATCH_VOLUME = 'tmp';
export const SERVICE_ACCOUNT = 'workload';

export interface ComponentModel {
  readonly name: string;
  readonly image: string;
  readonly size: string;
  readonly replicas: number;
  readonly cpu: string;
  readonly memory: string;
  readonly port: number | null;
  readonly ingress: { readonly host: string; readonly path: string; readonly tlsSecret: string } | null;
  readonly env: readonly { readonly name: string; readonly value: string }[];
  readonly secretRefs: readonly string[];
  readonly stateful: boolean;
  readonly volumes: readonly { readonly name: string; readonly size: string; readonly storageClass: string; readonly mountPath: string }[];
  /** Index in the booking, for the line of findings. */
  readonly index: number;
}

export interface DirectoryModel {
  readonly namespace: string;
  readonly serviceAccount: string;
  readonly verfahren: { readonly name: string; readonly title: string; readonly tenant: string; readonly schutzbedarf: string };
  readonly stage: { readonly name: string; readonly title: string; readonly cluster: { readonly name: string; readonly server: string } };
  readonly quota: {
    readonly cpu: string;
    readonly memory: string;
    readonly storage: string;
    readonly persistentVolumeClaims: string;
    readonly pods: string;
    readonly storageClasses: readonly { readonly key: string; readonly storage: string }[];
    /** Included in cpu, memory and pods: room for one surge pod of the largest Deployment size. */
    readonly headroom: { readonly cpu: string; readonly memory: string; readonly pods: string } | null;
  };
  readonly limits: { readonly defaultCpu: string; readonly defaultMemory: string; readonly maxCpu: string; readonly maxMemory: string };
  readonly network: { readonly components: readonly string[]; readonly ports: readonly number[]; readonly ingressPorts: readonly number[]; readonly hasIngress: boolean };
  /** How traffic reaches components with an ingress host (platform.yaml, per stage). */
  readonly traffic: TrafficModel;
  /** The traffic peer as earlier versions named it, for template overrides written against them. */
  readonly ingressController: { readonly className: string; readonly namespace: string };
  readonly egress: EgressModel;
  /** surge: Deployments start a new pod before removing one; the quota has room for it. */
  readonly rollout: { readonly surge: boolean };
  readonly components: readonly ComponentModel[];
}

export type DirectoryOutcome =
  | { readonly ok: true; readonly model: DirectoryModel }
  /** Not renderable for a reason validation reports (unknown size, storage class, bad quantity). */
  | { readonly ok: false; readonly problem?: { readonly reason: string; readonly path: string } };

const own = <T>(record: Readonly<Record<string, T>>, key: string): T | undefined =>
  Object.prototype.hasOwnProperty.call(record, key) ? record[key] : undefined;

function stageModel(stage: Stage): DirectoryModel['stage'] {
  return { name: stage.name, title: stage.title, cluster: { name: stage.cluster.name, server: stage.cluster.server } };
}

export { stageModel };

interface ParsedSize {
  readonly cpu: bigint;
  readonly memory: bigint;
}

function parseSizes(estate: Estate): Map<string, ParsedSize> {
  const sizes = new Map<string, ParsedSize>();
  for (const [name, size] of Object.entries(estate.platform?.data.spec.sizes ?? {})) {
    const cpu = parseCpu(size.cpu);
    const memory = parseBytes(size.memory);
    if (cpu !== undefined && memory !== undefined) sizes.set(name, { cpu, memory });
  }
  return sizes;
}

/** Per-estate facts every directory needs; computed once per render. */
export interface EstateFacts {
  readonly sizes: ReadonlyMap<string, ParsedSize>;
  readonly limits: DirectoryModel['limits'];
  readonly storageClasses: ReadonlySet<string>;
  readonly platform: PlatformDocument['spec'] | undefined;
}

export function estateFacts(estate: Estate): EstateFacts {
  const sizes = parseSizes(estate);
  const all = [...sizes.entries()].sort(([an, a], [bn, b]) => (a.cpu < b.cpu ? -1 : a.cpu > b.cpu ? 1 : a.memory < b.memory ? -1 : a.memory > b.memory ? 1 : an < bn ? -1 : 1));
  const smallest = all[0]?.[1] ?? { cpu: 100n, memory: 128n * 2n ** 20n };
  const maxCpu = all.reduce((m, [, s]) => (s.cpu > m ? s.cpu : m), smallest.cpu);
  const maxMemory = all.reduce((m, [, s]) => (s.memory > m ? s.memory : m), smallest.memory);
  return {
    sizes,
    limits: { defaultCpu: formatCpu(smallest.cpu), defaultMemory: formatBytes(smallest.memory), maxCpu: formatCpu(maxCpu), maxMemory: formatBytes(maxMemory) },
    storageClasses: new Set(Object.keys(estate.platform?.data.spec.storageClasses ?? {})),
    platform: estate.platform?.data.spec,
  };
}

export function namespaceOf(verfahren: string, stage: string): string {
  return `${verfahren}-${stage}`;
}

export interface DirectoryParams {
  readonly facts: EstateFacts;
  readonly verfahren: Located<VerfahrenDocument>;
  readonly booking: Located<BookingDocument>;
  readonly stage: Stage;
}

/**
 * Whether a directory can be rendered, without building its model: the same checks, in the same
 * order, as directoryModel. A render of some Fachverfahren only (a pull request's) still needs
 * to know which of the others a stage's kustomization lists.
 */
export function checkDirectory(params: DirectoryParams): DirectoryOutcome | undefined {
  const { facts, stage } = params;
  const namespace = namespaceOf(params.verfahren.data.metadata.name, stage.name);
  if (namespace.length > 63) return { ok: false, problem: { reason: `namespace ${namespace} is longer than 63 characters`, path: '/metadata/name' } };
  const comps = params.booking.data.spec.components;
  for (let index = 0; index < comps.length; index++) {
    const c: Component = comps[index];
    if (!facts.sizes.has(c.size)) return { ok: false };
    const volumes = c.volumes ?? [];
    for (let vi = 0; vi < volumes.length; vi++) {
      const v = volumes[vi];
      if (parseBytes(v.size) === undefined || !facts.storageClasses.has(v.class)) return { ok: false };
      if (v.name === SCRATCH_VOLUME || v.mountPath.replace(/\/+$/, '') === '/tmp') {
        return { ok: false, problem: { reason: `volume ${v.name} at ${v.mountPath}: the name "${SCRATCH_VOLUME}" and the path /tmp are reserved for the scratch volume`, path: `/spec/components/${index}/volumes/${vi}` } };
      }
    }
  }
  // A destination integrity reports (egress-destination-invalid, egress-cidr-too-broad) is not rendered.
  if ('problem' in egressOfDirectory(params)) return { ok: false };
  return undefined;
}

function egressOfDirectory(params: DirectoryParams): ReturnType<typeof egressOf> {
  return egressOf({ spec: params.facts.platform, stage: params.stage, schutzbedarf: params.verfahren.data.spec.schutzbedarf, booking: params.booking.data });
}

export function directoryModel(params: DirectoryParams): DirectoryOutcome {
  const problem = checkDirectory(params);
  if (problem) return problem;
  const { facts, stage } = params;
  const vf = params.verfahren.data;
  const namespace = namespaceOf(vf.metadata.name, stage.name);

  let cpu = 0n;
  let memory = 0n;
  let storage = 0n;
  let claims = 0n;
  let pods = 0n;
  const byClass = new Map<string, bigint>();
  const components: ComponentModel[] = [];
  const comps = params.booking.data.spec.components;
  for (let index = 0; index < comps.length; index++) {
    const c: Component = comps[index];
    // checkDirectory made sure of the size, the volume sizes and storage classes
    const size = facts.sizes.get(c.size) as ParsedSize;
    const replicas = BigInt(c.replicas);
    cpu += replicas * size.cpu;
    memory += replicas * size.memory;
    pods += replicas;
    const volumes: ComponentModel['volumes'][number][] = [];
    for (const v of c.volumes ?? []) {
      const bytes = parseBytes(v.size) as bigint;
      storage += replicas * bytes;
      claims += replicas;
      byClass.set(v.class, (byClass.get(v.class) ?? 0n) + replicas * bytes);
      volumes.push({ name: v.name, size: formatBytes(bytes), storageClass: v.class, mountPath: v.mountPath });
    }
    components.push({
      name: c.name,
      image: c.image,
      size: c.size,
      replicas: c.replicas,
      cpu: formatCpu(size.cpu),
      memory: formatBytes(size.memory),
      port: c.port ?? null,
      ingress: c.ingress && c.port !== undefined ? { host: c.ingress.host, path: c.ingress.path ?? '/', tlsSecret: `${c.name}-tls` } : null,
      env: Object.entries(c.env ?? {}).map(([name, value]) => ({ name, value: String(value) })),
      secretRefs: [...(c.secretRefs ?? [])],
      stateful: volumes.length > 0,
      volumes,
      index,
    });
  }
  const surge = surgeHeadroom(facts.platform, stage);
  // One surge pod of the largest Deployment at a time: concurrent rollouts wait for the quota.
  const headroom = surge ? bookingHeadroom(comps, (name) => facts.sizes.get(name)) : null;
  const egress = egressOfDirectory(params) as EgressModel;
  const traffic = trafficOf(facts.platform, stage);
  const withPort = components.filter((c) => c.port !== null).sort((a, b) => (a.name < b.name ? -1 : 1));
  const uniqueSorted = (ports: number[]) => [...new Set(ports)].sort((a, b) => a - b);
  const ingressPorts = uniqueSorted(withPort.filter((c) => c.ingress).map((c) => c.port as number));
  return {
    ok: true,
    model: {
      namespace,
      serviceAccount: SERVICE_ACCOUNT,
      verfahren: { name: vf.metadata.name, title: vf.spec.title, tenant: vf.spec.tenant, schutzbedarf: vf.spec.schutzbedarf },
      stage: stageModel(stage),
      quota: {
        cpu: formatCpu(cpu + (headroom?.cpu ?? 0n)),
        memory: formatBytes(memory + (headroom?.memory ?? 0n)),
        storage: formatBytes(storage),
        persistentVolumeClaims: claims.toString(),
        pods: (pods + (headroom ? 1n : 0n)).toString(),
        headroom: headroom && { cpu: formatCpu(headroom.cpu), memory: formatBytes(headroom.memory), pods: '1' },
        storageClasses: [...byClass.entries()]
          .sort(([a], [b]) => (a < b ? -1 : 1))
          .map(([cls, bytes]) => ({ key: `${cls}.storageclass.storage.k8s.io/requests.storage`, storage: formatBytes(bytes) })),
      },
      limits: facts.limits,
      network: { components: withPort.map((c) => c.name), ports: uniqueSorted(withPort.map((c) => c.port as number)), ingressPorts, hasIngress: ingressPorts.length > 0 },
      traffic,
      ingressController: { className: traffic.ingress?.className ?? '', namespace: traffic.peer.namespace },
      egress,
      rollout: { surge },
      components,
    },
  };
}
