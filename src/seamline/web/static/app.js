// seamline: small progressive enhancements; every page works without this file.
(function () {
  "use strict";
  // Disable a form's submit buttons while it is being sent, so a double click saves once.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    window.setTimeout(function () {
      form.querySelectorAll("button[type=submit]").forEach(function (b) { b.disabled = true; });
    }, 0);
  });
  // Re-enable them when the page is shown again from the back/forward cache.
  window.addEventListener("pageshow", function () {
    document.querySelectorAll("button[type=submit]").forEach(function (b) { b.disabled = false; });
  });
})();
