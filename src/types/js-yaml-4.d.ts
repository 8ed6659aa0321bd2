// js-yaml 4 under the npm alias `js-yaml-4` (src/core/yaml.ts uses its fast loader; js-yaml 5's
// event parser gives the source positions). Only what we call is declared.
declare module 'js-yaml-4' {
  export interface Schema {
    readonly __brand: 'js-yaml-4 schema';
  }
  export const CORE_SCHEMA: Schema;
  export interface LoadOptions {
    filename?: string;
    schema?: Schema;
    json?: boolean;
    maxDepth?: number;
  }
  export function load(text: string, options?: LoadOptions): unknown;
}
