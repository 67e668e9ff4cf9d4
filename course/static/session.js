// Warns before the idle time-out (WCAG 2.2.1 Timing Adjustable). The page says how many seconds its session
// has left (data-session-ends-in on <body>); data-session-warn seconds before the end, a dialog takes focus
// and offers to stay logged in, which starts the server's idle clock again. A request of this page that
// reports a new time (the X-Session-Ends-In header, e.g. an autosave) moves the warning: autosave.js sends
// the "course:session" event. Only an extra: without JavaScript, a form sent after the time-out is kept
// through the log-in (identity/session_end.py).
"use strict";

(() => {
  const dialog = document.querySelector("[data-session-warning]");
  const left = document.body.dataset.sessionEndsIn;
  if (!dialog || left === undefined) return;
  const text = dialog.querySelector("[data-session-warning-text]");
  const stay = dialog.querySelector("[data-session-stay]");
  const warnBefore = Number(document.body.dataset.sessionWarn) * 1000;
  let endsAt = 0;
  let timers = [];

  function inWords(ms) {
    const seconds = Math.max(0, Math.round(ms / 1000));
    if (seconds >= 120) return `${Math.round(seconds / 60)} minutes`;
    return `${seconds} seconds`;
  }

  function show(message, canStay) {
    text.textContent = message;
    stay.hidden = !canStay;
    if (!dialog.open) dialog.showModal(); // focus goes to the first control: "Stay logged in"
  }

  function warn() {
    show(
      `You will be logged out in ${inWords(endsAt - Date.now())} because nothing has been sent from this page ` +
        "for a while. Anything you have typed stays on the page. Press Stay logged in to keep working.",
      true,
    );
  }

  function ended() {
    show(
      "You have been logged out because nothing was sent from this page for a while. Anything you typed is " +
        "still on this page but not saved yet: send it as usual, log in when asked, and you can then send it again.",
      false,
    );
  }

  // setTimeout fires at once for a delay over 2**31 - 1 ms (about 24.8 days): a longer session (a long
  // SESSION_IDLE_MINUTES) needs no timer this side of that, so none is set.
  const LONGEST_DELAY = 2 ** 31 - 1;

  function schedule(seconds) {
    timers.forEach(clearTimeout);
    endsAt = Date.now() + seconds * 1000;
    timers = [];
    if (seconds * 1000 > LONGEST_DELAY) return;
    timers = [setTimeout(warn, Math.max(0, seconds * 1000 - warnBefore)), setTimeout(ended, seconds * 1000)];
  }

  stay.addEventListener("submit", async (event) => {
    event.preventDefault();
    try {
      const response = await fetch(stay.action, {
        method: "POST",
        body: new FormData(stay),
        credentials: "same-origin",
        headers: { Accept: "application/json" },
      });
      if (!response.ok) return ended();
      schedule((await response.json()).ends_in);
      dialog.close();
    } catch {
      text.textContent = "The course could not be reached (are you offline?). Press Stay logged in again.";
    }
  });

  document.addEventListener("course:session", (event) => schedule(event.detail));
  schedule(Number(left));
})();
