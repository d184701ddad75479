import fs from "node:fs";
import path from "node:path";

/**
 * No import cycles between the folders of lib/: a folder (lib/send, lib/docus) or a
 * top-level file (lib/audit.ts) is one unit, and the units' imports must form no cycle,
 * so that each can be read (and tested) knowing only the units below it. Test files are
 * left out: they are imported by nothing.
 *
 * The rule reads every source file under lib/ once per lint run (a few milliseconds) to
 * learn which units import which, then reports each import in the file being linted that
 * closes a cycle, naming the way back.
 */

const SOURCE = /\.(ts|tsx|mts|js|mjs)$/;
const TEST = /\.test\.(ts|tsx)$/;
const IMPORT = /(?:^|[\s;])(?:import|export)\s[^;]*?from\s*["']([^"']+)["']|import\(\s*["']([^"']+)["']\s*\)/g;

/** The lib unit of a path relative to the root ("lib/send/send.ts" -> "send"), or null. */
export function unitOf(relative) {
  const parts = relative.split(/[\\/]/);
  if (parts[0] !== "lib" || parts.length < 2) return null;
  return parts.length > 2 ? parts[1] : parts[1].replace(/\.[^.]+$/, "");
}

/** The path relative to the root that an import specifier names, or null for a package. */
export function importTarget(root, fromFile, specifier) {
  if (specifier.startsWith("@/")) return specifier.slice(2);
  if (specifier.startsWith(".")) return path.relative(root, path.resolve(path.dirname(fromFile), specifier));
  return null;
}

/** unit -> (unit -> first file that imports it), read from the sources under root/lib. */
export function libGraph(root) {
  const graph = new Map();
  const walk = (dir) => {
    let entries;
    try {
      entries = fs.readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const entry of entries) {
      const file = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(file);
      else if (SOURCE.test(entry.name) && !TEST.test(entry.name)) {
        const from = unitOf(path.relative(root, file));
        const text = fs.readFileSync(file, "utf8");
        for (const match of text.matchAll(IMPORT)) {
          const target = importTarget(root, file, match[1] ?? match[2]);
          const to = target === null ? null : unitOf(target);
          if (!from || !to || to === from) continue;
          if (!graph.has(from)) graph.set(from, new Map());
          if (!graph.get(from).has(to)) graph.get(from).set(to, path.relative(root, file));
        }
      }
    }
  };
  walk(path.join(root, "lib"));
  return graph;
}

/** The units on a way from `from` to `to` (both included), or null when there is none. */
export function findPath(graph, from, to) {
  const previous = new Map([[from, null]]);
  const queue = [from];
  while (queue.length > 0) {
    const unit = queue.shift();
    if (unit === to) {
      const way = [];
      for (let at = to; at !== null; at = previous.get(at)) way.unshift(at);
      return way;
    }
    for (const next of graph.get(unit)?.keys() ?? []) {
      if (!previous.has(next)) {
        previous.set(next, unit);
        queue.push(next);
      }
    }
  }
  return null;
}

const cache = new Map();
function cachedGraph(root) {
  const hit = cache.get(root);
  if (hit && Date.now() - hit.at < 2_000) return hit.graph;
  const graph = libGraph(root);
  cache.set(root, { graph, at: Date.now() });
  return graph;
}

export const noLibFolderCycle = {
  meta: {
    type: "problem",
    docs: { description: "Forbid import cycles between the folders (units) of lib/." },
    schema: [],
    messages: {
      cycle:
        "Import cycle between lib folders: lib/{{from}} imports lib/{{to}}, which leads back ({{way}}). Move what both need into the lower folder, or pass it in.",
    },
  },
  create(context) {
    const root = context.cwd ?? context.getCwd();
    const file = context.filename ?? context.getFilename();
    const relative = path.relative(root, file);
    const from = unitOf(relative);
    if (!from || TEST.test(file)) return {};
    const check = (node, specifier) => {
      if (typeof specifier !== "string") return;
      const target = importTarget(root, file, specifier);
      const to = target === null ? null : unitOf(target);
      if (!to || to === from) return;
      const way = findPath(cachedGraph(root), to, from);
      if (way) context.report({ node, messageId: "cycle", data: { from, to, way: [from, ...way].join(" -> ") } });
    };
    return {
      ImportDeclaration: (node) => check(node.source, node.source.value),
      ExportNamedDeclaration: (node) => node.source && check(node.source, node.source.value),
      ExportAllDeclaration: (node) => check(node.source, node.source.value),
      ImportExpression: (node) => node.source.type === "Literal" && check(node.source, node.source.value),
    };
  },
};

const plugin = { rules: { "no-lib-folder-cycle": noLibFolderCycle } };
export default plugin;
