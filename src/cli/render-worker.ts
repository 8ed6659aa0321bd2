/**
 * The render helper thread (see render-assist.ts). It loads the estates of the snapshots it was
 * given — the head first, while the main thread loads its own copy — and then renders the
 * directories it claims for each render the main thread starts. Results go back on a port the
 * main thread reads synchronously; a flag in shared memory says they are there.
 *
 * Built into dist/render-worker.mjs (scripts/bundle.mjs); never imported by the CLI itself.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { loadEstate, type ParseCache } from '../core/load.js';
import type { Estate } from '../core/model.js';
import { renderClaimed } from '../core/render.js';
import { snapshotOf } from '../core/snapshot.js';
import { SESSION, encodeOutcomes, type HelperData, type RenderRequest, type RenderReply } from './render-protocol.js';

const data = workerData as HelperData;
const cache: ParseCache = new Map();
const estates = new Map<number, Estate>();

function estate(index: number): Estate {
  let e = estates.get(index);
  if (!e) {
    e = loadEstate({ snapshot: snapshotOf(new Map(data.snapshots[index])), cache }).value;
    estates.set(index, e);
  }
  return e;
}

// Load ahead, before the first request arrives (requests wait in the queue meanwhile).
// A failure here is reported when a request needs the estate.
try {
  if (data.preload !== undefined) estate(data.preload);
} catch {
  // estate() throws again inside the request handler, which replies with the error
}

parentPort!.on('message', (request: RenderRequest) => {
  const control = new Int32Array(request.control);
  let reply: RenderReply;
  try {
    const claim = () => {
      const i = Atomics.add(control, SESSION.next, 1);
      return i < request.count ? i : -1;
    };
    const outcomes = renderClaimed(
      {
        estate: estate(request.snapshot),
        ...(request.stages ? { stages: request.stages } : {}),
        ...(request.verfahren ? { verfahren: new Set(request.verfahren) } : {}),
        ...(request.repoURL !== undefined ? { repoURL: request.repoURL } : {}),
      },
      claim,
    );
    reply = { session: request.session, ...encodeOutcomes(outcomes) };
  } catch (error) {
    reply = { session: request.session, error: error instanceof Error ? error.message : String(error) };
  }
  data.replies.postMessage(reply);
  Atomics.store(control, SESSION.done, 1);
  Atomics.notify(control, SESSION.done);
});
