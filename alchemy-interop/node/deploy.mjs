#!/usr/bin/env node
// Deploys (or destroys) a stack with the REAL Alchemy (npm alchemy@0.94.0, see package.json),
// using its default FileSystemStateStore in WORKDIR/.alchemy. Node side of the alchemy-java
// interop tests.
//
//   node deploy.mjs STACK.json WORKDIR [--destroy]
//
// STACK.json:
//   {"app": "my-app", "stage": "dev",
//    "resources": [{"id": "readme", "kind": "fs::File", "props": {"path": "out/README.md", "content": "hi"}},
//                  {"id": "api", "kind": "alchemy::Value", "props": {"url": "x", "key": {"@secretEnv": "API_KEY"}}}],
//    "scopes": [{"name": "child", "resources": [...], "scopes": [...]}]}
//
// Kinds: fs::File / fs::Folder = Alchemy's own File / Folder from "alchemy/fs";
//        alchemy::Value = Resource("alchemy::Value") whose output is {...props} (delete: this.destroy()).
// Values: {"@secretEnv": NAME} (an object with exactly that one key, at any depth) becomes
//         alchemy.secret(process.env[NAME]); everything else is passed as-is.
// Order: in every scope, its resources in array order, then its child scopes
//        (alchemy.run(name, ...)) in array order. "props" may be omitted (the resource then gets
//        no props at all). "stage" may be omitted (Alchemy's own default then applies).
// Password: env ALCHEMY_PASSWORD. Logging quiet, telemetry off.
// Phase: "up" (then app.finalize(), which destroys records no longer declared), or "destroy"
//        with --destroy (destroys the whole stage; the resources of STACK.json are not used).
//
// stdout: exactly one JSON line at the end, {"written": [...], "deleted": [...], "errors": [...]}:
//   written = keys "<scope chain joined by />/<id>" (e.g. "my-app/dev/readme", stage record
//             "my-app/dev") of every state record written through FileSystemStateStore#set,
//             each key once, in the order of its first successful write (a resource Alchemy
//             skipped is not written at all);
//   deleted = same for FileSystemStateStore#delete, only when the record file existed;
//   errors  = messages of failures (empty on success). In the destroy phase, where alchemy()
//             itself swallows errors, these are failed store calls / provider delete calls, plus
//             "destroy incomplete: ..." when records of the stage are left behind.
// Everything else (Alchemy's own output included) goes to stderr; with env DEPLOY_TRACE=1 every
// store set/delete call is also logged there. Exit status: 0 success; 1 deployment error
// (message also on stderr); 2 bad usage, unreadable/invalid stack, or an unset @secretEnv
// variable (checked before anything is deployed).
import fs from "node:fs";
import path from "node:path";

const report = { written: [], deleted: [], errors: [] };
let reported = false;

// Keep stdout for the report only: everything written to process.stdout (console.log,
// Alchemy's logger, ...) is diverted to stderr.
const stdoutWrite = process.stdout.write.bind(process.stdout);
process.stdout.write = function (chunk, encoding, cb) {
  return process.stderr.write(chunk, encoding, cb);
};
const realExit = process.exit;

function message(e) {
  if (e instanceof Error) return e.message || String(e);
  return String(e);
}

function addError(msg) {
  if (!report.errors.includes(msg)) report.errors.push(msg);
}

function addOnce(list, key) {
  if (!list.includes(key)) list.push(key);
}

/** Writes the report (once) and exits with `code`. */
function finish(code) {
  if (reported) return;
  reported = true;
  const text = JSON.stringify(report) + "\n";
  stdoutWrite(text, () => realExit.call(process, code));
}

// Safety nets: the report is still printed if something exits or crashes behind our back.
process.on("exit", (code) => {
  if (reported) return;
  reported = true;
  if (code !== 0 && report.errors.length === 0) addError(`process exited with code ${code} before the deployment finished`);
  try {
    fs.writeSync(1, JSON.stringify(report) + "\n");
  } catch {
    // nothing left to do
  }
});
for (const ev of ["uncaughtException", "unhandledRejection"]) {
  process.on(ev, (e) => {
    const msg = message(e);
    addError(msg);
    process.stderr.write(`deploy.mjs: ${ev}: ${e instanceof Error && e.stack ? e.stack : msg}\n`);
    finish(1);
  });
}

