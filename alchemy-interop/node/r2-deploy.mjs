#!/usr/bin/env node
// Deploys N resources of kind alchemy::Value (output = {...props}), or destroys the stage, with the
// REAL Alchemy 0.94.0 and its own R2RestStateStore (Cloudflare's REST API), for the R2 interop test.
//
//   node r2-deploy.mjs APP STAGE N WORKDIR [--changed K] [--destroy]
//
// Resource i is "r<i>" with props {name: "name-<i>", n: i}, or {name: "changed-<i>", n: i} for i < K.
// Environment (all required but the password's default): CLOUDFLARE_API_TOKEN, CLOUDFLARE_BASE_URL
// (the test's fake of the API; Alchemy honours it on the token path), CLOUDFLARE_ACCOUNT_ID,
// R2_BUCKET, ALCHEMY_PASSWORD. Nothing of the store is changed: init, list, get, set and delete
// are Alchemy's own code.
// stdout: one JSON line {"calls": N, "ms": T}: calls = handler runs that created or updated a
// resource (a resource Alchemy skipped does not run its handler), T = milliseconds of the run.
// Everything else goes to stderr. Exit status: 0 success, 1 failure.
const realExit = process.exit;
const stdoutWrite = process.stdout.write.bind(process.stdout);
process.stdout.write = (chunk, encoding, cb) => process.stderr.write(chunk, encoding, cb);

const args = process.argv.slice(2);
const destroy = args.includes("--destroy");
const changedAt = args.indexOf("--changed");
const changed = changedAt >= 0 ? Number(args[changedAt + 1]) : 0;
const [app, stage, count, workdir] = args;
for (const v of ["CLOUDFLARE_API_TOKEN", "CLOUDFLARE_BASE_URL", "CLOUDFLARE_ACCOUNT_ID", "R2_BUCKET"]) {
  if (!process.env[v]) {
    process.stderr.write(`r2-deploy.mjs: environment variable ${v} is not set\n`);
    realExit(1);
  }
}
process.chdir(workdir);
process.env.ALCHEMY_TELEMETRY_DISABLED = "1";
process.env.DO_NOT_TRACK = "1";
process.env.ALCHEMY_CI_STATE_STORE_CHECK ??= "false";
process.argv = process.argv.slice(0, 2); // Alchemy reads its own flags from argv when it loads

const started = Date.now();
let calls = 0;
let failure;
try {
  const { default: alchemy, Resource } = await import("alchemy");
  // Imported by its URL next to the package's main module: "alchemy/state" would load every store.
  const storeUrl = new URL("./state/r2-rest-state-store.js", import.meta.resolve("alchemy"));
  const { R2RestStateStore } = await import(storeUrl.href);
  const Value = Resource("alchemy::Value", async function (id, props) {
    if (this.phase === "delete") return this.destroy();
    calls++;
    return { ...props };
  });
  const options = {
    stage,
    phase: destroy ? "destroy" : "up",
    password: process.env.ALCHEMY_PASSWORD ?? "r2-interop",
    quiet: true,
    noTrack: true,
    rootDir: workdir,
    stateStore: (scope) => new R2RestStateStore(scope, { bucketName: process.env.R2_BUCKET }),
  };
  if (destroy) {
    // alchemy() destroys the stage itself and then calls process.exit(0)
    process.exit = () => {};
    try {
      await alchemy(app, options);
    } finally {
      process.exit = realExit;
    }
  } else {
    const run = await alchemy(app, options);
    for (let i = 0; i < Number(count); i++) {
      await Value(`r${i}`, { name: (i < changed ? "changed-" : "name-") + i, n: i });
    }
    await run.finalize();
  }
} catch (e) {
  failure = e;
  process.stderr.write(`r2-deploy.mjs: ${e instanceof Error && e.stack ? e.stack : e}\n`);
}
const report = { calls, ms: Date.now() - started, ...(failure ? { error: String(failure?.message ?? failure) } : {}) };
stdoutWrite(JSON.stringify(report) + "\n", () => realExit(failure ? 1 : 0));
