/**
 * What a pull request changes, from base estate to head estate, per Fachverfahren and stage.
 * OWNER: gate work (issue 3). Stub: signatures are fixed, the body is to be written.
 */
import type { Estate } from './model.js';

export type ChangeKind = 'promotion' | 'booking' | 'created' | 'deleted' | 'settings';

export interface ComponentState {
  readonly image: string;
  readonly size: string;
  readonly replicas: number;
}

export interface ComponentChange {
  readonly name: string;
  readonly before?: ComponentState;
  readonly after?: ComponentState;
}

export interface Change {
  /** null for platform-wide changes (platform.yaml, tenants, templates, settings). */
  readonly verfahren: string | null;
  /** null for changes not tied to one stage (verfahren.yaml, platform, tenants). */
  readonly stage: string | null;
  readonly kind: ChangeKind;
  readonly components: readonly ComponentChange[];
  /** Repository-relative files behind this change. */
  readonly files: readonly string[];
}

export interface ChangesParams {
  readonly base: Estate;
  readonly head: Estate;
}

export function computeChanges(_params: ChangesParams): Change[] {
  return [];
}
