// A "Copy" button beside each field marked data-copy-source (a cohort's join link). Without JavaScript the
// field is read-only and selectable, so the link can still be copied by hand.
(function () {
  "use strict";
  document.addEventListener("DOMContentLoaded", function () {
    if (!navigator.clipboard) return;
    document.querySelectorAll("input[data-copy-source]").forEach(function (input) {
      var button = document.createElement("button");
      button.type = "button";
      button.className = "button secondary small";
      button.textContent = "Copy link";
      var status = document.createElement("span");
      status.setAttribute("role", "status");
      status.className = "meta";
      button.addEventListener("click", function () {
        navigator.clipboard.writeText(input.value).then(function () { status.textContent = "Copied."; },
                                                        function () { input.select(); status.textContent = "Press Ctrl+C to copy."; });
      });
      input.insertAdjacentElement("afterend", status);
      input.insertAdjacentElement("afterend", button);
    });
  });
})();
