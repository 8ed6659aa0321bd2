/**
 * Rendering: estate → Kubernetes manifests per stage and Fachverfahren, through our own strict
 * Handlebars instance with YAML-safe helpers; every document parsed back and validated.
 * OWNER: render work (issue 2). Stub: signatures are fixed, the body is to be written.
 */
import type { Diagnostic } from './diagnostics.js';
import type { Estate } from './model.js';

export interface RenderParams {
  readonly estate: Estate;
  /** Only these stages (default: all). */
  readonly stages?: readonly string[];
  /** Only these Fachverfahren (default: all); bootstrap objects are rendered regardless. */
  readonly verfahren?: ReadonlySet<string>;
  /** Git URL of the repository holding the rendered branches, for the bootstrap objects. */
  readonly repoURL?: string;
}

export interface RenderResult {
  /** '<stage>/<verfahren>/<file>.yaml' and '<stage>/_bootstrap/<file>.yaml' → YAML text. Sorted keys. */
  readonly files: ReadonlyMap<string, string>;
  readonly diagnostics: Diagnostic[];
}

export function renderEstate(_params: RenderParams): RenderResult {
  return { files: new Map(), diagnostics: [] };
}