function usage(msg, showUsage = true) {
  process.stderr.write(`deploy.mjs: ${msg}\n${showUsage ? "usage: node deploy.mjs STACK.json WORKDIR [--destroy]\n" : ""}`);
  addError(msg);
  finish(2);
}

// ------------------------------------------------------------------------------------------
// arguments and stack
// ------------------------------------------------------------------------------------------
const args = process.argv.slice(2);
const destroyPhase = args.includes("--destroy");
const positional = args.filter((a) => a !== "--destroy");
const unknownFlags = positional.filter((a) => a.startsWith("--"));

const KINDS = new Set(["fs::File", "fs::Folder", "alchemy::Value"]);

function validateStack(stack) {
  const isObj = (v) => v !== null && typeof v === "object" && !Array.isArray(v);
  if (!isObj(stack)) throw new Error("stack must be a JSON object");
  if (typeof stack.app !== "string" || stack.app === "") throw new Error('stack "app" must be a non-empty string');
  if (stack.stage !== undefined && typeof stack.stage !== "string") throw new Error('stack "stage" must be a string');
  const walk = (node, where) => {
    if (node.resources !== undefined && !Array.isArray(node.resources)) throw new Error(`${where}: "resources" must be an array`);
    if (node.scopes !== undefined && !Array.isArray(node.scopes)) throw new Error(`${where}: "scopes" must be an array`);
    for (const [i, r] of (node.resources ?? []).entries()) {
      if (!isObj(r)) throw new Error(`${where}.resources[${i}] must be an object`);
      if (typeof r.id !== "string") throw new Error(`${where}.resources[${i}]: "id" must be a string`);
      if (!KINDS.has(r.kind)) throw new Error(`${where}.resources[${i}] (${r.id}): unknown kind ${JSON.stringify(r.kind)} (known: ${[...KINDS].join(", ")})`);
    }
    for (const [i, s] of (node.scopes ?? []).entries()) {
      if (!isObj(s)) throw new Error(`${where}.scopes[${i}] must be an object`);
      if (typeof s.name !== "string") throw new Error(`${where}.scopes[${i}]: "name" must be a string`);
      walk(s, `${where}.scopes[${i}] (${s.name})`);
    }
  };
  walk(stack, "stack");
}

/** Names of all {"@secretEnv": NAME} references in the stack's props. */
function secretEnvNames(node, out = new Set()) {
  const scan = (v) => {
    if (Array.isArray(v)) v.forEach(scan);
    else if (v !== null && typeof v === "object") {
      const keys = Object.keys(v);
      if (keys.length === 1 && keys[0] === "@secretEnv") out.add(String(v["@secretEnv"]));
      else Object.values(v).forEach(scan);
    }
  };
  for (const r of node.resources ?? []) scan(r.props);
  for (const s of node.scopes ?? []) secretEnvNames(s, out);
  return out;
}

let stack;
let workdir;
if (positional.length !== 2 || unknownFlags.length > 0) {
  usage(unknownFlags.length > 0 ? `unknown option ${unknownFlags[0]}` : "expected STACK.json and WORKDIR");
} else {
  try {
    stack = JSON.parse(fs.readFileSync(positional[0], "utf8"));
    validateStack(stack);
    if (!destroyPhase) {
      // Fail before anything is deployed rather than half-way through.
      const missing = [...secretEnvNames(stack)].filter((n) => process.env[n] === undefined);
      if (missing.length > 0) throw new Error(`environment variable(s) used by @secretEnv not set: ${missing.join(", ")}`);
    }
    workdir = path.resolve(positional[1]);
    fs.mkdirSync(workdir, { recursive: true });
  } catch (e) {
    usage(`${positional[0]}: ${message(e)}`, false);
  }
}

