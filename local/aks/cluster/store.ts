// The object store behind the fake apiserver: one table per resource, a cluster-wide
// resourceVersion that every write bumps, uids, generation on spec changes, and a bounded
// history of changes for watches that resume from a resourceVersion.
import type { KubeObject, ResourceKey } from './types';
import type { Prng } from './prng';

export type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED';

export interface StoreEvent {
  type: WatchEventType;
  resource: ResourceKey;
  /** A snapshot taken at the time of the change (copied on first read). */
  readonly object: KubeObject;
  /** The stored object itself, for listeners that only read keys and labels right away. */
  live: KubeObject;
  resourceVersion: number;
}

export type StoreListener = (event: StoreEvent) => void;

const HISTORY = 5000;

export function objectKey(namespace: string | undefined, name: string): string {
  return namespace ? `${namespace}/${name}` : name;
}

export function clone<T>(value: T): T {
  return structuredClone(value);
}

export class Store {
  private rv = 1;
  private readonly tables = new Map<ResourceKey, Map<string, KubeObject>>();
  private readonly history: StoreEvent[] = [];
  private readonly listeners = new Set<StoreListener>();
  /** Off while a scenario is built: nobody can watch yet, and copies of every object cost. */
  keepHistory = true;

  constructor(private readonly prng: Prng, private readonly now: () => string) {}

  get resourceVersion(): number {
    return this.rv;
  }

  /** The oldest resourceVersion a watch can still resume from. */
  get oldestResumable(): number {
    return this.history[0] ? this.history[0].resourceVersion - 1 : this.historyStart;
  }

  private historyStart = 1;

  /** Turns change history on or off; when it starts again, a watch can resume from now on. */
  setKeepHistory(on: boolean): void {
    if (on && !this.keepHistory) this.historyStart = this.rv;
    this.keepHistory = on;
  }

  table(resource: ResourceKey): Map<string, KubeObject> {
    let t = this.tables.get(resource);
    if (!t) {
      t = new Map();
      this.tables.set(resource, t);
    }
    return t;
  }

  get<T extends KubeObject>(resource: ResourceKey, namespace: string | undefined, name: string): T | undefined {
    return this.table(resource).get(objectKey(namespace, name)) as T | undefined;
  }

  /** Live objects (not copies), sorted by key as etcd returns them. */
  list<T extends KubeObject>(resource: ResourceKey, namespace?: string): T[] {
    const all = [...this.table(resource).entries()];
    const filtered = namespace ? all.filter(([, o]) => o.metadata.namespace === namespace) : all;
    return filtered.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, o]) => o as T);
  }

  /** Live objects in insertion order, for the model's own loops (no sorting cost). */
  values<T extends KubeObject>(resource: ResourceKey): IterableIterator<T> {
    return this.table(resource).values() as IterableIterator<T>;
  }

  /** Stores a new object, stamping uid, resourceVersion, generation and creationTimestamp. */
  create<T extends KubeObject>(resource: ResourceKey, obj: T): T {
    const m = obj.metadata;
    m.uid = this.prng.uuid();
    m.creationTimestamp = this.now();
    m.generation = 1;
    m.resourceVersion = String(++this.rv);
    this.table(resource).set(objectKey(m.namespace, m.name), obj);
    this.emit('ADDED', resource, obj);
    return obj;
  }

  /** Records an in-place change of a stored object (bumps its resourceVersion). */
  touch<T extends KubeObject>(resource: ResourceKey, obj: T): T {
    obj.metadata.resourceVersion = String(++this.rv);
    this.emit('MODIFIED', resource, obj);
    return obj;
  }

  /** Replaces a stored object with `obj` (same key). */
  replace<T extends KubeObject>(resource: ResourceKey, obj: T): T {
    this.table(resource).set(objectKey(obj.metadata.namespace, obj.metadata.name), obj);
    return this.touch(resource, obj);
  }

  remove(resource: ResourceKey, obj: KubeObject): void {
    const key = objectKey(obj.metadata.namespace, obj.metadata.name);
    if (this.table(resource).get(key) !== obj) return;
    this.table(resource).delete(key);
    obj.metadata.resourceVersion = String(++this.rv);
    this.emit('DELETED', resource, obj);
  }

  subscribe(listener: StoreListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Changes of `resource` after `rv`, or undefined when they are no longer kept (410 Gone). */
  since(resource: ResourceKey, rv: number): StoreEvent[] | undefined {
    if (rv < this.oldestResumable) return undefined;
    return this.history.filter((e) => e.resource === resource && e.resourceVersion > rv);
  }

  private emit(type: WatchEventType, resource: ResourceKey, obj: KubeObject): void {
    let snapshot: KubeObject | undefined = this.keepHistory ? clone(obj) : undefined;
    const event: StoreEvent = {
      type, resource, live: obj, resourceVersion: this.rv,
      get object() {
        snapshot ??= clone(obj);
        return snapshot;
      },
    };
    if (this.keepHistory) {
      this.history.push(event);
      if (this.history.length > 2 * HISTORY) this.history.splice(0, HISTORY);
    } else this.history.length = 0;
    for (const l of this.listeners) l(event);
  }
}
