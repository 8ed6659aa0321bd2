/**
 * Long computations written as generators that yield between units of work (a file, a
 * directory). The CLI runs them at once; the GitHub app runs them in slices, handing its event
 * loop back between slices so a replica keeps answering webhooks while it loads or renders a
 * large estate. Either way the result is the same: slicing only decides when the next step runs.
 */

/** Runs the steps to their end at once. */
export function runSteps<T>(steps: Generator<void, T>): T {
  for (;;) {
    const step = steps.next();
    if (step.done) return step.value;
  }
}

/**
 * Runs the steps, calling `pause` (e.g. a `setImmediate` promise) whenever `sliceMs` of work
 * have passed since the last pause.
 */
export async function runStepsInSlices<T>(steps: Generator<void, T>, pause: () => Promise<void>, sliceMs = 10, now: () => number = Date.now): Promise<T> {
  let sliceStart = now();
  for (;;) {
    const step = steps.next();
    if (step.done) return step.value;
    if (now() - sliceStart >= sliceMs) {
      await pause();
      sliceStart = now();
    }
  }
}
