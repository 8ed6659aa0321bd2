/**
 * What Argo CD and Flux objects say, as WorkloadStatus (plain data in, plain data out; no
 * client). Objects come from a cluster and are read defensively: a missing or odd field is
 * "unknown", never an exception.
 *
 * Argo CD: one `Application` `<verfahren>-<stage>` per Fachverfahren (freigabe's
 * ApplicationSet labels it `freigabe.io/stage` and `freigabe.io/verfahren`).
 * Flux: one `Kustomization` `freigabe-<stage>` per stage (label `freigabe.io/stage`); its
 * state holds for every Fachverfahren of the stage, which its inventory lists by namespace
 * (`<verfahren>-<stage>`).
 */
import type { WorkloadPhase, WorkloadStatus } from './workload-status.js';

type Obj = Record<string, unknown>;

export const STAGE_LABEL = 'freigabe.io/stage';
export const VERFAHREN_LABEL = 'freigabe.io/verfahren';
export const MANAGED_BY_SELECTOR = 'app.kubernetes.io/managed-by=freigabe';

/** Reasons that mean the agent could not do its work (GitHub state `error`), not that the workload failed (`failure`). */
export const AGENT_ERROR_REASONS: ReadonlySet<string> = new Set(['ComparisonError', 'InvalidSpecError', 'UnknownError', 'OperationError', 'ArtifactFailed']);

function obj(v: unknown): Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Obj) : {};
}
function str(v: unknown): string | null {
  return typeof v === 'string' && v !== '' ? v : null;
}
function list(v: unknown): Obj[] {
  return Array.isArray(v) ? v.map(obj) : [];
}

const SHA = /^[0-9a-f]{40}([0-9a-f]{24})?$/;

/** The commit in a Flux revision: `rendered/produktion@sha1:<sha>`, `sha1:<sha>`, or the older `<branch>/<sha>`. */
export function fluxRevisionSha(revision: unknown): string | null {
  const text = str(revision);
  if (!text) return null;
  const at = /(?:^|@)sha(?:1|256):([0-9a-f]+)$/.exec(text);
  if (at && SHA.test(at[1])) return at[1];
  const legacy = text.slice(text.lastIndexOf('/') + 1);
  return SHA.test(legacy) ? legacy : null;
}

function sha(v: unknown): string | null {
  const text = str(v);
  return text && SHA.test(text) ? text : null;
}

export interface ObjectIdentity {
  readonly stage: string | null;
  readonly verfahren: string | null;
}

/** Stage and Fachverfahren of an Application: its labels, else its name `<verfahren>-<stage>` for a known stage. */
export function applicationIdentity(app: unknown, stages: readonly string[]): ObjectIdentity {
  const meta = obj(obj(app).metadata);
  const labels = obj(meta.labels);
  const name = str(meta.name) ?? '';
  const stage = str(labels[STAGE_LABEL]) ?? stages.find((s) => name.endsWith(`-${s}`)) ?? null;
  const verfahren = str(labels[VERFAHREN_LABEL]) ?? (stage && name.endsWith(`-${stage}`) ? name.slice(0, -(stage.length + 1)) || null : null);
  return { stage, verfahren };
}

/** Stage of a Flux Kustomization: its label, else its name `freigabe-<stage>`. */
export function kustomizationStage(k: unknown): string | null {
  const meta = obj(obj(k).metadata);
  const name = str(meta.name) ?? '';
  return str(obj(meta.labels)[STAGE_LABEL]) ?? (name.startsWith('freigabe-') ? name.slice('freigabe-'.length) || null : null);
}

interface Observation {
  readonly cluster: string;
  readonly observedAt: string;
}

