/**
 * Stage order (PRODUCT.md 3.4): an image enters stage N only after it ran in stage N-1 on the
 * base. A `notfall` label turns violations into marked emergency changes.
 *
 * The order and the predecessor's images are read from the base only: a pull request cannot
 * open its own way by reordering stages or by setting N-1 and N to the same new digest.
 */
import type { Change } from './changes.js';
import { cmp, diagnostic, type Diagnostic } from './diagnostics.js';
import { stageNames, type Estate } from './model.js';

export interface StageOrderParams {
  readonly base: Estate;
  readonly head: Estate;
  readonly changes: readonly Change[];
  readonly labels?: readonly string[];
}

export interface StageOrderResult {
  readonly diagnostics: Diagnostic[];
  /** True when the pull request is an emergency change that skipped the order. */
  readonly emergency: boolean;
}

/** The label that turns a stage-order violation into a Notfalländerung. */
export const EMERGENCY_LABEL = 'notfall';

export function isEmergencyLabelled(labels: readonly string[] | undefined): boolean {
  return (labels ?? []).some((l) => l.trim().toLowerCase() === EMERGENCY_LABEL);
}

/** One component whose image enters a stage without having run in the stage before it. */
export interface StageOrderViolation {
  readonly verfahren: string;
  readonly stage: string;
  /** The stage the image has to pass first. */
  readonly previous: string;
  readonly component: string;
  readonly image: string;
  readonly file: string;
  readonly line: number;
  readonly pointer: string;
}

/**
 * The stage before `stage`: by the base order; a stage only head defines is placed by the head
 * order, behind the nearest stage before it that the base knows.
 */
function previousStage(base: Estate, head: Estate, stage: string): string | undefined {
  const baseOrder = stageNames(base);
  const i = baseOrder.indexOf(stage);
  if (i >= 0) return i === 0 ? undefined : baseOrder[i - 1];
  const headOrder = stageNames(head);
  const j = headOrder.indexOf(stage);
  if (j <= 0) return undefined;
  for (let k = j - 1; k >= 0; k--) if (baseOrder.includes(headOrder[k])) return headOrder[k];
  return headOrder[j - 1];
}

/**
 * The pull request that creates the estate: its base holds no file under the estate root.
 * Nothing has run in any stage yet, so there is no order to keep (the platform change still
 * needs its approval). A base whose files are merely broken is not an initial import.
 */
export function isInitialImport(base: Estate): boolean {
  const root = `${base.settings.root}/`;
  for (const file of base.files.keys()) if (file.startsWith(root)) return false;
  return true;
}

export function stageOrderViolations(params: Omit<StageOrderParams, 'labels'>): StageOrderViolation[] {
  const { base, head, changes } = params;
  const out: StageOrderViolation[] = [];
  if (isInitialImport(base)) return out;
  for (const change of changes) {
    if (change.verfahren === null || change.stage === null) continue;
    if (change.kind !== 'promotion' && change.kind !== 'created') continue;
    const booking = head.verfahren.get(change.verfahren)?.bookings.get(change.stage);
    if (!booking) continue;
    const previous = previousStage(base, head, change.stage);
    if (previous === undefined) continue;
    const before = base.verfahren.get(change.verfahren)?.bookings.get(change.stage);
    const beforeImages = new Map((before?.data.spec.components ?? []).map((c) => [c.name, c.image]));
    const passed = new Map((base.verfahren.get(change.verfahren)?.bookings.get(previous)?.data.spec.components ?? []).map((c) => [c.name, c.image]));
    booking.data.spec.components.forEach((c, index) => {
      if (beforeImages.get(c.name) === c.image) return;
      // The full reference decides: the same tag with another digest is another artifact.
      if (passed.get(c.name) === c.image) return;
      const pointer = `/spec/components/${index}/image`;
      out.push({
        verfahren: change.verfahren!,
        stage: change.stage!,
        previous,
        component: c.name,
        image: c.image,
        file: booking.file,
        line: booking.lines.lineOf(pointer),
        pointer,
      });
    });
  }
  return out.sort((a, b) => cmp(a.file, b.file) || a.line - b.line || cmp(a.component, b.component));
}

/** Display title of a stage: base first (the policy in force), then head, then its name. */
export function stageTitle(base: Estate, head: Estate, stage: string): string {
  const find = (e: Estate) => e.platform?.data.spec.stages.find((s) => s.name === stage)?.title;
  return find(base) ?? find(head) ?? stage;
}

export function checkStageOrder(params: StageOrderParams): StageOrderResult {
  const violations = stageOrderViolations(params);
  const emergency = violations.length > 0 && isEmergencyLabelled(params.labels);
  const diagnostics = violations.map((v) => {
    const common = {
      file: v.file,
      line: v.line,
      path: v.pointer,
      params: {
        verfahren: v.verfahren,
        component: v.component,
        image: v.image,
        stage: stageTitle(params.base, params.head, v.stage),
        previous: stageTitle(params.base, params.head, v.previous),
      },
    };
    return emergency ? diagnostic('emergency-change', common) : diagnostic('stage-order', common);
  });
  return { diagnostics, emergency };
}
