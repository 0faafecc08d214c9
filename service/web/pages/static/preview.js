// The preview without a reload: "Xem trước" asks the server for the preview alone (the same
// POST with X-Vanban-Part: preview) and swaps it in, so the clerk keeps their place; every page
// can be zoomed to reading size or shown full screen. On a narrow screen the preview sits right
// after the buttons: it is brought into view, with a button back to the field being edited.
// Without JS the button posts the form and the page comes back at #preview.
(function () {
  "use strict";
  var form = document.getElementById("doc-form");
  var button = document.getElementById("preview-button");
  if (!form || !button) { return; }
  var wide = window.matchMedia("(min-width: 1200px)");
  var ZOOMS = [0.5, 0.75, 1, 1.25, 1.5, 2];     // of the page's real size on screen
  var CSS_DPI = 96;
  var zoom = null;                              // null: each page fits the box
  var lastField = null;
  var place = null;                             // where the clerk was, to go back to

  function box() { return document.getElementById("preview"); }
  function images() { return box().querySelectorAll(".pages img"); }

  form.addEventListener("focusin", function (event) {
    if (/^(INPUT|TEXTAREA|SELECT)$/.test(event.target.tagName)) { lastField = event.target; }
  });

  // --- Zoom --------------------------------------------------------------------------------
  function pageDpi() {
    var pages = box().querySelector(".pages");
    return pages ? Number(pages.getAttribute("data-dpi")) : CSS_DPI;
  }
  // A page's real size on screen, from its pixel width (the width attribute the server wrote,
  // known before the image has loaded) and the resolution it was drawn at.
  function realWidth(img) { return Number(img.getAttribute("width")) * CSS_DPI / pageDpi(); }
  function fitRatio() {                         // the fitted size, as a share of the real one
    var first = images()[0];
    return first ? first.clientWidth / realWidth(first) : 1;
  }
  function applyZoom() {
    var pages = box().querySelector(".pages");
    var level = document.getElementById("zoom-level");
    if (!pages) { return; }
    pages.classList.toggle("zoomed", zoom !== null);
    images().forEach(function (img) {
      img.style.width = zoom === null ? "" :
        Math.round(realWidth(img) * zoom) + "px";
    });
    level.textContent = Math.round((zoom === null ? fitRatio() : zoom) * 100) + " %";
  }
  function step(direction) {
    var current = zoom === null ? fitRatio() : zoom;
    var next = direction > 0
      ? ZOOMS.filter(function (z) { return z > current + 0.01; })[0]
      : ZOOMS.filter(function (z) { return z < current - 0.01; }).pop();
    if (next !== undefined) { zoom = next; applyZoom(); }
  }
  function setFull(on) {
    var full = box().querySelector('[data-zoom="full"]');
    box().classList.toggle("is-full", on);
    document.body.classList.toggle("preview-open", on);
    if (full) { full.setAttribute("aria-pressed", on ? "true" : "false"); }
    if (on) { box().focus({ preventScroll: true }); }
  }
  document.addEventListener("click", function (event) {
    var control = event.target.closest && event.target.closest("#preview [data-zoom]");
    if (!control) { return; }
    var what = control.getAttribute("data-zoom");
    if (what === "in") { step(1); }
    else if (what === "out") { step(-1); }
    else if (what === "fit") { zoom = null; applyZoom(); }
    else if (what === "full") { setFull(!box().classList.contains("is-full")); }
  });
  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape" && box().classList.contains("is-full")) { setFull(false); }
  });

  // --- Back to the field being edited -------------------------------------------------------
  document.addEventListener("click", function (event) {
    if (!event.target.closest || !event.target.closest("#preview-back") || !place) { return; }
    window.scrollTo(0, place.y);
    if (place.field) { place.field.focus({ preventScroll: true }); }
    event.target.closest("#preview-back").hidden = true;
  });

  // --- Edits after a preview make it stale ----------------------------------------------------
  form.addEventListener("input", function () {
    var stale = document.getElementById("preview-stale");
    if (stale && stale.hidden) {
      stale.hidden = false;
      box().classList.add("is-stale");
    }
  });

  function ready() {
    var zoomBar = box().querySelector(".zoom");
    if (zoomBar) { zoomBar.hidden = false; }
    applyZoom();
  }

  // --- Asking for the preview ---------------------------------------------------------------
  button.addEventListener("click", function (event) {
    event.preventDefault();
    if (button.disabled) { return; }
    place = { y: window.scrollY, field: lastField };
    var data = new FormData(form);
    data.set("action", "preview");
    button.disabled = true;
    box().setAttribute("aria-busy", "true");
    box().classList.add("is-loading");
    fetch(form.getAttribute("action"), {
      method: "POST", body: data, credentials: "same-origin",
      headers: { "X-Vanban-Part": "preview" }
    })
      .then(function (response) {
        if (!response.ok) { throw new Error(String(response.status)); }
        return response.text();
      })
      .then(function (html) {
        var fresh = new DOMParser().parseFromString(html, "text/html").getElementById("preview");
        if (!fresh) { throw new Error("no preview in the answer"); }
        var wasFull = box().classList.contains("is-full");
        box().replaceWith(document.importNode(fresh, true));
        ready();
        if (wasFull) { setFull(true); }
        if (!wide.matches) {
          window.scrollTo(0, box().getBoundingClientRect().top + window.scrollY - 8);
          var back = document.getElementById("preview-back");
          if (back) { back.hidden = false; }
        }
      })
      .catch(function () {
        // Errors to show beside their fields, or a busy server: the ordinary post says them.
        button.disabled = false;
        form.requestSubmit(button);
      })
      .finally(function () {
        button.disabled = false;
        box().removeAttribute("aria-busy");
        box().classList.remove("is-loading");
      });
  });

  window.addEventListener("resize", function () { if (zoom === null) { applyZoom(); } });
  ready();
})();