if (!reported) {
  try {
    await main();
  } catch (e) {
    addError(message(e));
    process.stderr.write(`deploy.mjs: error: ${e instanceof Error && e.stack ? e.stack : message(e)}\n`);
  }
  if (report.errors.length > 0 && !reported) {
    process.stderr.write(`deploy.mjs: failed: ${report.errors.join("; ")}\n`);
  }
  finish(report.errors.length > 0 ? 1 : 0);
}

// ------------------------------------------------------------------------------------------
// the deployment
// ------------------------------------------------------------------------------------------
async function main() {
  process.chdir(workdir);
  // Telemetry off; the flags are read when the modules load.
  process.env.ALCHEMY_TELEMETRY_DISABLED = "1";
  process.env.DO_NOT_TRACK = "1";
  // Using the local FileSystemStateStore is the point here, also when CI is set.
  process.env.ALCHEMY_CI_STATE_STORE_CHECK ??= "false";
  // Alchemy reads its CLI flags (--destroy, --stage, --force, --root-dir, ...) from
  // process.argv when it loads; ours are not meant for it: the phase is passed explicitly.
  process.argv = process.argv.slice(0, 2);

  const { default: alchemy, Resource } = await import("alchemy");
  const { File, Folder } = await import("alchemy/fs");
  // The default store is `new FileSystemStateStore(scope)` where lib/scope.js imports the class
  // from "./state/file-system-state-store.js". The package exports that class as
  // "alchemy/state" too, but that entry point also loads every other state store (Cloudflare,
  // D1, SQLite, ...: ~1 s per run), so the module is imported by its URL next to the package's
  // main module: the same URL, hence the very class (checked on the app's scopes below).
  const storeUrl = new URL("./state/file-system-state-store.js", import.meta.resolve("alchemy"));
  const { FileSystemStateStore } = await import(storeUrl.href);

  // In the destroy phase alchemy() catches and drops every error (the quiet logger does not
  // even print it): record failures of the store and of the providers' delete calls ourselves.
  // In the up phase errors propagate to main() and are recorded once there.
  const captureInternal = destroyPhase;
  instrumentStore(FileSystemStateStore, captureInternal);

  const Value = Resource("alchemy::Value", async function (id, props) {
    if (this.phase === "delete") return this.destroy();
    return { ...props };
  });
  const providers = { "fs::File": File, "fs::Folder": Folder, "alchemy::Value": Value };
  if (captureInternal) for (const p of Object.values(providers)) recordDeleteErrors(p);

  const options = {
    ...(stack.stage !== undefined ? { stage: stack.stage } : {}),
    phase: destroyPhase ? "destroy" : "up",
    password: process.env.ALCHEMY_PASSWORD,
    quiet: true,
    noTrack: true,
    rootDir: workdir,
  };

  if (destroyPhase) {
    // alchemy() destroys the whole stage itself, swallows any error of that, and then calls
    // process.exit(0): stub process.exit for the duration of the call.
    let exitCode = null;
    process.exit = (c) => {
      exitCode = c ?? 0;
    };
    try {
      await alchemy(stack.app, options);
    } finally {
      process.exit = realExit;
    }
    if (exitCode !== null && exitCode !== 0) addError(`alchemy destroy exited with code ${exitCode}`);
    // Destroy errors are only logged by Alchemy; detect them by what is left behind.
    const stage = options.stage ?? process.env.STAGE ?? process.env.ALCHEMY_STAGE ?? process.env.USER ?? process.env.USERNAME ?? "dev";
    const left = leftoverRecords(path.join(workdir, ".alchemy", stack.app), stage);
    if (left.length > 0) addError(`destroy incomplete: ${left.length} state record(s) left: ${left.join(", ")}`);
    return;
  }

  function materialize(v) {
    if (Array.isArray(v)) return v.map(materialize);
    if (v !== null && typeof v === "object") {
      const keys = Object.keys(v);
      if (keys.length === 1 && keys[0] === "@secretEnv") {
        const name = v["@secretEnv"];
        const value = process.env[name];
        if (value === undefined) throw new Error(`environment variable ${name} (used by @secretEnv) is not set`);
        return alchemy.secret(value);
      }
      return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, materialize(x)]));
    }
    return v;
  }

  async function deploy(node) {
    for (const r of node.resources ?? []) {
      const provider = providers[r.kind];
      if (r.props === undefined) await provider(r.id);
      else await provider(r.id, materialize(r.props));
    }
    for (const s of node.scopes ?? []) {
      await alchemy.run(s.name, async () => deploy(s));
    }
  }

  const app = await alchemy(stack.app, options);
  for (const scope of [app, ...app.children.values()]) {
    if (!(scope.state instanceof FileSystemStateStore)) {
      throw new Error(`scope ${scope.chain.join("/")} does not use the instrumented FileSystemStateStore`);
    }
  }
  await deploy(stack);
  await app.finalize();
}

