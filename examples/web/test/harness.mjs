// What the browser test runs against: the coursegraph server, built from this
// repository and started on a fresh embedded database in a temporary folder and a
// free loopback port; the built site (dist/) served by `vite preview`, which sends
// /graphql to that server; and Debian's Chromium, driven by playwright-core, with
// every request outside loopback refused.
import { spawn, spawnSync } from "node:child_process";
import { once } from "node:events";
import { createHash } from "node:crypto";
import { createWriteStream, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";

export const webDir = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const repoDir = resolve(webDir, "../..");
export const resultsDir = join(webDir, "test-results");
const chromiumPath = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

/** loginDocument signs the test's admin in; the staff's own client would hold it in its manifest. */
const loginDocument = "mutation TestLogin($e: String!, $p: String!) { login(email: $e, password: $p) { token } }";

/**
 * testManifest writes the site's manifest plus loginDocument (once signed in,
 * the admin may send any document: TRUSTED_DOCUMENTS_STAFF) and returns its path.
 */
function testManifest(dir) {
  const manifest = JSON.parse(readFileSync(join(webDir, "dist/persisted-query-manifest.json"), "utf8"));
  const id = createHash("sha256").update(loginDocument).digest("hex");
  manifest.operations.push({ id, name: "TestLogin", type: "mutation", body: loginDocument });
  const path = join(dir, "manifest.json");
  writeFileSync(path, JSON.stringify(manifest));
  return path;
}

/** freePort asks the kernel for a free loopback port. */
async function freePort() {
  const srv = createServer().listen(0, "127.0.0.1");
  await once(srv, "listening");
  const { port } = srv.address();
  srv.close();
  await once(srv, "close");
  return port;
}

/** waitFor polls url until it answers 200, or fails after timeoutMs. */
async function waitFor(url, child, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`${child.spawnargs.join(" ")} exited with ${child.exitCode}`);
    try {
      const res = await fetch(url);
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`${url} did not answer within ${timeoutMs} ms`);
}

/** stop ends a child this harness started and waits for it. */
async function stop(child) {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  child.kill("SIGTERM");
  const timer = setTimeout(() => child.kill("SIGKILL"), 10_000);
  await once(child, "exit");
  clearTimeout(timer);
}

/**
 * start brings everything up and returns { api, site, admin, browser, trusted, close }.
 * The server is COURSEGRAPH_BIN, or built from this repository with `go build`
 * (not `go run`, whose child would outlive a signal to it); its output goes to
 * test-results/server.log.
 */
export async function start() {
  if (!existsSync(join(webDir, "dist/index.html"))) throw new Error("dist/ is missing: run `npm run build` first");
  if (!existsSync(chromiumPath)) throw new Error(`${chromiumPath} is missing: apt-get install chromium`);
  mkdirSync(resultsDir, { recursive: true });
  const tmp = mkdtempSync(join(tmpdir(), "coursegraph-web-"));
  let bin = process.env.COURSEGRAPH_BIN;
  if (!bin) {
    bin = join(tmp, "coursegraph");
    const build = spawnSync("go", ["build", "-o", bin, "."], { cwd: repoDir, stdio: "inherit" });
    if (build.status !== 0) throw new Error("go build failed");
  }
  // A server that has trusted-documents mode runs with the site's manifest (and
  // lets the test's admin send its own fixture documents); one without it speaks
  // automatic persisted queries only.
  const help = spawnSync(bin, ["serve", "-h"], { encoding: "utf8" }); // serve lists its flags
  const trusted = `${help.stdout}${help.stderr}`.includes("-trusted-documents");

  const admin = { email: "web-test-admin@example.org", password: `pw-${crypto.randomUUID()}` };
  const apiPort = await freePort();
  const log = createWriteStream(join(resultsDir, "server.log"));
  const server = spawn(bin, [], {
    cwd: tmp,
    env: {
      PATH: process.env.PATH, HOME: tmp,
      ADDR: `127.0.0.1:${apiPort}`,
      DATABASE_URL: `sqlite:${join(tmp, "coursegraph.db")}`,
      ADMIN_EMAIL: admin.email, ADMIN_PASSWORD: admin.password,
      BCRYPT_COST: "4",
      SQLITE_ENGINE_CACHE: process.env.SQLITE_ENGINE_CACHE ?? join(tmpdir(), "coursegraph-web-engine-cache"),
      ...(trusted ? { TRUSTED_DOCUMENTS: testManifest(tmp), TRUSTED_DOCUMENTS_STAFF: "true" } : {}),
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  server.stdout.pipe(log);
  server.stderr.pipe(log);
  const api = `http://127.0.0.1:${apiPort}`;
  const children = [server];
  let browser;
  const close = async () => {
    await browser?.close();
    for (const c of children.reverse()) await stop(c);
    rmSync(tmp, { recursive: true, force: true });
  };
  try {
    await waitFor(`${api}/readyz`, server, 120_000);
    const sitePort = await freePort();
    const preview = spawn(process.execPath, [join(webDir, "node_modules/vite/bin/vite.js"), "preview", "--host", "127.0.0.1", "--port", String(sitePort), "--strictPort"], {
      cwd: webDir,
      env: { ...process.env, COURSEGRAPH_URL: api },
      stdio: ["ignore", "pipe", "pipe"],
    });
    preview.stdout.pipe(log);
    preview.stderr.pipe(log);
    children.push(preview);
    const site = `http://127.0.0.1:${sitePort}`;
    await waitFor(site, preview, 30_000);
    browser = await chromium.launch({
      executablePath: chromiumPath,
      headless: true,
      args: [
        "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
        // Names other than loopback resolve to nothing, whatever asks.
        "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1, EXCLUDE localhost",
      ],
    });
    return { api, site, admin, browser, trusted, close };
  } catch (err) {
    await close();
    throw err;
  }
}

/**
 * newPage opens a page in a fresh context (its own storage) whose requests may go
 * to loopback only; blocked lists what was refused, which a test expects empty.
 */
export async function newPage(browser) {
  const context = await browser.newContext({ viewport: { width: 1100, height: 900 } });
  const blocked = [];
  await context.route("**/*", (route) => {
    const { hostname, protocol } = new URL(route.request().url());
    if (protocol === "data:" || hostname === "127.0.0.1" || hostname === "localhost" || hostname === "[::1]") return route.continue();
    blocked.push(route.request().url());
    return route.abort("blockedbyclient");
  });
  const page = await context.newPage();
  const consoleErrors = [];
  page.on("console", (m) => { if (m.type() === "error") consoleErrors.push(m.text()); });
  page.on("pageerror", (e) => consoleErrors.push(String(e)));
  return { page, context, blocked, consoleErrors };
}

/** Client is a small GraphQL client for fixtures, signed in as the test's admin. */
export class Client {
  constructor(api, token) {
    this.api = api;
    this.token = token;
  }

  static async login(api, { email, password }) {
    const anon = new Client(api);
    const { login } = await anon.run(loginDocument, { e: email, p: password });
    return new Client(api, login.token);
  }

  /** run executes a document and returns its data; any error fails the test. */
  async run(query, variables = {}) {
    const res = await fetch(`${this.api}/graphql`, {
      method: "POST",
      headers: { "Content-Type": "application/json", ...(this.token ? { Authorization: `Bearer ${this.token}` } : {}) },
      body: JSON.stringify({ query, variables }),
    });
    const body = await res.json();
    if (body.errors?.length) throw new Error(`${query}: ${JSON.stringify(body.errors)}`);
    return body.data;
  }
}
