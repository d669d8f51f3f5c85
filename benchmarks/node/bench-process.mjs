#!/usr/bin/env node
// The whole-process race: the same stack deployed by `./alchemy deploy --file` (alchemy-java's
// command) and by a plain Node program using the real Alchemy (alchemy-deploy.mjs), each run a
// fresh process, alternating per workload (alchemy-java, Alchemy, alchemy-java, Alchemy, ...).
// What a user waits for: JVM / Node startup, loading, reading the stack, the deploy, exit.
//
//   node bench-process.mjs --n 1000 --cli ../../alchemy --dir /tmp/x --java-out j.json --alchemy-out a.json \
//       [--reps 1] [--variants secrets,nosecrets] [--only a,b,c,f] [--cross-check auto|on|off]
//
// Workloads (keys *_proc, one fresh state directory per side and repetition):
//   a  cold deploy      stack variant 0 on empty state: N created
//   b  no-op redeploy   the same stack again: N skipped, no provider call
//   c  change 1%        stack variant 1: N/100 updated, the rest skipped
//   f  destroy          `--phase destroy` / alchemy(…, {phase: "destroy"}): N deleted, no state file left
// The stack is gen-stack.mjs's (workload.mjs's props, kind alchemy::Value, every 10th resource a
// secret {"@secretEnv": …}); the secrets and the password are given in the environment.
// Wall time = spawn to exit (performance.now()); peak RSS = /usr/bin/time's maximum resident set
// size of the process (the `./alchemy` launcher execs java in its own process).
// Cross-check (default: on for N <= 1000, untimed, after b): each side redeploys a copy of the
// other side's state and must skip every resource — the CLI's records are ones Alchemy skips, and
// the other way round. Output: one document per side in the shape of EndToEnd / bench-alchemy
// (workloads.<key>.samplesMs, peakRssBytes, valid), for compare-report.mjs.
import { spawn, spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { HERE, QUIET_ENV, countJsonFiles, hostInfo, log, parseArgs, round, summarize } from "./benchlib.mjs";
import { APP_NAME, PASSWORD, STAGE, secretEnv, stackDocument, workloadCounts } from "./workload.mjs";

const o = parseArgs(process.argv.slice(2), {
  n: 1000, cli: path.resolve(HERE, "..", "..", "alchemy"), dir: "", "java-out": "", "alchemy-out": "", reps: 1,
  variants: "secrets,nosecrets", only: "a,b,c", "cross-check": "auto", help: false,
});
if (o.help || !o.dir || !o["java-out"] || !o["alchemy-out"]) {
  console.log(fs.readFileSync(new URL(import.meta.url), "utf8").split("\n").filter((l) => l.startsWith("//")).join("\n"));
  process.exit(o.help ? 0 : 2);
}
const N = o.n;
const only = o.only.split(",").map((s) => s.trim()).filter(Boolean);
for (const k of only) if (!["a", "b", "c", "f"].includes(k)) throw new Error(`--only: unknown workload ${k}`);
const variants = o.variants.split(",").map((s) => s.trim()).filter(Boolean);
const cross = o["cross-check"] === "on" || (o["cross-check"] === "auto" && N <= 1000);
const NAMES = { a: "a_cold_deploy", b: "b_noop_redeploy", c: "c_change_1pct", f: "f_destroy" };
const PROGRAM = path.join(HERE, "alchemy-deploy.mjs");
const base = path.resolve(o.dir);
const timeBin = fs.existsSync("/usr/bin/time") ? "/usr/bin/time" : null;
const { changed } = workloadCounts(N);

/** Runs one process; resolves {ms, peakRssBytes, stdout, code}. */
function run(cmd, args, cwd, env) {
  const rssFile = path.join(base, `rss-${process.pid}.txt`);
  const argv = timeBin ? [timeBin, ["-f", "%M", "-o", rssFile, cmd, ...args]] : [cmd, args];
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const child = spawn(argv[0], argv[1], { cwd, env, stdio: ["ignore", "pipe", "pipe"] });
    const out = [];
    const err = [];
    child.stdout.on("data", (d) => out.push(d));
    child.stderr.on("data", (d) => err.push(d));
    child.on("error", reject);
    child.on("close", (code) => {
      const ms = performance.now() - t0;
      let peakRssBytes = null;
      if (timeBin) {
        const kib = Number(fs.readFileSync(rssFile, "utf8").trim().split("\n").pop());
        if (Number.isFinite(kib)) peakRssBytes = kib * 1024;
      }
      resolve({ ms, peakRssBytes, code, stdout: Buffer.concat(out).toString(), stderr: Buffer.concat(err).toString() });
    });
  });
}

/** The counts a run reports: the CLI's --json summary, or alchemy-deploy.mjs's last line. */
function counts(r) {
  try {
    const text = r.stdout.trim();
    const doc = JSON.parse(text.startsWith("{\n") ? text : text.split("\n").pop());
    return { created: doc.created, updated: doc.updated, deleted: doc.deleted, skipped: doc.skipped };
  } catch {
    return null;
  }
}

const sides = {
  java: (k, cwd, stack, env) =>
    run(o.cli, k === "f"
      ? ["deploy", "--app", APP_NAME, "--stage", STAGE, "--phase", "destroy", "--json"]
      : ["deploy", "--file", stack, "--json"], cwd, env),
  alchemy: (k, cwd, stack, env) => run(process.execPath, [PROGRAM, stack, ...(k === "f" ? ["--destroy"] : [])], cwd, env),
};

