#!/usr/bin/env node
// Peer benchmark of the REAL Alchemy (npm alchemy@0.94.0) state engine on Node.
//
//   node bench-alchemy.mjs --n 1000 --dir /tmp/x --out result.json [options]
//
// Workloads (see ../README.md for the exact, deterministic workload):
//   a  cold deploy       alchemy() + N x Resource() + app.finalize() on an empty state dir
//   b  no-op redeploy    the same program again (every resource skipped)
//   c  change 1%         the program with the 1% change set modified (revision: 1)
//   d  store-level       FileSystemStateStore set/list/all/get/delete of N states,
//                        serialize/deserialize of N states
//   e  secrets           encrypt()/decryptWithKey() (v1: scrypt + AES-256-GCM) of --secret-count secrets
//   f  destroy           alchemy(..., { phase: "destroy" }) of all N
//
// Each group runs in its own child process (node --expose-gc) so that peak RSS is per group and
// Alchemy's process-global registries start empty. --whole-process additionally runs every a/b/c/f
// program as its own fresh `node` process (what a user waits for: startup + import + program),
// reporting spawn-to-exit wall time and that process's peak RSS per workload (keys *_proc). Progress goes to stderr; the JSON document to
// --out (and a one-line summary to stdout).
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import {
  HERE,
  alchemyVersion,
  countJsonFiles,
  gc,
  hostInfo,
  log,
  memSnapshot,
  parseArgs,
  peakRssBytes,
  peakRssSinceReset,
  resetPeakRss,
  round,
  runChild,
  summarize,
} from "./benchlib.mjs";
import {
  APP_NAME,
  PASSWORD,
  RESOURCE_KIND,
  STAGE,
  WORKLOAD_VERSION,
  inChangeSet,
  jsonProps,
  resourceId,
  secretPlaintext,
  toAlchemyProps,
  workloadCounts,
} from "./workload.mjs";

const SELF = fileURLToPath(import.meta.url);

const SPEC = {
  n: 1000,
  dir: "",
  out: "",
  reps: 3, // repetitions of the a->b->c->f cycle
  "store-reps": 0, // repetitions of d (0 = same as --reps)
  "store-ops": "set,list,count,all,get_each,serialize,serialize_plain,deserialize,delete_each", // d operations to time (set always runs: it fills the store)
  "secret-count": 200,
  "secret-reps": 3,
  modes: "seq", // comma list: seq (await each Resource) and/or par (start all, then Promise.all)
  variants: "secrets", // comma list: secrets (spec workload) and/or nosecrets (same, apiKey as plain string)
  only: "a,b,c,d,e,f", // which workload groups to run ("a,b,c,f" all need the cycle; "p" = whole-process group)
  census: false, // extra, untimed, instrumented cycle: counts store calls / fs calls / scrypt per workload
  "whole-process": false, // also run a/b/c/f as one fresh `node` process each (wall incl. startup; peak RSS per workload); same as adding "p" to --only
  "budget-ms": 180000, // stop repeating a group once one repetition of a workload exceeds this
  keep: false, // keep the state directories
  help: false,
  // internal (child processes)
  child: "",
  "child-out": "",
  "child-mode": "seq",
  "child-variant": "secrets",
  "program-variant": 0,
  "program-phase": "up",
  root: "",
};

const opts = parseArgs(process.argv.slice(2), SPEC);

if (opts.help) {
  console.log(fs.readFileSync(SELF, "utf8").split("\n").filter((l) => l.startsWith("//")).join("\n"));
  process.exit(0);
}

if (opts.child) {
  await runChildMain(opts);
  process.exit(0);
} else {
  await parentMain(opts);
}

// ---------------------------------------------------------------------------------------------
// parent: orchestrate child processes, aggregate, write JSON
// ---------------------------------------------------------------------------------------------
// Writes back the page cache before a timed workload, as EndToEnd does, so that each starts from
// state on disk: deleting files whose blocks were never allocated is ten times cheaper.
function flushToDisk(dir) {
  try {
    execFileSync("sync", ["-f", dir], { stdio: "ignore" });
  } catch (e) {
    log(`  (cannot flush the page cache: ${e.message})`);
  }
}

