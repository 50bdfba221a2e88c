// What the site's two forms share: field errors shown beside their inputs, from
// the server's BAD_USER_INPUT errors (extensions.field names the input field), and
// a status line for everything else.
import { ApiError, describe } from "./api";
import { h } from "./dom";

/**
 * field makes a labelled input (or textarea or select) with a place for its error
 * beside it; noun (the label by default) starts the error: "Email is not a valid
 * email address".
 */
export function field(name: string, label: string, input: HTMLInputElement | HTMLTextAreaElement | HTMLSelectElement, noun = label): HTMLElement {
  const errorId = `${name}-error`;
  input.id ||= name;
  input.name = name;
  input.setAttribute("aria-describedby", errorId);
  return h("div", { class: "field" },
    h("label", { for: input.id }, label),
    input,
    h("span", { class: "field-error", id: errorId, "data-field": name, "data-noun": noun, role: "alert" }),
  );
}

/**
 * showErrors writes each field's error beside its input and everything else in
 * the form's status line; it clears what an earlier attempt showed.
 */
export function showErrors(form: HTMLFormElement, status: HTMLElement, err: unknown): void {
  clearErrors(form, status);
  const byField = err instanceof ApiError ? err.fieldErrors() : new Map<string, string>();
  let shown = 0;
  for (const [name, message] of byField) {
    const slot = form.querySelector<HTMLElement>(`.field-error[data-field="${CSS.escape(name)}"]`);
    const input = form.elements.namedItem(name);
    if (!slot) continue;
    slot.textContent = /^[a-z]/.test(message) ? `${slot.dataset.noun} ${message}` : message;
    if (input instanceof HTMLElement) {
      input.setAttribute("aria-invalid", "true");
      if (shown === 0) input.focus();
    }
    shown++;
  }
  if (shown === 0) {
    status.textContent = describe(err);
    status.className = "status error";
  } else {
    status.textContent = "Please check the fields marked above.";
    status.className = "status error";
  }
}

/** clearErrors removes every message showErrors wrote. */
export function clearErrors(form: HTMLFormElement, status: HTMLElement): void {
  for (const slot of form.querySelectorAll<HTMLElement>(".field-error")) slot.textContent = "";
  for (const input of form.querySelectorAll("[aria-invalid]")) input.removeAttribute("aria-invalid");
  status.textContent = "";
  status.className = "status";
}
