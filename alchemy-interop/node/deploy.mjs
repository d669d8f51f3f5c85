#!/usr/bin/env node
// Deploys (or destroys) a stack with the REAL Alchemy (npm alchemy@0.94.0, see package.json),
// using its default FileSystemStateStore in WORKDIR/.alchemy, or (with --store s3://…) its
// S3StateStore from "alchemy/aws", or (with --store do+http(s)://…) its DOStateStore from
// "alchemy/cloudflare". Node side of the alchemy-java interop tests.
//
//   node deploy.mjs STACK.json WORKDIR [--destroy]
//                  [--store s3://BUCKET/[PREFIX]?endpoint=URL[&region=R][&pathStyle=true]] [--s3-list alchemy|one-level]
//                  [--store do+http://HOST:PORT | do+https://HOST]
//
// --store do+http(s)://HOST…: stateStore: (scope) => new DOStateStore(scope, {worker: {url:
//   "http(s)://HOST…", token: env ALCHEMY_STATE_TOKEN}}), exactly as an app configures it for an
//   existing worker (Alchemy's own DOFS worker, or alchemy-java's); nothing of the store is changed.
//
// --store s3://…: stateStore: (scope) => new S3StateStore(scope, {bucketName: BUCKET, prefix: PREFIX
//   (omitted when empty, so Alchemy's default "alchemy/" applies), region: R (default us-east-1)}),
//   whose public `client` field is replaced by one S3Client({endpoint: URL, forcePathStyle: true,
//   region: R, credentials}) of @aws-sdk/client-s3 (a local S3 API server). Credentials: env
//   AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (required with --store; never printed).
//   Everything the store does (init, get, getBatch, all, set, delete, its key layout and JSON)
//   is Alchemy's own code — except list() with "--s3-list one-level", see next.
// --s3-list (only with --store s3://…):
//   alchemy   (default) Alchemy 0.94's own S3StateStore#list: ListObjectsV2 without a delimiter,
//             so the records of nested scopes come back as ids of the scope itself
//             ("child:nested" under "alchemy/app/dev/" → id "child/nested"). Its finalize then
//             looks those ids up under keys that do not exist and crashes ("Cannot read
//             properties of undefined (reading 'output')") whenever the stage has records (the
//             root scope always sees the stage's records as "dev/<id>"); the state written
//             before finalize is complete. A known defect of 0.94.0 (spec §7.7).
//   one-level list() lists only the records directly in the scope (ListObjectsV2 with
//             Delimiter "/", keys of the page's Contents), which is what FileSystemStateStore#list
//             returns for the same records. The only change to Alchemy's store; without it no
//             finalize of a stage with records can succeed on S3 (so neither orphan deletion nor
//             a clean exit can be tested).
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
//             "my-app/dev") of every state record written through the store's set (the
//             FileSystemStateStore's, or the S3StateStore's), each key once, in the order of its
//             first successful write (a resource Alchemy skipped is not written at all);
//   deleted = same for the store's delete, only when the record file (or object) existed;
//   errors  = messages of failures (empty on success). In the destroy phase, where alchemy()
//             itself swallows errors, these are failed store calls / provider delete calls, plus
//             "destroy incomplete: ..." when records of the stage are left behind.
// Everything else (Alchemy's own output included) goes to stderr; with env DEPLOY_TRACE=1 every
// store set/delete call (and, with S3, every store get/list) is also logged there. Exit status: 0 success; 1 deployment error
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
  process.stderr.write(`deploy.mjs: ${msg}\n${showUsage ? "usage: node deploy.mjs STACK.json WORKDIR [--destroy] [--store s3://BUCKET/[PREFIX]?endpoint=URL[&region=R]] [--s3-list alchemy|one-level]\n" : ""}`);
  addError(msg);
  finish(2);
}

// ------------------------------------------------------------------------------------------
// arguments and stack
// ------------------------------------------------------------------------------------------
const args = process.argv.slice(2);
const destroyPhase = args.includes("--destroy");
// Options with a value: --name VALUE or --name=VALUE.
const valued = { "--store": undefined, "--s3-list": undefined };
const positional = [];
const unknownFlags = [];
for (let i = 0; i < args.length; i++) {
  const a = args[i];
  if (a === "--destroy") continue;
  const eq = a.indexOf("=");
  const name = a.startsWith("--") && eq > 0 ? a.slice(0, eq) : a;
  if (name in valued) {
    if (eq > 0 && a.startsWith("--")) valued[name] = a.slice(eq + 1);
    else if (i + 1 < args.length) valued[name] = args[++i];
    else unknownFlags.push(`${a} (without a value)`);
  } else if (a.startsWith("--")) unknownFlags.push(a);
  else positional.push(a);
}

