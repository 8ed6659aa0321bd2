/**
 * Platform policy (PRODUCT.md 3.3): where images may come from in each stage, that inner
 * stages run digests only, and on which clusters a Fachverfahren may be placed given its
 * Schutzbedarf.
 */
import { diagnostic, type Diagnostic } from './diagnostics.js';
import type { Estate, PlatformDocument, Stage } from './model.js';

export type RegistryClass = 'internal' | 'external';

export interface ImageReference {
  /** Registry host (with port), `docker.io` when the reference names none. */
  readonly registry: string;
  /** host/path without tag or digest, e.g. `registry.itdz.example/wohngeld/web`. */
  readonly repository: string;
  readonly tag?: string;
  readonly digest?: string;
}

/**
 * Splits an image reference the way container runtimes do: the first path segment is a
 * registry only if it contains a dot or a port, or is `localhost`; otherwise Docker Hub is
 * meant (`library/nginx` → `docker.io/library/nginx`).
 */
export function parseImage(image: string): ImageReference {
  const at = image.indexOf('@');
  const digest = at === -1 ? undefined : image.slice(at + 1);
  const name = at === -1 ? image : image.slice(0, at);
  const slash = name.lastIndexOf('/');
  const colon = name.lastIndexOf(':');
  const tag = colon > slash ? name.slice(colon + 1) : undefined;
  const path = colon > slash ? name.slice(0, colon) : name;
  const first = path.split('/')[0];
  const explicit = path.includes('/') && (first.includes('.') || first.includes(':') || first === 'localhost');
  const registry = explicit ? first : 'docker.io';
  return {
    registry,
    repository: explicit ? path : `docker.io/${path}`,
    ...(tag !== undefined ? { tag } : {}),
    ...(digest !== undefined ? { digest } : {}),
  };
}

/**
 * The class of the registry an image comes from. Platform entries may carry a path prefix
 * (`registry.itdz.example/geprueft`); matching is by whole path segments, so
 * `registry.itdz.example.evil.test` is not `registry.itdz.example`.
 */
export function registryClass(platform: PlatformDocument, image: string): RegistryClass | undefined {
  const repository = parseImage(image).repository;
  const matches = (entry: string) => repository === entry || repository.startsWith(`${entry}/`);
  if (platform.spec.registries.internal.some(matches)) return 'internal';
  if ((platform.spec.registries.external ?? []).some(matches)) return 'external';
  return undefined;
}

const DIGEST = /@sha256:[a-f0-9]{64}$/;

/** Stages that take only checked artifacts: internal registries, pinned by digest. */
export function requiresDigest(stage: Stage): boolean {
  return stage.registries.length > 0 && stage.registries.every((r) => r === 'internal');
}

const SCHUTZ_RANK = { normal: 0, hoch: 1, 'sehr-hoch': 2 } as const;

/**
 * The stage whose cluster runs production: the one named `produktion`, else the last stage
 * (promotion ends there).
 */
export function productionStage(platform: PlatformDocument): string | undefined {
  const stages = platform.spec.stages;
  return stages.find((s) => s.name === 'produktion')?.name ?? stages[stages.length - 1]?.name;
}

export function checkPolicy(params: { readonly estate: Estate }): Diagnostic[] {
  const { estate } = params;
  const platform = estate.platform?.data;
  if (!platform) return [];
  const out: Diagnostic[] = [];
  const stages = new Map<string, Stage>();
  for (const s of platform.spec.stages) if (!stages.has(s.name)) stages.set(s.name, s);
  const production = productionStage(platform);

  for (const entry of estate.verfahren.values()) {
    const schutzbedarf = entry.doc?.data.spec.schutzbedarf;
    for (const [stageName, booking] of entry.bookings) {
      const stage = stages.get(stageName);
      if (!stage) continue; // unknown-stage is an integrity finding
      const allowed = new Set<RegistryClass>(stage.registries);
      const pinned = requiresDigest(stage);
      booking.data.spec.components.forEach((c, i) => {
        const path = `/spec/components/${i}/image`;
        // Lines are looked up only for findings: a file's line index is built on first use.
        const where = () => ({ file: booking.file, line: booking.lines.lineOf(path), path });
        const cls = registryClass(platform, c.image);
        if (cls === undefined || !allowed.has(cls)) {
          const hosts = [...allowed].flatMap((a) => (a === 'internal' ? platform.spec.registries.internal : (platform.spec.registries.external ?? [])));
          out.push(diagnostic('registry-not-allowed', { ...where(), params: { image: c.image, stage: stageName, allowed: hosts.join(', '), component: c.name } }));
        }
        if (pinned && !DIGEST.test(c.image)) {
          out.push(diagnostic('image-not-pinned', { ...where(), params: { image: c.image, stage: stageName, component: c.name } }));
        }
      });

      if (schutzbedarf === undefined || schutzbedarf === 'normal') continue;
      // Reported on the booking: it is what places the Fachverfahren on this stage's cluster.
      const where = () => ({ file: booking.file, line: booking.lines.lineOf('/metadata/stage'), path: '/metadata/stage' });
      const cluster = stage.cluster;
      const common = { verfahren: entry.name, schutzbedarf, cluster: cluster.name, stage: stageName };
      if (SCHUTZ_RANK[cluster.schutzniveau] < SCHUTZ_RANK[schutzbedarf]) {
        out.push(diagnostic('placement-schutzniveau', { ...where(), params: { ...common, schutzniveau: cluster.schutzniveau } }));
      }
      if (cluster.hoheitsgebiet !== 'DE') {
        out.push(diagnostic('placement-hoheitsgebiet', { ...where(), params: { ...common, hoheitsgebiet: cluster.hoheitsgebiet } }));
      }
      if (schutzbedarf === 'sehr-hoch' && stageName === production && cluster.shared) {
        out.push(diagnostic('placement-shared-cluster', { ...where(), params: common }));
      }
    }
  }
  return out;
}
