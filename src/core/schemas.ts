/**
 * JSON Schema validation of estate documents (ajv, draft 2020-12, all errors). Each schema
 * error becomes a Diagnostic on the line of the offending key or value.
 */
import type { ErrorObject } from 'ajv/dist/2020.js';
import localizeModule from 'ajv-i18n';
import * as compiled from './generated/validators.js';
import { diagnostic, type Diagnostic } from './diagnostics.js';
import { escapePointer, type LineIndex } from './yaml.js';

export type DocumentKind = 'Platform' | 'Tenant' | 'Verfahren' | 'Booking' | 'Settings';

/** An ajv validation function: true, or false with `errors` set. */
interface ValidateFunction {
  (data: unknown): boolean;
  errors?: ErrorObject[] | null;
}

/**
 * The validators are ajv's standalone code, generated from schemas/ by `npm run generate`
 * (Ajv2020 with allErrors, strict, allowUnionTypes and ajv-formats), so no process compiles
 * schemas at start-up. test/generated.test.ts fails when they drift from the schemas.
 */
const VALIDATORS: Record<DocumentKind, ValidateFunction> = {
  Platform: compiled.platform as ValidateFunction,
  Tenant: compiled.tenant as ValidateFunction,
  Verfahren: compiled.verfahren as ValidateFunction,
  Booking: compiled.booking as ValidateFunction,
  Settings: compiled.settings as ValidateFunction,
};

// CommonJS default-export interop for ajv-i18n under NodeNext.
const localize = ((localizeModule as unknown as { default?: unknown }).default ?? localizeModule) as unknown as Record<
  'de' | 'en',
  (errors: ErrorObject[]) => void
>;

/** The JSON pointer an error is best reported at: the unknown key itself, not its parent. */
function errorPointer(error: ErrorObject): string {
  const p = error.params as Record<string, unknown>;
  if (error.keyword === 'additionalProperties' && typeof p.additionalProperty === 'string') {
    return `${error.instancePath}/${escapePointer(p.additionalProperty)}`;
  }
  if (error.keyword === 'propertyNames' && typeof p.propertyName === 'string') {
    return `${error.instancePath}/${escapePointer(p.propertyName)}`;
  }
  return error.instancePath;
}

function messageIn(locale: 'de' | 'en', error: ErrorObject): string {
  const copy = { ...error };
  localize[locale]([copy]);
  return copy.message ?? error.keyword;
}

/** Keywords whose errors only say "one of the branches failed"; the branch errors say more. */
const NOISE = new Set(['if', 'anyOf', 'oneOf']);

export function validateSchema(kind: DocumentKind, file: string, value: unknown, lines: LineIndex): Diagnostic[] {
  const validate = VALIDATORS[kind];
  if (validate(value)) return [];
  const seen = new Set<string>();
  const out: Diagnostic[] = [];
  for (const error of validate.errors ?? []) {
    if (NOISE.has(error.keyword)) continue;
    const pointer = errorPointer(error);
    const key = `${pointer} ${error.keyword} ${JSON.stringify(error.params)}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(
      diagnostic('schema-violation', {
        file,
        line: lines.lineOf(pointer),
        path: pointer,
        params: {
          pointer: pointer || '/',
          keyword: error.keyword,
          de: messageIn('de', error),
          en: messageIn('en', error),
        },
      }),
    );
  }
  return out;
}
