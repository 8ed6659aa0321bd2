/**
 * What a cluster agent (Argo CD or Flux) reports for one Fachverfahren in one stage. The
 * status reader (src/kubernetes) produces these; the dashboard (src/web) and the GitHub
 * deployment statuses (src/github) read them. Plain data, no client objects.
 */
export type WorkloadAgent = 'argocd' | 'flux';

/** Where the stage's cluster stands for one Fachverfahren. `unreachable` is a state, not an error. */
export type WorkloadPhase = 'synced' | 'progressing' | 'degraded' | 'out-of-sync' | 'unknown' | 'unreachable';

export interface WorkloadStatus {
  readonly verfahren: string;
  readonly stage: string;
  readonly agent: WorkloadAgent;
  readonly phase: WorkloadPhase;
  /** The rendered commit the agent last applied (Argo CD `status.sync.revision` when Synced, else its last successful sync; Flux `lastAppliedRevision`'s sha). */
  readonly revision: string | null;
  /** Argo CD health (`Healthy`, `Progressing`, `Degraded`, …) or Flux `Ready` condition status. */
  readonly health: string | null;
  /** Argo CD sync status (`Synced`, `OutOfSync`) or null for Flux. */
  readonly sync: string | null;
  /** The agent's own words on why it is not healthy or not synced (condition message, operation message). */
  readonly message: string | null;
  /** ISO time the status was observed by freigabe. */
  readonly observedAt: string;
  /** The commit the agent is moving to (Argo CD `status.sync.revision`, Flux `lastAttemptedRevision`'s sha), when known. */
  readonly targetRevision?: string | null;
  /** The agent's short reason code (Argo CD condition type or operation phase, Flux `Ready` reason), when not healthy. */
  readonly reason?: string | null;
  /** The cluster as configured: the kubeconfig context, or `in-cluster`. */
  readonly cluster?: string;
}

/** One configured stage's cluster connection, also when it never answered (then no WorkloadStatus exists). */
export interface StageClusterStatus {
  readonly stage: string;
  readonly agent: WorkloadAgent;
  readonly cluster: string;
  readonly reachable: boolean;
  /** Why the cluster is unreachable (the client's error), else null. */
  readonly message: string | null;
  readonly observedAt: string;
}

/** Read side shared by the dashboard and the deployment-status publisher. */
export interface WorkloadStatusSource {
  /** Every known status; an empty list when no cluster is configured. */
  statuses(): readonly WorkloadStatus[];
  /** The configured stages and whether their clusters answer; absent or empty without clusters. */
  stages?(): readonly StageClusterStatus[];
}
