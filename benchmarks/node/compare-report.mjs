#!/usr/bin/env node
// Merges the per-run JSON of benchmarks/compare into one document (medians over the rounds,
// ratios, peak RSS) and prints the comparison table as markdown.
//
//   node compare-report.mjs --out latest.json [--java-opts S] [--quick 0|1] java:FILE alchemy:FILE ...
import fs from "node:fs";
import os from "node:os";
import { execFileSync } from "node:child_process";
import { alchemyVersion, median, round } from "./benchlib.mjs";

const args = process.argv.slice(2);
let out = null;
let javaOpts = "";
let quick = false;
let commit = null;
const inputs = [];
for (let i = 0; i < args.length; i++) {
  if (args[i] === "--out") out = args[++i];
  else if (args[i] === "--java-opts") javaOpts = args[++i];
  else if (args[i] === "--quick") quick = args[++i] === "1";
  else if (args[i] === "--commit") commit = args[++i];
  else inputs.push(args[i]);
}
if (!out || !inputs.length) {
  console.error("usage: node compare-report.mjs --out FILE java:FILE alchemy:FILE ...");
  process.exit(2);
}

// side -> n -> workload -> { samples: [], rss: [], valid: bool }
const data = { java: {}, alchemy: {} };
const raw = { java: [], alchemy: [] };
let javaHost = null;
let nodeHost = null;
for (const spec of inputs) {
  const [side, file] = [spec.slice(0, spec.indexOf(":")), spec.slice(spec.indexOf(":") + 1)];
  const doc = JSON.parse(fs.readFileSync(file, "utf8"));
  raw[side].push(doc);
  if (side === "java") javaHost ??= doc.host;
  else nodeHost ??= doc.host;
  const byN = (data[side][doc.n] ??= {});
  for (const [k, w] of Object.entries(doc.workloads)) {
    const e = (byN[k] ??= { samples: [], rss: [], valid: true });
    e.samples.push(...w.samplesMs);
    if (w.peakRssBytes) e.rss.push(w.peakRssBytes);
    e.valid &&= w.valid !== false;
  }
}

const ORDER = ["a_cold_deploy", "b_noop_redeploy", "c_change_1pct", "d_store_all", "f_destroy", "g_read_phase", "d_store_set"];
// in-process rows first, then the whole-process race (*_proc: bench-process.mjs); secrets before nosecrets
const isProc = (k) => k.endsWith("_proc");
const plain = (k) => k.replace(/_proc$/, "");
const base = (k) => plain(k).replace(/_nosecrets$/, "");
const sortKey = (k) =>
  `${isProc(k) ? 1 : 0}-${plain(k).endsWith("_nosecrets") ? 1 : 0}-${String(ORDER.indexOf(base(k))).padStart(2, "0")}-${k}`;
const mib = (b) => (b ? round(b / 1048576, 0) : null);

const rows = [];
const ns = [...new Set([...Object.keys(data.java), ...Object.keys(data.alchemy)])].map(Number).sort((a, b) => a - b);
for (const n of ns) {
  const keys = [...new Set([...Object.keys(data.java[n] ?? {}), ...Object.keys(data.alchemy[n] ?? {})])];
  keys.sort((a, b) => sortKey(a).localeCompare(sortKey(b)));
  for (const k of keys) {
    const j = data.java[n]?.[k];
    const a = data.alchemy[n]?.[k];
    const side = (e) =>
      e && {
        medianMs: round(median(e.samples)),
        samplesMs: e.samples.map((x) => round(x)),
        perUnitUs: round((median(e.samples) * 1000) / n, 1),
        peakRssMiB: e.rss.length ? mib(Math.max(...e.rss)) : null,
        valid: e.valid,
      };
    const js = side(j);
    const as = side(a);
    rows.push({
      workload: k,
      n,
      alchemy: as ?? null,
      java: js ?? null,
      ratio: js && as && js.medianMs > 0 ? round(as.medianMs / js.medianMs, 1) : null,
    });
  }
}

const javaVersion = javaHost?.java ?? null;
const doc = {
  tool: "benchmarks/compare",
  timestamp: new Date().toISOString(),
  quick,
  machine: {
    nproc: os.cpus().length,
    cpuModel: os.cpus()[0]?.model ?? null,
    totalMemBytes: os.totalmem(),
    kernel: os.release(),
    java: javaVersion,
    javaOpts: javaOpts || "(JVM defaults)",
    node: process.version,
    alchemy: alchemyVersion(),
    alchemyJavaCommit: commit,
    loadavgAtEnd: os.loadavg().map((x) => round(x, 2)),
  },
  method:
    "rows *_proc: whole processes (bench-process.mjs), `./alchemy deploy --file stack.json` against a Node program using " +
    "Alchemy (alchemy-deploy.mjs) on the same stack, one fresh process per workload, alternating per workload, " +
    "wall time spawn to exit, peak RSS of the process (/usr/bin/time); other rows: " +
    "alternating runs (alchemy-java, Alchemy, alchemy-java, Alchemy, ...), each a fresh process running one repetition " +
    "of every workload on an empty state directory; medianMs = median over the rounds; ratio = Alchemy / alchemy-java; " +
    "peak RSS = max over rounds of the workload's own peak (VmHWM reset before it)",
  rounds: Math.max(...Object.values(raw).map((l) => l.length)) / Math.max(1, ns.length),
  results: rows,
  raw,
};
fs.mkdirSync(new URL(".", `file://${out}`).pathname, { recursive: true });
fs.writeFileSync(out, JSON.stringify(doc, null, 2) + "\n");

const fmt = (x, d = 1) => (x == null ? "—" : Number(x).toFixed(d));
const lines = [];
lines.push(
  `machine: ${doc.machine.nproc} cores (${doc.machine.cpuModel}), ${fmt(doc.machine.totalMemBytes / 2 ** 30, 0)} GiB, ` +
    `${javaVersion} ${doc.machine.javaOpts}, node ${doc.machine.node}, alchemy ${doc.machine.alchemy}, ` +
    `alchemy-java ${commit ?? "?"}`,
);
lines.push("");
lines.push("| workload | N | Alchemy 0.94 ms | alchemy-java ms | ratio | Alchemy peak RSS MiB | alchemy-java peak RSS MiB |");
lines.push("|---|---:|---:|---:|---:|---:|---:|");
let invalid = false;
for (const r of rows) {
  const bad = (r.java && !r.java.valid) || (r.alchemy && !r.alchemy.valid);
  invalid ||= bad;
  lines.push(
    `| ${r.workload}${bad ? " (INVALID)" : ""} | ${r.n} | ${fmt(r.alchemy?.medianMs)} | ${fmt(r.java?.medianMs)} | ` +
      `${r.ratio == null ? "—" : r.ratio + "×"} | ${fmt(r.alchemy?.peakRssMiB, 0)} | ${fmt(r.java?.peakRssMiB, 0)} |`,
  );
}
if (rows.some((r) => isProc(r.workload))) {
  lines.push("");
  lines.push("*_proc: whole processes, `./alchemy deploy --file` against a Node program using Alchemy (same stack file), spawn to exit.");
}
console.log(lines.join("\n"));
console.log(`\n-> ${out}`);
if (invalid) {
  console.error("compare: some runs failed their checks (provider calls / state files): see raw[*].checks");
  process.exit(1);
}
