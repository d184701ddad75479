import { readFileSync, readdirSync, statSync } from "node:fs";
import path from "node:path";

/**
 * Where a V8 CPU profile's time went (`node --cpu-prof`, e.g. bench:deliveries with
 * BENCH_CPU_PROF=<folder>): self time by category (what the delivery route does: Base64,
 * JSON, HMAC, PDF checks, the database driver, Next's route and the front server,
 * garbage collection, idle) and the heaviest functions.
 *
 *   node --import tsx scripts/bench/cpu-profile-summary.ts <file.cpuprofile | folder> [top] [--from=<function>]
 *
 * --from=<function>: only the samples from the first one whose stack holds that function (or a file whose URL contains it)
 * (e.g. --from=receiveDelivery: leaves out the server's start-up); --last=<seconds>: only
 * the samples of the profile's last seconds (bench:deliveries: --last=16 is about its
 * warm-up, measured run and stop, without the start-up).
 * A folder: its newest .cpuprofile. Not a benchmark: no `npm run bench:*` script.
 */

type CallFrame = { functionName: string; url: string; lineNumber: number };
type ProfileNode = { id: number; callFrame: CallFrame; children?: number[] };
type Profile = { nodes: ProfileNode[]; samples: number[]; timeDeltas: number[]; startTime: number; endTime: number };

/** Categories by the function's name or file, first match wins. */
const CATEGORIES: [string, (frame: CallFrame) => boolean][] = [
  ["(idle)", (f) => f.functionName === "(idle)"],
  ["(garbage collector)", (f) => f.functionName === "(garbage collector)"],
  ["(program)", (f) => f.functionName === "(program)"],
  ["Base64 decode", (f) => /base64|decodeStrictBase64/i.test(f.functionName)],
  ["JSON parse / stringify", (f) => /^(parse|stringify)$/.test(f.functionName) && f.url === ""],
  ["UTF-8 decode (TextDecoder)", (f) => /decode/i.test(f.functionName) && /encoding|text_decoder/i.test(f.url)],
  ["HMAC / SHA-256 (crypto)", (f) => /crypto|hash|hmac|digest/i.test(f.url + " " + f.functionName)],
  ["PDF check", (f) => /lib\/pdf|pdf-lib|checkPdf/i.test(f.url + " " + f.functionName)],
  ["zod", (f) => /zod/.test(f.url)],
  ["postgres driver", (f) => /node_modules\/postgres\//.test(f.url)],
  ["drizzle", (f) => /drizzle-orm/.test(f.url)],
  ["pg-boss", (f) => /pg-boss/.test(f.url)],
  ["Next.js server", (f) => /next\/dist|\.next\/server/.test(f.url)],
  ["front server (scripts/serve, portal-server)", (f) => /scripts\/(serve|lib\/portal-server)/.test(f.url)],
  [
    "node streams / http / net",
    (f) => /node:(internal\/)?(streams?|http|_http|net|stream)|internal\/(streams|http|webstreams)/.test(f.url),
  ],
  ["node internals (other)", (f) => f.url.startsWith("node:")],
  ["V8 builtins / native", (f) => f.url === ""],
];

function categoryOf(frame: CallFrame): string {
  for (const [name, test] of CATEGORIES) if (test(frame)) return name;
  return "other JavaScript";
}

function newest(folder: string): string {
  const files = readdirSync(folder)
    .filter((f) => f.endsWith(".cpuprofile"))
    .map((f) => path.join(folder, f))
    .sort((a, b) => statSync(b).mtimeMs - statSync(a).mtimeMs);
  if (!files[0]) throw new Error(`No .cpuprofile in ${folder}.`);
  return files[0];
}

const target = process.argv[2];
if (!target) {
  console.error("usage: node --import tsx scripts/bench/cpu-profile-summary.ts <file.cpuprofile | folder> [top]");
  process.exit(2);
}
const top = Number(process.argv.slice(3).find((arg) => /^\d+$/.test(arg)) ?? 25);
const from = process.argv.find((arg) => arg.startsWith("--from="))?.slice("--from=".length) ?? null;
const file = statSync(target).isDirectory() ? newest(target) : target;
const profile = JSON.parse(readFileSync(file, "utf8")) as Profile;
const byId = new Map(profile.nodes.map((node) => [node.id, node]));
const parentOf = new Map<number, number>();
for (const node of profile.nodes) for (const child of node.children ?? []) parentOf.set(child, node.id);
const stackHolds = (id: number, name: string): boolean => {
  for (let at: number | undefined = id; at !== undefined; at = parentOf.get(at)) {
    const frame = byId.get(at)?.callFrame;
    if (frame && (frame.functionName === name || frame.url.includes(name))) return true;
  }
  return false;
};
const last = Number(process.argv.find((arg) => arg.startsWith("--last="))?.slice("--last=".length) ?? NaN);
const sampleTimes: number[] = [];
profile.timeDeltas.reduce((at, delta) => (sampleTimes.push(at + delta), at + delta), profile.startTime);
const firstIndex = Number.isFinite(last)
  ? sampleTimes.findIndex((at) => at >= profile.endTime - last * 1e6)
  : from === null
    ? 0
    : profile.samples.findIndex((id) => stackHolds(id, from));
if (firstIndex < 0) throw new Error(`No sample's stack holds ${from}.`);
const selfUs = new Map<number, number>();
profile.samples.forEach((id, i) => {
  if (i >= firstIndex) selfUs.set(id, (selfUs.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0));
});
const totalUs = [...selfUs.values()].reduce((a, b) => a + b, 0);
const idleUs = [...selfUs]
  .filter(([id]) => byId.get(id)?.callFrame.functionName === "(idle)")
  .reduce((a, [, us]) => a + us, 0);
const busyUs = totalUs - idleUs;

const categories = new Map<string, number>();
const functions = new Map<string, number>();
for (const [id, us] of selfUs) {
  const frame = byId.get(id)!.callFrame;
  const category = categoryOf(frame);
  categories.set(category, (categories.get(category) ?? 0) + us);
  const where = frame.url
    ? `${frame.url.replace(/^.*node_modules\//, "").replace(/^file:\/\/.*?\/(app|lib|db|scripts|\.next)\//, "$1/")}:${frame.lineNumber + 1}`
    : "(native)";
  const key = `${frame.functionName || "(anonymous)"}  ${where}`;
  functions.set(key, (functions.get(key) ?? 0) + us);
}

const pct = (us: number) => `${((100 * us) / busyUs).toFixed(1).padStart(5)} %`;
console.log(`${file}`);
console.log(
  `${(totalUs / 1e6).toFixed(1)} s profiled, ${(busyUs / 1e6).toFixed(1)} s busy (shares below are of the busy time)`,
);
console.log("");
console.log("Self time by category:");
for (const [name, us] of [...categories].sort((a, b) => b[1] - a[1])) {
  if (name === "(idle)") continue;
  console.log(`  ${pct(us)}  ${(us / 1e3).toFixed(0).padStart(7)} ms  ${name}`);
}
console.log("");
console.log(`Heaviest ${top} functions (self time):`);
for (const [name, us] of [...functions].sort((a, b) => b[1] - a[1]).slice(0, top)) {
  if (name.startsWith("(idle)")) continue;
  console.log(`  ${pct(us)}  ${name}`);
}
