/**
 * Everything freigabe says about a user's input is a Diagnostic: a stable code, a severity,
 * the file and 1-based line it concerns, the JSON pointer inside the document, and the
 * parameters its localized message is built from (see src/i18n). A thrown error is a bug in
 * freigabe, never a user mistake.
 */

export type Severity = 'error' | 'warning' | 'info';

/** Every finding code freigabe emits. Stable: users and tools depend on them (README table). */
export const FINDING_CODES = {
  // reading files
  'yaml-syntax': 'error',
  'yaml-duplicate-key': 'error',
  'yaml-custom-tag': 'error',
  'yaml-alias-limit': 'error',
  'yaml-too-large': 'error',
  'yaml-too-deep': 'error',
  'yaml-not-utf8': 'error',
  'yaml-multiple-documents': 'error',
  'yaml-empty': 'error',
  // estate layout
  'unknown-file': 'error',
  'invalid-path': 'error',
  'wrong-kind': 'error',
  'name-mismatch': 'error',
  'stage-mismatch': 'error',
  'platform-missing': 'error',
  'booking-without-verfahren': 'error',
  'settings-invalid': 'error',
  'schema-violation': 'error',
  // cross-file integrity
  'unknown-tenant': 'error',
  'unknown-stage': 'error',
  'unknown-size': 'error',
  'unknown-storage-class': 'error',
  'duplicate-stage': 'error',
  'duplicate-component': 'error',
  'duplicate-volume': 'error',
  'duplicate-ingress-host': 'error',
  'ingress-without-port': 'error',
  'name-too-long': 'error',
  'quantity-out-of-range': 'error',
  'egress-destination-invalid': 'error',
  'egress-cidr-too-broad': 'error',
  'egress-not-restricted': 'info',
  'vertretung-expired': 'warning',
  // Kontingent and cost
  'kontingent-exceeded': 'error',
  'stage-ceiling-exceeded': 'error',
  'budget-exceeded': 'error',
  'kontingent-near-limit': 'warning',
  // platform policy
  'registry-not-allowed': 'error',
  'image-not-pinned': 'error',
  'placement-schutzniveau': 'error',
  'placement-hoheitsgebiet': 'error',
  'placement-shared-cluster': 'error',
  // stage order
  'stage-order': 'error',
  'emergency-change': 'warning',
  // rendering
  'template-error': 'error',
  'template-unknown': 'error',
  'render-kind-not-allowed': 'error',
  'render-invalid-object': 'error',
} as const satisfies Record<string, Severity>;

export type FindingCode = keyof typeof FINDING_CODES;
export type DiagnosticParams = Readonly<Record<string, string | number>>;

export interface Diagnostic {
  readonly severity: Severity;
  readonly code: FindingCode;
  /** Path relative to the repository root, '/'-separated. */
  readonly file: string;
  /** 1-based line of the offending key or value; 1 when the whole file is concerned. */
  readonly line: number;
  /** JSON pointer into the document, when the finding concerns one value. */
  readonly path?: string;
  readonly params: DiagnosticParams;
}

export interface DiagnosticInit {
  file: string;
  line: number;
  path?: string;
  params?: DiagnosticParams;
  severity?: Severity;
}

export function diagnostic(code: FindingCode, init: DiagnosticInit): Diagnostic {
  return {
    severity: init.severity ?? FINDING_CODES[code],
    code,
    file: init.file,
    line: Math.max(1, Math.floor(init.line)),
    ...(init.path !== undefined ? { path: init.path } : {}),
    params: init.params ?? {},
  };
}

export function hasErrors(diagnostics: readonly Diagnostic[]): boolean {
  return diagnostics.some((d) => d.severity === 'error');
}

const SEVERITY_ORDER: Record<Severity, number> = { error: 0, warning: 1, info: 2 };

/** Stable order: by file, line, severity, code, path. Output must not depend on rule order. */
export function sortDiagnostics(diagnostics: readonly Diagnostic[]): Diagnostic[] {
  return [...diagnostics].sort(
    (a, b) =>
      cmp(a.file, b.file) ||
      a.line - b.line ||
      SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity] ||
      cmp(a.code, b.code) ||
      cmp(a.path ?? '', b.path ?? '') ||
      cmp(JSON.stringify(a.params), JSON.stringify(b.params)),
  );
}

export function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
