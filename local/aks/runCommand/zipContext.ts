// The files of a run-command request: its `context` is a base64 zip (as `az aks command invoke
// --file` builds it, base64 wrapped at 76 columns), unpacked into the command's working directory.
import { unzipSync, zipSync } from 'fflate';

export type CommandFiles = ReadonlyMap<string, Buffer>;

export function unpackContext(context: string | undefined): CommandFiles {
  if (context === undefined || context.trim() === '') return new Map();
  const zip = Buffer.from(context.replace(/\s+/g, ''), 'base64');
  let entries: Record<string, Uint8Array>;
  try {
    entries = unzipSync(new Uint8Array(zip));
  } catch (error) {
    throw new Error(`run-command context: not a base64 zip file (${error instanceof Error ? error.message : String(error)})`, { cause: error });
  }
  const files = new Map<string, Buffer>();
  for (const [name, data] of Object.entries(entries)) {
    if (name.endsWith('/')) continue;
    files.set(normalizePath(name), Buffer.from(data));
  }
  return files;
}

/** `./a//b/../c` → `a/c`; absolute paths stay absolute (and match no context file). */
export function normalizePath(path: string): string {
  const absolute = path.startsWith('/');
  const parts: string[] = [];
  for (const part of path.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') parts.pop();
    else parts.push(part);
  }
  return (absolute ? '/' : '') + parts.join('/');
}

/** The files `-f <path>` names: the file itself, or a directory's manifests (recursively with -R). */
export function filesForPath(files: CommandFiles, path: string, recursive: boolean): string[] | undefined {
  const target = normalizePath(path);
  if (files.has(target)) return [target];
  const prefix = target === '' ? '' : `${target}/`;
  const inside = [...files.keys()].filter((name) => name.startsWith(prefix)).sort();
  if (inside.length === 0) return undefined;
  return inside.filter((name) => (recursive || !name.slice(prefix.length).includes('/')) && /\.(ya?ml|json)$/.test(name));
}

/** Builds a run-command `context` the way `az aks command invoke --file` does: each file by its base name, zipped, base64 wrapped at 76 columns. */
export function zipCommandContext(files: Record<string, string | Uint8Array>): string {
  const entries: Record<string, Uint8Array> = {};
  for (const [name, content] of Object.entries(files)) {
    entries[name.split('/').at(-1)!] = typeof content === 'string' ? new TextEncoder().encode(content) : content;
  }
  const base64 = Buffer.from(zipSync(entries)).toString('base64');
  return `${base64.replace(/.{76}/g, '$&\n')}\n`;
}