async function parentMain(o) {
  if (!o.dir || !o.out) {
    console.error("usage: node bench-alchemy.mjs --n 1000 --dir /tmp/x --out result.json [--reps 3] [--modes seq,par] [--variants secrets,nosecrets] [--only a,b,c,d,e,f,p] [--store-ops set,all,...] [--census] [--whole-process] [--help]");
    process.exit(2);
  }
  const N = o.n;
  const only = new Set(o.only.split(",").map((s) => s.trim()).filter(Boolean));
  const modes = o.modes.split(",").map((s) => s.trim()).filter(Boolean);
  const variants = o.variants.split(",").map((s) => s.trim()).filter(Boolean);
  for (const m of modes) if (!["seq", "par"].includes(m)) throw new Error(`bad mode ${m}`);
  for (const v of variants) if (!["secrets", "nosecrets"].includes(v)) throw new Error(`bad variant ${v}`);
  const baseDir = path.resolve(o.dir);
  fs.mkdirSync(path.join(baseDir, "_results"), { recursive: true });
  const started = new Date();
  const host = hostInfo();

  const doc = {
    tool: "bench-alchemy",
    workloadVersion: WORKLOAD_VERSION,
    alchemyVersion: alchemyVersion(),
    n: N,
    counts: workloadCounts(N),
    timestamp: started.toISOString(),
    host,
    config: {
      reps: o.reps,
      storeReps: o["store-reps"] || o.reps,
      storeOps: o["store-ops"].split(","),
      secretCount: o["secret-count"],
      secretReps: o["secret-reps"],
      modes,
      variants,
      only: [...only],
      budgetMs: o["budget-ms"],
      app: APP_NAME,
      stage: STAGE,
      kind: RESOURCE_KIND,
      stateStore: "FileSystemStateStore (explicit stateStore option; class imported from lib/state/file-system-state-store.js, not alchemy/state)",
      telemetry: "off (ALCHEMY_TELEMETRY_DISABLED=1, DO_NOT_TRACK=1, noTrack: true)",
      logging: "quiet: true",
      gcBetweenPhases: "node --expose-gc; gc() before every timed phase",
      pageCacheFlushed: "sync -f on the state directory before every timed phase, as EndToEnd does",
      changeVariant: "workload c uses variant 1 (revision: 1 on the change set) against the state left by a/b",
    },
    workloads: {},
    breakdown: {},
    memory: { peakRssBytes: 0, byGroup: {} },
    checks: {},
    notes: [],
  };

  const childArgs = (extra) => ["--n", String(N), "--dir", baseDir, ...extra];
  const results = [];
  const wantCycle = ["a", "b", "c", "f"].some((k) => only.has(k));
  const wantProc = o["whole-process"] || only.has("p");

  if (wantCycle) {
    for (const variant of variants) {
      for (const mode of modes) {
        const label = `cycle-${mode}-${variant}`;
        const resultFile = path.join(baseDir, "_results", `${label}.json`);
        log(`N=${N} ${label}: ${o.reps} reps of a->b->c->f`);
        const r = await runChild(SELF, [
          ...childArgs([
            "--child", "cycle", "--child-out", resultFile, "--child-mode", mode, "--child-variant", variant,
            "--reps", String(o.reps), "--budget-ms", String(o["budget-ms"]), ...(o.keep ? ["--keep"] : []),
          ]),
        ], { resultFile, label });
        results.push([label, r]);
      }
    }
  }
  if (wantProc) {
    for (const variant of variants) {
      const label = `proc-seq-${variant}`;
      log(`N=${N} ${label}: ${o.reps} reps of a->b->c->f, one node process per program`);
      results.push([label, await wholeProcessGroup(o, baseDir, variant)]);
    }
  }
  if (only.has("d")) {
    for (const variant of variants) {
      const label = `store-${variant}`;
      const resultFile = path.join(baseDir, "_results", `${label}.json`);
      log(`N=${N} ${label}: ${o["store-reps"] || o.reps} reps`);
      const r = await runChild(SELF, [
        ...childArgs([
          "--child", "store", "--child-out", resultFile, "--child-variant", variant,
          "--reps", String(o["store-reps"] || o.reps), "--store-ops", o["store-ops"], "--budget-ms", String(o["budget-ms"]), ...(o.keep ? ["--keep"] : []),
        ]),
      ], { resultFile, label });
      results.push([label, r]);
    }
  }
  if (only.has("e")) {
    const label = "secrets";
    const resultFile = path.join(baseDir, "_results", `${label}.json`);
    log(`${label}: ${o["secret-count"]} secrets x ${o["secret-reps"]} reps`);
    const r = await runChild(SELF, [
      ...childArgs([
        "--child", "secrets", "--child-out", resultFile,
        "--secret-count", String(o["secret-count"]), "--secret-reps", String(o["secret-reps"]),
      ]),
    ], { resultFile, label });
    results.push([label, r]);
  }
  if (o.census) {
    for (const variant of variants) {
      const label = `census-${variant}`;
      const resultFile = path.join(baseDir, "_results", `${label}.json`);
      log(`N=${N} ${label}: 1 instrumented (untimed) cycle`);
      const r = await runChild(SELF, [
        ...childArgs(["--child", "census", "--child-out", resultFile, "--child-variant", variant]),
      ], { resultFile, label });
      results.push([label, r]);
    }
  }

  for (const [label, r] of results) {
    Object.assign(doc.workloads, r.workloads ?? {});
    if (r.breakdown) Object.assign(doc.breakdown, r.breakdown);
    if (r.checks) doc.checks[label] = r.checks;
    if (r.census) (doc.census ??= {})[label] = r.census;
    if (r.notes) doc.notes.push(...r.notes.map((x) => `${label}: ${x}`));
    doc.memory.byGroup[label] = r.memory;
    doc.memory.peakRssBytes = Math.max(doc.memory.peakRssBytes, r.memory?.peakRssBytes ?? 0);
  }
  doc.memory.peakRssMiB = round(doc.memory.peakRssBytes / 1048576, 1);
  doc.finishedAt = new Date().toISOString();
  doc.elapsedS = round((Date.now() - started.getTime()) / 1000, 1);
  doc.host.loadavgAtEnd = (await import("node:os")).loadavg().map((x) => round(x, 2));

  fs.mkdirSync(path.dirname(path.resolve(o.out)), { recursive: true });
  fs.writeFileSync(o.out, JSON.stringify(doc, null, 2) + "\n");
  if (!o.keep) fs.rmSync(path.join(baseDir, "_results"), { recursive: true, force: true });

  const rows = Object.entries(doc.workloads).map(
    ([k, w]) => `${k.padEnd(34)} n=${String(w.units).padStart(6)} median=${String(w.medianMs).padStart(11)} ms  ${String(w.perUnitUs).padStart(9)} us/unit  reps=${w.reps}`,
  );
  console.log(`bench-alchemy N=${N} -> ${o.out}  (peak RSS ${doc.memory.peakRssMiB} MiB, ${doc.elapsedS}s)\n${rows.join("\n")}`);
}

