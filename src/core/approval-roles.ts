/**
 * Approval roles per stage (platform.yaml `stages[].roles`) and segregation of duties.
 *
 * A stage may ask, besides its own approval, for further roles: `systempfleger` (the
 * Fachverfahren's Systempfleger from verfahren.yaml), `plattform` (the platform approvers) or a
 * role of `spec.roles` (members there plus those the Fachverfahren's tenant lists), optionally
 * only for a Schutzbedarf or only for a Notfalländerung. Everything is read from the **base**.
 *
 * Segregation of duties (C5 DEV-03): the requirements of one Fachverfahren × stage are filled
 * by distinct people — one person's approval counts for at most one of them — unless the
 * platform sets `segregationOfDuties: false`. Which approval fills which requirement is a
 * bipartite matching, so the order of the reviews never decides whether the gate opens.
 */
import type { ApprovalRequirement, NotCountedWhy } from './approval.js';
import { cmp, diagnostic, type Diagnostic } from './diagnostics.js';
import type { Estate } from './model.js';
import type { ApproverInfo } from '../i18n/approval.js';

const SCHUTZ_RANK: Record<string, number> = { normal: 0, hoch: 1, 'sehr-hoch': 2 };

/** A role a change to a stage needs. */
export interface StageRoleNeed {
  /** `systempfleger`, `plattform` or a role of spec.roles. */
  readonly name: string;
  /** What made it apply, for the reason text. */
  readonly condition?: { readonly schutzbedarf: string } | { readonly notfall: true };
}

/** The higher Schutzbedarf of base and head: lowering it in the same pull request does not drop a role. */
function schutzbedarfOf(base: Estate, head: Estate, verfahren: string): string | undefined {
  const values = [base, head].map((e) => e.verfahren.get(verfahren)?.doc?.data.spec.schutzbedarf).filter((s): s is NonNullable<typeof s> => s !== undefined);
  return values.sort((a, b) => (SCHUTZ_RANK[b] ?? 0) - (SCHUTZ_RANK[a] ?? 0))[0];
}

/**
 * The roles a change to `stage` of `verfahren` needs, by the base's stage definition.
 * `emergency` selects the roles marked `notfall: true` (and only those: the others come with
 * the change itself).
 */
export function stageRoleNeeds(params: { base: Estate; head: Estate; verfahren: string; stage: string; emergency: boolean }): StageRoleNeed[] {
  const def = params.base.platform?.data.spec.stages.find((s) => s.name === params.stage);
  const out: StageRoleNeed[] = [];
  for (const r of def?.roles ?? []) {
    if ((r.notfall === true) !== params.emergency) continue;
    if (r.schutzbedarf !== undefined) {
      const schutz = schutzbedarfOf(params.base, params.head, params.verfahren);
      if (schutz === undefined || !r.schutzbedarf.includes(schutz as (typeof r.schutzbedarf)[number])) continue;
      out.push({ name: r.role, condition: { schutzbedarf: schutz } });
    } else {
      out.push(r.notfall === true ? { name: r.role, condition: { notfall: true } } : { name: r.role });
    }
  }
  return out;
}

/**
 * Members of a named role for one Fachverfahren: the platform's list plus its tenant's (both
 * from the base). `undefined` when the base has no valid verfahren.yaml for a Systempfleger role.
 */
export function roleMembers(base: Estate, role: string, verfahren: string): ApproverInfo[] | undefined {
  const doc = base.verfahren.get(verfahren)?.doc;
  if (role === 'systempfleger') return doc ? unique(doc.data.spec.systempfleger ?? []) : undefined;
  const platform = base.platform?.data.spec.roles?.[role] ?? [];
  const tenant = doc ? (base.tenants.get(doc.data.spec.tenant)?.data.spec.roles?.[role] ?? []) : [];
  return unique([...platform, ...tenant]);
}

function unique(list: readonly string[]): ApproverInfo[] {
  const seen = new Set<string>();
  const out: ApproverInfo[] = [];
  for (const principal of list) {
    if (seen.has(principal.toLowerCase())) continue;
    seen.add(principal.toLowerCase());
    out.push({ principal });
  }
  return out;
}

/**
 * Stages that name a role the platform does not define (error), and Fachverfahren booked in
 * such a stage for whom nobody holds a role it needs (warning: their changes could not be released).
 */
