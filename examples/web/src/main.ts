// The centre's site: a hash router over three pages. Each page renders itself
// into <main> and fetches what it shows through api.ts.
import "./style.css";
import { renderArticle, renderArticles } from "./pages/articles";
import { renderCatalogue } from "./pages/catalogue";
import { renderContact } from "./pages/contact";

const main = document.querySelector<HTMLElement>("main")!;

function route(): void {
  const [path, query = ""] = location.hash.replace(/^#/, "").split("?", 2);
  const params = new URLSearchParams(query);
  const parts = (path || "/").split("/").filter(Boolean).map(decodeURIComponent);
  for (const a of document.querySelectorAll<HTMLAnchorElement>("nav a")) {
    a.toggleAttribute("aria-current", a.dataset.section === (parts[0] ?? "courses"));
  }
  if (parts[0] === "articles" && parts[1]) renderArticle(main, parts[1]);
  else if (parts[0] === "articles") renderArticles(main);
  else if (parts[0] === "contact") renderContact(main, params);
  else renderCatalogue(main, params);
  main.focus({ preventScroll: true });
}

window.addEventListener("hashchange", route);
route();
