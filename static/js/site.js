// Tables wider than the screen scroll inside their own region, never the page (WCAG 1.4.10).
// A keyboard user must be able to reach and scroll that region, and a screen reader user to
// know what it holds: each table's wrapper becomes a focusable, labelled region. Without this
// script the CSS alone still keeps the page from scrolling sideways.
(function () {
  "use strict";
  function label(table) {
    var caption = table.querySelector("caption");
    if (caption) return caption.textContent.trim();
    var node = table.closest(".table-wrap") || table;
    while (node && node !== document.body) {
      var previous = node.previousElementSibling;
      while (previous) {
        if (/^H[1-6]$/.test(previous.tagName)) return previous.textContent.trim();
        var inner = previous.querySelector && previous.querySelector("h1, h2, h3, h4");
        if (inner) return inner.textContent.trim();
        previous = previous.previousElementSibling;
      }
      node = node.parentElement;
    }
    return document.title;
  }
  function wrapTables(root) {
    root.querySelectorAll("main table").forEach(function (table) {
      var wrap = table.parentElement;
      if (!wrap.classList.contains("table-wrap")) {
        wrap = document.createElement("div");
        wrap.className = "table-wrap";
        table.parentNode.insertBefore(wrap, table);
        wrap.appendChild(table);
      }
      if (wrap.scrollWidth > wrap.clientWidth + 1) {
        wrap.setAttribute("tabindex", "0");
        wrap.setAttribute("role", "region");
        wrap.setAttribute("aria-label", label(table));
      } else if (wrap.getAttribute("role") === "region") {
        wrap.removeAttribute("tabindex");
        wrap.removeAttribute("role");
        wrap.removeAttribute("aria-label");
      }
    });
  }
  function run() { wrapTables(document); }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", run);
  else run();
  window.addEventListener("resize", run);
  document.addEventListener("htmx:afterSettle", run);
})();
