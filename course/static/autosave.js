// Saves an answer as soon as it changes, so leaving the question by any link (the menu, a closed tab)
// loses nothing. Only an extra: without JavaScript the Save buttons do the same job.
"use strict";

document.querySelectorAll("form[data-autosave]").forEach((form) => {
  const status = form.querySelector("[data-autosave-status]");
  let queue = Promise.resolve(); // one save at a time, so an older answer never lands after a newer one

  async function save() {
    const body = new FormData(form); // the form as it is when this save runs: always the latest answer
    body.set("go", "stay");
    try {
      const response = await fetch(form.action, { method: "POST", body, credentials: "same-origin" });
      return response.ok ? "Answer saved." : "Not saved: please use the Save button.";
    } catch {
      return "Not saved (are you offline?): please use the Save button.";
    }
  }

  form.addEventListener("change", () => {
    status.textContent = "Saving your answer…";
    queue = queue.then(save).then((message) => {
      status.textContent = message;
    });
  });
});