// ---------------------------------------------------------------------------------------------
// children
// ---------------------------------------------------------------------------------------------
async function runChildMain(o) {
  const fn = { cycle: childCycle, store: childStore, secrets: childSecrets, census: childCensus, program: childProgram }[o.child];
  if (!fn) throw new Error(`unknown child ${o.child}`);
  const result = await fn(o);
  result.memory = { ...(result.memory ?? {}), peakRssBytes: peakRssBytes(), end: memSnapshot() };
  fs.writeFileSync(o["child-out"], JSON.stringify(result));
}

function suffix(mode, variant) {
  return `${mode === "par" ? "_par" : ""}${variant === "nosecrets" ? "_nosecrets" : ""}`;
}

/** Load the real Alchemy APIs and define the trivial provider. */
async function loadAlchemy() {
  const mod = await import("alchemy");
  // The very module lib/scope.js uses for its default store. Imported by path because
  // "alchemy/state" would also load every other state store (Cloudflare, D1, SQLite, ...):
  // ~0.45 s and ~85 MiB RSS that a plain alchemy program never pays.
  const { FileSystemStateStore } = await import(
    path.join(HERE, "node_modules", "alchemy", "lib", "state", "file-system-state-store.js")
  );
  const alchemy = mod.default;
  const calls = { create: 0, update: 0, delete: 0 };
  // Trivial provider: returns its props (Alchemy adds the internal symbols to the output).
  const Thing = mod.Resource(RESOURCE_KIND, async function (id, props) {
    if (this.phase === "delete") {
      calls.delete++;
      return this.destroy();
    }
    calls[this.phase]++;
    return { ...props };
  });
  const stateStore = (scope) => new FileSystemStateStore(scope);
  return { mod, alchemy, FileSystemStateStore, Thing, calls, stateStore };
}

