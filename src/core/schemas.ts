/**
 * JSON Schema validation of estate documents (ajv, draft 2020-12, all errors). Each schema
 * error becomes a Diagnostic on the line of the offending key or value.
 */
import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import localizeModule from 'ajv-i18n';
import { schemas } from './generated/schemas.js';
import { diagnostic, type Diagnostic } from './diagnostics.js';
import { escapePointer, type LineIndex } from './yaml.js';

export type DocumentKind = 'Platform' | 'Tenant' | 'Verfahren' | 'Booking' | 'Settings';

const SCHEMA_BY_KIND: Record<DocumentKind, keyof typeof schemas> = {
  Platform: 'platform',
  Tenant: 'tenant',
  Verfahren: 'verfahren',
  Booking: 'booking',
  Settings: 'settings',
};

// CommonJS default-export interop for ajv-formats and ajv-i18n under NodeNext.
const addFormats = ((addFormatsModule as unknown as { default?: unknown }).default ?? addFormatsModule) as unknown as (ajv: Ajv2020) => void;
const localize = ((localizeModule as unknown as { default?: unknown }).default ?? localizeModule) as unknown as Record<
  'de' | 'en',
  (errors: ErrorObject[]) => void
>;

let validators: Map<DocumentKind, ValidateFunction> | undefined;

/** Compiled once per process: compiling is the expensive part, validating is cheap. */
function getValidators(): Map<DocumentKind, ValidateFunction> {
  if (validators) return validators;
  const ajv = new Ajv2020({ allErrors: true, strict: true, allowUnionTypes: true });
  addFormats(ajv);
  ajv.addSchema(schemas.common as object);
  const map = new Map<DocumentKind, ValidateFunction>();
  for (const [kind, name] of Object.entries(SCHEMA_BY_KIND) as [DocumentKind, keyof typeof schemas][]) {
    map.set(kind, ajv.compile(schemas[name] as object));
  }
  validators = map;
  return map;
}

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
  const validate = getValidators().get(kind);
  if (!validate || validate(value)) return [];
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
