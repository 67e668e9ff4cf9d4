// Keeps times true while a page stays open, and offers the browser's time zone. The pages work without it:
// every time is written in full (in the person's zone) by the server; this only refreshes the relative words.
(function () {
  "use strict";
  function relative(target, now) {
    var seconds = (target - now) / 1000, distance = Math.abs(seconds), n, unit;
    if (distance < 45) return "now";
    if (distance < 90 * 60) { n = Math.max(1, Math.round(distance / 60)); unit = "minute"; }
    else if (distance < 36 * 3600) { n = Math.round(distance / 3600); unit = "hour"; }
    else { n = Math.round(distance / 86400); unit = "day"; }
    var phrase = n + " " + unit + (n === 1 ? "" : "s");
    return seconds > 0 ? "in " + phrase : phrase + " ago";
  }
  function refresh() {
    var now = Date.now();
    document.querySelectorAll("[data-relative-to]").forEach(function (el) {
      el.textContent = "(" + relative(Date.parse(el.getAttribute("data-relative-to")), now) + ")";
    });
    // Something that waits for a moment (a retake): shown once the moment has come, its "waiting" text hidden.
    document.querySelectorAll("[data-opens-at]").forEach(function (el) {
      var open = Date.parse(el.getAttribute("data-opens-at")) <= now;
      if (el.hasAttribute("data-when-open")) el.hidden = !open; else el.hidden = open;
    });
  }
  function offerZone() {
    var zone;
    try { zone = Intl.DateTimeFormat().resolvedOptions().timeZone; } catch (e) { return; }
    document.querySelectorAll("input[data-time-zone]").forEach(function (input) {
      if (input.value || !zone) return;
      input.value = zone;
      var note = document.createElement("p");
      note.className = "hint";
      note.textContent = "Filled in from your browser: save to keep it.";
      input.insertAdjacentElement("afterend", note);
    });
  }
  document.addEventListener("DOMContentLoaded", function () {
    offerZone();
    refresh();
    if (document.querySelector("[data-relative-to], [data-opens-at]")) setInterval(refresh, 15000);
  });
})();