/** Build the a/b/c/f program runner for one mode/variant. */
function makePrograms(A, N, mode, variant) {
  const { alchemy, Thing, stateStore } = A;
  const base = Array.from({ length: N }, (_, i) => jsonProps(i, 0));
  const changed = Array.from({ length: N }, (_, i) => (inChangeSet(i) ? jsonProps(i, 1) : base[i]));
  const ids = Array.from({ length: N }, (_, i) => resourceId(i));
  const makeSecret = variant === "secrets" ? (s) => alchemy.secret(s) : (s) => s;
  const appOpts = (rootDir, phase) => ({
    stage: STAGE,
    phase,
    password: PASSWORD,
    quiet: true,
    noTrack: true,
    rootDir,
    stateStore,
  });

  async function up(rootDir, json) {
    const t0 = performance.now();
    const app = await alchemy(APP_NAME, appOpts(rootDir, "up"));
    if (mode === "seq") {
      for (let i = 0; i < N; i++) await Thing(ids[i], toAlchemyProps(json[i], makeSecret));
    } else {
      const ps = new Array(N);
      for (let i = 0; i < N; i++) ps[i] = Thing(ids[i], toAlchemyProps(json[i], makeSecret));
      await Promise.all(ps);
    }
    const t1 = performance.now();
    await app.finalize();
    const t2 = performance.now();
    return { totalMs: t2 - t0, applyMs: t1 - t0, finalizeMs: t2 - t1 };
  }

  // alchemy(..., { phase: "destroy" }) destroys the stage and then calls process.exit(0) itself;
  // stub process.exit for the duration of the call so the benchmark process survives.
  async function down(rootDir) {
    const realExit = process.exit;
    let exitCode = null;
    process.exit = (c) => {
      exitCode = c ?? 0;
    };
    const t0 = performance.now();
    try {
      await alchemy(APP_NAME, appOpts(rootDir, "destroy"));
    } finally {
      process.exit = realExit;
    }
    return { totalMs: performance.now() - t0, exitCode };
  }

  return { up, down, base, changed };
}