function expect(k, c, files) {
  if (!c) return false;
  switch (k) {
    case "a": return c.created === N && c.updated === 0 && files === N;
    case "b": return c.skipped === N && c.created + c.updated + c.deleted === 0 && files === N;
    case "c": return c.updated === changed && c.created + c.deleted === 0 && c.skipped === N - changed;
    case "f": return c.deleted === N && files === 0;
  }
  return false;
}

const docs = {};
for (const side of Object.keys(sides)) {
  docs[side] = {
    tool: "bench-process", side, n: N, timestamp: new Date().toISOString(),
    host: side === "java" ? { java: javaVersion(), launcher: o.cli } : hostInfo(),
    method: "whole process: spawn-to-exit wall time of one fresh process per workload, alternating alchemy-java / Alchemy; peak RSS from /usr/bin/time",
    workloads: {}, checks: [], crossChecks: [],
  };
}
fs.mkdirSync(base, { recursive: true });
// The launcher makes its class-data archive on the first start after a build (two training
// deploys): start it once untimed, so that no timed run pays for that.
spawnSync(o.cli, ["--version"], { stdio: "ignore" });
for (const variant of variants) {
  const sfx = `${variant === "nosecrets" ? "_nosecrets" : ""}_proc`;
  const stacks = [0, 1].map((v) => {
    const f = path.join(base, `stack-${variant}-v${v}.json`);
    fs.writeFileSync(f, JSON.stringify(stackDocument(N, v, variant === "secrets")) + "\n");
    return f;
  });
  const env = { ...process.env, ...QUIET_ENV, ALCHEMY_PASSWORD: PASSWORD, ...(variant === "secrets" ? secretEnv(N) : {}) };
  delete env.NO_COLOR;
  const acc = { java: {}, alchemy: {} };
  for (let r = 0; r < o.reps; r++) {
    const dirs = {};
    for (const side of Object.keys(sides)) {
      dirs[side] = path.join(base, `${side}-${variant}-${r}`);
      fs.rmSync(dirs[side], { recursive: true, force: true });
      fs.mkdirSync(dirs[side], { recursive: true });
    }
    for (const k of only) {
      const stack = stacks[k === "c" ? 1 : 0];
      for (const side of Object.keys(sides)) {
        const res = await sides[side](k, dirs[side], stack, env);
        const c = counts(res);
        const files = countJsonFiles(path.join(dirs[side], ".alchemy", APP_NAME, STAGE));
        const ok = res.code === 0 && expect(k, c, files);
        const key = `${NAMES[k]}${sfx}`;
        const e = (acc[side][key] ??= { samples: [], rss: [], valid: true });
        e.samples.push(res.ms);
        if (res.peakRssBytes) e.rss.push(res.peakRssBytes);
        e.valid &&= ok;
        docs[side].checks.push({ variant, rep: r, workload: k, exitCode: res.code, ...c, stateFiles: files, ok });
        log(`N=${N} ${variant} rep ${r}: ${side.padEnd(7)} ${k} ${res.ms.toFixed(0).padStart(7)} ms, peak RSS ${res.peakRssBytes ? (res.peakRssBytes / 1048576).toFixed(0) : "?"} MiB${ok ? "" : " CHECK FAILED"}`);
        if (!ok) process.stderr.write(`  exit ${res.code}, counts ${JSON.stringify(c)}, state files ${files}\n${res.stderr.slice(-2000)}\n`);
      }
      if (k === "b" && cross) {
        // each side redeploys a copy of the other's state: every record must be skipped
        for (const [side, other] of [["alchemy", "java"], ["java", "alchemy"]]) {
          const copy = path.join(base, `cross-${side}-on-${other}`);
          fs.rmSync(copy, { recursive: true, force: true });
          fs.cpSync(dirs[other], copy, { recursive: true });
          const res = await sides[side]("b", copy, stacks[0], env);
          const c = counts(res);
          const ok = res.code === 0 && expect("b", c, countJsonFiles(path.join(copy, ".alchemy", APP_NAME, STAGE)));
          docs[side].crossChecks.push({ variant, rep: r, on: `state written by ${other}`, ...c, ok });
          acc[side][`b_noop_redeploy${sfx}`].valid &&= ok;
          log(`N=${N} ${variant} rep ${r}: cross-check: ${side} on ${other}'s state: ${JSON.stringify(c)}${ok ? " ok" : " FAILED"}`);
          if (!ok) process.stderr.write(res.stderr.slice(-2000) + "\n");
          fs.rmSync(copy, { recursive: true, force: true });
        }
      }
    }
    for (const side of Object.keys(sides)) fs.rmSync(dirs[side], { recursive: true, force: true });
  }
  for (const side of Object.keys(sides)) {
    for (const [key, e] of Object.entries(acc[side])) {
      docs[side].workloads[key] = summarize(e.samples, N, {
        variant, valid: e.valid, peakRssBytes: e.rss.length ? Math.max(...e.rss) : null,
        peakRssMiB: e.rss.length ? round(Math.max(...e.rss) / 1048576, 1) : null,
        ...(key.startsWith("c_") ? { changedResources: changed } : {}),
      });
    }
  }
  for (const f of stacks) fs.rmSync(f, { force: true });
}
fs.rmSync(path.join(base, `rss-${process.pid}.txt`), { force: true });
fs.writeFileSync(o["java-out"], JSON.stringify(docs.java, null, 2) + "\n");
fs.writeFileSync(o["alchemy-out"], JSON.stringify(docs.alchemy, null, 2) + "\n");
const valid = Object.values(docs).every((d) => Object.values(d.workloads).every((w) => w.valid));
process.exit(valid ? 0 : 1);

function javaVersion() {
  const r = spawnSync("java", ["-version"], { encoding: "utf8" });
  return (r.stderr || r.stdout || "").split("\n")[0] || null;
}
