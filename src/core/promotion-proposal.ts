/**
 * Promotion proposals (PRODUCT.md §4.3): after stage N of a Fachverfahren got new images, the
 * booking of stage N+1 with the same images — as a minimal text edit of the existing file, so
 * the comments and formatting its authors wrote survive and the pull request diff shows only
 * the image lines. Pure: the GitHub adapter (src/github/publication/promotion-pr.ts) opens the pull request.
 */
import { cmp } from './diagnostics.js';
import { findStage, stageNames, type BookingDocument, type Estate, type Located } from './model.js';
import { parseYaml } from './yaml.js';

export interface ImageChange {
  readonly verfahren: string;
  readonly stage: string;
  readonly components: readonly string[];
}

/**
 * Stages whose images changed from base to head, per Fachverfahren (a component added with an
 * image counts; a removed component does not — there is nothing to promote).
 */
export function imageChanges(params: { readonly base: Estate; readonly head: Estate }): ImageChange[] {
  const out: ImageChange[] = [];
  for (const [name, entry] of [...params.head.verfahren.entries()].sort((a, b) => cmp(a[0], b[0]))) {
    for (const stage of stageNames(params.head)) {
      const after = entry.bookings.get(stage);
      if (!after) continue;
      const before = params.base.verfahren.get(name)?.bookings.get(stage);
      const old = new Map((before?.data.spec.components ?? []).map((c) => [c.name, c.image]));
      const changed = after.data.spec.components.filter((c) => old.get(c.name) !== c.image).map((c) => c.name);
      if (changed.length > 0) out.push({ verfahren: name, stage, components: changed.sort(cmp) });
    }
  }
  return out;
}

/** The stage after `stage` in platform order, if any. */
export function nextStage(estate: Estate, stage: string): string | undefined {
  const names = stageNames(estate);
  const i = names.indexOf(stage);
  return i >= 0 && i + 1 < names.length ? names[i + 1] : undefined;
}

/** The stage before `stage` in platform order, if any. */
export function previousStage(estate: Estate, stage: string): string | undefined {
  const names = stageNames(estate);
  const i = names.indexOf(stage);
  return i > 0 ? names[i - 1] : undefined;
}

export interface PromotedComponent {
  readonly name: string;
  /** Image in the target stage before the proposal; undefined for a new booking. */
  readonly before?: string;
  readonly after: string;
}

export interface PromotionProposal {
  readonly verfahren: string;
  readonly from: string;
  readonly to: string;
  /** Repository-relative path of the target booking. */
  readonly file: string;
  /** The proposed content of that file. */
  readonly text: string;
  /** True when the target stage had no booking and the file is new. */
  readonly created: boolean;
  readonly components: readonly PromotedComponent[];
  /** Components of the source stage that the target stage does not book (not proposed). */
  readonly missing: readonly string[];
  /** Head branch of the promotion pull request. */
  readonly branch: string;
  readonly title: string;
  readonly body: string;
}

export interface ProposalParams {
  /** The estate on the default branch after the merge. */
  readonly estate: Estate;
  readonly verfahren: string;
  /** The stage whose images are promoted (N). */
  readonly from: string;
  /** The pull request that changed stage N, for the body (owner/repo#n and its URL). */
  readonly source?: { readonly repository: string; readonly number: number; readonly url?: string };
  /** The commit on the default branch the proposal is based on. */
  readonly sourceSha?: string;
  readonly locale?: 'de' | 'en';
}

export type ProposalResult =
  | { readonly ok: true; readonly proposal: PromotionProposal }
  | { readonly ok: false; readonly reason: 'last-stage' | 'no-booking' | 'up-to-date' | 'unknown-stage' | 'not-editable'; readonly detail?: string };

export function promotionBranch(verfahren: string, stage: string): string {
  return `freigabe/promote/${verfahren}/${stage}`;
}

/** Hidden marker in the body; finds the pull request again even if the branch was renamed. */
export function promotionMarker(verfahren: string, stage: string): string {
  return `<!-- freigabe:promotion ${verfahren} ${stage} -->`;
}

const decoder = new TextDecoder('utf-8');