async function childCycle(o) {
  const N = o.n;
  const mode = o["child-mode"];
  const variant = o["child-variant"];
  const sfx = suffix(mode, variant);
  const A = await loadAlchemy();
  const P = makePrograms(A, N, mode, variant);
  const expectChanged = workloadCounts(N).changed;
  const samples = { a: [], b: [], c: [], f: [] };
  const rss = { a: [], b: [], c: [], f: [] }; // peak RSS of each workload (VmHWM reset before it)
  const parts = { aApply: [], aFinalize: [], bApply: [], bFinalize: [], cApply: [], cFinalize: [] };
  const mem = [];
  const checks = [];
  const notes = [];

  for (let r = 0; r < o.reps; r++) {
    const rootDir = path.join(o.dir, `cycle${sfx || "_seq"}`, `rep-${r}`);
    const stateDir = path.join(rootDir, ".alchemy", APP_NAME, STAGE);
    fs.rmSync(rootDir, { recursive: true, force: true });
    fs.mkdirSync(rootDir, { recursive: true });
    const check = { rep: r };
    const reset = () => Object.assign(A.calls, { create: 0, update: 0, delete: 0 });

    gc(); flushToDisk(o.dir); reset(); resetPeakRss();
    const a = await P.up(rootDir, P.base);
    rss.a.push(peakRssSinceReset());
    check.a = { ...A.calls, stateFiles: countJsonFiles(stateDir), ok: A.calls.create === N && countJsonFiles(stateDir) === N };
    mem.push({ rep: r, after: "a", ...memSnapshot() });
    log(`  rep ${r}: a cold deploy ${a.totalMs.toFixed(0)} ms (apply ${a.applyMs.toFixed(0)}, finalize ${a.finalizeMs.toFixed(0)})`);

    gc(); flushToDisk(o.dir); reset(); resetPeakRss();
    const b = await P.up(rootDir, P.base);
    rss.b.push(peakRssSinceReset());
    check.b = { ...A.calls, ok: A.calls.create + A.calls.update + A.calls.delete === 0 };
    mem.push({ rep: r, after: "b", ...memSnapshot() });
    log(`  rep ${r}: b no-op     ${b.totalMs.toFixed(0)} ms`);

    gc(); flushToDisk(o.dir); reset(); resetPeakRss();
    const c = await P.up(rootDir, P.changed);
    rss.c.push(peakRssSinceReset());
    check.c = { ...A.calls, ok: A.calls.update === expectChanged && A.calls.create === 0 && A.calls.delete === 0 };
    mem.push({ rep: r, after: "c", ...memSnapshot() });
    log(`  rep ${r}: c change 1% ${c.totalMs.toFixed(0)} ms (${A.calls.update} updated)`);

    gc(); flushToDisk(o.dir); reset(); resetPeakRss();
    const f = await P.down(rootDir);
    rss.f.push(peakRssSinceReset());
    const left = countJsonFiles(path.join(rootDir, ".alchemy"));
    check.f = { ...A.calls, stateFilesLeft: left, exitCode: f.exitCode, ok: A.calls.delete === N && left === 0 };
    mem.push({ rep: r, after: "f", ...memSnapshot() });
    log(`  rep ${r}: f destroy   ${f.totalMs.toFixed(0)} ms`);

    checks.push(check);
    samples.a.push(a.totalMs); samples.b.push(b.totalMs); samples.c.push(c.totalMs); samples.f.push(f.totalMs);
    parts.aApply.push(a.applyMs); parts.aFinalize.push(a.finalizeMs);
    parts.bApply.push(b.applyMs); parts.bFinalize.push(b.finalizeMs);
    parts.cApply.push(c.applyMs); parts.cFinalize.push(c.finalizeMs);
    if (!o.keep) fs.rmSync(rootDir, { recursive: true, force: true });
    const worst = Math.max(a.totalMs, b.totalMs, c.totalMs, f.totalMs);
    if (worst > o["budget-ms"] && r + 1 < o.reps) {
      notes.push(`stopped after ${r + 1} rep(s): one workload took ${worst.toFixed(0)} ms > budget ${o["budget-ms"]} ms`);
      break;
    }
  }
  const allOk = checks.every((c) => c.a.ok && c.b.ok && c.c.ok && c.f.ok);
  if (!allOk) notes.push("VALIDATION FAILED: see checks");
  const extra = { mode, variant, valid: allOk };
  const peak = (k) => {
    const b = Math.max(...rss[k]);
    return { peakRssBytes: b, peakRssMiB: round(b / 1048576, 1) };
  };
  return {
    workloads: {
      [`a_cold_deploy${sfx}`]: summarize(samples.a, N, { ...extra, ...peak("a") }),
      [`b_noop_redeploy${sfx}`]: summarize(samples.b, N, { ...extra, ...peak("b") }),
      [`c_change_1pct${sfx}`]: summarize(samples.c, N, { ...extra, changedResources: expectChanged, ...peak("c") }),
      [`f_destroy${sfx}`]: summarize(samples.f, N, { ...extra, ...peak("f") }),
    },
    breakdown: {
      [`a_cold_deploy${sfx}`]: { applyLoop: summarize(parts.aApply, N), finalize: summarize(parts.aFinalize, N) },
      [`b_noop_redeploy${sfx}`]: { applyLoop: summarize(parts.bApply, N), finalize: summarize(parts.bFinalize, N) },
      [`c_change_1pct${sfx}`]: { applyLoop: summarize(parts.cApply, N), finalize: summarize(parts.cFinalize, N) },
    },
    checks: { valid: allOk, reps: checks },
    memory: { snapshots: mem },
    notes,
  };
}

