// The one way this site talks to coursegraph: POST /graphql with each document
// named by its sha256 (the hash graphql-codegen put in the document and in the
// persisted-document manifest). The server runs a hash it knows: in
// trusted-documents mode every document of the manifest, otherwise (Apollo's
// automatic persisted queries) one it has seen before. When it answers
// PERSISTED_QUERY_NOT_FOUND the request goes again with the document's text,
// exactly as the manifest has it (the server checks that it hashes to the id).
import type { TypedDocumentString } from "./gql/graphql";
import persistedDocuments from "./gql/persisted-documents.json";

const bodies: Record<string, string> = persistedDocuments;

/** Where the API is: the same origin by default (see vite.config.ts for the dev proxy). */
const endpoint: string = import.meta.env.VITE_GRAPHQL_URL ?? "/graphql";

/** One GraphQL error as coursegraph writes it (extensions.code, and field for BAD_USER_INPUT). */
export interface GraphQLErrorItem {
  message: string;
  path?: (string | number)[];
  extensions?: { code?: string; field?: string; retryAfter?: number };
}

/**
 * ApiError is a request that gave no data: the server's errors (with their codes)
 * or, with no errors, the HTTP status of a transport failure (0: no answer at all).
 */
export class ApiError extends Error {
  readonly errors: GraphQLErrorItem[];
  readonly status: number;
  /** Seconds the server asked us to wait (Retry-After), if it did. */
  readonly retryAfter?: number;

  constructor(message: string, errors: GraphQLErrorItem[], status: number, retryAfter?: number) {
    super(message);
    this.name = "ApiError";
    this.errors = errors;
    this.status = status;
    this.retryAfter = retryAfter;
  }

  /** The first error's extensions.code, or "NETWORK" when there was no GraphQL answer. */
  get code(): string {
    return this.errors[0]?.extensions?.code ?? "NETWORK";
  }

  /**
   * transient tells a failure worth retrying with the same request: no GraphQL
   * answer (none at all, or one cut off), a failing or overloaded server (5xx,
   * SERVICE_UNAVAILABLE), or RATE_LIMITED.
   */
  get transient(): boolean {
    return this.errors.length === 0 || this.status >= 500 || this.code === "SERVICE_UNAVAILABLE" || this.code === "RATE_LIMITED";
  }

  /**
   * fieldErrors maps an input field ("email" for extensions.field "input.email")
   * to its message, without the field's path ("is not a valid email address").
   */
  fieldErrors(): Map<string, string> {
    const out = new Map<string, string>();
    for (const e of this.errors) {
      const field = e.extensions?.field;
      if (e.extensions?.code === "BAD_USER_INPUT" && field) {
        const name = field.slice(field.lastIndexOf(".") + 1);
        // Beside its input the message needs no "input.email: " before it: what
        // is left is a predicate ("is not a valid email address").
        const text = e.message.startsWith(`${field}: `) ? e.message.slice(field.length + 2) : e.message;
        if (!out.has(name)) out.set(name, text);
      }
    }
    return out;
  }
}

interface Meta {
  __meta__?: { hash?: string };
}

export interface RequestOptions {
  /** Extra headers, such as Idempotency-Key. */
  headers?: Record<string, string>;
}

interface Reply {
  data?: unknown;
  errors?: GraphQLErrorItem[];
}

/**
 * request runs a typed document and returns its data, or throws ApiError. A
 * document the server does not know by hash is sent again with its text.
 */
export async function request<TResult, TVariables>(
  document: TypedDocumentString<TResult, TVariables>,
  variables: TVariables,
  opts: RequestOptions = {},
): Promise<TResult> {
  const hash = (document as Meta).__meta__?.hash;
  const body = hash && bodies[hash];
  if (!body) throw new Error("document is not in persisted-documents.json: run `npm run codegen`");
  const persistedQuery = { version: 1, sha256Hash: hash };
  let res = await post({ variables, extensions: { persistedQuery } }, opts);
  if (res.body.errors?.some((e) => e.extensions?.code === "PERSISTED_QUERY_NOT_FOUND")) {
    res = await post({ query: body, variables, extensions: { persistedQuery } }, opts);
  }
  const { data, errors = [] } = res.body;
  if (data != null && errors.length === 0) return data as TResult;
  throw new ApiError(errors[0]?.message ?? `HTTP ${res.status}`, errors, data != null ? 200 : res.status, res.retryAfter);
}

async function post(payload: object, opts: RequestOptions): Promise<{ body: Reply; status: number; retryAfter?: number }> {
  let res: Response;
  try {
    res = await fetch(endpoint, {
      method: "POST",
      headers: { "Content-Type": "application/json", Accept: "application/graphql-response+json, application/json", ...opts.headers },
      body: JSON.stringify(payload),
    });
  } catch {
    return { body: {}, status: 0 }; // no answer: offline, refused, or cut off
  }
  const header = Number(res.headers.get("Retry-After"));
  const retryAfter = Number.isFinite(header) && header > 0 ? header : undefined;
  let body: Reply = {};
  try {
    body = (await res.json()) as Reply;
  } catch {
    // A proxy's HTML error page or a cut-off body: the status tells what happened.
  }
  return { body, status: res.status, retryAfter: retryAfter ?? body.errors?.[0]?.extensions?.retryAfter };
}

/**
 * describe turns a failure into a sentence for a visitor: the server's own
 * message for mistakes the visitor can fix, a plain one for everything else.
 */
export function describe(err: unknown): string {
  if (!(err instanceof ApiError)) return "Something went wrong. Please try again.";
  switch (err.code) {
    case "BAD_USER_INPUT":
    case "CONFLICT":
    case "NOT_FOUND":
      return err.message;
    case "RATE_LIMITED":
      return `Too many requests. Please try again in ${err.retryAfter ?? 60} seconds.`;
    case "NETWORK":
    case "SERVICE_UNAVAILABLE":
      return "The server could not be reached. Please try again in a moment.";
    default:
      return "Something went wrong on our side. Please try again later.";
  }
}
