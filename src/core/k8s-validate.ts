/**
 * What a rendered document may be: an allow-list of kinds per place (a Fachverfahren's
 * directory or a stage's bootstrap directory), the published schema of each kind
 * (kubernetes-models' precompiled validators, ~4 µs per object; the Argo CD, Flux and Gateway API
 * models of @kubernetes-models/argo-cd, flux-cd and gateway-api for their kinds), and the rules no template may
 * break: names are DNS-1123 labels of at most 63 characters, label values are valid, and an
 * object in a Fachverfahren's directory lives in that Fachverfahren's namespace — so not even a
 * platform template override can reach into another tenant's namespace.
 */
import { Namespace } from 'kubernetes-models/v1/Namespace';
import { ResourceQuota } from 'kubernetes-models/v1/ResourceQuota';
import { LimitRange } from 'kubernetes-models/v1/LimitRange';
import { ServiceAccount } from 'kubernetes-models/v1/ServiceAccount';
import { Service } from 'kubernetes-models/v1/Service';
import { PersistentVolumeClaim } from 'kubernetes-models/v1/PersistentVolumeClaim';
import { NetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1/NetworkPolicy';
import { Ingress } from 'kubernetes-models/networking.k8s.io/v1/Ingress';
import { Deployment } from 'kubernetes-models/apps/v1/Deployment';
import { StatefulSet } from 'kubernetes-models/apps/v1/StatefulSet';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1/PodDisruptionBudget';
import { HTTPRoute } from '@kubernetes-models/gateway-api/gateway.networking.k8s.io/v1/HTTPRoute';
import { ApplicationSet } from '@kubernetes-models/argo-cd/argoproj.io/v1alpha1/ApplicationSet';
import { GitRepository } from '@kubernetes-models/flux-cd/source.toolkit.fluxcd.io/v1/GitRepository';
import { Kustomization } from '@kubernetes-models/flux-cd/kustomize.toolkit.fluxcd.io/v1/Kustomization';

type Validator = (obj: Record<string, unknown>) => string | undefined;

interface KindRule {
  readonly apiVersion: string;
  readonly namespaced: boolean;
  readonly validate: Validator;
}

interface ValidatingModel {
  validate(): void;
}

function modelValidator(Model: { prototype: ValidatingModel }): Validator {
  // The model's validate() runs the precompiled schema check on `this`; calling it on the parsed
  // object itself skips the deep copy `new Model(obj)` makes (a third of the render time).
  const validate = Model.prototype.validate;
  return (obj) => {
    try {
      validate.call(obj as unknown as ValidatingModel);
      return undefined;
    } catch (e) {
      return e instanceof Error ? e.message.replace(/\s+/g, ' ').slice(0, 300) : String(e);
    }
  };
}

/** Kinds a Fachverfahren directory may contain. */
export const WORKLOAD_KINDS: Readonly<Record<string, KindRule>> = {
  Namespace: { apiVersion: 'v1', namespaced: false, validate: modelValidator(Namespace) },
  ResourceQuota: { apiVersion: 'v1', namespaced: true, validate: modelValidator(ResourceQuota) },
  LimitRange: { apiVersion: 'v1', namespaced: true, validate: modelValidator(LimitRange) },
  NetworkPolicy: { apiVersion: 'networking.k8s.io/v1', namespaced: true, validate: modelValidator(NetworkPolicy) },
  ServiceAccount: { apiVersion: 'v1', namespaced: true, validate: modelValidator(ServiceAccount) },
  Deployment: { apiVersion: 'apps/v1', namespaced: true, validate: modelValidator(Deployment) },
  StatefulSet: { apiVersion: 'apps/v1', namespaced: true, validate: modelValidator(StatefulSet) },
  Service: { apiVersion: 'v1', namespaced: true, validate: modelValidator(Service) },
  Ingress: { apiVersion: 'networking.k8s.io/v1', namespaced: true, validate: modelValidator(Ingress) },
  PodDisruptionBudget: { apiVersion: 'policy/v1', namespaced: true, validate: modelValidator(PodDisruptionBudget) },
  PersistentVolumeClaim: { apiVersion: 'v1', namespaced: true, validate: modelValidator(PersistentVolumeClaim) },
  HTTPRoute: { apiVersion: 'gateway.networking.k8s.io/v1', namespaced: true, validate: instanceValidator(HTTPRoute) },
};

/**
 * Models built on @kubernetes-models/base 4 (gateway-api 0.5.1) find their schema through the
 * prototype of `this`, so their validate() on a plain object silently checks nothing; they are
 * called on an instance (one shallow-ish copy; routes are few). Their schema is compiled on the
 * first call (~0.25 s once per process), then ~15 µs per object.
 */
function instanceValidator(Model: new (data: never) => ValidatingModel): Validator {
  return (obj) => {
    try {
      new Model(obj as never).validate();
      return undefined;
    } catch (e) {
      return e instanceof Error ? e.message.replace(/\s+/g, ' ').slice(0, 300) : String(e);
    }
  };
}

/** Kinds a stage's _bootstrap directory may contain: the published models of Argo CD and Flux. */
export const BOOTSTRAP_KINDS: Readonly<Record<string, KindRule>> = {
  ApplicationSet: { apiVersion: 'argoproj.io/v1alpha1', namespaced: true, validate: modelValidator(ApplicationSet) },
  GitRepository: { apiVersion: 'source.toolkit.fluxcd.io/v1', namespaced: true, validate: modelValidator(GitRepository) },
  Kustomization: { apiVersion: 'kustomize.toolkit.fluxcd.io/v1', namespaced: true, validate: modelValidator(Kustomization) },
};

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
// What survives `kustomize build` unchanged: YAML's printable set (tab, LF, CR and the rest of
// Unicode except C0/C1 controls, DEL, lone surrogates, U+FFFE/U+FFFF) minus the BOM, which
// go-yaml refuses to write, and minus NEL, U+2028 and U+2029, which kustomize 5.5 rewrites into
// spaces or folded lines. Our own YAML encodes all of these exactly; Argo CD and Flux would
// apply something else, or fail the whole directory.
const NOT_PRINTABLE = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u2028\u2029\ufeff\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** Whether a string survives kustomize (see NOT_PRINTABLE). */
export function printable(text: string): boolean {
  return !NOT_PRINTABLE.test(text);
}

/** The first string (key or value) in a value that contains a character YAML cannot print. */
function unprintable(value: unknown): string | undefined {
  if (typeof value === 'string') return NOT_PRINTABLE.test(value) ? value : undefined;
  if (Array.isArray(value)) {
    for (const v of value) {
      const bad = unprintable(v);
      if (bad !== undefined) return bad;
    }
  } else if (value !== null && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      const bad = NOT_PRINTABLE.test(k) ? k : unprintable(v);
      if (bad !== undefined) return bad;
    }
  }
  return undefined;
}
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;

