// `npm run demo -- --http`, started in the background as README.md tells a person to start it:
// the address and function key are read from what it prints, as the person reads them.
import { spawn, type ChildProcess } from 'node:child_process';
import { ROOT, stopGroup, tail, userEnv } from './shell';

/** The line the demo prints once the API is up (local/demo/run.ts). */
const API_UP = /The app's HTTP API is up at (http:\/\/[\d.:[\]]+)\/api \(function key (\S+)\)/;
/** The line the demo prints once its own run finished and the API stays up. */
const RUN_OVER = /The run is over; the HTTP API stays up/;

export interface DemoHttp {
  /** The API's origin: `$BASE/api/...` are its routes. */
  base: string;
  key: string;
  output(): string;
  /** Resolves once the demo's own rollout finished (runs started by a caller then get no 409). */
  runOver: Promise<void>;
  stop(): Promise<void>;
}

export function startDemoHttp(args: readonly string[], timeoutMs: number): Promise<DemoHttp> {
  const child: ChildProcess = spawn('npm', ['run', 'demo', '--', ...args], { cwd: ROOT, env: userEnv(), detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  let exited = false;
  const exit = new Promise<void>((resolve) => child.on('close', () => { exited = true; resolve(); }));
  const watchers: Array<() => void> = [];
  const onData = (chunk: Buffer) => {
    output += chunk.toString();
    for (const watch of watchers) watch();
  };
  child.stdout!.on('data', onData);
  child.stderr!.on('data', onData);

  const waitFor = <T>(read: () => T | undefined, what: string): Promise<T> => new Promise((resolve, reject) => {
    const timer = setTimeout(() => done(new Error(`npm run demo -- ${args.join(' ')}: ${what} not printed within ${timeoutMs} ms. Output:\n${tail(output)}`)), timeoutMs);
    const check = () => {
      const value = read();
      if (value !== undefined) done(undefined, value);
      else if (exited) done(new Error(`npm run demo -- ${args.join(' ')} exited before printing ${what}. Output:\n${tail(output)}`));
    };
    function done(error?: Error, value?: T) {
      clearTimeout(timer);
      watchers.splice(watchers.indexOf(check), 1);
      if (error) reject(error);
      else resolve(value as T);
    }
    watchers.push(check);
    void exit.then(check);
    check();
  });

  const stop = async () => {
    stopGroup(child, 'SIGINT');
    const killer = setTimeout(() => stopGroup(child, 'SIGKILL'), 10_000);
    await exit;
    clearTimeout(killer);
  };

  return waitFor(() => {
    const m = API_UP.exec(output);
    return m ? { base: m[1]!, key: m[2]! } : undefined;
  }, 'the API address and function key')
    .then(({ base, key }) => {
      const runOver = waitFor(() => (RUN_OVER.test(output) ? true : undefined), '"The run is over"').then(() => undefined);
      runOver.catch(() => undefined);
      return { base, key, output: () => output, runOver, stop };
    })
    .catch(async (error: unknown) => {
      await stop();
      throw error;
    });
}