/** The --store option: undefined (Alchemy's default FileSystemStateStore) or an S3 configuration. */
function parseStore(uri, listMode) {
  if (uri === undefined) {
    if (listMode !== undefined) throw new Error("--s3-list needs --store s3://…");
    return undefined;
  }
  let u;
  try {
    u = new URL(uri);
  } catch {
    throw new Error(`--store: not a URI: ${uri}`);
  }
  if (u.protocol === "do+http:" || u.protocol === "do+https:") {
    if (listMode !== undefined) throw new Error("--s3-list needs --store s3://…");
    if (!process.env.ALCHEMY_STATE_TOKEN) throw new Error("--store do+…: environment variable ALCHEMY_STATE_TOKEN is not set");
    return { durableObject: true, url: uri.slice("do+".length) };
  }
  if (u.protocol !== "s3:") throw new Error(`--store: only s3://BUCKET/[PREFIX]?endpoint=URL or do+http(s)://HOST is supported, got ${uri}`);
  const bucketName = decodeURIComponent(u.hostname);
  if (bucketName === "") throw new Error("--store: the bucket name is empty");
  const prefix = decodeURIComponent(u.pathname.replace(/^\//, ""));
  const endpoint = u.searchParams.get("endpoint");
  if (!endpoint) throw new Error("--store: endpoint=URL of the S3 API server is required");
  for (const k of u.searchParams.keys()) {
    if (!["endpoint", "region", "pathStyle"].includes(k)) throw new Error(`--store: unknown parameter ${k}`);
  }
  // The client always uses path-style addressing (a local server has no bucket host names);
  // pathStyle=true is accepted so that the Java store's URI form can be passed as it is.
  if (![null, "true"].includes(u.searchParams.get("pathStyle"))) throw new Error("--store: only pathStyle=true is supported");
  const mode = listMode ?? "alchemy";
  if (!["alchemy", "one-level"].includes(mode)) throw new Error(`--s3-list: expected alchemy or one-level, got ${mode}`);
  for (const v of ["AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"]) {
    if (!process.env[v]) throw new Error(`--store s3://…: environment variable ${v} is not set`);
  }
  return {
    bucketName,
    prefix: prefix === "" ? undefined : prefix,
    endpoint,
    region: u.searchParams.get("region") || "us-east-1",
    listMode: mode,
  };
}

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
let s3;
if (positional.length !== 2 || unknownFlags.length > 0) {
  usage(unknownFlags.length > 0 ? `unknown option ${unknownFlags[0]}` : "expected STACK.json and WORKDIR");
} else {
  try {
    s3 = parseStore(valued["--store"], valued["--s3-list"]);
  } catch (e) {
    usage(message(e));
  }
}
if (!reported) {
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

  let StoreClass = FileSystemStateStore;
  let stateStore; // undefined: Alchemy's default, (scope) => new FileSystemStateStore(scope)
  let recordExists = async (store, id) => fs.existsSync(store.getPath(id));
  let leftovers = async (stage) => leftoverRecords(path.join(workdir, ".alchemy", stack.app), stage);
  if (s3?.durableObject) {
    const { DOStateStore } = await import("alchemy/cloudflare");
    const options = { worker: { url: s3.url, token: process.env.ALCHEMY_STATE_TOKEN } };
    StoreClass = DOStateStore;
    stateStore = (scope) => new DOStateStore(scope, options);
    recordExists = async (store, id) => {
      const client = await store.getClient();
      return (await client.rpc("get", { key: store.serializeKey(id) })) != null;
    };
    // The stage's own records (those of its nested scopes are not reached by one list).
    leftovers = async (stage) =>
      (await new DOStateStore({ appName: stack.app, stage, chain: [stack.app, stage] }, options).list()).sort();
  } else if (s3) {
    const { S3StateStore } = await import("alchemy/aws");
    const sdk = await import("@aws-sdk/client-s3");
    // One client for every scope's store: the local server, path-style, explicit credentials.
    const client = new sdk.S3Client({
      endpoint: s3.endpoint,
      forcePathStyle: true,
      region: s3.region,
      credentials: {
        accessKeyId: process.env.AWS_ACCESS_KEY_ID,
        secretAccessKey: process.env.AWS_SECRET_ACCESS_KEY,
      },
    });
    StoreClass = S3StateStore;
    stateStore = (scope) => {
      const store = new S3StateStore(scope, {
        bucketName: s3.bucketName,
        region: s3.region,
        ...(s3.prefix !== undefined ? { prefix: s3.prefix } : {}),
      });
      store.client = client; // a public field of Alchemy's S3StateStore
      if (s3.listMode === "one-level") store.list = () => listOneLevel(store, sdk);
      return store;
    };
    recordExists = async (store, id) => {
      try {
        await store.client.send(new sdk.HeadObjectCommand({ Bucket: store.bucketName, Key: store.getObjectKey(id) }));
        return true;
      } catch (e) {
        if (e?.name === "NotFound" || e?.name === "NoSuchKey" || e?.$metadata?.httpStatusCode === 404) return false;
        throw e;
      }
    };
    leftovers = async (stage) => leftoverObjects(client, sdk, s3, stack.app, stage);
  }
  instrumentStore(StoreClass, captureInternal, recordExists);

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
    ...(stateStore !== undefined ? { stateStore } : {}),
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
    const left = await leftovers(stage);
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
    if (!(scope.state instanceof StoreClass)) {
      throw new Error(`scope ${scope.chain.join("/")} does not use the instrumented ${StoreClass.name}`);
    }
  }
  await deploy(stack);
  await app.finalize();
}

/**
 * Wraps the store class's set / delete to record the keys written / deleted (a delete counts when
 * `recordExists(store, id)` said the record was there before), and (with `captureErrors`) records
 * failures of get/set/delete in report.errors.
 */
function instrumentStore(StoreClass, captureErrors, recordExists) {
  const proto = StoreClass.prototype;
  if (proto.__interopInstrumented) return;
  proto.__interopInstrumented = true;
  const origSet = proto.set;
  const origDelete = proto.delete;
  const keyOf = (store, id) => [...store.scope.chain, id].join("/");
  const trace = process.env.DEPLOY_TRACE ? (op, key) => process.stderr.write(`deploy.mjs: store.${op} ${key}\n`) : () => {};
  const origGet = proto.get;
  proto.get = async function (id) {
    try {
      const r = await origGet.call(this, id);
      if (StoreClass.name === "S3StateStore") trace(r === undefined ? "get (no record)" : "get", keyOf(this, id));
      return r;
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
      existed = await recordExists(this, id);
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

/**
 * S3StateStore#list restricted to the records directly in the store's scope: ListObjectsV2 with
 * Delimiter "/" (nested scopes come back as CommonPrefixes, which are not records), ':' → '/' as
 * Alchemy's own convertKeyFromStorage. See --s3-list one-level.
 */
async function listOneLevel(store, sdk) {
  await store.ensureInitialized();
  const ids = [];
  let token;
  do {
    const page = await store.client.send(new sdk.ListObjectsV2Command({
      Bucket: store.bucketName,
      Prefix: store.prefix,
      Delimiter: "/",
      ContinuationToken: token,
    }));
    for (const o of page.Contents ?? []) ids.push(store.convertKeyFromStorage(o.Key.slice(store.prefix.length)));
    token = page.NextContinuationToken;
  } while (token);
  if (process.env.DEPLOY_TRACE) process.stderr.write(`deploy.mjs: store.list ${store.scope.chain.join("/")} -> ${JSON.stringify(ids)}\n`);
  return ids;
}

/** Object keys (relative to the store's prefix) still present for `stage` of `app` in the bucket. */
async function leftoverObjects(client, sdk, s3, app, stage) {
  const base = `${s3.prefix ?? "alchemy/"}${app}/${stage}`;
  const out = [];
  let token;
  do {
    const page = await client.send(new sdk.ListObjectsV2Command({ Bucket: s3.bucketName, Prefix: base, ContinuationToken: token }));
    for (const o of page.Contents ?? []) {
      if (o.Key === base || o.Key.startsWith(`${base}/`)) out.push(o.Key.slice((s3.prefix ?? "alchemy/").length));
    }
    token = page.NextContinuationToken;
  } while (token);
  return out.sort();
}
