// Durable state of the local host, the part that survives a host restart: each instance's status
// record, the history of its current execution, and its inbox (messages delivered but not yet
// processed by an episode: the extension's control-queue messages). In memory, or in a JSON-lines
// file that is replayed on open.
import fs from 'node:fs';
import path from 'node:path';
import type { HistoryEvent, ParentRef } from './history';

export type RuntimeStatus = 'Pending' | 'Running' | 'Completed' | 'ContinuedAsNew' | 'Failed' | 'Terminated' | 'Suspended';

export const TERMINAL: ReadonlySet<RuntimeStatus> = new Set(['Completed', 'Failed', 'Terminated']);

export interface InstanceRecord {
  instanceId: string;
  name: string;
  executionId: string;
  runtimeStatus: RuntimeStatus;
  /** JSON text, as the extension stores them. */
  input: string | null;
  output: string | null;
  customStatus: string | null;
  createdTime: string;
  lastUpdatedTime: string;
  parent?: ParentRef;
  /**
   * Clock time (ms) from which reads see the record. Azure Storage writes the Instances-table row
   * after a start's check and enqueue, so a start made at the same instant cannot see it.
   */
  visibleAt?: number;
}

export interface InboxMessage {
  /** Unique per message, so a redelivered message can be recognized. */
  id: string;
  /** The execution the message is for; messages for an older execution are dropped. */
  executionId?: string;
  /** Clock time (ms) before which the dispatcher does not see the message (a dequeue delay). */
  visibleAt?: number;
  event: HistoryEvent;
}

export interface HistoryStore {
  putInstance(record: InstanceRecord): void;
  getInstance(instanceId: string): InstanceRecord | undefined;
  listInstances(): InstanceRecord[];
  getHistory(instanceId: string): HistoryEvent[];
  appendEvent(instanceId: string, event: HistoryEvent): void;
  /** Keeps the first `length` events (0 starts a new execution's history). */
  truncateHistory(instanceId: string, length: number): void;
  inbox(instanceId: string): InboxMessage[];
  enqueue(instanceId: string, message: InboxMessage): void;
  dequeue(instanceId: string, messageIds: readonly string[]): void;
  /** Deletes the instance, its history and its inbox. */
  purge(instanceId: string): void;
}

export class MemoryHistoryStore implements HistoryStore {
  private readonly records = new Map<string, InstanceRecord>();
  private readonly histories = new Map<string, HistoryEvent[]>();
  private readonly inboxes = new Map<string, InboxMessage[]>();

  putInstance(record: InstanceRecord): void {
    this.records.set(record.instanceId, structuredClone(record));
  }

  getInstance(instanceId: string): InstanceRecord | undefined {
    const r = this.records.get(instanceId);
    return r && structuredClone(r);
  }

  listInstances(): InstanceRecord[] {
    return [...this.records.values()].map((r) => structuredClone(r));
  }

  getHistory(instanceId: string): HistoryEvent[] {
    return structuredClone(this.histories.get(instanceId) ?? []);
  }

  appendEvent(instanceId: string, event: HistoryEvent): void {
    const h = this.histories.get(instanceId) ?? [];
    h.push(structuredClone(event));
    this.histories.set(instanceId, h);
  }

  truncateHistory(instanceId: string, length: number): void {
    const h = this.histories.get(instanceId);
    if (h) h.length = Math.min(h.length, length);
  }

  inbox(instanceId: string): InboxMessage[] {
    return structuredClone(this.inboxes.get(instanceId) ?? []);
  }

  enqueue(instanceId: string, message: InboxMessage): void {
    const q = this.inboxes.get(instanceId) ?? [];
    q.push(structuredClone(message));
    this.inboxes.set(instanceId, q);
  }

  dequeue(instanceId: string, messageIds: readonly string[]): void {
    const drop = new Set(messageIds);
    const q = this.inboxes.get(instanceId);
    if (q) this.inboxes.set(instanceId, q.filter((m) => !drop.has(m.id)));
  }

  purge(instanceId: string): void {
    this.records.delete(instanceId);
    this.histories.delete(instanceId);
    this.inboxes.delete(instanceId);
  }
}

type LogLine =
  | { op: 'put'; record: InstanceRecord }
  | { op: 'append'; id: string; event: HistoryEvent }
  | { op: 'truncate'; id: string; length: number }
  | { op: 'enqueue'; id: string; message: InboxMessage }
  | { op: 'dequeue'; id: string; ids: string[] }
  | { op: 'purge'; id: string };

/**
 * A JSON-lines log of every store operation, replayed into memory on open. Each write is
 * appended synchronously, so what a crash leaves behind is exactly what was written before it.
 */
export class FileHistoryStore implements HistoryStore {
  private readonly memory = new MemoryHistoryStore();

  constructor(readonly file: string) {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    if (fs.existsSync(file)) {
      const lines = fs.readFileSync(file, 'utf8').split('\n');
      lines.forEach((line, i) => {
        if (line.trim() === '') return;
        let parsed: LogLine;
        try {
          parsed = JSON.parse(line) as LogLine;
        } catch {
          // A torn last line is what a crash mid-write leaves; anything earlier is corruption.
          if (i >= lines.length - 2) return;
          throw new Error(`history store ${file}: line ${i + 1} is not JSON`);
        }
        this.apply(parsed);
      });
    }
  }

  private apply(line: LogLine): void {
    switch (line.op) {
      case 'put':
        return this.memory.putInstance(line.record);
      case 'append':
        return this.memory.appendEvent(line.id, line.event);
      case 'truncate':
        return this.memory.truncateHistory(line.id, line.length);
      case 'enqueue':
        return this.memory.enqueue(line.id, line.message);
      case 'dequeue':
        return this.memory.dequeue(line.id, line.ids);
      case 'purge':
        return this.memory.purge(line.id);
    }
  }

  private write(line: LogLine): void {
    fs.appendFileSync(this.file, JSON.stringify(line) + '\n');
    this.apply(line);
  }

  putInstance(record: InstanceRecord): void {
    this.write({ op: 'put', record });
  }
  getInstance(instanceId: string): InstanceRecord | undefined {
    return this.memory.getInstance(instanceId);
  }
  listInstances(): InstanceRecord[] {
    return this.memory.listInstances();
  }
  getHistory(instanceId: string): HistoryEvent[] {
    return this.memory.getHistory(instanceId);
  }
  appendEvent(instanceId: string, event: HistoryEvent): void {
    this.write({ op: 'append', id: instanceId, event });
  }
  truncateHistory(instanceId: string, length: number): void {
    this.write({ op: 'truncate', id: instanceId, length });
  }
  inbox(instanceId: string): InboxMessage[] {
    return this.memory.inbox(instanceId);
  }
  enqueue(instanceId: string, message: InboxMessage): void {
    this.write({ op: 'enqueue', id: instanceId, message });
  }
  dequeue(instanceId: string, messageIds: readonly string[]): void {
    this.write({ op: 'dequeue', id: instanceId, ids: [...messageIds] });
  }
  purge(instanceId: string): void {
    this.write({ op: 'purge', id: instanceId });
  }
}
