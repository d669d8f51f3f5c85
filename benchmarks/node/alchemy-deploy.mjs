#!/usr/bin/env node
// The real Alchemy's side of the whole-process race (bench-process.mjs): a plain user program
// that deploys a stack file (gen-stack.mjs) with `alchemy@0.94.0`, as `./alchemy deploy --file`
// does with alchemy-java. Run it in the working directory: state goes to ./.alchemy (Alchemy's
// default FileSystemStateStore, like the CLI's default store fs:.alchemy).
//
//   ALCHEMY_PASSWORD=pw [BENCH_SECRET_…=…] node alchemy-deploy.mjs stack.json
//   node alchemy-deploy.mjs stack.json --destroy
//
// alchemy::Value is Resource("alchemy::Value") whose output is {...props}; {"@secretEnv": NAME}
// becomes alchemy.secret(process.env[NAME]). Telemetry off, quiet. stdout: one JSON line at the
// end, {"created", "updated", "deleted", "skipped"} (provider calls; skipped = resources without
// one), as the CLI's `--json` summary has them.
import fs from "node:fs";

process.env.ALCHEMY_TELEMETRY_DISABLED = "1";
process.env.DO_NOT_TRACK = "1";
process.env.ALCHEMY_CI_STATE_STORE_CHECK ??= "false";
const args = process.argv.slice(2);
const destroy = args.includes("--destroy");
const file = args.find((a) => !a.startsWith("--"));
if (!file) {
  console.error("usage: node alchemy-deploy.mjs STACK.json [--destroy]");
  process.exit(2);
}
// Alchemy reads its own flags (--destroy, --stage, ...) from process.argv: the phase is explicit.
process.argv = process.argv.slice(0, 2);

const { default: alchemy, Resource } = await import("alchemy");
const calls = { create: 0, update: 0, delete: 0 };
const Value = Resource("alchemy::Value", async function (id, props) {
  calls[this.phase]++;
  if (this.phase === "delete") return this.destroy();
  return { ...props };
});

const stack = JSON.parse(fs.readFileSync(file, "utf8"));
const secret = (v) => {
  if (Array.isArray(v)) return v.map(secret);
  if (v !== null && typeof v === "object") {
    const keys = Object.keys(v);
    if (keys.length === 1 && keys[0] === "@secretEnv") {
      const value = process.env[v["@secretEnv"]];
      if (value === undefined) throw new Error(`environment variable ${v["@secretEnv"]} is not set`);
      return alchemy.secret(value);
    }
    const out = {};
    for (const k of keys) out[k] = secret(v[k]);
    return out;
  }
  return v;
};
const options = {
  stage: stack.stage,
  phase: destroy ? "destroy" : "up",
  password: process.env.ALCHEMY_PASSWORD,
  quiet: true,
  noTrack: true,
};
const report = () =>
  process.stdout.write(
    JSON.stringify({ created: calls.create, updated: calls.update, deleted: calls.delete,
      skipped: destroy ? 0 : stack.resources.length - calls.create - calls.update }) + "\n",
  );
if (destroy) {
  // alchemy() destroys the stage and then calls process.exit(0) itself.
  process.on("exit", report);
  await alchemy(stack.app, options);
} else {
  const app = await alchemy(stack.app, options);
  for (const r of stack.resources) await Value(r.id, secret(r.props));
  await app.finalize();
  report();
}