export type ObjectProblem =
  | { readonly code: 'render-kind-not-allowed'; readonly kind: string; readonly allowed: string }
  | { readonly code: 'render-invalid-object'; readonly kind: string; readonly name: string; readonly reason: string };

export interface ObjectScope {
  readonly kinds: Readonly<Record<string, KindRule>>;
  /** The namespace every namespaced object must be in (and the Namespace object's name). */
  readonly namespace?: string;
}

export interface CheckOptions {
  /** The caller already knows every string in the document is printable (skeleton path). */
  readonly printableChecked?: boolean;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** undefined when the document is an allowed, valid object for this scope. */
export function checkObject(doc: unknown, scope: ObjectScope, options: CheckOptions = {}): ObjectProblem | undefined {
  const allowed = Object.keys(scope.kinds).join(', ');
  if (!isRecord(doc)) return { code: 'render-kind-not-allowed', kind: Array.isArray(doc) ? '(list)' : String(doc), allowed };
  const kind = typeof doc.kind === 'string' ? doc.kind : String(doc.kind);
  const rule = Object.prototype.hasOwnProperty.call(scope.kinds, kind) ? scope.kinds[kind] : undefined;
  if (!rule) return { code: 'render-kind-not-allowed', kind: kind.slice(0, 80), allowed };
  const metadata = isRecord(doc.metadata) ? doc.metadata : {};
  const name = typeof metadata.name === 'string' ? metadata.name : '';
  const invalid = (reason: string): ObjectProblem => ({ code: 'render-invalid-object', kind, name: name.slice(0, 80), reason });

  if (doc.apiVersion !== rule.apiVersion) return invalid(`apiVersion must be ${rule.apiVersion}`);
  if (!DNS_LABEL.test(name) || name.length > 63) return invalid('metadata.name must be a DNS-1123 label of at most 63 characters');
  // Service names become DNS names and environment variables: they must start with a letter (RFC 1035).
  if (kind === 'Service' && !/^[a-z]/.test(name)) return invalid('a Service name must start with a letter');
  if (scope.namespace !== undefined) {
    if (kind === 'Namespace' && name !== scope.namespace) return invalid('the Namespace must be named <verfahren>-<stage>');
    if (rule.namespaced && metadata.namespace !== scope.namespace) return invalid('metadata.namespace must be the namespace of the Fachverfahren in this stage (<verfahren>-<stage>)');
  } else if (rule.namespaced && (typeof metadata.namespace !== 'string' || !DNS_LABEL.test(metadata.namespace))) {
    return invalid('metadata.namespace must be set');
  }
  if (!rule.namespaced && metadata.namespace !== undefined) return invalid('a cluster-scoped object has no metadata.namespace');
  if (metadata.labels !== undefined) {
    if (!isRecord(metadata.labels)) return invalid('metadata.labels must be a mapping');
    for (const [k, v] of Object.entries(metadata.labels)) {
      if (typeof v !== 'string' || v.length > 63 || !LABEL_VALUE.test(v)) return invalid(`label ${k.slice(0, 80)} has an invalid value`);
    }
  }
  const bad = options.printableChecked ? undefined : unprintable(doc);
  if (bad !== undefined) {
    const c = NOT_PRINTABLE.exec(bad)![0].charCodeAt(0);
    return invalid(`a value contains the control character U+${c.toString(16).toUpperCase().padStart(4, '0')}, which does not survive kustomize`);
  }
  const reason = rule.validate(doc);
  return reason === undefined ? undefined : invalid(reason);
}
