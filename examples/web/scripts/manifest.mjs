// Writes dist/persisted-query-manifest.json, in Apollo's persisted-query manifest
// format, from the persisted documents graphql-codegen wrote
// (src/gql/persisted-documents.json: sha256 of the body → body). The server's
// trusted-documents mode (TRUSTED_DOCUMENTS=<this file>) runs these documents by
// hash. Fails when a hash is not the sha256 of its body, which would make the
// server refuse the client's requests.
import { createHash } from "node:crypto";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { Kind, parse } from "graphql";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const input = resolve(root, "src/gql/persisted-documents.json");
const output = resolve(root, process.argv[2] ?? "dist/persisted-query-manifest.json");

const documents = JSON.parse(readFileSync(input, "utf8"));
const operations = Object.entries(documents).map(([id, body]) => {
  const sha = createHash("sha256").update(body).digest("hex");
  if (sha !== id) throw new Error(`${input}: the hash ${id} is not the sha256 of its document (${sha})`);
  const ops = parse(body).definitions.filter((d) => d.kind === Kind.OPERATION_DEFINITION);
  if (ops.length !== 1 || !ops[0].name) throw new Error(`${input}: document ${id} must hold exactly one named operation`);
  return { id, name: ops[0].name.value, type: ops[0].operation, body };
});
operations.sort((a, b) => a.name.localeCompare(b.name) || a.id.localeCompare(b.id));

mkdirSync(dirname(output), { recursive: true });
writeFileSync(output, JSON.stringify({ format: "apollo-persisted-query-manifest", version: 1, operations }, null, 2) + "\n");
console.log(`wrote ${operations.length} operations to ${output}`);
