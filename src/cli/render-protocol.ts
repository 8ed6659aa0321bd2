/**
 * Messages between the CLI and its render helper thread (render-assist.ts, render-worker.ts).
 * Rendered texts travel as one string: a single long string is copied at once, tens of
 * thousands of small ones each cost a structured-clone step.
 */
import type { MessagePort } from 'node:worker_threads';
import type { Diagnostic } from '../core/diagnostics.js';
import type { DirectoryOutcome } from '../core/render.js';

export interface HelperData {
  /** The snapshots' files, by snapshot index. */
  readonly snapshots: readonly (readonly [string, Uint8Array])[][];
  /** Snapshot to load before any request (the one most likely rendered in full). */
  readonly preload?: number;
  /** Where replies go; the main thread reads it with receiveMessageOnPort. */
  readonly replies: MessagePort;
}

/** Slots of a render session's shared Int32Array. */
export const SESSION = { next: 0, done: 1, length: 2 } as const;

export interface RenderRequest {
  readonly session: number;
  readonly snapshot: number;
  /** SharedArrayBuffer of SESSION.length Int32 slots: the claim counter and the done flag. */
  readonly control: SharedArrayBuffer;
  readonly count: number;
  readonly stages?: readonly string[];
  readonly verfahren?: readonly string[];
  readonly repoURL?: string;
}

export interface EncodedOutcomes {
  readonly indexes: number[];
  readonly listed: boolean[];
  /** Per outcome: its files as [name, text length] pairs into `texts`, or null when it has none. */
  readonly files: ((readonly [string, number])[] | null)[];
  readonly findings: (readonly (readonly [string, Diagnostic])[])[];
  readonly texts: string;
}

export type RenderReply = { readonly session: number; readonly error: string } | ({ readonly session: number; readonly error?: undefined } & EncodedOutcomes);

export function encodeOutcomes(outcomes: ReadonlyMap<number, DirectoryOutcome>): EncodedOutcomes {
  const encoded: EncodedOutcomes = { indexes: [], listed: [], files: [], findings: [], texts: '' };
  const texts: string[] = [];
  for (const [i, o] of outcomes) {
    encoded.indexes.push(i);
    encoded.listed.push(o.listed);
    encoded.findings.push(o.findings);
    encoded.files.push(o.files ? o.files.map(([name, text]) => (texts.push(text), [name, text.length] as const)) : null);
  }
  return { ...encoded, texts: texts.join('') };
}

export function decodeOutcomes(encoded: EncodedOutcomes): Map<number, DirectoryOutcome> {
  const out = new Map<number, DirectoryOutcome>();
  let at = 0;
  encoded.indexes.forEach((index, k) => {
    const files = encoded.files[k];
    out.set(index, {
      listed: encoded.listed[k],
      findings: encoded.findings[k],
      ...(files
        ? {
            files: files.map(([name, length]) => {
              const text = encoded.texts.slice(at, at + length);
              at += length;
              return [name, text] as const;
            }),
          }
        : {}),
    });
  });
  return out;
}
