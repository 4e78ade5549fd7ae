// What the recorder keeps of a request's content, so tests can ask what reached the cluster:
// the path and query as received, a write's body, and a run-command's command and context
// files — never its `clusterToken` nor any header (they carry credentials).
import { type SimRequest } from './contracts';
import { unpackContext } from './runCommand/zipContext';

/** The request's path and query string, percent-encoded as received. */
export function requestTarget(req: SimRequest): string {
  const query = req.query.toString();
  return query === '' ? req.path : `${req.path}?${query}`;
}

/** A body as text, for writes (POST, PUT, PATCH, DELETE with options); undefined when empty. */
export function writeBody(req: SimRequest): string | undefined {
  if (req.method === 'GET' || req.body.length === 0) return undefined;
  return req.body.toString('utf8');
}

export interface RunCommandContent {
  command: string;
  /** Each file of the context zip by path, as text (the manifests `kubectl -f` reads). */
  files: Record<string, string>;
}

/** The command and context files of a runCommand body; undefined when it is not one the handler accepts. */
export function runCommandContent(req: SimRequest): RunCommandContent | undefined {
  let body: { command?: unknown; context?: unknown };
  try {
    body = JSON.parse(req.body.toString('utf8')) as typeof body;
  } catch {
    return undefined;
  }
  if (typeof body?.command !== 'string') return undefined;
  const files: Record<string, string> = {};
  try {
    for (const [name, data] of unpackContext(typeof body.context === 'string' ? body.context : undefined)) files[name] = data.toString('utf8');
  } catch {
    // An unreadable context is refused by the command itself; the command text is still kept.
  }
  return { command: body.command, files };
}
