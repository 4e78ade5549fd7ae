// Entry of `npm run demo`. The functions-core stand-in goes first: @azure/functions caches the
// absence of @azure/functions-core for good the first time anything imports it.
import './standIn';
import { runDemo } from './run';

const interrupted = () =>
  new Promise<void>((resolve) => {
    process.once('SIGINT', () => resolve());
    process.once('SIGTERM', () => resolve());
  });

runDemo(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr, ...(process.stdout.isTTY ? { tty: process.stdout } : {}), env: process.env, interrupted }).then(
  (code) => {
    process.exitCode = code;
    // Keep-alive sockets of the SDK clients may hold the loop a little: do not wait for them.
    setTimeout(() => process.exit(code), 2000).unref();
  },
  (error: unknown) => {
    process.stderr.write(`demo: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exitCode = 1;
    setTimeout(() => process.exit(1), 2000).unref();
  },
);