async function childStore(o) {
  const N = o.n;
  const variant = o["child-variant"];
  const sfx = suffix("seq", variant);
  const A = await loadAlchemy();
  const { alchemy, FileSystemStateStore, mod } = A;
  const { ResourceKind, ResourceID, ResourceFQN, ResourceScope, ResourceSeq, serialize, deserialize } = mod;
  const rootDir = path.join(o.dir, `store${sfx}`);
  fs.rmSync(rootDir, { recursive: true, force: true });
  const app = await alchemy(APP_NAME, {
    stage: STAGE, phase: "up", password: PASSWORD, quiet: true, noTrack: true, rootDir, stateStore: A.stateStore,
  });
  const stage = app.children.get(STAGE);
  const makeSecret = variant === "secrets" ? (s) => alchemy.secret(s) : (s) => s;
  const ids = Array.from({ length: N }, (_, i) => resourceId(i));
  // States shaped exactly like the final state apply() writes for a created bench::Thing.
  const states = ids.map((id, i) => {
    const props = toAlchemyProps(jsonProps(i, 0), makeSecret);
    const fqn = `${APP_NAME}/${STAGE}/${id}`;
    return {
      kind: RESOURCE_KIND,
      id,
      fqn,
      seq: i,
      data: {},
      status: "created",
      output: {
        ...props,
        [ResourceKind]: RESOURCE_KIND,
        [ResourceID]: id,
        [ResourceFQN]: fqn,
        [ResourceScope]: stage,
        [ResourceSeq]: i,
      },
      props,
    };
  });
  const allNames = ["set", "list", "count", "all", "get_each", "serialize", "serialize_plain", "deserialize", "delete_each"];
  const wanted = new Set(["set", ...o["store-ops"].split(",").map((s) => s.trim()).filter(Boolean)]);
  for (const k of wanted) if (!allNames.includes(k)) throw new Error(`bad --store-ops ${k}`);
  const names = allNames.filter((k) => wanted.has(k));
  const S = Object.fromEntries(names.map((k) => [k, []]));
  const R = Object.fromEntries(names.map((k) => [k, []])); // peak RSS per operation
  const mem = [];
  const notes = [];
  let serializedObjs = null;
  const time = async (k, fn) => {
    if (!wanted.has(k)) return undefined;
    gc();
    resetPeakRss();
    const t0 = performance.now();
    const v = await fn();
    S[k].push(performance.now() - t0);
    R[k].push(peakRssSinceReset());
    return v;
  };
  let ok = true;
  for (let r = 0; r < o.reps; r++) {
    const tRep = performance.now();
    fs.rmSync(path.join(rootDir, ".alchemy"), { recursive: true, force: true });
    const store = new FileSystemStateStore(stage);
    await time("set", async () => { for (let i = 0; i < N; i++) await store.set(ids[i], states[i]); });
    const listed = await time("list", () => store.list());
    const counted = await time("count", () => store.count());
    const all = await time("all", () => store.all());
    let got = 0;
    await time("get_each", async () => { for (let i = 0; i < N; i++) if (await store.get(ids[i])) got++; });
    const ser = await time("serialize", async () => {
      const out = new Array(N);
      for (let i = 0; i < N; i++) out[i] = await serialize(stage, states[i]);
      return out;
    });
    await time("serialize_plain", async () => { for (let i = 0; i < N; i++) await serialize(stage, states[i], { encrypt: false }); });
    if (wanted.has("deserialize") && !serializedObjs) {
      const s = ser ?? (await Promise.all(states.map((st) => serialize(stage, st)))); // untimed when not selected
      serializedObjs = s.map((x) => JSON.parse(JSON.stringify(x)));
    }
    await time("deserialize", async () => { for (let i = 0; i < N; i++) await deserialize(stage, serializedObjs[i]); });
    await time("delete_each", async () => { for (let i = 0; i < N; i++) await store.delete(ids[i]); });
    const repOk = (listed === undefined || listed.length === N) && (counted === undefined || counted === N)
      && (all === undefined || Object.keys(all).length === N) && (!wanted.has("get_each") || got === N)
      && (!wanted.has("delete_each") || countJsonFiles(store.dir) === 0);
    ok &&= repOk;
    mem.push({ rep: r, ...memSnapshot() });
    log(`  rep ${r}: ${names.map((k) => `${k} ${S[k].at(-1).toFixed(0)}`).join(", ")} ms${repOk ? "" : " (CHECK FAILED)"} [rep ${((performance.now() - tRep) / 1000).toFixed(0)} s]`);
    const worst = Math.max(...names.map((k) => S[k].at(-1)));
    if (worst > o["budget-ms"] && r + 1 < o.reps) {
      notes.push(`stopped after ${r + 1} rep(s): one workload took ${worst.toFixed(0)} ms > budget ${o["budget-ms"]} ms`);
      break;
    }
  }
  if (!o.keep) fs.rmSync(rootDir, { recursive: true, force: true });
  const extra = { variant, valid: ok };
  const workloads = {};
  for (const k of names) {
    const b = Math.max(...R[k]);
    workloads[`d_store_${k}${sfx}`] = summarize(S[k], N, { ...extra, peakRssBytes: b, peakRssMiB: round(b / 1048576, 1) });
  }
  return { workloads, checks: { valid: ok }, memory: { snapshots: mem }, notes };
}

