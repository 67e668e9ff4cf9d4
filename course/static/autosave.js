// Saves an answer as soon as it changes, so leaving the question by any link (the menu, a closed tab)
// loses nothing. Only an extra: without JavaScript the Save buttons do the same job.
//
// It never claims a save that did not happen: only a 204 is "Answer saved." After the session has ended
// the server answers 401 with a reason (never a redirect to the log-in page, whose 200 was once taken for
// success); the page then says the answer was NOT saved and why, keeps the choice on screen, and offers to
// log in again in a new tab and try again (with a fresh CSRF token from this page, as the log-in made one).
"use strict";

document.querySelectorAll("form[data-autosave]").forEach((form) => {
  const status = form.querySelector("[data-autosave-status]");
  const recover = form.querySelector("[data-autosave-recover]");
  let queue = Promise.resolve(); // one save at a time, so an older answer never lands after a newer one

  function sessionLeft(response) {
    const left = response.headers.get("X-Session-Ends-In");
    if (left !== null) document.dispatchEvent(new CustomEvent("course:session", { detail: Number(left) }));
  }

  async function reason(response, fallback) {
    try {
      return (await response.json()).message || fallback;
    } catch {
      return fallback;
    }
  }

  async function save() {
    const body = new FormData(form); // the form as it is when this save runs: always the latest answer
    body.set("go", "stay");
    try {
      const response = await fetch(form.action, {
        method: "POST",
        body,
        credentials: "same-origin",
        redirect: "manual", // a redirect is never a save
        headers: { Accept: "application/json" },
      });
      sessionLeft(response);
      recover.hidden = response.status !== 401 && response.status !== 400;
      if (response.status === 204) return "Answer saved.";
      if (response.status === 401 || response.status === 400) {
        return reason(response, "Not saved: please log in again, then try again.");
      }
      return "Not saved: please use the Save button.";
    } catch {
      return "Not saved (are you offline?): please use the Save button.";
    }
  }

  async function freshToken() {
    // After logging in again (in another tab) this page's CSRF token is out of date: take the new one.
    const response = await fetch(window.location.href, { credentials: "same-origin", redirect: "manual" });
    if (response.status !== 200) return false;
    const page = new DOMParser().parseFromString(await response.text(), "text/html");
    const token = page.querySelector("input[name=csrf_token]");
    if (!token) return false;
    form.querySelectorAll("input[name=csrf_token]").forEach((input) => (input.value = token.value));
    return true;
  }

  function run(job) {
    status.textContent = "Saving your answer…";
    queue = queue.then(job).then((message) => {
      status.textContent = message;
    });
  }

  form.addEventListener("change", () => run(save));
  recover.querySelector("button").addEventListener("click", () =>
    run(async () => {
      try {
        if (!(await freshToken())) return "Still not saved: you are not logged in. Log in in the new tab first.";
      } catch {
        return "Not saved (are you offline?): please try again.";
      }
      return save();
    }),
  );
});
