// What every rollout benchmark counts as a safe run, from the simulator's facts only: the run
// completed, no PDB was violated, no node was left cordoned and no node rebooted twice.
import type { RunOutcome } from '../core/runTypes';
import type { Simulator } from '../local/aks';

type Summary = ReturnType<Simulator['recorder']['summary']>;

export function invariantsHeld(outcome: RunOutcome, summary: Summary): boolean {
  return outcome === 'completed'
    && summary.invariants.pdbViolations.length === 0
    && summary.invariants.nodesLeftCordoned.length === 0
    && summary.nodes.reboots.every((r) => r.rebootCount <= 1);
}
