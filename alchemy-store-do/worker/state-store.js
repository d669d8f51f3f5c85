// alchemy-java's Durable Object state store.
//
// Speaks the RPC protocol of Alchemy 0.94's DOFS worker (workers/dofs-state-store.ts), so that
// Alchemy's own DOStateStore client works against it unchanged:
//   POST <url>/rpc?app=A&stage=S   Authorization: Bearer <token>   {"method": M, "params": P}
//   -> {"success": true, "status": 200, "result": R} | {"success": false, "status": N, "error": "…"}
// with M in validate, get, getBatch, all, set, delete, list, count; and adds, for alchemy-java:
//   contents, getMany, writeBatch, scope          (snapshots in fewer round trips)
//   logExists, logHead, logView, logAppend, logRead, logDropBelow (the stage's event log)
//   logStages                                    (the app's stages that have a log)
//   controlGet, controlCreate, controlPut, controlDelete, controlList  (small named objects)
// One Durable Object per "<app>/<stage>", as in Alchemy. State lives in the object's SQLite
// storage. Platform limits respected: a stored value (a row) is at most 2 MB, so texts and blobs
// are cut into parts; no statement binds more than a handful of parameters (the limit is 100);
// log positions and versions are 64-bit integers in SQL and decimal text everywhere else, since
// JavaScript numbers are doubles and lose integers beyond 2^53.
import { DurableObject } from "cloudflare:workers";
import { Buffer } from "node:buffer";

// UTF-16 units per text part: at most 3 UTF-8 bytes each, so a part stays under 1.5 MiB.
const TEXT_PART = 512 * 1024;
// Bytes per blob part.
const BLOB_PART = 1024 * 1024;
// A getMany or logRead answer stops growing past this many bytes (the worker-to-object RPC
// message limit is 32 MiB); the caller asks again for the rest.
const ANSWER_BUDGET = 8 * 1024 * 1024;
const MAX_POSITION = (1n << 63n) - 1n;

class APIError extends Error {
  constructor(message, status) {
    super(message);
    this.status = status;
  }
}

const json = (body, status) => Response.json(body, { status });

export default {
  async fetch(request, env) {
    const url = new URL(request.url);
    if (url.pathname === "/health-check") {
      return new Response("OK", { status: 200 });
    }
    try {
      const result = await handle(request, env, url);
      return json({ success: true, status: 200, result: result ?? undefined }, 200);
    } catch (e) {
      const status = e instanceof APIError ? e.status : 500;
      const message = e instanceof Error ? e.message : "An unknown error occurred.";
      return json({ success: false, status, error: message }, status);
    }
  },
};

async function handle(request, env, url) {
  if (!(await authorized(request, env))) {
    throw new APIError("Unauthorized", 401);
  }
  const app = url.searchParams.get("app");
  const stage = url.searchParams.get("stage");
  if (!app || !stage) {
    throw new APIError("Missing app or stage", 400);
  }
  let body;
  try {
    body = await request.json();
  } catch {
    throw new APIError("Invalid JSON", 400);
  }
  const method = body?.method;
  if (method === "validate") {
    // Alchemy's client looks only at the status; alchemy-java learns which methods it may use.
    return { worker: "alchemy-java", protocol: 2 };
  }
  if (typeof method !== "string" || (!Object.hasOwn(METHODS, method) && method !== "logStages")) {
    throw new APIError("Method not found", 404);
  }
  let stub;
  if (LOG_METHODS.has(method)) {
    const ns = logPrefix(body.params);
    if (method === "logStages") {
      return logStages(env, ns, app);
    }
    if (CREATES_LOG.has(method)) {
      await register(env, ns, app, stage);
    }
    stub = logObject(env, ns, app, stage);
  } else {
    stub = env.STATE_STORE.get(env.STATE_STORE.idFromName(`${app}/${stage}`));
  }
  const reply = await stub.call(method, body.params ?? null);
  if (reply.error) {
    throw new APIError(reply.error, reply.status);
  }
  return reply.result;
}

