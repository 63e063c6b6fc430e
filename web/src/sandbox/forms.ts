// The frame has no `allow-forms` (and its CSP says `form-action 'none'`), so browsers drop
// form submission before the `submit` event fires. Components written with `<form onSubmit>`
// still work: a click on a submit button, or Enter in a text field, dispatches the `submit`
// event itself (nothing is ever sent anywhere).

function submitterOf(target: EventTarget | null): HTMLButtonElement | HTMLInputElement | null {
  if (!(target instanceof Element)) return null;
  const el = target.closest("button, input[type=submit], input[type=image]");
  if (el instanceof HTMLButtonElement) return el.type === "submit" ? el : null;
  return el instanceof HTMLInputElement ? el : null;
}

function dispatchSubmit(form: HTMLFormElement, submitter: HTMLElement | null) {
  form.dispatchEvent(new SubmitEvent("submit", { bubbles: true, cancelable: true, submitter }));
}

export function installFormSubmission(): void {
  document.addEventListener(
    "click",
    (e) => {
      const submitter = submitterOf(e.target);
      const form = submitter?.form;
      if (!submitter || !form || submitter.disabled) return;
      e.preventDefault();
      dispatchSubmit(form, submitter);
    },
    true,
  );
  document.addEventListener(
    "keydown",
    (e) => {
      if (e.key !== "Enter" || e.isComposing || e.defaultPrevented) return;
      const t = e.target;
      if (!(t instanceof HTMLInputElement) || !t.form) return;
      if (["checkbox", "radio", "button", "submit", "reset", "file", "color", "range"].includes(t.type)) return;
      e.preventDefault();
      const submitter = t.form.querySelector<HTMLButtonElement | HTMLInputElement>("button:not([type]), button[type=submit], input[type=submit]");
      if (submitter?.disabled) return;
      dispatchSubmit(t.form, submitter);
    },
    false,
  );
}
