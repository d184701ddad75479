"use client";

import pLimit from "p-limit";
import { useRef, useState } from "react";

/**
 * Uploads running at once; the rest wait their turn, in the order they were queued. Each is
 * its own request to the upload route, so they really run side by side on the server (the
 * bytes of one arrive while another is stored, its text read in the parse workers).
 */
export const MAX_IN_FLIGHT = 4;

export type UploadTask = { key: string; run: () => Promise<void> };

export type UploadQueue = {
  /** Queues the tasks whose key is not already waiting or running; answers the keys it queued. */
  enqueue: (tasks: UploadTask[]) => string[];
  /** True while the row's upload waits or runs, so that a second click cannot queue it twice. */
  isActive: (key: string) => boolean;
};

/**
 * The batch's upload queue (p-limit keeps at most MAX_IN_FLIGHT running). It lives outside
 * React state: it is only touched by event handlers and by the uploads' own callbacks.
 */
export function useUploadQueue(): UploadQueue {
  const [limit] = useState(() => pLimit(MAX_IN_FLIGHT));
  const activeKeysRef = useRef(new Set<string>());

  return {
    enqueue(tasks) {
      const fresh = tasks.filter((task) => !activeKeysRef.current.has(task.key));
      for (const task of fresh) {
        activeKeysRef.current.add(task.key);
        // A task reports its own failure on its row; the queue only frees the key.
        void limit(task.run)
          .catch(() => undefined)
          .finally(() => activeKeysRef.current.delete(task.key));
      }
      return fresh.map((task) => task.key);
    },
    isActive: (key) => activeKeysRef.current.has(key),
  };
}