async function childSecrets(o) {
  // encrypt/decryptWithKey are not exported through the package "exports" map; import the
  // module file directly (it is the very module lib/serde.js uses).
  const enc = await import(path.join(HERE, "node_modules", "alchemy", "lib", "encrypt.js"));
  const M = o["secret-count"];
  const plain = Array.from({ length: M }, (_, i) => secretPlaintext(i));
  const S = { encrypt_seq: [], decrypt_seq: [], encrypt_par: [], decrypt_par: [] };
  let ok = true;
  let sample = null;
  for (let r = 0; r < o["secret-reps"]; r++) {
    gc();
    let t0 = performance.now();
    const cts = [];
    for (const p of plain) cts.push(await enc.encrypt(p, PASSWORD));
    S.encrypt_seq.push(performance.now() - t0);
    gc();
    t0 = performance.now();
    const back = [];
    for (const c of cts) back.push(await enc.decryptWithKey(c, PASSWORD));
    S.decrypt_seq.push(performance.now() - t0);
    gc();
    t0 = performance.now();
    const cts2 = await Promise.all(plain.map((p) => enc.encrypt(p, PASSWORD)));
    S.encrypt_par.push(performance.now() - t0);
    gc();
    t0 = performance.now();
    const back2 = await Promise.all(cts2.map((c) => enc.decryptWithKey(c, PASSWORD)));
    S.decrypt_par.push(performance.now() - t0);
    ok &&= back.every((x, i) => x === plain[i]) && back2.every((x, i) => x === plain[i]) && cts.every((c) => c.version === "v1");
    sample ??= cts[0];
    log(`  rep ${r}: ${Object.entries(S).map(([k, v]) => `${k} ${v.at(-1).toFixed(0)}`).join(", ")} ms`);
  }
  const extra = { valid: ok, format: "v1 (scrypt N=16384 r=8 p=1 -> AES-256-GCM)" };
  return {
    workloads: {
      e_secret_encrypt_seq: summarize(S.encrypt_seq, M, { ...extra, note: "await one at a time" }),
      e_secret_decrypt_seq: summarize(S.decrypt_seq, M, { ...extra, note: "await one at a time" }),
      e_secret_encrypt_par: summarize(S.encrypt_par, M, { ...extra, note: "Promise.all (libuv threadpool)" }),
      e_secret_decrypt_par: summarize(S.decrypt_par, M, { ...extra, note: "Promise.all (libuv threadpool)" }),
    },
    checks: { valid: ok, sampleCiphertext: sample },
    memory: {},
  };
}

/**
 * One untimed, instrumented a->b->c->f cycle: counts StateStore calls, fs.promises calls and
 * scrypt/AES operations per workload, so the Java side can compare "work done", not only time.
 */
async function childCensus(o) {
  const N = o.n;
  const variant = o["child-variant"];
  const crypto = (await import("node:crypto")).default;
  const A = await loadAlchemy();
  const counts = {};
  const bump = (k) => (counts[k] = (counts[k] ?? 0) + 1);
  const proto = A.FileSystemStateStore.prototype;
  for (const m of ["init", "deinit", "get", "getBatch", "set", "delete", "list", "count", "all", "listScopes"]) {
    const orig = proto[m];
    proto[m] = function (...args) {
      bump(`store.${m}`);
      return orig.apply(this, args);
    };
  }
  for (const m of ["readFile", "writeFile", "mkdir", "readdir", "unlink", "rm"]) {
    const orig = fs.promises[m];
    fs.promises[m] = function (...args) {
      bump(`fs.${m}`);
      return orig.apply(this, args);
    };
  }
  for (const m of ["scrypt", "createCipheriv", "createDecipheriv"]) {
    const orig = crypto[m];
    crypto[m] = function (...args) {
      bump(`crypto.${m}`);
      return orig.apply(this, args);
    };
  }
  const P = makePrograms(A, N, "seq", variant);
  const rootDir = path.join(o.dir, `census-${variant}`);
  fs.rmSync(rootDir, { recursive: true, force: true });
  const phases = {};
  const snap = (k) => {
    phases[k] = { ...counts, handler: { ...A.calls } };
    for (const key of Object.keys(counts)) delete counts[key];
    Object.assign(A.calls, { create: 0, update: 0, delete: 0 });
  };
  snap("_setup");
  await P.up(rootDir, P.base); snap("a_cold_deploy");
  await P.up(rootDir, P.base); snap("b_noop_redeploy");
  await P.up(rootDir, P.changed); snap("c_change_1pct");
  await P.down(rootDir); snap("f_destroy");
  delete phases._setup;
  fs.rmSync(rootDir, { recursive: true, force: true });
  return { census: { n: N, variant, phases }, memory: {} };
}

/**
 * --whole-process: each program (a: up v0, b: up v0, c: up v1, f: destroy) is a fresh
 * `node bench-alchemy.mjs --child program ...` process. Timed from spawn to exit by the parent.
 */
