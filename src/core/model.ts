/**
 * The loaded estate: every readable, schema-valid document with its file and line index.
 * Documents that failed to parse or to match their schema are left out (their Diagnostics
 * say why), so later rules only ever see well-formed data.
 */
import type {
  BookingDocument,
  PlatformDocument,
  SettingsDocument,
  TenantDocument,
  VerfahrenDocument,
  Component,
  Stage,
} from './generated/estate-types.js';
import type { LineIndex } from './yaml.js';

export type { BookingDocument, PlatformDocument, SettingsDocument, TenantDocument, VerfahrenDocument, Component, Stage };

export interface Located<T> {
  /** Repository-relative path. */
  readonly file: string;
  readonly data: T;
  readonly lines: LineIndex;
}

export interface Settings {
  readonly root: string;
  readonly templates: string;
  readonly locale: 'de' | 'en';
  /** `branch` is the deploy repository's branch; it only matters with `repository`. */
  readonly output: { readonly branchPrefix: string; readonly repository?: string; readonly branch: string };
  readonly reconcileIntervalMinutes: number;
}

export const DEFAULT_SETTINGS: Settings = {
  root: 'environments',
  templates: 'templates',
  locale: 'de',
  output: { branchPrefix: 'rendered/', branch: 'main' },
  reconcileIntervalMinutes: 60,
};

export const SETTINGS_FILE = '.github/freigabe.yml';

export interface VerfahrenEntry {
  /** Directory name under <root>/verfahren/. */
  readonly name: string;
  readonly dir: string;
  /** Undefined when verfahren.yaml is missing or invalid. */
  readonly doc?: Located<VerfahrenDocument>;
  /** Valid bookings by stage (the file name without .yaml). */
  readonly bookings: ReadonlyMap<string, Located<BookingDocument>>;
  /** Every booking file present, valid or not, by stage (for change detection). */
  readonly bookingFiles: ReadonlyMap<string, string>;
}

export interface TemplateOverride {
  readonly file: string;
  readonly text: string;
}

export interface Estate {
  readonly settings: Settings;
  readonly platform?: Located<PlatformDocument>;
  readonly tenants: ReadonlyMap<string, Located<TenantDocument>>;
  readonly verfahren: ReadonlyMap<string, VerfahrenEntry>;
  /** Template overrides from the repository's templates directory, by template file name. */
  readonly templates: ReadonlyMap<string, TemplateOverride>;
  /** Raw bytes of every file under the estate root and templates dir, for change detection. */
  readonly files: ReadonlyMap<string, Uint8Array>;
  /**
   * Raw bytes of this snapshot's own .github/freigabe.yml, also when the settings in force were
   * given from elsewhere (the GitHub app takes them from the default branch): a pull request
   * that edits the settings file is a platform change whatever settings apply.
   */
  readonly settingsFile?: Uint8Array;
}

export function stageNames(estate: Estate): string[] {
  return estate.platform?.data.spec.stages.map((s) => s.name) ?? [];
}

export function findStage(estate: Estate, name: string): Stage | undefined {
  return estate.platform?.data.spec.stages.find((s) => s.name === name);
}