// SHA-256 of both tokens, compared in constant time: every byte of the full token counts and the
// time taken says nothing about where the first difference is or how long the real token is.
async function authorized(request, env) {
  const header = request.headers.get("Authorization") ?? "";
  if (!header.startsWith("Bearer ") || typeof env.STATE_TOKEN !== "string" || env.STATE_TOKEN.length === 0) {
    return false;
  }
  const enc = new TextEncoder();
  const [given, expected] = await Promise.all([
    crypto.subtle.digest("SHA-256", enc.encode(header.slice("Bearer ".length))),
    crypto.subtle.digest("SHA-256", enc.encode(env.STATE_TOKEN)),
  ]);
  return crypto.subtle.timingSafeEqual(given, expected);
}

const MUTATING = new Set(["logAppend", "logDropBelow", "controlCreate", "controlPut", "controlDelete"]);
const LOG_METHODS = new Set(["logExists", "logHead", "logView", "logAppend", "logRead", "logDropBelow", "logStages",
  "controlGet", "controlCreate", "controlPut", "controlDelete", "controlList"]);
// The calls that may give a stage its log (logExists turns true): the stage is registered first.
const CREATES_LOG = new Set(["logAppend", "controlCreate", "controlPut"]);

// A stage's log lives in an object of its own, named by the client's key prefix too (params.logPrefix):
// stores with different prefixes on one worker keep apart logs as they keep apart snapshots, and
// Alchemy's "<app>/<stage>" object holds only snapshots. The names have NULs, which no app, stage or
// prefix the engine sends can have.
const logObject = (env, ns, app, stage) =>
  env.STATE_STORE.get(env.STATE_STORE.idFromName(`log\u0000${ns}\u0000${app}/${stage}`));
// A Durable Object cannot be listed, so each prefix and app has one more object that keeps the
// names of the stages with a log.
const registry = (env, ns, app) => env.STATE_STORE.get(env.STATE_STORE.idFromName(`stages\u0000${ns}\u0000${app}`));
// Stages this isolate has registered already: registrations are never undone, so one per isolate
// suffices and later appends skip the extra round trip.
const registered = new Set();

function logPrefix(p) {
  const v = p?.logPrefix;
  if (typeof v !== "string" || v.length === 0 || v.includes("\u0000")) {
    throw bad("params.logPrefix must be the client's key prefix, a non-empty string");
  }
  return v;
}

async function register(env, ns, app, stage) {
  const key = `${ns}\u0000${app}/${stage}`;
  if (!registered.has(key)) {
    await registry(env, ns, app).registerStage(stage);
    registered.add(key);
  }
}

// Registered before their first write, a stage whose write then failed may have no log: each is
// asked, so the answer is exactly the stages whose log exists.
async function logStages(env, ns, app) {
  const names = await registry(env, ns, app).stageNames();
  const exists = await Promise.all(names.map((stage) => logObject(env, ns, app, stage).call("logExists", null)));
  return names.filter((_, i) => exists[i].result === true);
}

const METHODS = {
  get: (s, p) => s.get(str(p, "key")),
  getBatch: (s, p) => s.getBatch(strings(p, "keys")),
  all: (s, p) => s.all(str(p, "prefix")),
  set: (s, p) => s.set(str(p, "key"), value(p)),
  delete: (s, p) => s.remove(str(p, "key")),
  list: (s, p) => s.list(str(p, "prefix")),
  count: (s, p) => s.list(str(p, "prefix")).length,
  contents: (s, p) => s.contents(str(p, "prefix")),
  getMany: (s, p) => s.getMany(strings(p, "keys")),
  scope: (s, p) => s.scope(str(p, "prefix"), p?.after === undefined ? null : str(p, "after")),
  writeBatch: (s, p) => s.writeBatch(array(p, "writes")),
  logExists: (s) => s.logExists(),
  logHead: (s) => (s.logHeadOrNull() ?? 0n).toString(),
  logView: (s, p) => s.logView(prefix(p)),
  logAppend: (s, p) => s.logAppend(position(p, "expectedHead"), blobs(p, "records")),
  logRead: (s, p) => s.logRead(position(p, "after"), limit(p)),
  logDropBelow: (s, p) => s.logDropBelow(position(p, "position")),
  controlGet: (s, p) => s.controlGet(str(p, "name")),
  controlCreate: (s, p) => s.controlCreate(str(p, "name"), blob(p, "data")),
  controlPut: (s, p) => s.controlPut(str(p, "name"), blob(p, "data")),
  controlDelete: (s, p) => s.controlDelete(str(p, "name")),
  controlList: (s, p) => s.controlList(prefix(p)),
};

