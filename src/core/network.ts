/**
 * What platform.yaml says about traffic, egress and rollouts for one stage, with the defaults
 * the schemas declare (src/core/generated/schema-defaults.ts): an estate that says nothing
 * renders Ingress of class nginx admitted from ingress-nginx and no surge, as earlier versions
 * did; egress is default-deny for Schutzbedarf hoch and sehr-hoch always (DNS from the schema
 * default) and open for normal unless the platform restricts it.
 *
 * Egress destinations (platform-wide, per stage, per booking) share one shape; `egressProblem`
 * says why one cannot become a NetworkPolicy peer, for integrity findings and for the renderer,
 * which leaves such a directory out.
 */
import { schemaDefaults } from './generated/schema-defaults.js';
import type { BookingDocument, PlatformDocument, Stage } from './model.js';
import type { CommonEgressDestination, Egress, Rollout, Traffic } from './generated/estate-types.js';

export type EgressDestination = CommonEgressDestination;

export interface LabelModel {
  readonly key: string;
  readonly value: string;
}

/** Where traffic to the Fachverfahren comes from: the NetworkPolicy peer. */
export interface PeerModel {
  readonly namespace: string;
  readonly podLabels: readonly LabelModel[];
}

export interface TrafficModel {
  readonly mode: 'ingress' | 'gateway';
  readonly ingress: { readonly className: string } | null;
  readonly gateway: { readonly name: string; readonly namespace: string; readonly sectionName: string | null } | null;
  readonly peer: PeerModel;
}

export interface EgressRuleModel {
  /** Exactly one of cidr and namespace is set; podLabels only with namespace. */
  readonly cidr: string | null;
  readonly namespace: string | null;
  readonly podLabels: readonly LabelModel[];
  readonly ports: readonly { readonly protocol: string; readonly port: number }[];
}

export interface EgressModel {
  readonly restricted: boolean;
  readonly dns: PeerModel;
  /** Platform-wide, then the stage's, then the booking's destinations, in written order. */
  readonly rules: readonly EgressRuleModel[];
}

type PlatformSpec = PlatformDocument['spec'];

// The schema's defaults, typed as the documents they stand in for.
const DEFAULT_TRAFFIC: Traffic = schemaDefaults.traffic;
const DEFAULT_DNS: NonNullable<Egress['dns']> = schemaDefaults.egressDns;
const DEFAULT_NORMAL: NonNullable<Egress['normal']> = schemaDefaults.egressNormal;
const DEFAULT_SURGE: NonNullable<Rollout['surge']> = schemaDefaults.rolloutSurge;
const DEFAULT_PROTOCOL: NonNullable<EgressDestination['protocol']> = schemaDefaults.egressProtocol;

const labels = (record: Readonly<Record<string, string>> | undefined): LabelModel[] =>
  Object.entries(record ?? {})
    .map(([key, value]) => ({ key, value }))
    .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));

export function trafficOf(spec: PlatformSpec | undefined, stage: Stage): TrafficModel {
  const traffic = stage.network?.traffic ?? spec?.network?.traffic ?? DEFAULT_TRAFFIC;
  if (traffic.gateway) {
    const g = traffic.gateway;
    return {
      mode: 'gateway',
      ingress: null,
      gateway: { name: g.name, namespace: g.namespace, sectionName: g.sectionName ?? null },
      peer: { namespace: g.proxyNamespace ?? g.namespace, podLabels: labels(g.podLabels) },
    };
  }
  // The schema allows exactly one of gateway and ingress.
  const i = traffic.ingress ?? DEFAULT_TRAFFIC.ingress!;
  return { mode: 'ingress', ingress: { className: i.className }, gateway: null, peer: { namespace: i.namespace, podLabels: labels(i.podLabels) } };
}

/**
 * Whether a Fachverfahren's egress is restricted: always for Schutzbedarf hoch and sehr-hoch (and
 * any value other than normal, the safe side), whatever platform.yaml says; for normal as
 * `network.egress.normal` says (default open).
 */
export function egressRestricted(spec: PlatformSpec | undefined, schutzbedarf: string): boolean {
  if (schutzbedarf !== 'normal') return true;
  return (spec?.network?.egress?.normal ?? DEFAULT_NORMAL) === 'restricted';
}

function rule(d: EgressDestination): EgressRuleModel {
  const protocol = d.protocol ?? DEFAULT_PROTOCOL;
  return {
    cidr: d.cidr ?? null,
    namespace: d.cidr === undefined ? (d.namespace ?? null) : null,
    podLabels: labels(d.podLabels),
    ports: [...d.ports].sort((a, b) => a - b).map((port) => ({ protocol, port })),
  };
}

export interface EgressParams {
  readonly spec: PlatformSpec | undefined;
  readonly stage: Stage;
  readonly schutzbedarf: string;
  readonly booking: BookingDocument;
}

