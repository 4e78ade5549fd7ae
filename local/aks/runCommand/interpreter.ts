// The run-command pod's shell: takes the command string and the request's files, runs the one
// program it knows (kubectl create -f) against the kube API handler, and answers like the pod
// would (output and exit code); any other program is not found (127).
import { type SimHandler } from '../contracts';
import { kubectlCreate, type CommandOutcome } from './kubectlCreate';
import { parseKubectl } from './kubectlArgs';
import { splitShellWords } from './shellWords';
import { unpackContext, type CommandFiles } from './zipContext';

export interface RunCommandRequest {
  command: string;
  context?: string;
  /** The `Authorization` header kubectl sends from the command pod (the clusterToken, or the pod's own credentials). */
  authorization: string;
}

export type RunCommandInterpreter = (request: RunCommandRequest) => Promise<CommandOutcome>;

export function createRunCommandInterpreter(kube: SimHandler, now: () => number, client = 'run-command'): RunCommandInterpreter {
  return async (request) => {
    const split = splitShellWords(request.command);
    if (!split.ok) return { exitCode: split.exitCode, logs: split.message };
    const [program, ...args] = split.words;
    if (program === undefined) return { exitCode: 0, logs: '' };
    if (program.split('/').at(-1) !== 'kubectl') return { exitCode: 127, logs: `/bin/sh: ${program}: not found\n` };
    const parsed = parseKubectl(args);
    if (!parsed.ok) return { exitCode: parsed.exitCode, logs: parsed.stderr };
    let files: CommandFiles;
    try {
      files = unpackContext(request.context);
    } catch (error) {
      return { exitCode: 1, logs: `error: ${error instanceof Error ? error.message : String(error)}\n` };
    }
    return kubectlCreate(parsed.create, { kube, files, authorization: request.authorization, client, now });
  };
}