function bad(what) {
  return new APIError(what, 400);
}
function str(p, name) {
  const v = p?.[name];
  if (typeof v !== "string" || v.length === 0) throw bad(`params.${name} must be a non-empty string`);
  return v;
}
function prefix(p) {
  if (typeof p?.prefix !== "string") throw bad("params.prefix must be a string");
  return p.prefix;
}
function array(p, name) {
  const v = p?.[name];
  if (!Array.isArray(v)) throw bad(`params.${name} must be an array`);
  return v;
}
function strings(p, name) {
  const v = array(p, name);
  v.forEach((k, i) => {
    if (typeof k !== "string" || k.length === 0) throw bad(`params.${name}[${i}] must be a non-empty string`);
  });
  return v;
}
function value(p) {
  if (p === null || typeof p !== "object" || !("value" in p)) throw bad("params.value is missing");
  return p.value;
}
function decode(text, where) {
  if (typeof text !== "string" || !/^[A-Za-z0-9+/]*={0,2}$/.test(text) || text.length % 4 !== 0) {
    throw bad(`${where} must be standard base64 text`);
  }
  return Buffer.from(text, "base64");
}
function blob(p, name) {
  return decode(p?.[name], `params.${name}`);
}
function blobs(p, name) {
  return array(p, name).map((r, i) => decode(r, `params.${name}[${i}]`));
}
function position(p, name) {
  const v = p?.[name];
  if (typeof v !== "string" || !/^(0|[1-9][0-9]{0,18})$/.test(v) || BigInt(v) > MAX_POSITION) {
    throw bad(`params.${name} must be a whole number 0..2^63-1 written as decimal text, not ${JSON.stringify(v)}`);
  }
  return BigInt(v);
}
function limit(p) {
  const v = p?.limit ?? 1000;
  if (!Number.isInteger(v) || v < 1 || v > 10000) throw bad("params.limit must be a whole number 1..10000");
  return v;
}

// "alchemy/app/dev/a:b" -> ["alchemy/app/dev", "a:b"]: a scope's records are the rows of one dir.
function split(key) {
  const cut = key.lastIndexOf("/");
  return cut < 0 ? ["", key] : [key.slice(0, cut), key.slice(cut + 1)];
}
// Alchemy's list/all take the prefix "alchemy/app/dev/", with or without the last slash.
function dirOf(prefix) {
  return prefix.endsWith("/") ? prefix.slice(0, -1) : prefix;
}
function textParts(text) {
  const parts = [];
  for (let i = 0; i < text.length || parts.length === 0; ) {
    let end = Math.min(text.length, i + TEXT_PART);
    // never cut a surrogate pair in two: each half alone would not survive as text
    const last = text.charCodeAt(end - 1);
    if (end < text.length && last >= 0xd800 && last <= 0xdbff) end--;
    parts.push(text.slice(i, end));
    i = end;
  }
  return parts;
}
function blobParts(bytes) {
  const parts = [];
  for (let i = 0; i < bytes.length || parts.length === 0; i += BLOB_PART) {
    parts.push(bytes.subarray(i, Math.min(bytes.length, i + BLOB_PART)));
  }
  return parts;
}
const b64 = (buffers) => Buffer.concat(buffers.map((b) => Buffer.from(b))).toString("base64");