async function wholeProcessGroup(o, baseDir, variant) {
  const N = o.n;
  const sfx = `${suffix("seq", variant)}_proc`;
  const phases = [
    ["a", "up", 0],
    ["b", "up", 0],
    ["c", "up", 1],
    ["f", "destroy", 0],
  ];
  const wall = { a: [], b: [], c: [], f: [] };
  const inproc = { a: [], b: [], c: [], f: [] };
  const importMs = { a: [], b: [], c: [], f: [] };
  const rss = { a: [], b: [], c: [], f: [] };
  const checks = [];
  const notes = [];
  const expectChanged = workloadCounts(N).changed;
  let maxRss = 0;
  for (let r = 0; r < o.reps; r++) {
    const rootDir = path.join(baseDir, `proc${suffix("seq", variant) || "_seq"}`, `rep-${r}`);
    fs.rmSync(rootDir, { recursive: true, force: true });
    fs.mkdirSync(rootDir, { recursive: true });
    const check = { rep: r };
    let worst = 0;
    for (const [k, phase, pv] of phases) {
      const resultFile = path.join(baseDir, "_results", `proc-${variant}-${r}-${k}.json`);
      const t0 = performance.now();
      const res = await runChild(SELF, [
        "--n", String(N), "--dir", baseDir, "--child", "program", "--child-out", resultFile,
        "--child-variant", variant, "--program-variant", String(pv), "--program-phase", phase, "--root", rootDir,
      ], { resultFile, label: `program ${k}` });
      const w = performance.now() - t0;
      worst = Math.max(worst, w);
      wall[k].push(w);
      inproc[k].push(res.programMs);
      importMs[k].push(res.importMs);
      rss[k].push(res.memory.peakRssBytes);
      maxRss = Math.max(maxRss, res.memory.peakRssBytes);
      const files = countJsonFiles(path.join(rootDir, ".alchemy"));
      const c = res.calls;
      const ok =
        k === "a" ? c.create === N && files === N :
        k === "b" ? c.create + c.update + c.delete === 0 && files === N :
        k === "c" ? c.update === expectChanged && c.create + c.delete === 0 :
        c.delete === N && files === 0;
      check[k] = { ...c, stateFiles: files, ok };
      log(`  rep ${r}: ${k} ${phase} v${pv}: wall ${w.toFixed(0)} ms (import ${res.importMs.toFixed(0)}, program ${res.programMs.toFixed(0)}), peak RSS ${(res.memory.peakRssBytes / 1048576).toFixed(0)} MiB${ok ? "" : " CHECK FAILED"}`);
    }
    checks.push(check);
    if (!o.keep) fs.rmSync(rootDir, { recursive: true, force: true });
    if (worst > o["budget-ms"] && r + 1 < o.reps) {
      notes.push(`stopped after ${r + 1} rep(s): one program took ${worst.toFixed(0)} ms > budget ${o["budget-ms"]} ms`);
      break;
    }
  }
  const valid = checks.every((c) => c.a.ok && c.b.ok && c.c.ok && c.f.ok);
  const names = { a: "a_cold_deploy", b: "b_noop_redeploy", c: "c_change_1pct", f: "f_destroy" };
  const workloads = {};
  const breakdown = {};
  const byPhase = {};
  for (const k of Object.keys(names)) {
    const med = (xs) => [...xs].sort((x, y) => x - y)[xs.length >> 1];
    workloads[`${names[k]}${sfx}`] = summarize(wall[k], N, {
      mode: "seq", variant, valid, note: "fresh node process per program; spawn-to-exit wall time",
      peakRssBytesMedian: med(rss[k]),
      peakRssMiBMax: round(Math.max(...rss[k]) / 1048576, 1),
      ...(k === "c" ? { changedResources: expectChanged } : {}),
    });
    breakdown[`${names[k]}${sfx}`] = { importAlchemy: summarize(importMs[k], N), program: summarize(inproc[k], N) };
    byPhase[k] = rss[k];
  }
  return {
    workloads,
    breakdown,
    checks: { valid, reps: checks },
    memory: { peakRssBytes: maxRss, peakRssBytesByWorkload: byPhase },
    notes,
  };
}

/** One whole program in a fresh process (used by --whole-process). */
async function childProgram(o) {
  const N = o.n;
  const t0 = performance.now();
  const A = await loadAlchemy();
  const importMs = performance.now() - t0;
  const P = makePrograms(A, N, "seq", o["child-variant"]);
  const t1 = performance.now();
  if (o["program-phase"] === "destroy") await P.down(o.root);
  else await P.up(o.root, o["program-variant"] === 0 ? P.base : P.changed);
  const programMs = performance.now() - t1;
  return { importMs, programMs, calls: { ...A.calls }, memory: {} };
}
