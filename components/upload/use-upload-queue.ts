"use client";

import { useRef } from "react";

/** Uploads running at once; the rest wait their turn, in the order they were queued. */
const MAX_IN_FLIGHT = 2;

export type UploadTask = { key: string; run: () => Promise<void> };

export type UploadQueue = {
  /** Queues the tasks whose key is not already waiting or running; answers the keys it queued. */
  enqueue: (tasks: UploadTask[]) => string[];
  /** True while the row's upload waits or runs, so that a second click cannot queue it twice. */
  isActive: (key: string) => boolean;
};

/**
 * The batch's upload queue. It lives outside React state: it is only touched by event
 * handlers and by the uploads' own callbacks, never during render.
 */
export function useUploadQueue(): UploadQueue {
  const queueRef = useRef<UploadTask[]>([]);
  const inFlightRef = useRef(0);
  const activeKeysRef = useRef(new Set<string>());

  /** Starts queued uploads while fewer than MAX_IN_FLIGHT are running. */
  function pump() {
    while (inFlightRef.current < MAX_IN_FLIGHT) {
      const task = queueRef.current.shift();
      if (!task) return;
      inFlightRef.current += 1;
      void task.run().finally(() => {
        inFlightRef.current -= 1;
        activeKeysRef.current.delete(task.key);
        pump();
      });
    }
  }

  return {
    enqueue(tasks) {
      const fresh = tasks.filter((task) => !activeKeysRef.current.has(task.key));
      for (const task of fresh) {
        activeKeysRef.current.add(task.key);
        queueRef.current.push(task);
      }
      pump();
      return fresh.map((task) => task.key);
    },
    isActive: (key) => activeKeysRef.current.has(key),
  };
}