export class AlchemyJavaStateStore extends DurableObject {
  constructor(ctx, env) {
    super(ctx, env);
    this.sql = ctx.storage.sql;
    this.sql.exec(`
      CREATE TABLE IF NOT EXISTS records (dir TEXT NOT NULL, name TEXT NOT NULL, part INTEGER NOT NULL,
        text TEXT NOT NULL, PRIMARY KEY (dir, name, part)) WITHOUT ROWID;
      CREATE TABLE IF NOT EXISTS meta (k TEXT PRIMARY KEY, v INTEGER NOT NULL) WITHOUT ROWID;
      CREATE TABLE IF NOT EXISTS log (pos INTEGER NOT NULL, part INTEGER NOT NULL, data BLOB NOT NULL,
        PRIMARY KEY (pos, part)) WITHOUT ROWID;
      CREATE TABLE IF NOT EXISTS control (name TEXT PRIMARY KEY, version INTEGER NOT NULL) WITHOUT ROWID;
      CREATE TABLE IF NOT EXISTS requests (id TEXT PRIMARY KEY, at INTEGER NOT NULL, result TEXT NOT NULL) WITHOUT ROWID;
      CREATE TABLE IF NOT EXISTS control_parts (name TEXT NOT NULL, part INTEGER NOT NULL, data BLOB NOT NULL,
        PRIMARY KEY (name, part)) WITHOUT ROWID;
      CREATE TABLE IF NOT EXISTS stages (name TEXT PRIMARY KEY) WITHOUT ROWID;`);
  }

  // --- an app's registry of stages with a log (called by the front worker, not over HTTP) -----

  registerStage(stage) {
    this.sql.exec("INSERT INTO stages (name) VALUES (?) ON CONFLICT (name) DO NOTHING", stage);
  }

  stageNames() {
    return this.sql.exec("SELECT name FROM stages ORDER BY name").toArray().map((r) => r.name);
  }

  // One entry point for every method, each in one transaction: all of a call happens or none.
  // A thrown APIError cannot cross the RPC boundary with its status intact, so it travels back as
  // data. A mutating call may carry a requestId: its result is kept for an hour, and a retry of
  // the same request (the first answer lost on the way) gets that result instead of running again,
  // so an append or create that did happen is not reported as lost to a competitor.
  call(method, params) {
    try {
      return this.ctx.storage.transactionSync(() => {
        const id = MUTATING.has(method) && typeof params?.requestId === "string" ? params.requestId : null;
        if (id !== null) {
          const seen = this.sql.exec("SELECT result FROM requests WHERE id = ?", id).toArray()[0];
          if (seen !== undefined) return { result: JSON.parse(seen.result) };
        }
        const result = METHODS[method](this, params);
        if (id !== null) {
          const now = Date.now();
          this.sql.exec("DELETE FROM requests WHERE at < ?", now - 3600 * 1000);
          this.sql.exec("INSERT INTO requests (id, at, result) VALUES (?, ?, ?)", id, now, JSON.stringify(result ?? null));
        }
        return { result };
      });
    } catch (e) {
      if (e instanceof APIError) return { error: e.message, status: e.status };
      throw e;
    }
  }

  // --- snapshots ---------------------------------------------------------------------------

  readText(dir, name) {
    const rows = this.sql.exec("SELECT text FROM records WHERE dir = ? AND name = ? ORDER BY part", dir, name).toArray();
    return rows.length === 0 ? undefined : rows.map((r) => r.text).join("");
  }

  get(key) {
    return this.readText(...split(key));
  }

  getBatch(keys) {
    const out = {};
    for (const key of keys) {
      const text = this.get(key);
      if (text) out[key] = text;
    }
    return out;
  }

  // getBatch that stops past a byte budget and names the keys it did not reach.
  getMany(keys) {
    const values = {};
    let size = 0;
    let i = 0;
    for (; i < keys.length && (i === 0 || size < ANSWER_BUDGET); i++) {
      const text = this.get(keys[i]);
      if (text) {
        values[keys[i]] = text;
        size += text.length;
      }
    }
    return { values, rest: keys.slice(i) };
  }

  all(prefix) {
    const out = {};
    for (const row of this.sql.exec("SELECT name, text FROM records WHERE dir = ? ORDER BY name, part", dirOf(prefix))) {
      out[row.name] = (out[row.name] ?? "") + row.text;
    }
    return out;
  }

  list(prefix) {
    return this.sql.exec("SELECT name FROM records WHERE dir = ? AND part = 0 ORDER BY name", dirOf(prefix))
      .toArray().map((r) => r.name);
  }

