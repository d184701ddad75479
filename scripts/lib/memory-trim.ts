import v8 from "node:v8";
import vm from "node:vm";

/**
 * Gives back the memory of garbage Buffers and ArrayBuffers soon after a burst of work.
 *
 * The portal's JavaScript heap stays small (some 50 MB) while the buffers its requests
 * and the embedded database go through live outside it (Node's "external" memory). V8
 * collects those only when its own heap asks for a collection, so after a journey of a
 * few pages and one upload the process could hold 400 MB of dead buffers for minutes
 * (measured: RSS 794 MB before a full collection, 423 MB after). Every `intervalMs` this
 * looks at the external memory; when it has grown by more than `growthMb` since the last
 * collection, it runs a full one. Under steady load that is at most one collection per
 * interval (tens of milliseconds each for a heap this size). One collection runs when
 * it starts, after the start's own work.
 */
export function startMemoryTrim({ intervalMs = 2_000, growthMb = 32 } = {}): () => void {
  const collect = fullCollection();
  // The start itself (migrations, the demo seeding, Next's preparation) leaves garbage
  // behind: collect it once, now that the server is ready.
  collect();
  let afterLast = process.memoryUsage().external;
  const timer = setInterval(() => {
    const external = process.memoryUsage().external;
    if (external - afterLast < growthMb * 1024 * 1024) {
      // Collected meanwhile by V8 itself: measure growth from there.
      afterLast = Math.min(afterLast, external);
      return;
    }
    collect();
    afterLast = process.memoryUsage().external;
  }, intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}

/** V8's full collection: `gc` when Node was started with --expose-gc, else exposed now. */
function fullCollection(): () => void {
  const exposed = (globalThis as { gc?: () => void }).gc;
  if (exposed) return exposed;
  v8.setFlagsFromString("--expose-gc");
  // A new context sees the flag; this process's global object keeps no `gc` of its own.
  return vm.runInNewContext("gc") as () => void;
}