export function checkStageRoles(estate: Estate): Diagnostic[] {
  const platform = estate.platform;
  if (!platform) return [];
  const defined = new Set(Object.keys(platform.data.spec.roles ?? {}));
  const out: Diagnostic[] = [];
  platform.data.spec.stages.forEach((stage, i) => {
    (stage.roles ?? []).forEach((r, j) => {
      if (r.role === 'plattform') return;
      if (r.role !== 'systempfleger' && !defined.has(r.role)) {
        const path = `/spec/stages/${i}/roles/${j}/role`;
        out.push(diagnostic('unknown-role', { file: platform.file, line: platform.lines.lineOf(path), path, params: { stage: stage.name, role: r.role } }));
        return;
      }
      for (const [name, entry] of [...estate.verfahren].sort(([a], [b]) => cmp(a, b))) {
        const doc = entry.doc;
        if (!doc || !entry.bookings.has(stage.name)) continue;
        if (r.schutzbedarf !== undefined && !r.schutzbedarf.includes(doc.data.spec.schutzbedarf)) continue;
        if ((roleMembers(estate, r.role, name) ?? []).length > 0) continue;
        out.push(diagnostic('role-without-members', { file: doc.file, line: doc.lines.lineOf('/metadata/name'), params: { verfahren: name, stage: stage.title, role: r.role } }));
      }
    });
  });
  return out;
}

/** How a requirement's role is named where another requirement took a person's approval. */
export function roleLabel(r: ApprovalRequirement): string {
  if (r.role === 'role') return r.roleName ?? 'role';
  if (r.role === 'platform') return 'plattform';
  return r.role ?? 'verfahrensverantwortliche';
}

/**
 * One person, one role: within every group of requirements of the same Fachverfahren and
 * stage, each approval counts for at most one requirement. A maximum matching (augmenting
 * paths over the requirements' `min` slots) decides who counts where; the others are listed
 * as not counted with the role they already fill.
 */
export function segregateDuties(requirements: readonly ApprovalRequirement[], enabled: boolean): ApprovalRequirement[] {
  const out = [...requirements];
  if (!enabled) return out;
  const groups = new Map<string, number[]>();
  requirements.forEach((r, i) => {
    if (r.verfahren === null) return;
    const key = `${r.verfahren}\u0000${r.stage ?? ''}`;
    groups.set(key, [...(groups.get(key) ?? []), i]);
  });
  for (const members of groups.values()) {
    if (members.length < 2) continue;
    const lower = (s: string) => s.toLowerCase();
    const slots = members.flatMap((i) => Array.from({ length: requirements[i].min }, () => i));
    const people = [...new Set(members.flatMap((i) => requirements[i].approvedBy.map(lower)))].sort(cmp);
    const approved = (person: string, req: number) => requirements[req].approvedBy.some((l) => lower(l) === person);
    const owner: (string | undefined)[] = slots.map(() => undefined);
    const augment = (person: string, seen: Set<number>): boolean => {
      for (let s = 0; s < slots.length; s++) {
        if (seen.has(s) || !approved(person, slots[s])) continue;
        seen.add(s);
        if (owner[s] === undefined || augment(owner[s]!, seen)) {
          owner[s] = person;
          return true;
        }
      }
      return false;
    };
    for (const person of people) augment(person, new Set());
    const assigned = new Map<string, number>();
    owner.forEach((person, s) => person !== undefined && assigned.set(person, slots[s]));
    // Approvals beyond every `min`: they count where they were given first, once.
    for (const person of people) if (!assigned.has(person)) assigned.set(person, members.find((i) => approved(person, i))!);
    for (const i of members) {
      const r = requirements[i];
      const keep = r.approvedBy.filter((l) => assigned.get(lower(l)) === i);
      const moved = r.approvedBy
        .filter((l) => assigned.get(lower(l)) !== i)
        .map((login) => ({ login, why: 'other-role' as NotCountedWhy, countedFor: roleLabel(requirements[assigned.get(lower(login))!]) }));
      if (moved.length === 0) continue;
      // Still blocked by whatever blocked it before (requests for changes, four-eyes gaps); only the count can drop.
      const satisfied = r.satisfied === true && keep.length >= r.min;
      const notCounted = [...(r.notCounted ?? []), ...moved];
      // Whoever counts already, or cannot count (four-eyes, another role), is no candidate; a stale approval may be renewed.
      const unavailable = new Set([...keep, ...notCounted.filter((n) => n.why !== 'stale-commit' && n.why !== 'content-changed').map((n) => n.login)].map(lower));
      out[i] = {
        ...r,
        approvedBy: keep,
        satisfied,
        notCounted,
        candidates: satisfied ? [] : r.approvers.filter((p) => p.startsWith('@') || !unavailable.has(lower(p))),
      };
    }
  }
  return out;
}