  // The records of a scope and the names of its child scopes (dirs below it holding records).
  contents(prefix) {
    const dir = dirOf(prefix);
    const below = dir + "/";
    const scopes = new Set();
    // dirs strictly inside `below`: from "below" up to, not including, "below" with "/" -> "0"
    for (const row of this.sql.exec("SELECT DISTINCT dir FROM records WHERE dir > ? AND dir < ?", below, dir + "0")) {
      scopes.add(row.dir.slice(below.length).split("/")[0]);
    }
    return { ids: this.list(prefix), scopes: [...scopes].sort() };
  }

  // A whole scope in one answer: its records (name and text, in name order) and, on the first
  // page, the names of its child scopes. A page ends past the answer budget with more = true;
  // `after`, the last name answered, asks for the next.
  scope(prefix, after) {
    const records = [];
    let size = 0;
    let more = false;
    const rows = this.sql.exec("SELECT name, text FROM records WHERE dir = ? AND name > ? ORDER BY name, part",
      dirOf(prefix), after ?? "");
    for (const row of rows) {
      const last = records.at(-1);
      if (last !== undefined && last.name === row.name) {
        last.text += row.text;
      } else if (size >= ANSWER_BUDGET) {
        more = true;
        break;
      } else {
        records.push({ name: row.name, text: row.text });
      }
      size += row.text.length;
    }
    return { records, more, scopes: after === null ? this.contents(prefix).scopes : undefined };
  }

  writeText(key, text) {
    const [dir, name] = split(key);
    this.sql.exec("DELETE FROM records WHERE dir = ? AND name = ?", dir, name);
    textParts(text).forEach((part, i) => {
      this.sql.exec("INSERT INTO records (dir, name, part, text) VALUES (?, ?, ?, ?)", dir, name, i, part);
    });
  }

  set(key, value) {
    this.writeText(key, JSON.stringify(value));
  }

  remove(key) {
    const [dir, name] = split(key);
    this.sql.exec("DELETE FROM records WHERE dir = ? AND name = ?", dir, name);
  }

  // [{key, value}] replaces, [{key}] (no value) deletes; all or nothing (call's transaction).
  writeBatch(writes) {
    writes.forEach((w, i) => {
      if (w === null || typeof w !== "object" || typeof w.key !== "string" || w.key.length === 0) {
        throw bad(`params.writes[${i}].key must be a non-empty string`);
      }
    });
    for (const w of writes) {
      if ("value" in w) this.writeText(w.key, JSON.stringify(w.value));
      else this.remove(w.key);
    }
  }

  // --- the log -----------------------------------------------------------------------------

  meta(k) {
    const row = this.sql.exec("SELECT CAST(v AS TEXT) AS v FROM meta WHERE k = ?", k).toArray()[0];
    return row === undefined ? null : BigInt(row.v);
  }

  setMeta(k, v) {
    this.sql.exec("INSERT INTO meta (k, v) VALUES (?, CAST(? AS INTEGER)) ON CONFLICT (k) DO UPDATE SET v = excluded.v",
      k, v.toString());
  }

  logHeadOrNull() {
    return this.meta("head");
  }

  // A log exists once anything was appended or any control object written: both leave a meta row
  // (the head, the version counter), and nothing else writes one.
  logExists() {
    return this.sql.exec("SELECT 1 FROM meta LIMIT 1").toArray().length > 0;
  }

  // The head and every control object under the prefix with its bytes, from one transaction:
  // what opening a stage reads (its lease, projection mark and index).
  logView(prefix) {
    const controls = this.controlList(prefix).map(({ name }) => ({ name, ...this.controlGet(name) }));
    return { head: (this.logHeadOrNull() ?? 0n).toString(), controls };
  }

  // Appends the records at head+1… if the head is still `expected`; otherwise changes nothing.
  // (Inside call's transactionSync: no other request runs between the check and the inserts.)
  logAppend(expected, records) {
    if (records.length === 0) throw bad("params.records is empty");
    const head = this.logHeadOrNull() ?? 0n;
    if (head !== expected) return { appended: false, head: head.toString() };
    if (head + BigInt(records.length) > MAX_POSITION) throw bad("the log is full: positions end at 2^63-1");
    records.forEach((bytes, i) => {
      const pos = (head + 1n + BigInt(i)).toString();
      blobParts(bytes).forEach((part, j) => {
        this.sql.exec("INSERT INTO log (pos, part, data) VALUES (CAST(? AS INTEGER), ?, ?)", pos, j, part);
      });
    });
    const next = head + BigInt(records.length);
    this.setMeta("head", next);
    return { appended: true, head: next.toString() };
  }

