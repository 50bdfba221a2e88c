// The browser test: the built site against a running coursegraph server, in
// headless Chromium with the network limited to loopback. Each test makes its
// own rows through the API (with parents that differ: two courses on different
// days, in different batches, with different seats left) and looks only at them.
// Screenshots go to test-results/.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { Client, newPage, resultsDir, start, webDir } from "./harness.mjs";

let env;
let admin;
const run = crypto.randomUUID().slice(0, 8);

before(async () => {
  env = await start();
  admin = await Client.login(env.api, env.admin);
});

after(async () => {
  await env?.close();
});

/** catalogueFixture makes two courses on different days, each in its own new batch. */
async function catalogueFixture() {
  const batch = async (name, ordinal, startTime, endTime, period) =>
    (await admin.run(`mutation($in: CreateBatchInput!) { createBatch(input: $in) { id } }`,
      { in: { name, ordinal, startTime, endTime, period } })).createBatch.id;
  const course = async (title, weekdays, fee) =>
    (await admin.run(`mutation($in: CreateCourseInput!) { createCourse(input: $in) { id } }`,
      { in: { title, summary: `${title}, for the browser test.`, category: "Test", topics: ["Basics"], durationMonths: 2, sessionsPerWeek: weekdays.length, weekdays, fee } })).createCourse.id;
  const schedule = async (courseId, batchId, capacity, seatsTaken) =>
    admin.run(`mutation($in: CreateScheduleInput!) { createSchedule(input: $in) { id } }`,
      { in: { courseId, batchId, capacity, seatsTaken } });

  const early = await batch(`Dawn ${run}`, 90, "06:00", "07:00", "MORNING");
  const late = await batch(`Night ${run}`, 91, "22:00", "23:00", "EVENING");
  const monday = { title: `Monday Rust ${run}`, id: await course(`Monday Rust ${run}`, ["MONDAY"], "3000.00") };
  const friday = { title: `Friday Go ${run}`, id: await course(`Friday Go ${run}`, ["FRIDAY", "SATURDAY"], "5000.00") };
  await schedule(monday.id, early, 12, 5); // 7 seats left
  await schedule(friday.id, late, 4, 4); // full
  return { monday, friday, early: `Dawn ${run}`, late: `Night ${run}` };
}

