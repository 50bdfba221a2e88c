// graphql-codegen: the server's schema and the documents written in src/ give
// typed documents (src/gql/) and, for the trusted-documents manifest,
// src/gql/persisted-documents.json (sha256 of each document's body → body).
import { createHash } from "node:crypto";
import type { CodegenConfig } from "@graphql-codegen/cli";

const config: CodegenConfig = {
  schema: "../../schema.graphqls",
  documents: ["src/**/*.ts", "!src/gql/**"],
  ignoreNoDocuments: false,
  generates: {
    "src/gql/": {
      preset: "client",
      presetConfig: {
        fragmentMasking: false,
        persistedDocuments: {
          // Documents carry only their hash; api.ts finds the body (for a server
          // that does not know the hash yet) in persisted-documents.json.
          mode: "replaceDocumentWithHash",
          // Bare hex, as Apollo's manifest and APQ's sha256Hash want it (the
          // preset's "sha256" would prefix "sha256:").
          hashAlgorithm: (body: string) => createHash("sha256").update(body).digest("hex"),
        },
      },
      config: {
        documentMode: "string",
        enumsAsTypes: true,
        useTypeImports: true,
        strictScalars: true,
        scalars: { Time: "string", Date: "string", LocalTime: "string", Decimal: "string" },
      },
    },
  },
};

export default config;
