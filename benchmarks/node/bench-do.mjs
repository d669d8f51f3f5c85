#!/usr/bin/env node
// The real Alchemy 0.94 DOStateStore client (alias of DOFSStateStore, from "alchemy/cloudflare")
// on a running Durable Object state-store worker: one cycle of cold deploy, no-op redeploy, all()
// and destroy of the workload's N resources, each timed, and, when --counts names the counting
// proxy of run.alchemy.benchmarks.DoBenchmark, the requests each made (by RPC method).
//
//   ALCHEMY_STATE_TOKEN=… node bench-do.mjs --url URL --n 500 --variant secrets|nosecrets \
//       --stage STAGE --out result.json [--counts PROXY_URL]
//
// Run by benchmarks/do (through DoBenchmark), which starts alchemy-java's worker
// (alchemy-store-do/worker/run-local.mjs) and the proxy. Adapted from the peer harness's
// bench-dofs.mjs (/work/shared/peer/bench-dofs.mjs, its cycleBench: the same program, store
// construction and checks), with all() as a workload of its own and request counts added.
//
// The store is configured exactly as an app does: alchemy(app, { stateStore: (scope) =>
// new DOStateStore(scope, { worker: { url, token } }) }); with worker.url set the client only
// validates the token against that URL and never talks to the Cloudflare API.
//   a_cold_deploy   alchemy(app, {phase: "up"}), N × await Thing(id, props), app.finalize()
//   b_noop_redeploy the same again (no provider call)
//   d_store_all     a new DOStateStore of the stage: init() (validate) + all() (records
//                   deserialized, secrets decrypted: what alchemy-java's contents + getBatch +
//                   readRecord do)
//   f_destroy       alchemy(app, {phase: "destroy"}) (process.exit stubbed: Alchemy calls it)
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { alchemyVersion, gc, hostInfo, log, parseArgs, round } from "./benchlib.mjs";
import { APP_NAME, PASSWORD, RESOURCE_KIND, WORKLOAD_VERSION, jsonProps, resourceId, toAlchemyProps } from "./workload.mjs";

const o = parseArgs(process.argv.slice(2), {
  url: "",
  counts: "",
  n: 500,
  variant: "secrets",
  stage: "",
  out: "",
  help: false,
});
const token = process.env.ALCHEMY_STATE_TOKEN ?? "";
if (o.help || !o.url || !o.stage || !o.out || !token || !["secrets", "nosecrets"].includes(o.variant)) {
  console.error("usage: ALCHEMY_STATE_TOKEN=… node bench-do.mjs --url URL --n 500 --variant secrets|nosecrets --stage S --out r.json [--counts PROXY_URL]");
  process.exit(o.help ? 0 : 2);
}
const N = o.n;

const mod = await import("alchemy");
const alchemy = mod.default;
const { DOStateStore } = await import("alchemy/cloudflare");

const calls = { create: 0, update: 0, delete: 0 };
const Thing = mod.Resource(RESOURCE_KIND, async function (id, props) {
  if (this.phase === "delete") {
    calls.delete++;
    return this.destroy();
  }
  calls[this.phase]++;
  return { ...props };
});

const stateStore = (scope) => new DOStateStore(scope, { worker: { url: o.url, token } });
const tmpRoot = fs.mkdtempSync(path.join(os.tmpdir(), "bench-do-"));
const appOpts = (phase) => ({
  stage: o.stage,
  phase,
  password: PASSWORD,
  quiet: true,
  noTrack: true,
  rootDir: tmpRoot, // only .alchemy/ paths for logs and pids; the state goes to the worker
  stateStore,
});

/** The proxy's request counts since the last call (and reset them); null without --counts. */
async function counts() {
  if (!o.counts) return null;
  const res = await fetch(new URL("/__bench/counts?reset=1", o.counts));
  if (!res.ok) throw new Error(`counting proxy: ${res.status} ${await res.text()}`);
  return await res.json();
}

const makeSecret = o.variant === "secrets" ? (s) => alchemy.secret(s) : (s) => s;
const ids = Array.from({ length: N }, (_, i) => resourceId(i));
const base = Array.from({ length: N }, (_, i) => jsonProps(i, 0));
const workloads = {};
const requests = {};
const checks = {};

async function timed(key, fn) {
  gc();
  await counts();
  Object.assign(calls, { create: 0, update: 0, delete: 0 });
  const t0 = performance.now();
  const result = await fn();
  workloads[key] = round(performance.now() - t0);
  const c = await counts();
  if (c) requests[key] = c;
  return result;
}

const stageStore = async () => {
  // a scope of the stage to build a store from; phase "read" writes nothing
  const app = await alchemy(APP_NAME, appOpts("read"));
  return stateStore(app.children.get(o.stage));
};

try {
  await timed("a_cold_deploy", async () => {
    const app = await alchemy(APP_NAME, appOpts("up"));
    for (let i = 0; i < N; i++) await Thing(ids[i], toAlchemyProps(base[i], makeSecret));
    await app.finalize();
  });
  checks.a = { ...calls, ok: calls.create === N && calls.update + calls.delete === 0 };
  await timed("b_noop_redeploy", async () => {
    const app = await alchemy(APP_NAME, appOpts("up"));
    for (let i = 0; i < N; i++) await Thing(ids[i], toAlchemyProps(base[i], makeSecret));
    await app.finalize();
  });
  checks.b = { ...calls, ok: calls.create + calls.update + calls.delete === 0 };
  const store = await stageStore();
  const all = await timed("d_store_all", async () => {
    await store.init();
    return await store.all();
  });
  const secretOk = o.variant !== "secrets" || mod.isSecret(all[ids[0]]?.props?.apiKey);
  checks.d = { records: Object.keys(all).length, secretDecrypted: secretOk, ok: Object.keys(all).length === N && secretOk };
  await timed("f_destroy", async () => {
    const realExit = process.exit;
    process.exit = () => {};
    try {
      await alchemy(APP_NAME, appOpts("destroy"));
    } finally {
      process.exit = realExit;
    }
  });
  const after = await stageStore();
  const left = await after.count();
  await counts();
  checks.f = { ...calls, left, ok: calls.delete === N && left === 0 };
} finally {
  fs.rmSync(tmpRoot, { recursive: true, force: true });
}

const doc = {
  tool: "bench-do (real Alchemy DOStateStore)",
  workloadVersion: WORKLOAD_VERSION,
  alchemyVersion: alchemyVersion(),
  n: N,
  variant: o.variant,
  stage: o.stage,
  url: o.url,
  counted: Boolean(o.counts),
  host: hostInfo(),
  workloadsMs: workloads,
  requests,
  checks,
  valid: Object.values(checks).every((c) => c.ok),
};
fs.mkdirSync(path.dirname(path.resolve(o.out)), { recursive: true });
fs.writeFileSync(o.out, JSON.stringify(doc, null, 2) + "\n");
log(`  alchemy ${o.variant} ${o.stage}: ${Object.entries(workloads).map(([k, v]) => `${k.slice(0, 1)} ${v.toFixed(0)}`).join(", ")} ms${doc.valid ? "" : " (CHECK FAILED: " + JSON.stringify(checks) + ")"}`);
process.exit(0);
