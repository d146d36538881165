/* Page behaviour driven by data-attributes, so that templates need no inline script, no on*=
   handler and no style="" (the Content-Security-Policy allows none of them):
   - data-submit-on-change on a field: changing it submits its form;
   - data-print on a button: prints the page;
   - data-width / data-left (a percentage) and data-colour on an element: its bar's width,
     offset and colour, set through the CSSOM (which the policy allows), on load and on every
     piece of page htmx swaps in. */
(function () {
  "use strict";

  function percent(value) {
    var n = parseFloat(value);
    return isFinite(n) ? Math.max(0, Math.min(100, n)) + "%" : "";
  }

  function paint(root) {
    if (!root || !root.querySelectorAll) { return; }
    var els = Array.prototype.slice.call(root.querySelectorAll("[data-width], [data-left], [data-colour]"));
    if (root.matches && root.matches("[data-width], [data-left], [data-colour]")) { els.push(root); }
    els.forEach(function (el) {
      if (el.hasAttribute("data-width")) { el.style.width = percent(el.getAttribute("data-width")); }
      if (el.hasAttribute("data-left")) { el.style.left = percent(el.getAttribute("data-left")); }
      if (el.hasAttribute("data-colour")) { el.style.background = el.getAttribute("data-colour"); }
    });
  }

  document.addEventListener("change", function (event) {
    var field = event.target;
    if (field instanceof Element && field.hasAttribute("data-submit-on-change") && field.form) {
      field.form.submit();
    }
  });
  document.addEventListener("click", function (event) {
    var target = event.target instanceof Element ? event.target.closest("[data-print]") : null;
    if (target) { window.print(); }
  });
  document.addEventListener("htmx:load", function (event) { paint(event.target); });
  paint(document);
})();
