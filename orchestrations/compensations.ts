// The undo list of a saga: each step that changed something pushes how to put it back; on
// failure or cancel they run newest first, each on its own, so one failed undo never skips
// the others.
import type { Op } from './flow';

interface Undo {
  /** What the undo does, for the warning when it fails ("uncordon the node"). */
  what: string;
  run: () => Op<unknown>;
}

export class Compensations {
  private readonly undos: Undo[] = [];

  /** Whether anything is left to undo. */
  get pending(): boolean {
    return this.undos.length > 0;
  }

  push(what: string, run: () => Op<unknown>): void {
    this.undos.push({ what, run });
  }

  /** Runs every undo, newest first; returns a warning for each that failed. */
  *runAll(): Op<string[]> {
    const failures: string[] = [];
    for (let undo = this.undos.pop(); undo; undo = this.undos.pop()) {
      try {
        yield* undo.run();
      } catch (error) {
        failures.push(`could not ${undo.what}: ${error instanceof Error ? error.message.slice(0, 200) : String(error)}`);
      }
    }
    return failures;
  }
}
