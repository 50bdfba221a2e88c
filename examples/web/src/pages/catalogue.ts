// The course catalogue: every active course with its batches and the seats left
// in each, filtered by weekday, a page of courses at a time.
import { request, describe } from "../api";
import { days, h, replace } from "../dom";
import { graphql } from "../gql";
import type { CataloguePageQuery, Weekday } from "../gql/graphql";

const CataloguePage = graphql(`
  query CataloguePage($weekday: Weekday, $first: Int!, $after: String) {
    courses(filter: { weekday: $weekday }, first: $first, after: $after) {
      totalCount
      edges {
        node {
          id
          slug
          title
          summary
          category
          durationMonths
          weekdays
          fee { formatted }
          schedules {
            id
            weekdays
            seatsLeft
            status
            batch { id name startTime endTime }
          }
        }
      }
      pageInfo { hasNextPage endCursor }
    }
  }
`);

const weekdays: Weekday[] = ["SUNDAY", "MONDAY", "TUESDAY", "WEDNESDAY", "THURSDAY", "FRIDAY", "SATURDAY"];
const pageSize = 20;

type Course = CataloguePageQuery["courses"]["edges"][number]["node"];

/** renderCatalogue fills root with the catalogue; the weekday filter lives in the URL (#/?day=MONDAY). */
export function renderCatalogue(root: HTMLElement, params: URLSearchParams): void {
  const day = weekdays.find((d) => d === params.get("day")) ?? null;
  const select = h("select", { id: "weekday", onchange: () => {
    location.hash = select.value ? `#/?day=${select.value}` : "#/";
  } },
    h("option", { value: "" }, "Any day"),
    ...weekdays.map((d) => h("option", { value: d, selected: d === day }, d.charAt(0) + d.slice(1).toLowerCase())),
  );
  const count = h("p", { class: "count", "aria-live": "polite" }, "Loading…");
  const list = h("ul", { class: "courses", id: "courses" });
  const more = h("button", { type: "button", class: "more", hidden: true }, "More courses");
  replace(root,
    h("h1", {}, "Courses"),
    h("div", { class: "filter" }, h("label", { for: "weekday" }, "Classes on "), select),
    count, list, more,
  );

  let after: string | null = null;
  const load = async () => {
    more.disabled = true;
    try {
      const { courses } = await request(CataloguePage, { weekday: day, first: pageSize, after });
      count.textContent = `${courses.totalCount} ${courses.totalCount === 1 ? "course" : "courses"}${day ? ` with classes on ${days([day])}` : ""}`;
      list.append(...courses.edges.map((e) => courseItem(e.node)));
      after = courses.pageInfo.endCursor ?? null;
      more.hidden = !courses.pageInfo.hasNextPage;
    } catch (err) {
      count.textContent = describe(err);
      count.className = "count error";
    } finally {
      more.disabled = false;
    }
  };
  more.addEventListener("click", () => void load());
  void load();
}

function courseItem(c: Course): HTMLElement {
  return h("li", { class: "course", "data-slug": c.slug },
    h("h2", {}, c.title),
    h("p", { class: "meta" }, `${c.category} · ${c.durationMonths} months · ${days(c.weekdays)} · `, h("strong", {}, c.fee.formatted)),
    h("p", {}, c.summary),
    c.schedules.length === 0
      ? h("p", { class: "muted" }, "No batches scheduled yet.")
      : h("table", { class: "batches" },
        h("thead", {}, h("tr", {}, h("th", {}, "Batch"), h("th", {}, "Time"), h("th", {}, "Days"), h("th", {}, "Seats left"))),
        h("tbody", {}, ...c.schedules.map((s) =>
          h("tr", { class: `schedule ${s.status.toLowerCase()}`, "data-batch": s.batch.name },
            h("td", {}, s.batch.name),
            h("td", {}, `${s.batch.startTime}–${s.batch.endTime}`),
            h("td", {}, days(s.weekdays)),
            h("td", { class: "seats" }, s.status === "OPEN" ? String(s.seatsLeft) : s.status === "FULL" ? "Full" : "Closed"),
          ))),
      ),
    h("a", { href: `#/contact?course=${encodeURIComponent(c.id)}` }, "Ask about this course"),
  );
}
