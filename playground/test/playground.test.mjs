// The playground in a real browser: it builds and starts the server on a fresh
// embedded database and a free port, and drives Debian's Chromium (playwright-core,
// never a downloaded browser) with the network limited to loopback. Screenshots
// go to test-results/. Run it with `make test-playground` (or `npm test` here).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, execFile } from 'node:child_process';
import { mkdtemp, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { promisify } from 'node:util';
import { randomBytes } from 'node:crypto';
import { chromium } from 'playwright-core';

const root = new URL('../..', import.meta.url).pathname;
const results = new URL('../test-results/', import.meta.url).pathname;
const chromiumPath = process.env.CHROMIUM || '/usr/bin/chromium';
const run = promisify(execFile);

// The flags that keep Chromium off the network it has no business on: no
// background, update, sync or QUIC traffic, and host names other than loopback
// resolve to nothing. playwright-core adds a fresh, empty --user-data-dir.
const chromiumArgs = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
  '--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE localhost, EXCLUDE 127.0.0.1',
];
const loopback = new Set(['127.0.0.1', 'localhost', '[::1]']);

let work, server, base, browser, token;
const serverLog = [];
const offLoopback = []; // requests the page tried to make beyond loopback
const unique = randomBytes(4).toString('hex');

async function gql(query, variables, headers = {}) {
  const resp = await fetch(`${base}/graphql`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', ...headers },
    body: JSON.stringify({ query, variables }),
    signal: AbortSignal.timeout(10_000),
  });
  const body = await resp.json();
  assert.equal(body.errors, undefined, `${query}: ${JSON.stringify(body.errors)}\n${serverLog.slice(-5).join('\n')}`);
  return body.data;
}

