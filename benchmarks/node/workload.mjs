// Deterministic benchmark workload shared by bench-alchemy.mjs and gen-workload.mjs.
// See ../README.md ("The workload"); the Java twin is run.alchemy.benchmarks.Workload, which
// reproduces gen-workload.mjs byte for byte (checked by WorkloadTest against the sha256 hashes).
//
// Everything here is a pure function of (N, index, variant): no randomness, no clock.

export const WORKLOAD_VERSION = 1;

export const APP_NAME = "bench-app";
export const STAGE = "bench";
export const PASSWORD = "bench-password-0001";
export const RESOURCE_KIND = "bench::Thing";

const REGIONS = ["us-east-1", "us-west-2", "eu-west-1", "ap-southeast-2"];
const TIERS = ["free", "pro", "enterprise"];

/** Zero-padded 6-digit index, e.g. 42 -> "000042". */
export function pad(i) {
  return String(i).padStart(6, "0");
}

/** Resource id of resource i. */
export function resourceId(i) {
  return `res-${pad(i)}`;
}

/** 1 in 10 resources holds one secret (prop `apiKey`). */
export function hasSecret(i) {
  return i % 10 === 0;
}

/** The 1% change set used by workload c: i % 100 === 1 (disjoint from the secret holders). */
export function inChangeSet(i) {
  return i % 100 === 1;
}

/** Plaintext of the secret of resource i (only meaningful when hasSecret(i)). */
export function secretPlaintext(i) {
  return `sk-${pad(i)}-0123456789abcdef`;
}

/**
 * Plain-JSON props of resource i for a given variant.
 * variant 0 = the base program (workloads a, b, f); variant v >= 1 = change program number v
 * (workload c): only resources in the change set differ, via `revision: v`.
 *
 * The secret is represented in its *unencrypted serialized* form, exactly as Alchemy's
 * serialize(scope, value, { encrypt: false }) writes a Secret: { "@secret": "<plaintext>" }.
 * Use toAlchemyProps() to turn that marker into a real alchemy.secret(...).
 *
 * Key order is significant for Alchemy's change detection (it compares JSON.stringify of the
 * serialized props), so keep it exactly as written.
 */
export function jsonProps(i, variant = 0) {
  const p = pad(i);
  const props = {
    name: `res-${p}`,
    index: i,
    enabled: i % 2 === 0,
    region: REGIONS[i % 4],
    tier: TIERS[i % 3],
    revision: inChangeSet(i) ? variant : 0,
    tags: [`team-${i % 7}`, `env-${i % 3}`, `shard-${i % 16}`],
    config: {
      replicas: 1 + (i % 5),
      timeoutMs: 1000 * (1 + (i % 10)),
      endpoint: { host: `svc-${p}.internal`, port: 8000 + (i % 100) },
    },
    labels: { app: APP_NAME, owner: `owner-${i % 13}` },
    description: `Benchmark resource ${p} (bench::Thing)`,
  };
  if (hasSecret(i)) {
    props.apiKey = { "@secret": secretPlaintext(i) };
  }
  return props;
}

/** Replace every { "@secret": plaintext } marker by makeSecret(plaintext) (deep). */
export function toAlchemyProps(value, makeSecret) {
  if (Array.isArray(value)) return value.map((v) => toAlchemyProps(v, makeSecret));
  if (value && typeof value === "object") {
    const keys = Object.keys(value);
    if (keys.length === 1 && keys[0] === "@secret" && typeof value["@secret"] === "string") {
      return makeSecret(value["@secret"]);
    }
    const out = {};
    for (const k of keys) out[k] = toAlchemyProps(value[k], makeSecret);
    return out;
  }
  return value;
}

/** One JSON-lines record for gen-workload.mjs. */
export function workloadRecord(i, variant = 0) {
  return {
    i,
    id: resourceId(i),
    kind: RESOURCE_KIND,
    secret: hasSecret(i),
    changeSet: inChangeSet(i),
    props: jsonProps(i, variant),
  };
}

/** Counts for a given N (handy for reports and cross-checks). */
export function workloadCounts(n) {
  let secrets = 0;
  let changed = 0;
  for (let i = 0; i < n; i++) {
    if (hasSecret(i)) secrets++;
    if (inChangeSet(i)) changed++;
  }
  return { n, secrets, changed };
}

/**
 * Name of the environment variable holding the secret of resource i in a stack file (the CLI's
 * {"@secretEnv": NAME}): BENCH_SECRET_000000, ...
 */
export function secretEnvName(i) {
  return `BENCH_SECRET_${pad(i)}`;
}

/** The environment that resolves every {"@secretEnv"} of stackDocument(n, v, true). */
export function secretEnv(n) {
  const env = {};
  for (let i = 0; i < n; i++) if (hasSecret(i)) env[secretEnvName(i)] = secretPlaintext(i);
  return env;
}

/**
 * The workload as a stack file of `alchemy deploy --file` (and of node/alchemy-deploy.mjs, its
 * twin on the real Alchemy): N resources of kind alchemy::Value (output = props, like
 * bench::Thing) with the props of jsonProps(i, variant); the secret of a secret holder is
 * {"@secretEnv": secretEnvName(i)} (with `secrets`), or its plaintext as a plain string
 * (variant nosecrets).
 */
export function stackDocument(n, variant = 0, secrets = true) {
  const resources = new Array(n);
  for (let i = 0; i < n; i++) {
    const props = jsonProps(i, variant);
    if (hasSecret(i)) props.apiKey = secrets ? { "@secretEnv": secretEnvName(i) } : secretPlaintext(i);
    resources[i] = { id: resourceId(i), kind: STACK_KIND, props };
  }
  return { app: APP_NAME, stage: STAGE, resources };
}

/** The kind of every resource of stackDocument(): the CLI's built-in value resource. */
export const STACK_KIND = "alchemy::Value";
