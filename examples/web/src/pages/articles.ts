// The blog: a list of articles, and an article page with its approved comments
// and a form to post one (held for moderation).
import { request, describe } from "../api";
import { h, replace, when } from "../dom";
import { clearErrors, field, showErrors } from "../form";
import { graphql } from "../gql";
import type { ArticlePageQuery } from "../gql/graphql";

const ArticleList = graphql(`
  query ArticleList($first: Int!) {
    articles(first: $first) {
      edges { node { id slug title summary publishedAt author { name } } }
    }
  }
`);

const ArticlePage = graphql(`
  query ArticlePage($slug: String!, $comments: Int!, $after: String) {
    article(slug: $slug) {
      id
      title
      html
      publishedAt
      readingTimeMinutes
      author { name }
      tags { slug name }
      commentCount
      comments(first: $comments, after: $after) {
        edges { node { id authorName body createdAt } }
        pageInfo { hasNextPage endCursor }
      }
    }
  }
`);

const PostComment = graphql(`
  mutation PostComment($input: PostCommentInput!) {
    postComment(input: $input) { id }
  }
`);

type Comment = NonNullable<ArticlePageQuery["article"]>["comments"]["edges"][number]["node"];

/** renderArticles fills root with the newest articles. */
export function renderArticles(root: HTMLElement): void {
  const list = h("ul", { class: "articles" }, h("li", {}, "Loading…"));
  replace(root, h("h1", {}, "Articles"), list);
  request(ArticleList, { first: 20 }).then(({ articles }) => {
    replace(list, ...articles.edges.map(({ node: a }) =>
      h("li", {},
        h("a", { href: `#/articles/${encodeURIComponent(a.slug)}` }, a.title),
        h("p", { class: "meta" }, `${a.author.name}${a.publishedAt ? ` · ${when(a.publishedAt)}` : ""}`),
        h("p", {}, a.summary),
      )));
  }, (err) => replace(list, h("li", { class: "error" }, describe(err))));
}

/** renderArticle fills root with one article, its comments and the comment form. */
export function renderArticle(root: HTMLElement, slug: string): void {
  replace(root, h("p", {}, "Loading…"));
  request(ArticlePage, { slug, comments: 20, after: null }).then(({ article }) => {
    if (!article) {
      replace(root, h("h1", {}, "Not found"), h("p", {}, "There is no such article."), h("a", { href: "#/articles" }, "All articles"));
      return;
    }
    const body = h("div", { class: "article-body" });
    // The server sanitises html (bluemonday's UGC policy: no scripts, handlers or
    // javascript: links), which is what makes this the one place that takes markup.
    body.innerHTML = article.html;
    const comments = h("ol", { class: "comments", id: "comments" }, ...article.comments.edges.map((e) => commentItem(e.node)));
    const more = h("button", { type: "button", class: "more", hidden: !article.comments.pageInfo.hasNextPage }, "More comments");
    let after = article.comments.pageInfo.endCursor ?? null;
    more.addEventListener("click", async () => {
      more.disabled = true;
      try {
        const next = (await request(ArticlePage, { slug, comments: 20, after })).article;
        if (next) {
          comments.append(...next.comments.edges.map((e) => commentItem(e.node)));
          after = next.comments.pageInfo.endCursor ?? null;
          more.hidden = !next.comments.pageInfo.hasNextPage;
        }
      } finally {
        more.disabled = false;
      }
    });
    replace(root,
      h("article", {},
        h("h1", {}, article.title),
        h("p", { class: "meta" }, `${article.author.name}${article.publishedAt ? ` · ${when(article.publishedAt)}` : ""} · ${article.readingTimeMinutes} min read`),
        h("p", { class: "tags" }, ...article.tags.map((t) => h("span", { class: "tag" }, t.name))),
        body,
      ),
      h("section", { class: "discussion" },
        h("h2", {}, `Comments (${article.commentCount})`),
        article.commentCount === 0 ? h("p", { class: "muted" }, "No comments yet.") : null,
        comments, more,
        commentForm(article.id),
      ),
    );
  }, (err) => replace(root, h("p", { class: "error" }, describe(err))));
}

function commentItem(c: Comment): HTMLElement {
  return h("li", { class: "comment" },
    h("p", { class: "meta" }, h("strong", {}, c.authorName), ` · ${when(c.createdAt)}`),
    h("p", {}, c.body),
  );
}

function commentForm(articleId: string): HTMLElement {
  const status = h("p", { class: "status", role: "status" });
  const website = h("input", { type: "text", name: "website", tabindex: "-1", autocomplete: "off" });
  const submit = h("button", { type: "submit" }, "Post comment");
  const form = h("form", { id: "comment-form", novalidate: true },
    h("h3", {}, "Leave a comment"),
    field("authorName", "Name", h("input", { type: "text", required: true, maxlength: "80", autocomplete: "name" })),
    field("authorEmail", "Email (never shown)", h("input", { type: "email", required: true, autocomplete: "email" }), "Email"),
    field("body", "Comment", h("textarea", { required: true, rows: "5" }), "The comment"),
    h("div", { class: "honeypot", "aria-hidden": "true" }, h("label", {}, "Leave this empty ", website)),
    submit, status,
  );
  form.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    clearErrors(form, status);
    const value = (name: string) => (form.elements.namedItem(name) as HTMLInputElement).value;
    submit.disabled = true;
    try {
      await request(PostComment, {
        input: { articleId, authorName: value("authorName"), authorEmail: value("authorEmail"), body: value("body"), website: value("website") || null },
      });
      form.reset();
      status.textContent = "Thank you: your comment will appear once a moderator has approved it.";
      status.className = "status ok";
    } catch (err) {
      showErrors(form, status, err);
    } finally {
      submit.disabled = false;
    }
  });
  return form;
}
