#!/usr/bin/env node
// Runs a state-store worker in workerd (npm miniflare 4) on 127.0.0.1.
//
//   node run-local.mjs --port P --token T --persist DIR [--alchemy] [--verbose]
//
// Without --alchemy: alchemy-java's worker (state-store.js; Durable Object class
// AlchemyJavaStateStore, binding STATE_STORE, token binding STATE_TOKEN). With --alchemy: the real
// Alchemy 0.94 DOFS worker (node_modules/alchemy/workers/dofs-state-store.js; DOFSStateStore,
// DOFS_STATE_STORE, DOFS_TOKEN), for comparison. Both SQLite-backed, persisted under DIR.
// --port 0 takes a free port. Prints exactly one line on stdout once the worker answers:
//   READY http://127.0.0.1:<port>
// and runs until SIGTERM/SIGINT or until its stdin closes (so a test that dies takes the worker
// with it), then disposes Miniflare (stops workerd, flushes SQLite) and exits 0.
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const HERE = path.dirname(fileURLToPath(import.meta.url));
const o = { port: "8799", token: "", persist: "", alchemy: false, verbose: false };
const argv = process.argv.slice(2);
for (let i = 0; i < argv.length; i++) {
  const name = argv[i].replace(/^--/, "");
  if (name === "alchemy" || name === "verbose") o[name] = true;
  else if (name in o && i + 1 < argv.length) o[name] = argv[++i];
  else {
    console.error(`run-local.mjs: unknown or incomplete option ${argv[i]}`);
    process.exit(2);
  }
}
const port = Number(o.port);
if (!o.token || !o.persist || !Number.isInteger(port) || port < 0 || port > 65535) {
  console.error("usage: node run-local.mjs --port P --token T --persist DIR [--alchemy] [--verbose]");
  process.exit(2);
}

const { Miniflare, Log, LogLevel, NoOpLog } = await import("miniflare");
const worker = o.alchemy
  ? { script: path.join("node_modules", "alchemy", "workers", "dofs-state-store.js"), className: "DOFSStateStore",
      binding: "DOFS_STATE_STORE", tokenBinding: "DOFS_TOKEN" }
  : { script: "state-store.js", className: "AlchemyJavaStateStore", binding: "STATE_STORE", tokenBinding: "STATE_TOKEN" };
if (!fs.existsSync(path.join(HERE, worker.script))) {
  console.error(`run-local.mjs: worker script not found: ${path.join(HERE, worker.script)} (run ./install.sh)`);
  process.exit(1);
}
const persist = path.resolve(o.persist);
fs.mkdirSync(persist, { recursive: true });
// Miniflare resolves module paths against the working directory and refuses ones that climb out.
process.chdir(HERE);

const mf = new Miniflare({
  modules: true,
  scriptPath: worker.script,
  compatibilityDate: "2025-06-01",
  compatibilityFlags: ["nodejs_compat"],
  durableObjects: { [worker.binding]: { className: worker.className, useSQLite: true } },
  bindings: { [worker.tokenBinding]: o.token },
  host: "127.0.0.1",
  port,
  durableObjectsPersist: persist,
  cf: false, // no download of Request.cf at start (offline; neither worker reads it)
  log: o.verbose ? new Log(LogLevel.DEBUG) : new NoOpLog(),
  logRequests: o.verbose,
  // Alchemy's dofs library console.logs every chunk it reads: drain workerd's output and drop it.
  handleRuntimeStdio: o.verbose ? undefined : (stdout, stderr) => { stdout.resume(); stderr.resume(); },
  ...(o.verbose ? {} : { handleStructuredLogs: () => {} }),
});

let url;
try {
  url = await mf.ready;
} catch (e) {
  console.error(`run-local.mjs: failed to start Miniflare: ${e?.stack ?? e}`);
  process.exit(1);
}
process.stdout.write(`READY http://127.0.0.1:${url.port}\n`);

// Miniflare's own SIGINT/SIGTERM listeners kill workerd and exit synchronously, before SQLite is
// flushed: replace them with a proper dispose, keeping them as the fallback if dispose hangs.
const foreign = {};
for (const sig of ["SIGTERM", "SIGINT"]) {
  foreign[sig] = process.listeners(sig);
  for (const l of foreign[sig]) process.removeListener(sig, l);
  process.on(sig, () => shutdown(sig));
}
process.stdin.on("end", () => shutdown("stdin closed"));
process.stdin.on("error", () => shutdown("stdin closed"));
process.stdin.resume();

let stopping = false;
async function shutdown(why) {
  if (stopping) return;
  stopping = true;
  const timer = setTimeout(() => {
    process.stderr.write("run-local.mjs: dispose timed out\n");
    for (const l of foreign.SIGTERM ?? []) l("SIGTERM");
    process.exit(1);
  }, 10000);
  try {
    await mf.dispose();
  } catch (e) {
    process.stderr.write(`run-local.mjs: dispose failed: ${e?.message ?? e}\n`);
    process.exit(1);
  }
  clearTimeout(timer);
  if (o.verbose) process.stderr.write(`run-local.mjs: ${why}: disposed\n`);
  process.exit(0);
}
