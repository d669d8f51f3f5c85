// Small shared helpers for the Node harness of the real Alchemy (argument parsing, statistics,
// child processes, peak RSS). ./node_modules is the real alchemy@0.94.0: benchmarks/compare links it
// to alchemy-interop/node/node_modules, installed by alchemy-interop/node/install.sh.
import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

export const HERE = path.dirname(fileURLToPath(import.meta.url));

/** Telemetry off + quiet, applied to this process and to every child we spawn. */
export const QUIET_ENV = {
  ALCHEMY_TELEMETRY_DISABLED: "1",
  DO_NOT_TRACK: "1",
  // FileSystemStateStore is passed explicitly, but keep alchemy's CI guard from firing anyway.
  ALCHEMY_CI_STATE_STORE_CHECK: "false",
};
Object.assign(process.env, QUIET_ENV);

/**
 * Minimal `--key value` / `--flag` parser. Values are strings; flags are `true`.
 * `spec` maps option names to defaults (the type of the default decides number/boolean parsing).
 */
export function parseArgs(argv, spec) {
  const out = { ...spec };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (!a.startsWith("--")) throw new Error(`unexpected argument: ${a}`);
    const key = a.slice(2);
    if (!(key in spec)) throw new Error(`unknown option --${key}`);
    const def = spec[key];
    if (typeof def === "boolean") {
      out[key] = true;
      continue;
    }
    const v = argv[++i];
    if (v === undefined) throw new Error(`--${key} needs a value`);
    out[key] = typeof def === "number" ? Number(v) : v;
    if (typeof def === "number" && !Number.isFinite(out[key])) throw new Error(`--${key}: not a number: ${v}`);
  }
  return out;
}

export function median(xs) {
  if (!xs.length) return null;
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

export const round = (x, d = 3) => (x == null ? null : Math.round(x * 10 ** d) / 10 ** d);

/** Summarise a list of millisecond samples for `units` items (resources, secrets, ...). */
export function summarize(samplesMs, units, extra = {}) {
  const med = median(samplesMs);
  return {
    units,
    reps: samplesMs.length,
    samplesMs: samplesMs.map((x) => round(x)),
    medianMs: round(med),
    minMs: round(Math.min(...samplesMs)),
    maxMs: round(Math.max(...samplesMs)),
    perUnitUs: units ? round((med * 1000) / units, 1) : null,
    ...extra,
  };
}

export function gc() {
  if (typeof globalThis.gc === "function") {
    globalThis.gc();
    globalThis.gc();
  }
}

export function memSnapshot() {
  const m = process.memoryUsage();
  return { rss: m.rss, heapUsed: m.heapUsed, external: m.external };
}

/** Peak resident set size of this process so far, in bytes (resourceUsage().maxRSS is KiB). */
export function peakRssBytes() {
  return process.resourceUsage().maxRSS * 1024;
}

/**
 * Resets this process's peak RSS (VmHWM) to its current RSS (Linux >= 4.0: /proc/self/clear_refs),
 * so that peakRssSinceReset() after a workload is that workload's own peak. No-op elsewhere.
 */
export function resetPeakRss() {
  try {
    fs.writeFileSync("/proc/self/clear_refs", "5");
  } catch {
    // not Linux / not permitted: the figure then covers the process so far
  }
}

/** VmHWM in bytes (since the last resetPeakRss()), or the getrusage peak where /proc is missing. */
export function peakRssSinceReset() {
  try {
    const m = /VmHWM:\s+(\d+) kB/.exec(fs.readFileSync("/proc/self/status", "utf8"));
    if (m) return Number(m[1]) * 1024;
  } catch {
    // fall through
  }
  return peakRssBytes();
}

export function hostInfo() {
  const cpus = os.cpus();
  return {
    node: process.version,
    v8: process.versions.v8,
    platform: `${process.platform}-${process.arch}`,
    cpus: cpus.length,
    cpuModel: cpus[0]?.model ?? null,
    totalMemBytes: os.totalmem(),
    uvThreadpoolSize: Number(process.env.UV_THREADPOOL_SIZE ?? 4),
    loadavgAtStart: os.loadavg().map((x) => round(x, 2)),
  };
}

export function alchemyVersion() {
  const p = path.join(HERE, "node_modules", "alchemy", "package.json");
  try {
    return JSON.parse(fs.readFileSync(p, "utf8")).version;
  } catch {
    return null;
  }
}

/**
 * Run `node <script> ...args` as a child (with --expose-gc), stream its stderr through,
 * and parse the JSON written to `resultFile`.
 */
export function runChild(script, args, { resultFile, label, env = {} } = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--expose-gc", script, ...args], {
      cwd: HERE,
      env: { ...process.env, ...QUIET_ENV, ...env },
      stdio: ["ignore", "inherit", "inherit"],
    });
    child.on("error", reject);
    child.on("exit", (code, signal) => {
      if (code !== 0) {
        return reject(new Error(`${label ?? script} exited with code ${code} signal ${signal}`));
      }
      try {
        resolve(JSON.parse(fs.readFileSync(resultFile, "utf8")));
      } catch (e) {
        reject(new Error(`${label ?? script}: cannot read result ${resultFile}: ${e.message}`));
      }
    });
  });
}

export function log(...args) {
  // progress goes to stderr so stdout stays clean for tooling
  process.stderr.write(`[${new Date().toISOString().slice(11, 19)}] ${args.join(" ")}\n`);
}

/** Recursively count *.json files below dir (0 if missing). */
export function countJsonFiles(dir) {
  let n = 0;
  let entries;
  try {
    entries = fs.readdirSync(dir, { withFileTypes: true });
  } catch (e) {
    if (e.code === "ENOENT") return 0;
    throw e;
  }
  for (const e of entries) {
    if (e.isDirectory()) n += countJsonFiles(path.join(dir, e.name));
    else if (e.isFile() && e.name.endsWith(".json")) n++;
  }
  return n;
}
