/**
 * A small estate for the app's scenarios: one platform (Vorprüfung self-service, Abnahme and
 * Produktion released by the Verfahrensverantwortliche), one tenant, and Fachverfahren with a
 * `web` component per stage. Files are plain text so tests can edit single lines.
 */
export const DIGEST_V1 = `sha256:${'1'.repeat(64)}`;
export const DIGEST_V2 = `sha256:${'2'.repeat(64)}`;
export const IMAGE = (name: string, digest: string) => `registry.itdz.example/${name}/web@${digest}`;

export const PLATFORM = `apiVersion: freigabe/v1
kind: Platform
metadata:
  name: itdz-berlin
spec:
  approvers: [p-admin]
  registries:
    internal: [registry.itdz.example]
    external: [ghcr.io]
  sizes:
    S: { cpu: 250m, memory: 512Mi, pricePerMonth: 15.00 }
    M: { cpu: "1", memory: 2Gi, pricePerMonth: 45.00 }
  storageClasses:
    standard: { pricePerGiBMonth: 0.08 }
  stages:
    - name: vorpruefung
      title: Vorprüfung
      approval: none
      registries: [internal, external]
      cluster: { name: caas-test, server: https://caas-test.itdz.example, hoheitsgebiet: DE, schutzniveau: hoch, shared: true }
    - name: abnahme
      title: Abnahme
      approval: verfahrensverantwortliche
      registries: [internal]
      cluster: { name: caas-abnahme, server: https://caas-abnahme.itdz.example, hoheitsgebiet: DE, schutzniveau: hoch, shared: true }
    - name: produktion
      title: Produktion
      approval: verfahrensverantwortliche
      registries: [internal]
      cluster: { name: caas-prod, server: https://caas-prod.itdz.example, hoheitsgebiet: DE, schutzniveau: hoch, shared: false }
`;

export const tenant = (cpu = '100') => `apiVersion: freigabe/v1
kind: Tenant
metadata:
  name: bezirksamt-mitte
spec:
  title: Bezirksamt Mitte von Berlin
  approvers: [t-leitung]
  kontingent:
    cpu: "${cpu}"
    memory: 400Gi
    storage: 500Gi
    budgetPerMonth: 100000.00
`;

export const verfahren = (name: string, vvs: readonly string[] = ['m-schulz']) => `apiVersion: freigabe/v1
kind: Verfahren
metadata:
  name: ${name}
spec:
  title: ${name} online
  tenant: bezirksamt-mitte
  verfahrensverantwortliche: [${vvs.join(', ')}]
  schutzbedarf: hoch
`;

export const booking = (name: string, stage: string, opts: { digest?: string; replicas?: number; size?: string } = {}) => `apiVersion: freigabe/v1
kind: Booking
metadata:
  name: ${name}
  stage: ${stage}
spec:
  components:
    - name: web
      image: ${IMAGE(name, opts.digest ?? DIGEST_V1)}
      size: ${opts.size ?? 'S'}
      replicas: ${opts.replicas ?? 1}
      port: 8080
`;

/** The base of every scenario: `count` Fachverfahren, V2 already in Vorprüfung, V1 in Abnahme and Produktion. */
export function baseEstate(count = 1, names: readonly string[] = ['wohngeld']): Record<string, string> {
  const files: Record<string, string> = {
    'environments/platform.yaml': PLATFORM,
    'environments/tenants/bezirksamt-mitte.yaml': tenant(),
    'README.md': '# estate\n',
  };
  const all = [...names, ...Array.from({ length: Math.max(0, count - names.length) }, (_, i) => `verfahren-${i + 1}`)];
  for (const name of all) {
    files[`environments/verfahren/${name}/verfahren.yaml`] = verfahren(name);
    files[`environments/verfahren/${name}/vorpruefung.yaml`] = booking(name, 'vorpruefung', { digest: DIGEST_V2 });
    files[`environments/verfahren/${name}/abnahme.yaml`] = booking(name, 'abnahme');
    files[`environments/verfahren/${name}/produktion.yaml`] = booking(name, 'produktion');
  }
  return files;
}

/** 1-based line of the first line containing `needle`. */
export function lineOf(text: string, needle: string): number {
  const i = text.split('\n').findIndex((l) => l.includes(needle));
  if (i < 0) throw new Error(`"${needle}" not in text`);
  return i + 1;
}
