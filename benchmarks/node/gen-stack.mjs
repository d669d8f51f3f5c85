#!/usr/bin/env node
// Writes the benchmark workload (workload.mjs) as a stack file for `./alchemy deploy --file` and
// for node/alchemy-deploy.mjs (the same stack deployed by the real Alchemy).
//
//   node gen-stack.mjs --n 1000 [--variant 1] [--nosecrets] --out stack.json
//   node gen-stack.mjs --n 1000 --env          # the secrets' environment, as NAME=value lines
//
// Resources are alchemy::Value with the props of the workload; the secret of every 10th resource
// is {"@secretEnv": "BENCH_SECRET_<i>"} (its plaintext as a string with --nosecrets).
import fs from "node:fs";
import { parseArgs } from "./benchlib.mjs";
import { secretEnv, stackDocument } from "./workload.mjs";

const o = parseArgs(process.argv.slice(2), { n: 1000, variant: 0, nosecrets: false, out: "", env: false, help: false });
if (o.help || (!o.out && !o.env)) {
  console.log("usage: node gen-stack.mjs --n N [--variant V] [--nosecrets] --out FILE | --env");
  process.exit(o.help ? 0 : 2);
}
if (o.env) {
  for (const [k, v] of Object.entries(secretEnv(o.n))) console.log(`${k}=${v}`);
} else {
  fs.writeFileSync(o.out, JSON.stringify(stackDocument(o.n, o.variant, !o.nosecrets)) + "\n");
}
