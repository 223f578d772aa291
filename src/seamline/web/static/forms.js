// seamline: forms people can fix. Every form works without this file; with it:
// - an error summary (.error-summary) takes focus when the page opens, and its links move focus to the
//   field they name (the first option of a group of radio buttons);
// - after a live preview (htmx) each field's aria-invalid follows its error message;
// - a field's Reset button puts the cited default back and previews it instead of saving at once.
(function () {
  "use strict";
  function focusField(id) {
    var target = document.getElementById(id);
    if (!target) { return false; }
    var field = target.matches("input, select, textarea") ? target
      : (target.querySelector("input:checked") || target.querySelector("input, select, textarea"));
    (field || target).focus();
    target.scrollIntoView({block: "center"});
    return true;
  }
  function focusSummary() {
    var summary = document.querySelector(".error-summary");
    if (summary && document.activeElement !== summary) { summary.focus(); }
  }
  document.addEventListener("DOMContentLoaded", focusSummary);
  if (document.readyState !== "loading") { focusSummary(); }
  document.addEventListener("click", function (event) {
    var link = event.target.closest(".error-summary a[href^='#']");
    if (link && focusField(link.getAttribute("href").slice(1))) { event.preventDefault(); }
    var reset = event.target.closest("button[data-reset]");
    if (reset && window.htmx) {
      var input = document.getElementById(reset.dataset.reset);
      if (input) {
        event.preventDefault();
        input.value = reset.dataset.default || "";
        input.dispatchEvent(new Event("input", {bubbles: true}));
        input.focus();
      }
    }
  });
  document.addEventListener("htmx:afterSettle", function () {
    document.querySelectorAll(".field-error[id]").forEach(function (message) {
      var field = document.querySelector("[aria-describedby~='" + message.id + "']");
      if (!field) { return; }
      var bad = message.textContent.trim() !== "";
      if (bad) { field.setAttribute("aria-invalid", "true"); } else { field.removeAttribute("aria-invalid"); }
      var box = field.closest(".assume-field, .question");
      if (box) { box.classList.toggle("invalid", bad); }
    });
  });
})();