describe("the catalogue", () => {
  test("lists each course with its batches and seats left, and filters by weekday", async () => {
    const fx = await catalogueFixture();
    const { page, context, blocked, consoleErrors } = await newPage(env.browser);
    const documents = [];
    page.on("request", (r) => { if (r.url().endsWith("/graphql")) documents.push(r.postDataJSON()); });
    try {
      const res = await page.goto(`${env.site}/#/`);
      assert.match(res.headers()["content-security-policy"], /default-src 'self'/);
      const monday = page.locator("li.course", { hasText: fx.monday.title });
      const friday = page.locator("li.course", { hasText: fx.friday.title });
      await monday.waitFor();
      await friday.waitFor();
      assert.equal(await monday.locator(`tr.schedule[data-batch="${fx.early}"] .seats`).textContent(), "7");
      assert.equal(await monday.locator("tr.schedule td").nth(1).textContent(), "06:00–07:00");
      assert.equal(await friday.locator(`tr.schedule[data-batch="${fx.late}"] .seats`).textContent(), "Full");
      assert.match(await friday.locator(".meta").textContent(), /Fri, Sat/);
      await page.screenshot({ path: join(resultsDir, "catalogue.png"), fullPage: true });

      await page.selectOption("#weekday", "FRIDAY");
      await page.waitForURL(/#\/\?day=FRIDAY$/);
      await page.locator(".count", { hasText: "with classes on Fri" }).waitFor();
      await friday.waitFor();
      assert.equal(await monday.count(), 0, "a Monday-only course is not listed for Friday");
      for (const days of await page.locator("li.course .meta").allTextContents()) assert.match(days, /Fri/);
      await page.screenshot({ path: join(resultsDir, "catalogue-friday.png"), fullPage: true });

      // Every request names its document by the manifest's sha256. In
      // trusted-documents mode the server knows them all, so no text is ever
      // sent; otherwise the text goes only when the server asked for it
      // (PERSISTED_QUERY_NOT_FOUND), and the second catalogue request, for a
      // document now known, is the hash alone.
      assert.ok(documents.length >= 2);
      if (env.trusted) assert.deepEqual(documents.filter((d) => d.query), [], "trusted documents go by hash alone");
      else assert.ok(documents[0].query === undefined && documents[1].query, "an unknown hash, then its text");
      const manifest = JSON.parse(readFileSync(join(webDir, "dist/persisted-query-manifest.json"), "utf8"));
      const ids = new Set(manifest.operations.map((o) => o.id));
      for (const d of documents) assert.ok(ids.has(d.extensions.persistedQuery.sha256Hash), "the document is in the manifest");
      for (const d of documents.filter((x) => x.query)) {
        assert.equal(d.query, manifest.operations.find((o) => o.id === d.extensions.persistedQuery.sha256Hash).body, "the text sent is the manifest's");
      }
      assert.equal(documents.at(-1).query, undefined, "a known document is sent by hash alone");
      assert.deepEqual(documents.at(-1).variables, { weekday: "FRIDAY", first: 20, after: null });
      assert.deepEqual(blocked, []);
      assert.deepEqual(consoleErrors, []);
    } finally {
      await context.close();
    }
  });
});

describe("the contact form", () => {
  test("shows a field error beside its input, then retries a lost answer with the same key and shows the receipt", async () => {
    const name = `Visitor ${run}`;
    const { page, context, blocked, consoleErrors } = await newPage(env.browser);
    // Every submitEnquiry request, with its key and the code the server answered
    // (none when it took it); when loseNext is set, the server's answer is
    // replaced by a 503, as if it were lost on the way back.
    const attempts = [];
    let loseNext = false;
    await page.route("**/graphql", async (route) => {
      const body = route.request().postDataJSON();
      if (body?.variables?.input?.message === undefined) return route.fallback();
      const res = await route.fetch();
      const answer = await res.json();
      const code = answer.errors?.[0]?.extensions?.code ?? null;
      attempts.push({ key: route.request().headers()["idempotency-key"], input: body.variables.input, code });
      if (loseNext && code === null) {
        loseNext = false;
        return route.fulfill({ status: 503, headers: { "Retry-After": "1", "Content-Type": "application/json" }, body: JSON.stringify({ errors: [{ message: "unavailable", extensions: { code: "SERVICE_UNAVAILABLE" } }] }) });
      }
      return route.fulfill({ response: res });
    });
    try {
      await page.goto(`${env.site}/#/contact`);
      const key = await page.locator("#contact-form").getAttribute("data-idempotency-key");
      assert.match(key, /^[0-9a-f-]{36}$/);
      await page.fill("#name", name);
      await page.fill("#email", "not-an-email");
      await page.fill("#message", "Is there a seat in the evening batch?");
      await page.click("#contact-form button[type=submit]");

      const emailError = page.locator(".field", { has: page.locator("#email") }).locator(".field-error");
      await emailError.filter({ hasText: /\S/ }).waitFor();
      assert.equal(await emailError.textContent(), "Email is not a valid email address");
      assert.equal(await page.locator("#email").getAttribute("aria-invalid"), "true");
      assert.equal(await page.locator("#name").getAttribute("aria-invalid"), null);
      assert.equal(await page.locator(".field", { has: page.locator("#name") }).locator(".field-error").textContent(), "");
      await page.screenshot({ path: join(resultsDir, "contact-field-error.png"), fullPage: true });
      assert.equal(await enquiriesNamed(name), 0, "a refused enquiry is not stored");

      await page.fill("#email", `visitor-${run}@example.org`);
      loseNext = true;
      await page.click("#contact-form button[type=submit]");
      await page.locator("#receipt").waitFor();
      const receiptId = await page.locator("#receipt-id").textContent();
      await page.screenshot({ path: join(resultsDir, "contact-receipt.png"), fullPage: true });

      // Without trusted documents, the first request of a document the server
      // has not seen is answered PERSISTED_QUERY_NOT_FOUND and sent again with its text.
      const ran = attempts.filter((a) => a.code !== "PERSISTED_QUERY_NOT_FOUND");
      assert.equal(attempts.length - ran.length, env.trusted ? 0 : 1);
      assert.deepEqual(ran.map((a) => a.code), ["BAD_USER_INPUT", null, null], "the refused attempt, the one whose answer was lost, and the retry");
      assert.deepEqual(attempts.map((a) => a.key), attempts.map(() => key), "one key for every attempt at this message");
      assert.deepEqual(ran[2].input, ran[1].input);
      const stored = await admin.run(`query($s: String!) { enquiries(filter: { search: $s }) { totalCount edges { node { id name email } } } }`, { s: name });
      assert.equal(stored.enquiries.totalCount, 1, "the retry returned the first receipt instead of storing again");
      assert.deepEqual(stored.enquiries.edges[0].node, { id: receiptId, name, email: `visitor-${run}@example.org` });

      // The next message gets a new key.
      await page.click("text=Send another message");
      const next = await page.locator("#contact-form").getAttribute("data-idempotency-key");
      assert.notEqual(next, key);
      assert.deepEqual(blocked, []);
      assert.deepEqual(consoleErrors.filter((e) => !/status of (422|503)/.test(e)), []);
    } finally {
      await context.close();
    }
  });
});

async function enquiriesNamed(name) {
  return (await admin.run(`query($s: String!) { enquiries(filter: { search: $s }) { totalCount } }`, { s: name })).enquiries.totalCount;
}

describe("an article page", () => {
  test("shows the article's own approved comments, a field error beside its input, and holds a new comment for moderation", async () => {
    const article = async (title, comment) => {
      const { createArticle } = await admin.run(`mutation($in: CreateArticleInput!) { createArticle(input: $in) { id slug } }`,
        { in: { title, body: `## About ${title}\n\nWords for the browser test.`, tags: [`web-${run}`] } });
      await admin.run(`mutation($id: ID!) { publishArticle(id: $id) { id } }`, { id: createArticle.id });
      const { postComment } = await admin.run(`mutation($in: PostCommentInput!) { postComment(input: $in) { id } }`,
        { in: { articleId: createArticle.id, authorName: `Reader of ${title}`, authorEmail: `reader-${run}@example.org`, body: comment } });
      await admin.run(`mutation($id: ID!) { moderateComment(id: $id, status: APPROVED) { id } }`, { id: postComment.id });
      return createArticle;
    };
    const first = await article(`First ${run}`, "A comment on the first article.");
    await article(`Second ${run}`, "A comment on the second article.");

    const { page, context, blocked, consoleErrors } = await newPage(env.browser);
    try {
      await page.goto(`${env.site}/#/articles`);
      await page.click(`text=First ${run}`);
      await page.waitForURL(new RegExp(`#/articles/${first.slug}$`));
      await page.locator("h1", { hasText: `First ${run}` }).waitFor();
      assert.deepEqual(await page.locator("#comments li.comment p:not(.meta)").allTextContents(), ["A comment on the first article."]);
      assert.equal(await page.locator(".discussion h2").textContent(), "Comments (1)");

      await page.fill("#authorName", `Reader ${run}`);
      await page.fill("#authorEmail", `reader2-${run}@example.org`);
      await page.click("#comment-form button[type=submit]");
      const bodyError = page.locator(".field", { has: page.locator("#body") }).locator(".field-error");
      await bodyError.filter({ hasText: /\S/ }).waitFor();
      assert.equal(await bodyError.textContent(), "The comment is required");
      assert.equal(await page.locator("#body").getAttribute("aria-invalid"), "true");
      assert.equal(await page.locator("#authorEmail").getAttribute("aria-invalid"), null);

      await page.fill("#body", "Thank you for this article.");
      await page.click("#comment-form button[type=submit]");
      await page.locator("#comment-form .status.ok").waitFor();
      assert.match(await page.locator("#comment-form .status").textContent(), /moderator/);
      await page.screenshot({ path: join(resultsDir, "article.png"), fullPage: true });

      const { article: stored } = await admin.run(`query($slug: String!) { article(slug: $slug) { commentCount comments(status: PENDING) { edges { node { authorName body } } } } }`, { slug: first.slug });
      assert.equal(stored.commentCount, 1, "a comment waiting for moderation is not counted");
      assert.deepEqual(stored.comments.edges.map((e) => e.node), [{ authorName: `Reader ${run}`, body: "Thank you for this article." }]);
      assert.deepEqual(blocked, []);
      assert.deepEqual(consoleErrors.filter((e) => !/status of 422/.test(e)), []);
    } finally {
      await context.close();
    }
  });
});