/**
 * Replaces `oldValue` as the value of `key` on 1-based line `line` (or the line after it, for a
 * value written below its key), quoted or plain. Returns undefined when the text there does
 * not look like we expect — then we rather not edit than edit the wrong thing.
 */
function replaceValue(lines: string[], line: number, key: string, oldValue: string, newValue: string): boolean {
  for (const i of [line - 1, line]) {
    const text = lines[i];
    if (text === undefined) continue;
    const keyAt = i === line - 1 ? text.search(new RegExp(`(^|[\\s{,-])${key}\\s*:`)) : 0;
    if (keyAt < 0) continue;
    const from = i === line - 1 ? text.indexOf(':', keyAt) + 1 : 0;
    const rest = text.slice(from);
    const m = /^(\s*)(["']?)([^"',}\s#]+)\2/.exec(rest);
    if (!m || m[3] !== oldValue) continue;
    const start = from + m[1].length + m[2].length;
    lines[i] = text.slice(0, start) + newValue + text.slice(start + oldValue.length);
    return true;
  }
  return false;
}

function splitLines(text: string): { lines: string[]; eol: string } {
  const eol = text.includes('\r\n') ? '\r\n' : '\n';
  return { lines: text.split(eol), eol };
}

function componentsByName(b: Located<BookingDocument>): Map<string, { index: number; image: string }> {
  return new Map(b.data.spec.components.map((c, index) => [c.name, { index, image: c.image }]));
}

/**
 * The booking of the stage after `from` with `from`'s images. An existing booking is edited on
 * the image lines only; a missing one is copied from `from` with its `metadata.stage` changed.
 */
export function proposePromotion(params: ProposalParams): ProposalResult {
  const { estate, verfahren, from } = params;
  const en = params.locale === 'en';
  if (!findStage(estate, from)) return { ok: false, reason: 'unknown-stage', detail: from };
  const to = nextStage(estate, from);
  if (!to) return { ok: false, reason: 'last-stage' };
  const entry = estate.verfahren.get(verfahren);
  const source = entry?.bookings.get(from);
  if (!entry || !source) return { ok: false, reason: 'no-booking', detail: from };
  const sourceBytes = estate.files.get(source.file);
  if (!sourceBytes) return { ok: false, reason: 'no-booking', detail: from };

  const target = entry.bookings.get(to);
  const wanted = componentsByName(source);
  let text: string;
  let file: string;
  const components: PromotedComponent[] = [];
  const missing: string[] = [];

  if (target) {
    file = target.file;
    const bytes = estate.files.get(target.file);
    if (!bytes) return { ok: false, reason: 'not-editable', detail: target.file };
    const original = decoder.decode(bytes);
    const { lines, eol } = splitLines(original);
    const have = componentsByName(target);
    for (const [name, w] of [...wanted.entries()].sort((a, b) => cmp(a[0], b[0]))) {
      const h = have.get(name);
      if (!h) {
        missing.push(name);
        continue;
      }
      if (h.image === w.image) continue;
      const line = target.lines.lineOf(`/spec/components/${h.index}/image`);
      if (!replaceValue(lines, line, 'image', h.image, w.image)) {
        return { ok: false, reason: 'not-editable', detail: `${target.file}:${line}` };
      }
      components.push({ name, before: h.image, after: w.image });
    }
    if (components.length === 0) return { ok: false, reason: 'up-to-date' };
    text = lines.join(eol);
  } else {
    file = `${entry.dir}/${to}.yaml`;
    const { lines, eol } = splitLines(decoder.decode(sourceBytes));
    const line = source.lines.lineOf('/metadata/stage');
    if (!replaceValue(lines, line, 'stage', from, to)) return { ok: false, reason: 'not-editable', detail: `${source.file}:${line}` };
    text = lines.join(eol);
    for (const [name, w] of [...wanted.entries()].sort((a, b) => cmp(a[0], b[0]))) components.push({ name, after: w.image });
  }

  // The edit must still parse to the same booking with the new images: a safety net for the
  // line-based edit, never expected to fire.
  const check = parseYaml(file, new TextEncoder().encode(text));
  const parsed = check.value as BookingDocument | undefined;
  const ok =
    check.diagnostics.length === 0 &&
    parsed?.metadata?.stage === to &&
    components.every((c) => parsed.spec?.components?.find((x) => x.name === c.name)?.image === c.after);
  if (!ok) return { ok: false, reason: 'not-editable', detail: file };

  const fromTitle = findStage(estate, from)?.title ?? from;
  const toTitle = findStage(estate, to)?.title ?? to;
  const title = en
    ? `Promotion ${verfahren} to ${toTitle}: ${components.map((c) => c.name).join(', ')}`
    : `Promotion ${verfahren} nach ${toTitle}: ${components.map((c) => c.name).join(', ')}`;
  const body = proposalBody({ ...params, to, fromTitle, toTitle, file, created: !target, components, missing, en });
  return {
    ok: true,
    proposal: { verfahren, from, to, file, text, created: !target, components, missing, branch: promotionBranch(verfahren, to), title, body },
  };
}

/** sha256:… digest of an image reference, or the reference itself when it has none. */
export function digestOf(image: string | undefined): string {
  if (!image) return '—';
  const at = image.indexOf('@');
  return at >= 0 ? image.slice(at + 1) : image;
}

function code(s: string): string {
  return `\`${s.replaceAll('`', "'")}\``;
}

function proposalBody(p: ProposalParams & {
  to: string; fromTitle: string; toTitle: string; file: string; created: boolean;
  components: readonly PromotedComponent[]; missing: readonly string[]; en: boolean;
}): string {
  const { en } = p;
  const out: string[] = [promotionMarker(p.verfahren, p.to), ''];
  const src = p.source ? (p.source.url ? `[${p.source.repository}#${p.source.number}](${p.source.url})` : `${p.source.repository}#${p.source.number}`) : undefined;
  if (en) {
    out.push(`**${p.fromTitle}** of Fachverfahren **${p.verfahren}** runs new images${src ? ` since ${src}` : ''}${p.sourceSha ? ` (commit ${p.sourceSha.slice(0, 12)})` : ''}. This pull request proposes the same digests for **${p.toTitle}**.`);
  } else {
    out.push(`In **${p.fromTitle}** laufen für das Fachverfahren **${p.verfahren}** neue Images${src ? ` seit ${src}` : ''}${p.sourceSha ? ` (Commit ${p.sourceSha.slice(0, 12)})` : ''}. Dieser Pull Request schlägt dieselben Digests für **${p.toTitle}** vor.`);
  }
  out.push('');
  out.push(en ? `| component | ${p.toTitle} before | new (from ${p.fromTitle}) |` : `| Komponente | ${p.toTitle} bisher | neu (aus ${p.fromTitle}) |`);
  out.push('|---|---|---|');
  for (const c of p.components) out.push(`| ${c.name} | ${c.before ? code(digestOf(c.before)) : '—'} | ${code(digestOf(c.after))} |`);
  out.push('');
  out.push(en ? `Images:` : `Images:`);
  for (const c of p.components) out.push(`- ${c.name}: ${code(c.after)}`);
  if (p.created) {
    out.push('');
    out.push(en
      ? `${p.toTitle} had no booking yet: ${code(p.file)} is copied from ${p.fromTitle}. Please check sizes, replicas and ingress hosts.`
      : `${p.toTitle} hatte noch keine Buchung: ${code(p.file)} ist aus ${p.fromTitle} übernommen. Bitte Größen, Replikate und Ingress-Hosts prüfen.`);
  }
  if (p.missing.length > 0) {
    out.push('');
    out.push(en
      ? `Not proposed, because ${p.toTitle} does not book them: ${p.missing.join(', ')}. Add them to ${code(p.file)} if they belong there.`
      : `Nicht vorgeschlagen, weil ${p.toTitle} sie nicht bucht: ${p.missing.join(', ')}. Bitte in ${code(p.file)} ergänzen, falls sie dorthin gehören.`);
  }
  out.push('');
  out.push(en
    ? `The Verfahrensverantwortliche release the promotion by approving this pull request. freigabe keeps this branch up to date; commits pushed to it by hand are replaced on the next refresh.`
    : `Die Verfahrensverantwortlichen geben die Promotion frei, indem sie diesen Pull Request genehmigen. freigabe hält diesen Branch aktuell; von Hand gepushte Commits werden bei der nächsten Aktualisierung ersetzt.`);
  return out.join('\n');
}
