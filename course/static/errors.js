// After a failed form submission, move focus to the error summary so a screen reader reads it and a keyboard
// user starts from its links (GOV.UK's pattern). Only an extra: without JavaScript the summary is still an
// alert at the top of the page and the page title starts with "Error:".
"use strict";

document.addEventListener("DOMContentLoaded", () => {
  const summary = document.querySelector("[data-error-summary]");
  if (summary) summary.focus();
});
