#!/usr/bin/env node
// Print the benchmark workload as JSON lines (one resource per line, in creation order), using
// the very generator bench-alchemy.mjs uses (workload.mjs). See ../README.md.
//
//   node gen-workload.mjs --n 1000                 # base program (variant 0): workloads a, b, f
//   node gen-workload.mjs --n 1000 --variant 1     # change program: workload c
//   node gen-workload.mjs --n 1000 --header        # first line: {"workload": {...}} metadata
//   node gen-workload.mjs --n 1000 --sha256        # print only the sha256 of the JSONL (cross-check)
//
// Line format: {"i":0,"id":"res-000000","kind":"bench::Thing","secret":true,"changeSet":false,"props":{...}}
// Secrets appear in props as {"@secret":"<plaintext>"} (Alchemy's unencrypted serialized form).
import crypto from "node:crypto";
import { parseArgs } from "./benchlib.mjs";
import {
  APP_NAME,
  PASSWORD,
  RESOURCE_KIND,
  STAGE,
  WORKLOAD_VERSION,
  workloadCounts,
  workloadRecord,
} from "./workload.mjs";

const o = parseArgs(process.argv.slice(2), { n: 1000, variant: 0, header: false, sha256: false, help: false });
if (o.help) {
  console.log("usage: node gen-workload.mjs --n N [--variant V] [--header] [--sha256]");
  process.exit(0);
}
if (!Number.isInteger(o.n) || o.n < 0) throw new Error("--n must be a non-negative integer");
if (!Number.isInteger(o.variant) || o.variant < 0) throw new Error("--variant must be a non-negative integer");

const lines = [];
if (o.header) {
  lines.push(
    JSON.stringify({
      workload: {
        version: WORKLOAD_VERSION,
        app: APP_NAME,
        stage: STAGE,
        password: PASSWORD,
        kind: RESOURCE_KIND,
        variant: o.variant,
        ...workloadCounts(o.n),
      },
    }),
  );
}
for (let i = 0; i < o.n; i++) lines.push(JSON.stringify(workloadRecord(i, o.variant)));
const text = lines.length ? lines.join("\n") + "\n" : "";
if (o.sha256) {
  console.log(crypto.createHash("sha256").update(text).digest("hex"));
} else {
  process.stdout.write(text);
}