/**
 * Wraps FileSystemStateStore#set / #delete to record the keys written / deleted, and (with
 * `captureErrors`) records failures of get/set/delete in report.errors.
 */
function instrumentStore(FileSystemStateStore, captureErrors) {
  const proto = FileSystemStateStore.prototype;
  if (proto.__interopInstrumented) return;
  proto.__interopInstrumented = true;
  const origSet = proto.set;
  const origDelete = proto.delete;
  const keyOf = (store, id) => [...store.scope.chain, id].join("/");
  const trace = process.env.DEPLOY_TRACE ? (op, key) => process.stderr.write(`deploy.mjs: store.${op} ${key}\n`) : () => {};
  const origGet = proto.get;
  proto.get = async function (id) {
    try {
      return await origGet.call(this, id);
    } catch (e) {
      if (captureErrors) addError(`state get ${keyOf(this, id)}: ${message(e)}`);
      throw e;
    }
  };
  proto.set = async function (id, value) {
    const key = keyOf(this, id);
    try {
      const r = await origSet.call(this, id, value);
      trace("set", key);
      addOnce(report.written, key);
      return r;
    } catch (e) {
      if (captureErrors) addError(`state set ${key}: ${message(e)}`);
      throw e;
    }
  };
  proto.delete = async function (id) {
    const key = keyOf(this, id);
    let existed = false;
    try {
      existed = fs.existsSync(this.getPath(id));
    } catch {
      existed = false;
    }
    try {
      const r = await origDelete.call(this, id);
      trace(existed ? "delete" : "delete (no record)", key);
      if (existed) addOnce(report.deleted, key);
      return r;
    } catch (e) {
      if (captureErrors) addError(`state delete ${key}: ${message(e)}`);
      throw e;
    }
  };
}

/** Records errors thrown by a provider's handler in the delete phase (the success signal excepted). */
function recordDeleteErrors(provider) {
  const handler = provider.handler;
  if (typeof handler !== "function" || handler.__interopWrapped) return;
  const wrapped = async function (...args) {
    try {
      return await handler.apply(this, args);
    } catch (e) {
      // this.destroy() signals success by throwing a DestroyedSignal
      if (this?.phase === "delete" && !(e instanceof Error && e.kind === "DestroyedSignal")) {
        addError(`delete ${provider.type} ${this.fqn ?? args[0]}: ${message(e)}`);
      }
      throw e;
    }
  };
  wrapped.__interopWrapped = true;
  provider.handler = wrapped;
}

/** Record files (*.json) still present for `stage` under .alchemy/<app>/ (relative paths). */
function leftoverRecords(appDir, stage) {
  const out = [];
  const stageRecord = path.join(appDir, `${stage}.json`);
  if (fs.existsSync(stageRecord)) out.push(path.relative(appDir, stageRecord));
  const walk = (dir) => {
    let entries;
    try {
      entries = fs.readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.isFile() && e.name.endsWith(".json")) out.push(path.relative(appDir, p));
    }
  };
  walk(path.join(appDir, stage));
  return out.sort();
}
