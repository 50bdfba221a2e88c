// A few DOM helpers: elements are built with text nodes, never from strings of
// HTML, so nothing a visitor or the server wrote can become markup (the one
// exception, an article's sanitised html, is marked where it is used).

type Attrs = Record<string, string | boolean | undefined | ((ev: Event) => void)>;
type Child = Node | string | null | undefined | false;

/** h makes an element with attributes ("on…" keys add listeners) and children. */
export function h<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Attrs = {}, ...children: Child[]): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (typeof value === "function") el.addEventListener(key.slice(2).toLowerCase(), value);
    else if (value === true) el.setAttribute(key, "");
    else if (typeof value === "string") el.setAttribute(key, value);
  }
  append(el, ...children);
  return el;
}

/** append adds children, skipping empty ones. */
export function append(el: Element, ...children: Child[]): void {
  for (const c of children) if (c != null && c !== false) el.append(c);
}

/** replace empties el and fills it with children. */
export function replace(el: Element, ...children: Child[]): void {
  el.replaceChildren();
  append(el, ...children);
}

const weekdayNames: Record<string, string> = {
  SUNDAY: "Sun", MONDAY: "Mon", TUESDAY: "Tue", WEDNESDAY: "Wed", THURSDAY: "Thu", FRIDAY: "Fri", SATURDAY: "Sat",
};

/** days writes weekdays short: "Sun, Mon". */
export function days(weekdays: readonly string[]): string {
  return weekdays.map((d) => weekdayNames[d] ?? d).join(", ");
}

/** when writes an RFC 3339 time in the visitor's locale. */
export function when(time: string): string {
  return new Date(time).toLocaleString(undefined, { dateStyle: "medium", timeStyle: "short" });
}