/** One Argo CD Application as the status of its Fachverfahren in its stage. */
export function applicationStatus(app: unknown, identity: { stage: string; verfahren: string }, seen: Observation): WorkloadStatus {
  const status = obj(obj(app).status);
  const sync = obj(status.sync);
  const health = obj(status.health);
  const operation = obj(status.operationState);
  const syncStatus = str(sync.status);
  const healthStatus = str(health.status);
  const opPhase = str(operation.phase);
  const history = list(status.history);
  const errorCondition = list(status.conditions).find((c) => str(c.type)?.endsWith('Error'));

  const targetRevision = sha(sync.revision) ?? sha(obj(obj(operation.operation).sync).revision);
  // `sync.revision` is what the live state was compared with: applied only when Synced.
  const revision =
    syncStatus === 'Synced' ? sha(sync.revision) : opPhase === 'Succeeded' ? sha(obj(operation.syncResult).revision) : sha(history[history.length - 1]?.revision);

  let phase: WorkloadPhase;
  let reason: string | null = null;
  let message: string | null = null;
  if (opPhase === 'Running' || opPhase === 'Terminating') {
    phase = 'progressing';
    reason = 'Syncing';
    message = str(operation.message);
  } else if (errorCondition) {
    phase = 'degraded';
    reason = str(errorCondition.type);
    message = str(errorCondition.message);
  } else if ((opPhase === 'Failed' || opPhase === 'Error') && syncStatus !== 'Synced') {
    phase = 'degraded';
    reason = opPhase === 'Error' ? 'OperationError' : 'SyncFailed';
    message = str(operation.message);
  } else if (healthStatus === 'Degraded') {
    phase = 'degraded';
    reason = 'Degraded';
    message = str(health.message);
  } else if (syncStatus === 'OutOfSync') {
    phase = 'out-of-sync';
    reason = 'OutOfSync';
  } else if (syncStatus === 'Synced' && healthStatus === 'Healthy') {
    phase = 'synced';
  } else if (healthStatus === 'Progressing') {
    phase = 'progressing';
    reason = 'Progressing';
    message = str(health.message);
  } else {
    phase = 'unknown';
    reason = healthStatus ?? syncStatus;
    message = str(health.message);
  }
  return {
    verfahren: identity.verfahren,
    stage: identity.stage,
    agent: 'argocd',
    phase,
    revision,
    health: healthStatus,
    sync: syncStatus,
    message,
    observedAt: seen.observedAt,
    targetRevision,
    reason,
    cluster: seen.cluster,
  };
}

function condition(k: Obj, type: string): Obj | undefined {
  return list(obj(k.status).conditions).find((c) => c.type === type);
}

/** A Flux Kustomization as the status of its whole stage (`verfahren` is empty; see `fluxVerfahren`). */
export function kustomizationStatus(k: unknown, stage: string, seen: Observation): WorkloadStatus {
  const o = obj(k);
  const status = obj(o.status);
  const ready = condition(o, 'Ready');
  const stalled = condition(o, 'Stalled');
  const reconciling = condition(o, 'Reconciling');
  const readyStatus = str(ready?.status);
  const revision = fluxRevisionSha(status.lastAppliedRevision);
  const targetRevision = fluxRevisionSha(status.lastAttemptedRevision) ?? revision;

  let phase: WorkloadPhase;
  let reason: string | null = null;
  let message: string | null = null;
  if (obj(o.spec).suspend === true) {
    phase = 'unknown';
    reason = 'Suspended';
  } else if (stalled?.status === 'True') {
    phase = 'degraded';
    reason = str(stalled.reason) ?? 'Stalled';
    message = str(stalled.message);
  } else if (readyStatus === 'False') {
    phase = 'degraded';
    reason = str(ready?.reason) ?? 'NotReady';
    message = str(ready?.message);
  } else if (readyStatus === 'True' && revision !== null && targetRevision === revision) {
    phase = 'synced';
  } else if (readyStatus === 'Unknown' || reconciling?.status === 'True' || (readyStatus === 'True' && targetRevision !== revision)) {
    phase = 'progressing';
    reason = str(reconciling?.reason) ?? str(ready?.reason) ?? 'Progressing';
    message = str(reconciling?.message) ?? str(ready?.message);
  } else {
    phase = 'unknown';
  }
  return {
    verfahren: '',
    stage,
    agent: 'flux',
    phase,
    revision,
    health: readyStatus,
    sync: null,
    message,
    observedAt: seen.observedAt,
    targetRevision,
    reason,
    cluster: seen.cluster,
  };
}

/** The Fachverfahren a Flux Kustomization applied: its inventory's namespaces `<verfahren>-<stage>`. */
export function fluxVerfahren(k: unknown, stage: string): string[] {
  const out = new Set<string>();
  for (const entry of list(obj(obj(k).status).inventory ? obj(obj(obj(k).status).inventory).entries : [])) {
    // Inventory ids are `<namespace>_<name>_<group>_<kind>`; a Namespace is `_<name>__Namespace`.
    const id = str(entry.id);
    const m = id ? /^_([a-z0-9-]+)__Namespace$/.exec(id) : null;
    if (m && m[1].endsWith(`-${stage}`) && m[1].length > stage.length + 1) out.add(m[1].slice(0, -(stage.length + 1)));
  }
  return [...out].sort();
}