/** The egress model of one Fachverfahren in one stage, or the pointer of a destination that cannot be rendered. */
export function egressOf(params: EgressParams): EgressModel | { readonly problem: string } {
  const { spec, stage, booking } = params;
  const dns = spec?.network?.egress?.dns ?? DEFAULT_DNS;
  const restricted = egressRestricted(spec, params.schutzbedarf);
  const rules: EgressRuleModel[] = [];
  if (restricted) {
    const declared = booking.spec.egress ?? [];
    for (let i = 0; i < declared.length; i++) if (egressProblem(declared[i], 'booking')) return { problem: `/spec/egress/${i}` };
    // Platform destinations are checked by integrity on platform.yaml; a broken one is skipped here
    // and refuses nothing, since validation already fails the whole estate.
    for (const d of [...(spec?.network?.egress?.allow ?? []), ...(stage.network?.egress?.allow ?? []), ...declared]) {
      if (!egressProblem(d, 'platform')) rules.push(rule(d));
    }
  }
  return { restricted, dns: { namespace: dns.namespace, podLabels: labels(dns.podLabels) }, rules };
}

/** Whether Deployments of this stage roll out with a surge pod (and the quota has room for it). */
export function surgeHeadroom(spec: PlatformSpec | undefined, stage: Stage): boolean {
  return (stage.rollout?.surge ?? spec?.rollout?.surge ?? DEFAULT_SURGE) === 'headroom';
}

/** The widest network a booking may declare: narrower than a /8 (IPv4) or /32 (IPv6) allocation. */
export const BOOKING_MIN_PREFIX = { 4: 8, 6: 32 } as const;

/** Message keys of egress-destination-invalid (src/i18n/findings.ts). */
export type EgressInvalidReason = 'one-of' | 'pod-labels-with-cidr' | 'not-cidr' | 'host-bits';

export type EgressProblem =
  | { readonly code: 'egress-destination-invalid'; readonly reason: EgressInvalidReason; readonly pointer: string }
  | { readonly code: 'egress-cidr-too-broad'; readonly cidr: string; readonly min: number; readonly pointer: string };

/** Why a destination cannot be rendered (pointer relative to the destination), or undefined. */
export function egressProblem(d: EgressDestination, owner: 'platform' | 'booking'): EgressProblem | undefined {
  const invalid = (reason: EgressInvalidReason, pointer = ''): EgressProblem => ({ code: 'egress-destination-invalid', reason, pointer });
  if ((d.cidr === undefined) === (d.namespace === undefined)) return invalid('one-of');
  if (d.cidr !== undefined) {
    if (d.podLabels !== undefined) return invalid('pod-labels-with-cidr', '/podLabels');
    const net = parseCidr(d.cidr);
    if (!net) return invalid('not-cidr', '/cidr');
    if (!net.network) return invalid('host-bits', '/cidr');
    const min = BOOKING_MIN_PREFIX[net.version];
    if (owner === 'booking' && net.prefix < min) return { code: 'egress-cidr-too-broad', cidr: d.cidr, min, pointer: '/cidr' };
  }
  return undefined;
}

export interface Cidr {
  readonly version: 4 | 6;
  readonly prefix: number;
  /** Whether the address is the network address (no host bits set). */
  readonly network: boolean;
}

function ipv4(text: string): bigint | undefined {
  const parts = text.split('.');
  if (parts.length !== 4) return undefined;
  let value = 0n;
  for (const p of parts) {
    // No leading zeros: Kubernetes and Go read them differently (octal or refused).
    if (!/^(0|[1-9][0-9]{0,2})$/.test(p) || Number(p) > 255) return undefined;
    value = (value << 8n) | BigInt(p);
  }
  return value;
}

function ipv6(text: string): bigint | undefined {
  if (!/^[0-9a-fA-F:]+$/.test(text)) return undefined;
  const halves = text.split('::');
  if (halves.length > 2) return undefined;
  const groups = (s: string) => (s === '' ? [] : s.split(':'));
  const head = groups(halves[0]);
  const tail = halves.length === 2 ? groups(halves[1]) : [];
  const missing = 8 - head.length - tail.length;
  if (halves.length === 2 ? missing < 1 : missing !== 0) return undefined;
  let value = 0n;
  for (const g of [...head, ...Array<string>(halves.length === 2 ? missing : 0).fill('0'), ...tail]) {
    if (!/^[0-9a-fA-F]{1,4}$/.test(g)) return undefined;
    value = (value << 16n) | BigInt(`0x${g}`);
  }
  return value;
}

export function parseCidr(text: string): Cidr | undefined {
  const m = /^([^/]+)\/(0|[1-9][0-9]{0,2})$/.exec(text);
  if (!m) return undefined;
  const prefix = Number(m[2]);
  const v4 = ipv4(m[1]);
  const version = v4 !== undefined ? 4 : 6;
  const address = v4 ?? ipv6(m[1]);
  const bits = version === 4 ? 32 : 128;
  if (address === undefined || prefix > bits) return undefined;
  const hostMask = (1n << BigInt(bits - prefix)) - 1n;
  return { version, prefix, network: (address & hostMask) === 0n };
}
