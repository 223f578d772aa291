// seamline: small progressive enhancements; every page works without this file.
(function () {
  "use strict";
  // One polite live region that says what is being waited for (screen readers hear it; it is also shown).
  function status(text) {
    var box = document.getElementById("busy-status");
    if (!box) {
      box = document.createElement("p");
      box.id = "busy-status";
      box.className = "busy-status";
      box.setAttribute("role", "status");
      document.body.appendChild(box);
    }
    box.textContent = text;
    box.hidden = !text;
  }
  function busy(el, text) {
    el.classList.add("is-busy");
    el.setAttribute("aria-busy", "true");
    if (text) {
      if (!el.dataset.idleText) { el.dataset.idleText = el.textContent; }
      el.textContent = text;
    }
  }
  function idle(el) {
    el.classList.remove("is-busy");
    el.removeAttribute("aria-busy");
    if (el.dataset.idleText) { el.textContent = el.dataset.idleText; delete el.dataset.idleText; }
  }
  // A form being sent: its submit buttons disabled (a double click saves once), the form and the button
  // busy, and the button's data-busy text ("Reading the document…") shown until the next page arrives.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    var button = event.submitter || form.querySelector("button[type=submit], button:not([type])");
    var text = (button && button.dataset.busy) || form.dataset.busy || "";
    window.setTimeout(function () {
      if (event.defaultPrevented) { return; }
      form.setAttribute("aria-busy", "true");
      if (button) { busy(button, text); }
      form.querySelectorAll("button[type=submit], button:not([type])").forEach(function (b) { b.disabled = true; });
      status(text || "Working…");
    }, 0);
  });
  // Re-enable them when the page is shown again from the back/forward cache.
  window.addEventListener("pageshow", function () {
    document.querySelectorAll("button[type=submit], button:not([type])").forEach(function (b) { b.disabled = false; idle(b); });
    document.querySelectorAll("form[aria-busy]").forEach(function (f) { f.removeAttribute("aria-busy"); });
    status("");
  });
  // A document download (a[download], rendered on request: up to several seconds): fetched here so the
  // link can say "Rendering PDF…" until the file arrives; without this script the link still works.
  document.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest("a[download]");
    if (!link || link.dataset.fetched || !window.fetch || !window.URL || link.classList.contains("is-busy")) { return; }
    event.preventDefault();
    var what = link.dataset.busy || "Rendering " + link.textContent.trim() + "…";
    busy(link, what);
    status(what);
    fetch(link.href, { credentials: "same-origin" }).then(function (response) {
      if (!response.ok) { throw new Error(String(response.status)); }
      var header = response.headers.get("Content-Disposition") || "";
      var match = /filename\*?=(?:UTF-8'')?"?([^";]+)"?/i.exec(header);
      return response.blob().then(function (blob) {
        var url = URL.createObjectURL(blob);
        var a = document.createElement("a");
        a.href = url;
        a.download = match ? decodeURIComponent(match[1]) : "";
        a.dataset.fetched = "1";  // the file itself: saved by the browser, not fetched again
        document.body.appendChild(a);
        a.click();
        a.remove();
        window.setTimeout(function () { URL.revokeObjectURL(url); }, 10000);
        status("");
      });
    }).catch(function () {
      window.location.href = link.href;  // let the server's own answer (an error page) show
    }).finally(function () { idle(link); });
  });
  // htmx requests (the live panel, the assumptions): the target says it is busy while one runs.
  document.addEventListener("htmx:beforeRequest", function (event) {
    var target = event.detail && event.detail.target;
    if (target) { target.setAttribute("aria-busy", "true"); }
  });
  document.addEventListener("htmx:afterRequest", function (event) {
    var target = event.detail && event.detail.target;
    if (target) { target.removeAttribute("aria-busy"); }
  });
  // A table or code block wider than the screen scrolls inside its wrapper; make that reachable by keyboard.
  function scrollers() {
    document.querySelectorAll(".scroll, pre").forEach(function (el) {
      if (el.scrollWidth > el.clientWidth + 1 && !el.hasAttribute("tabindex")) {
        el.setAttribute("tabindex", "0");
      }
    });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", scrollers);
  } else {
    scrollers();
  }
  window.addEventListener("resize", scrollers);
})();
