import { watch, type FSWatcher } from 'node:fs';
import type { Logger } from '../../shared/logger.port';
import { errorMessage } from '../redelivery';

interface TopicWatch {
  listeners: Set<() => void>;
  watcher: FSWatcher | undefined;
}

/**
 * Tells tailing consumers that a topic's logs may have grown. Appends made through this
 * process's bus are announced directly (no latency); appends by other processes are noticed by
 * fs.watch on the topic directory. fs.watch is best effort (network file systems, inotify
 * limits), so consumers also poll on an interval; a failed watcher just leaves the polling.
 */
export class LogSignals {
  private readonly topics = new Map<string, TopicWatch>();

  constructor(
    private readonly topicDir: (topic: string) => string,
    private readonly logger: Logger,
  ) {}

  /** Calls `listener` whenever `topic` may have new records; returns the unsubscribe function. */
  listen(topic: string, listener: () => void): () => void {
    let entry = this.topics.get(topic);
    if (!entry) {
      entry = { listeners: new Set(), watcher: undefined };
      entry.watcher = this.watchDir(topic, entry.listeners);
      this.topics.set(topic, entry);
    }
    entry.listeners.add(listener);
    const current = entry;
    return () => {
      current.listeners.delete(listener);
      if (current.listeners.size > 0 || this.topics.get(topic) !== current) return;
      current.watcher?.close();
      this.topics.delete(topic);
    };
  }

  notify(topic: string): void {
    for (const listener of this.topics.get(topic)?.listeners ?? []) listener();
  }

  close(): void {
    for (const entry of this.topics.values()) entry.watcher?.close();
    this.topics.clear();
  }

  private watchDir(topic: string, listeners: Set<() => void>): FSWatcher | undefined {
    const fallback = (error: unknown) =>
      this.logger.warn('fs.watch unavailable for an embedded bus topic; relying on polling', { topic, error: errorMessage(error) });
    try {
      const watcher = watch(this.topicDir(topic), { persistent: false }, () => {
        for (const listener of listeners) listener();
      });
      watcher.on('error', (error) => {
        fallback(error);
        watcher.close();
      });
      return watcher;
    } catch (error) {
      fallback(error);
      return undefined;
    }
  }
}
