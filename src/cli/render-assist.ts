/**
 * Rendering on two cores. Rendering a large estate (thousands of Fachverfahren directories) is
 * most of what `validate`, `render` and a full `plan` spend; the CLI starts one helper thread
 * (render-worker.ts) that loads its own copy of the estate and then takes directories from the
 * same numbered list as the main thread (core/render.ts, RenderAssist). The output does not
 * depend on who rendered what: the main thread assembles every stage in order.
 *
 * The core is synchronous, so the main thread waits for the helper's results with Atomics.wait
 * and reads them with receiveMessageOnPort. Should the helper fail or not answer, the main
 * thread renders the helper's directories itself.
 *
 * FREIGABE_RENDER_THREADS: unset = automatic (a helper only for large renders on a machine with
 * two or more cores), 1 = never, 2 = always (the tests use it on small estates).
 */
import { availableParallelism } from 'node:os';
import { MessageChannel, receiveMessageOnPort, Worker, type MessagePort } from 'node:worker_threads';
import type { AssistSession, DirectoryOutcome, RenderAssist, RenderParams } from '../core/render.js';
import type { Snapshot } from '../core/snapshot.js';
import { uiText, type Locale } from '../i18n/cli.js';
import { UsageError } from './errors.js';
import type { CommandIO } from './options.js';
import { SESSION, decodeOutcomes, type HelperData, type RenderReply, type RenderRequest } from './render-protocol.js';

/** In automatic mode: estates smaller than this are rendered by the main thread alone. */
export const AUTO_MIN_FILES = 1000;
/** In automatic mode: renders of fewer directories do not wait for the helper. */
export const AUTO_MIN_DIRECTORIES = 300;
/** How long the main thread waits for the helper's last directories before rendering them itself. */
const REPLY_TIMEOUT_MS = 30_000;

export type ThreadMode = 'auto' | 'off' | 'always';

export function threadMode(env: Readonly<Record<string, string | undefined>>, locale: Locale): ThreadMode {
  const raw = env.FREIGABE_RENDER_THREADS;
  if (raw === undefined || raw === '') return 'auto';
  if (raw === '1') return 'off';
  if (raw === '2') return 'always';
  throw new UsageError(uiText(locale).cli.badValue('FREIGABE_RENDER_THREADS', raw, '1, 2'));
}

export interface HelperOptions {
  /** The helper's script (dist/render-worker.mjs); without it, no helper. */
  readonly workerFile: string | undefined;
  readonly mode: ThreadMode;
  readonly snapshots: readonly Snapshot[];
  /** Index of the snapshot to load ahead. */
  readonly preload?: number;
}

/** A session of RenderHelper; `claimed` lets tests wait until the helper has taken its share. */
export interface HelperSession extends AssistSession {
  /** Directories claimed so far by either thread. */
  claimed(): number;
}

export class RenderHelper {
  private session = 0;
  private alive = true;

  private constructor(
    private readonly worker: Worker,
    private readonly replies: MessagePort,
    private readonly snapshots: readonly Snapshot[],
    private readonly mode: ThreadMode,
  ) {}

  /** Starts the helper when the mode and the estate's size call for one. */
  static start(options: HelperOptions): RenderHelper | undefined {
    const { workerFile, mode, snapshots } = options;
    if (!workerFile || mode === 'off') return undefined;
    if (mode === 'auto' && (availableParallelism() < 2 || Math.max(...snapshots.map((s) => s.files.size)) < AUTO_MIN_FILES)) return undefined;
    const channel = new MessageChannel();
    const data: HelperData = {
      snapshots: snapshots.map((s) => [...s.files.entries()]),
      ...(options.preload !== undefined ? { preload: options.preload } : {}),
      replies: channel.port2,
    };
    const worker = new Worker(workerFile, { workerData: data, transferList: [channel.port2] });
    const helper = new RenderHelper(worker, channel.port1, snapshots, mode);
    // The main thread is mostly blocked while the helper works; its errors arrive as events later.
    worker.on('error', () => (helper.alive = false));
    worker.on('exit', () => (helper.alive = false));
    worker.unref();
    return helper;
  }

  /** The RenderAssist for one render of `snapshot`'s estate with these parameters. */
  assist(snapshot: Snapshot, params: Pick<RenderParams, 'stages' | 'verfahren' | 'repoURL'> = {}): (RenderAssist & { start(count: number): HelperSession | undefined }) | undefined {
    const index = this.snapshots.indexOf(snapshot);
    if (index < 0) return undefined;
    return {
      start: (count: number): HelperSession | undefined => {
        if (!this.alive || (this.mode === 'auto' && count < AUTO_MIN_DIRECTORIES)) return undefined;
        const session = ++this.session;
        const control = new Int32Array(new SharedArrayBuffer(SESSION.length * Int32Array.BYTES_PER_ELEMENT));
        const request: RenderRequest = {
          session,
          snapshot: index,
          control: control.buffer as SharedArrayBuffer,
          count,
          ...(params.stages ? { stages: params.stages } : {}),
          ...(params.verfahren ? { verfahren: [...params.verfahren] } : {}),
          ...(params.repoURL !== undefined ? { repoURL: params.repoURL } : {}),
        };
        this.worker.postMessage(request);
        let mine = 0;
        return {
          claim: () => {
            const i = Atomics.add(control, SESSION.next, 1);
            if (i >= count) return -1;
            mine++;
            return i;
          },
          finish: () => (mine === count ? new Map() : this.collect(session, control)),
          claimed: () => Math.min(count, Atomics.load(control, SESSION.next)),
        };
      },
    };
  }

  /** The helper's outcomes of a session; an empty map when it failed (the caller renders them). */
  private collect(session: number, control: Int32Array): ReadonlyMap<number, DirectoryOutcome> {
    const deadline = Date.now() + REPLY_TIMEOUT_MS;
    while (Atomics.load(control, SESSION.done) === 0) {
      const left = deadline - Date.now();
      if (left <= 0) {
        this.close();
        return new Map();
      }
      Atomics.wait(control, SESSION.done, 0, left);
    }
    for (let m = receiveMessageOnPort(this.replies); m; m = receiveMessageOnPort(this.replies)) {
      const reply = m.message as RenderReply;
      if (reply.session !== session) continue; // a render the helper joined too late to claim anything
      if (reply.error !== undefined) return new Map();
      return decodeOutcomes(reply);
    }
    return new Map();
  }

  close(): void {
    this.alive = false;
    void this.worker.terminate();
  }
}

/**
 * Runs `fn` with a render helper over `snapshots` when the estate is large enough (see
 * RenderHelper.start), and stops the helper afterwards.
 */
export function withRenderHelper<T>(io: CommandIO, locale: Locale, snapshots: readonly Snapshot[], preload: number, fn: (helper: RenderHelper | undefined) => T): T {
  const helper = RenderHelper.start({ workerFile: io.renderWorker, mode: threadMode(io.env, locale), snapshots, preload });
  try {
    return fn(helper);
  } finally {
    helper?.close();
  }
}