// startServer runs the binary on 127.0.0.1:0 and reads the address it prints.
function startServer(bin, env) {
  server = spawn(bin, ['serve', '-addr', '127.0.0.1:0'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  createInterface({ input: server.stderr }).on('line', (l) => serverLog.push(l));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the server did not start:\n${serverLog.join('\n')}`)), 60_000);
    server.on('exit', (code) => reject(new Error(`the server exited (${code}):\n${serverLog.join('\n')}`)));
    createInterface({ input: server.stdout }).on('line', (line) => {
      const m = line.match(/GraphQL at (http:\/\/\S+)\/graphql/);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    });
  });
}

// openPlayground opens the page in a fresh context, with every request beyond
// loopback refused and recorded, and Content-Security-Policy violations and page
// errors collected.
async function openPlayground() {
  const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
  await context.route('**/*', (route) => {
    const url = new URL(route.request().url());
    if (url.protocol === 'data:' || loopback.has(url.hostname) || loopback.has(`[${url.hostname}]`)) {
      return route.continue();
    }
    offLoopback.push(url.href);
    return route.abort('blockedbyclient');
  });
  await context.addInitScript(() => {
    window.cspViolations = [];
    document.addEventListener('securitypolicyviolation', (e) => {
      window.cspViolations.push(`${e.violatedDirective} ${e.blockedURI}`);
    });
  });
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (err) => errors.push(err.message));
  await page.goto(`${base}/`);
  await page.locator('.graphiql-execute-button').waitFor({ timeout: 30_000 });
  return { context, page, errors };
}

// within waits for promise for at most ms.
function within(ms, promise, message) {
  let timer;
  const timeout = new Promise((_, reject) => { timer = setTimeout(() => reject(new Error(message)), ms); });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

// setHeaders replaces the headers editor's text, as a person pasting a token would.
async function setHeaders(page, json) {
  const editor = page.locator('.graphiql-editor-tool .CodeMirror').filter({ visible: true });
  await editor.click();
  await page.keyboard.press('Control+A');
  await page.keyboard.insertText(json);
}

before(async () => {
  work = await mkdtemp(join(tmpdir(), 'coursegraph-playground-'));
  await rm(results, { recursive: true, force: true });
  await mkdir(results, { recursive: true });
  const bin = join(work, 'coursegraph');
  await run('go', ['build', '-o', bin, '.'], { cwd: root });
  const env = {
    PATH: process.env.PATH,
    HOME: work,
    DATABASE_URL: `sqlite:${join(work, 'coursegraph.db')}`,
    BCRYPT_COST: '4',
    SHUTDOWN_DRAIN: '0s',
  };
  base = await startServer(bin, env);

  // A staff member of the test's own, made with the CLI, and a course of the
  // test's own, so that nothing here depends on the demo data.
  const email = `editor-${unique}@example.com`;
  const password = `playground test ${unique}`;
  await run(bin, ['user', 'create', '--email', email, '--name', 'Playground Editor', '--role', 'editor'], {
    env: { ...env, USER_PASSWORD: password },
  });
  ({ login: { token } } = await gql('mutation($e: String!, $p: String!) { login(email: $e, password: $p) { token } }', { e: email, p: password }));
  await gql(
    'mutation($input: CreateCourseInput!) { createCourse(input: $input) { id } }',
    {
      input: {
        title: `Playground Test Course ${unique}`, category: 'Testing', durationMonths: 1,
        sessionsPerWeek: 1, weekdays: ['MONDAY'], fee: '0', topics: ['Browser tests'],
      },
    },
    { Authorization: `Bearer ${token}` },
  );

  browser = await chromium.launch({ executablePath: chromiumPath, args: chromiumArgs, timeout: 60_000 });
});

after(async () => {
  await browser?.close();
  if (server && server.exitCode === null) {
    const exited = new Promise((resolve) => server.once('exit', resolve));
    server.kill('SIGTERM');
    await exited;
  }
  if (work) await rm(work, { recursive: true, force: true });
});

test('the catalogue tab runs by clicking and shows the courses', async () => {
  const name = 'catalogue';
  const { context, page, errors } = await openPlayground();
  try {
    const tabs = await page.locator('.graphiql-tab').allInnerTexts();
    for (const op of ['Catalogue', 'ArticlePage', 'SubmitEnquiry', 'SignIn', 'StaffInbox', 'LiveInbox']) {
      assert.ok(tabs.some((t) => t.includes(op)), `no ${op} tab in ${JSON.stringify(tabs)}`);
    }
    await page.locator('.graphiql-execute-button').click();
    const result = page.locator('.result-window');
    await result.getByText(`Playground Test Course ${unique}`).waitFor({ timeout: 15_000 });
    assert.match(await result.innerText(), /"totalCount"/);
    await page.screenshot({ path: join(results, `${name}.png`) });

    assert.deepEqual(await page.evaluate(() => window.cspViolations), []);
    assert.deepEqual(errors, []);
    assert.deepEqual(offLoopback, []);
  } catch (err) {
    await page.screenshot({ path: join(results, `${name}-failed.png`) });
    throw err;
  } finally {
    await context.close();
  }
});

test('the live inbox tab receives an enquiry over WebSocket', async () => {
  const name = 'live-enquiry';
  const { context, page, errors } = await openPlayground();
  try {
    await page.locator('.graphiql-tab', { hasText: 'LiveInbox' }).click();
    await setHeaders(page, JSON.stringify({ Authorization: `Bearer ${token}` }));
    // Listen from the socket's start: the subscribe message follows at once.
    const frames = [];
    let socketURL;
    const subscribed = new Promise((resolve) => {
      page.on('websocket', (ws) => {
        socketURL = ws.url();
        ws.on('framereceived', (f) => frames.push(String(f.payload)));
        ws.on('framesent', (f) => String(f.payload).includes('"subscribe"') && resolve());
        ws.on('close', () => frames.push('(closed)'));
      });
    });
    await page.locator('.graphiql-execute-button').click();
    await within(10_000, subscribed, 'no subscribe message went over a WebSocket');
    assert.equal(new URL(socketURL).pathname, '/graphql');
    assert.ok(frames.includes('{"type":"connection_ack"}'), `frames received: ${frames.join(' ')}`);

    // The server starts listening for events once it has handled the subscribe
    // message, which says nothing back: submit, and submit again (a new name)
    // if that one went past before the subscription was in place.
    const result = page.locator('.result-window');
    let arrived = false;
    for (let i = 0; i < 4 && !arrived; i++) {
      const visitor = `Visitor ${unique}-${i}`;
      await gql('mutation($input: SubmitEnquiryInput!) { submitEnquiry(input: $input) { id } }', {
        input: { name: visitor, email: `visitor-${unique}@example.com`, message: `Is there an evening batch next month? (${visitor})` },
      });
      arrived = await result.getByText(visitor).first().waitFor({ timeout: 3_000 }).then(() => true, () => false);
    }
    assert.ok(arrived, `no enquiry arrived; frames received: ${frames.join(' ')}; the server said:\n${serverLog.slice(-10).join('\n')}`);
    await page.screenshot({ path: join(results, `${name}.png`) });

    assert.deepEqual(await page.evaluate(() => window.cspViolations), []);
    assert.deepEqual(errors, []);
    assert.deepEqual(offLoopback, []);
  } catch (err) {
    await page.screenshot({ path: join(results, `${name}-failed.png`) });
    throw err;
  } finally {
    await context.close();
  }
});

// The graphql-ws snippet of the docs (docs/content.md, Enquiries), run as it
// is (its URL pointed at this server) on this machine's Node, receives an
// enquiry sent after it subscribed.
test("the docs' graphql-ws snippet receives an enquiry on this Node", async () => {
  const doc = await readFile(join(root, 'docs', 'content.md'), 'utf8');
  const snippet = [...doc.matchAll(/```js\n([\s\S]*?)```/g)].map((m) => m[1]).find((s) => s.includes('graphql-ws'));
  assert.ok(snippet, 'no graphql-ws snippet in docs/content.md');
  assert.match(snippet, /ws:\/\/127\.0\.0\.1:8080\/graphql/);
  // Beside this test, so that its imports resolve to this project's packages.
  const file = new URL(`./.readme-snippet-${unique}.mjs`, import.meta.url).pathname;
  await writeFile(file, `const token = ${JSON.stringify(token)};\n` +
    snippet.replace('ws://127.0.0.1:8080/graphql', `${base.replace(/^http/, 'ws')}/graphql`));
  const child = spawn(process.execPath, [file], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (b) => { out += b; });
  child.stderr.on('data', (b) => { out += b; });
  try {
    const name = `Snippet Visitor ${unique}`;
    const deadline = Date.now() + 20_000;
    // Sent again until it arrives: the snippet subscribes a moment after it starts.
    while (!out.includes(name)) {
      assert.ok(Date.now() < deadline, `the snippet printed no enquiry:\n${out}`);
      assert.equal(child.exitCode, null, `the snippet exited:\n${out}`);
      await gql('mutation($in: SubmitEnquiryInput!) { submitEnquiry(input: $in) { id } }', {
        in: { name, email: `snippet-${unique}-${Date.now()}@example.com`, message: `From the snippet test ${Date.now()}` },
      });
      await new Promise((r) => setTimeout(r, 300));
    }
  } finally {
    child.kill();
    await rm(file, { force: true });
  }
});
