// Portico's few lines of its own script; htmx does the rest. No inline code (CSP).
(function () {
  "use strict";
  // Marks the page as scripted: text about what only script does (.js-only) shows.
  document.documentElement.classList.add("js");
  // Copy buttons: <button data-copy="ID"> copies the value of the input with that id.
  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("[data-copy]");
    if (!button) return;
    var input = document.getElementById(button.getAttribute("data-copy"));
    if (!input) return;
    input.select();
    var done = function () { button.textContent = "Copied"; };
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(input.value).then(done, function () { document.execCommand("copy"); done(); });
    } else {
      document.execCommand("copy");
      done();
    }
  });
  // Polling ([data-poll]) pauses while the tab is hidden and catches up when it is shown again.
  document.addEventListener("htmx:beforeRequest", function (event) {
    var elt = event.detail && event.detail.elt;
    if (document.hidden && elt && elt.hasAttribute && elt.hasAttribute("data-poll")) event.preventDefault();
  });
  document.addEventListener("visibilitychange", function () {
    if (document.hidden || !window.htmx) return;
    document.querySelectorAll("[data-poll]").forEach(function (elt) { window.htmx.trigger(elt, "poll-now"); });
  });
})();