  // Records after `after`, in order, whole, up to `limit` of them or the byte budget.
  logRead(after, max) {
    const records = [];
    let current = null;
    let size = 0;
    const cursor = this.sql.exec(
      // the alias must not be "pos": ORDER BY would take it and sort the positions as text
      "SELECT CAST(pos AS TEXT) AS at, data FROM log WHERE pos > CAST(? AS INTEGER) ORDER BY pos, part", after.toString());
    for (const row of cursor) {
      if (current === null || current.position !== row.at) {
        if (current !== null) records.push({ position: current.position, data: b64(current.parts) });
        if (records.length >= max || (records.length > 0 && size >= ANSWER_BUDGET)) {
          current = null;
          break;
        }
        current = { position: row.at, parts: [] };
      }
      current.parts.push(row.data);
      size += row.data.byteLength;
    }
    if (current !== null) records.push({ position: current.position, data: b64(current.parts) });
    const last = records.length === 0 ? after : BigInt(records.at(-1).position);
    return { records, more: last < (this.logHeadOrNull() ?? 0n) && records.length > 0 };
  }

  // Appends need no fence of their own: the head never goes down and a drop never passes it, so
  // an append expecting a head below a drop finds the head moved and is refused.
  logDropBelow(position) {
    const head = this.logHeadOrNull() ?? 0n;
    if (position > head) {
      throw bad(`position ${position} is beyond the log's head ${head}`);
    }
    this.sql.exec("DELETE FROM log WHERE pos < CAST(? AS INTEGER)", position.toString());
  }

  // --- control objects ---------------------------------------------------------------------

  // Versions come from one counter per object store, so a name deleted and created again never
  // shows a version it had before.
  nextVersion() {
    const v = (this.meta("version") ?? 0n) + 1n;
    this.setMeta("version", v);
    return v;
  }

  controlVersion(name) {
    const row = this.sql.exec("SELECT CAST(version AS TEXT) AS v FROM control WHERE name = ?", name).toArray()[0];
    return row === undefined ? null : BigInt(row.v);
  }

  controlGet(name) {
    const version = this.controlVersion(name);
    if (version === null) return undefined;
    const parts = this.sql.exec("SELECT data FROM control_parts WHERE name = ? ORDER BY part", name).toArray();
    return { data: b64(parts.map((r) => r.data)), version: version.toString() };
  }

  writeControl(name, bytes) {
    const version = this.nextVersion();
    this.sql.exec("INSERT INTO control (name, version) VALUES (?, CAST(? AS INTEGER)) "
      + "ON CONFLICT (name) DO UPDATE SET version = excluded.version", name, version.toString());
    this.sql.exec("DELETE FROM control_parts WHERE name = ?", name);
    blobParts(bytes).forEach((part, i) => {
      this.sql.exec("INSERT INTO control_parts (name, part, data) VALUES (?, ?, ?)", name, i, part);
    });
    return version.toString();
  }

  controlCreate(name, bytes) {
    const existing = this.controlVersion(name);
    if (existing !== null) return { created: false, version: existing.toString() };
    return { created: true, version: this.writeControl(name, bytes) };
  }

  controlPut(name, bytes) {
    return { written: true, version: this.writeControl(name, bytes) };
  }

  controlDelete(name) {
    const existing = this.controlVersion(name);
    this.sql.exec("DELETE FROM control WHERE name = ?", name);
    this.sql.exec("DELETE FROM control_parts WHERE name = ?", name);
    return existing !== null;
  }

  // Names sort by their UTF-8 bytes, so those starting with the prefix follow it in one run.
  controlList(prefix) {
    const out = [];
    for (const r of this.sql.exec("SELECT name, CAST(version AS TEXT) AS version FROM control WHERE name >= ? ORDER BY name", prefix)) {
      if (!r.name.startsWith(prefix)) break;
      out.push({ name: r.name, version: r.version });
    }
    return out;
  }
}
