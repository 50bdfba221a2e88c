// The contact form (submitEnquiry). Field errors appear beside their inputs. One
// idempotency key is made when the form opens and sent, as the Idempotency-Key
// header, with every attempt to send this message: a retry after a lost answer
// (no answer, a 5xx, SERVICE_UNAVAILABLE) returns the first receipt instead of
// storing the message twice. Only after a receipt does the next message get a new key.
import { ApiError, request, describe } from "../api";
import { h, replace, when } from "../dom";
import { clearErrors, field, showErrors } from "../form";
import { graphql } from "../gql";
import type { ContactOptionsQuery, SubmitEnquiryInput } from "../gql/graphql";

const ContactOptions = graphql(`
  query ContactOptions {
    courses(first: 100) {
      edges {
        node {
          id
          title
          schedules { id status seatsLeft batch { name startTime endTime } }
        }
      }
    }
  }
`);

const SubmitEnquiry = graphql(`
  mutation SubmitEnquiry($input: SubmitEnquiryInput!) {
    submitEnquiry(input: $input) { id receivedAt }
  }
`);

type Course = ContactOptionsQuery["courses"]["edges"][number]["node"];

/** How often one press of Send tries, and the longest wait between tries (seconds). */
const attempts = 3;
const maxWait = 10;

/** newKey makes a random UUID (v4), also where crypto.randomUUID is missing (plain http). */
export function newKey(): string {
  if (typeof crypto.randomUUID === "function") return crypto.randomUUID();
  const b = crypto.getRandomValues(new Uint8Array(16));
  b[6] = (b[6] & 0x0f) | 0x40;
  b[8] = (b[8] & 0x3f) | 0x80;
  const hex = Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** renderContact fills root with the contact form; ?course=<id> preselects a course. */
export function renderContact(root: HTMLElement, params: URLSearchParams): void {
  const idempotencyKey = newKey();
  const status = h("p", { class: "status", role: "status", id: "form-status" });
  const course = h("select", {}, h("option", { value: "" }, "No particular course"));
  const schedule = h("select", { disabled: true }, h("option", { value: "" }, "Any batch"));
  const website = h("input", { type: "text", name: "website", tabindex: "-1", autocomplete: "off" });
  const submit = h("button", { type: "submit" }, "Send");
  const form = h("form", { id: "contact-form", novalidate: true, "data-idempotency-key": idempotencyKey },
    field("name", "Your name", h("input", { type: "text", required: true, maxlength: "120", autocomplete: "name" })),
    field("email", "Email", h("input", { type: "email", required: true, autocomplete: "email" })),
    field("phone", "Phone (if you would like a call)", h("input", { type: "tel", autocomplete: "tel" }), "Phone"),
    field("courseId", "Course", course, "The course"),
    field("scheduleId", "Preferred batch", schedule, "The batch"),
    field("message", "Message", h("textarea", { required: true, rows: "6" })),
    h("div", { class: "honeypot", "aria-hidden": "true" }, h("label", {}, "Leave this empty ", website)),
    submit, status,
  );
  replace(root, h("h1", {}, "Contact us"), h("p", {}, "Ask about a course or a batch; we answer by email or phone."), form);

  let courses: Course[] = [];
  const fillSchedules = () => {
    const c = courses.find((x) => x.id === course.value);
    replace(schedule, h("option", { value: "" }, "Any batch"), ...(c?.schedules ?? []).map((s) =>
      h("option", { value: s.id, disabled: s.status !== "OPEN" },
        `${s.batch.name}, ${s.batch.startTime}–${s.batch.endTime} (${s.status === "OPEN" ? `${s.seatsLeft} seats left` : s.status.toLowerCase()})`)));
    schedule.disabled = !c;
  };
  course.addEventListener("change", fillSchedules);
  request(ContactOptions, {}).then((data) => {
    courses = data.courses.edges.map((e) => e.node);
    course.append(...courses.map((c) => h("option", { value: c.id, selected: c.id === params.get("course") }, c.title)));
    fillSchedules();
  }, () => {
    // The form works without the course list; the visitor can name the course in the message.
  });

  form.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    clearErrors(form, status);
    const value = (name: string) => (form.elements.namedItem(name) as HTMLInputElement).value.trim();
    const input: SubmitEnquiryInput = {
      name: value("name"),
      email: value("email"),
      phone: value("phone") || null,
      message: value("message"),
      courseId: value("courseId") || null,
      scheduleId: value("scheduleId") || null,
      website: value("website") || null,
    };
    submit.disabled = true;
    try {
      const { submitEnquiry } = await sendWithRetries(input, idempotencyKey, status);
      replace(root,
        h("h1", {}, "Thank you"),
        h("div", { class: "receipt", id: "receipt" },
          h("p", {}, "We have your message and will answer soon."),
          h("p", {}, "Your reference: ", h("code", { id: "receipt-id" }, submitEnquiry.id)),
          h("p", {}, "Received: ", h("time", { datetime: submitEnquiry.receivedAt }, when(submitEnquiry.receivedAt))),
        ),
        h("a", { href: "#/contact", onclick: (e: Event) => { e.preventDefault(); renderContact(root, new URLSearchParams()); } }, "Send another message"),
      );
    } catch (err) {
      showErrors(form, status, err);
      if (err instanceof ApiError && err.transient) {
        status.textContent = `${describe(err)} Your message is still here: press Send again (it will not be sent twice).`;
      }
    } finally {
      submit.disabled = false;
    }
  });
}

/**
 * sendWithRetries sends the enquiry, trying again (with the same key) after a
 * failure that may have left it stored or unstored: no answer, a 5xx or
 * SERVICE_UNAVAILABLE. A mistake in the form or RATE_LIMITED is the visitor's to act on.
 */
async function sendWithRetries(input: SubmitEnquiryInput, key: string, status: HTMLElement) {
  for (let attempt = 1; ; attempt++) {
    try {
      return await request(SubmitEnquiry, { input }, { headers: { "Idempotency-Key": key } });
    } catch (err) {
      const again = err instanceof ApiError && err.transient && err.code !== "RATE_LIMITED" && attempt < attempts;
      if (!again) throw err;
      const wait = Math.min(err.retryAfter ?? 2 ** (attempt - 1), maxWait);
      status.textContent = `The server did not answer; trying again in ${wait} s…`;
      await new Promise((resolve) => setTimeout(resolve, wait * 1000));
    }
  }
}
