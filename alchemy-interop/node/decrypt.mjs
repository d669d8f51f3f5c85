// Decrypts secrets with the REAL Alchemy 0.94 (lib/encrypt.js decryptWithKey, as lib/serde.js does):
// stdin = JSON array of {"password": P, "secret": <value of an "@secret" key>};
// stdout = JSON array of {"plaintext": text} or {"error": message}, in order.
// A {"data": …} envelope is decrypted and JSON.parse'd, as deserialize() does; then "value" holds it.
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const alchemyEntry = fileURLToPath(import.meta.resolve("alchemy"));
let root = path.dirname(alchemyEntry);
while (!fs.existsSync(path.join(root, "package.json"))) root = path.dirname(root);
const { decryptWithKey } = await import(pathToFileURL(path.join(root, "lib", "encrypt.js")).href);

const input = JSON.parse(fs.readFileSync(0, "utf8"));
const out = [];
for (const { password, secret } of input) {
  try {
    if (secret && typeof secret === "object" && "data" in secret) {
      const text = await decryptWithKey(secret.data, password);
      out.push({ plaintext: text, value: JSON.parse(text) });
    } else {
      out.push({ plaintext: await decryptWithKey(secret, password) });
    }
  } catch (e) {
    out.push({ error: String(e?.message ?? e) });
  }
}
process.stdout.write(JSON.stringify(out) + "\n");
