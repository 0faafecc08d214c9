// Small conveniences for the clerk's form; without JS every field shows and the server
// ignores the ones the chosen type does not use, so nothing here is needed to submit.
(function () {
  "use strict";
  var form = document.getElementById("doc-form");
  var type = document.getElementById("f-type");
  var firstMode = document.getElementById("f-signer_mode_1");

  // Show only the inputs the chosen type uses (data-types lists them); none until a type is chosen.
  function showForType() {
    document.querySelectorAll("[data-types]").forEach(function (el) {
      el.hidden = el.getAttribute("data-types").split(" ").indexOf(type.value) < 0;
    });
  }

  // The second quyền hạn line appears once the first is used (or already holds something).
  function showSecondLevel() {
    var second = document.querySelector('.signer-level[data-level="2"]');
    var mode = document.getElementById("f-signer_mode_2");
    var of = document.getElementById("f-signer_of_2");
    second.hidden = !firstMode.value && !mode.value && !of.value;
  }

  type.addEventListener("change", showForType);
  firstMode.addEventListener("change", showSecondLevel);
  showForType();
  showSecondLevel();

  // A preview taken before an edit no longer shows the document: say so.
  var preview = document.getElementById("preview");
  var stale = document.getElementById("preview-stale");
  if (stale) {
    form.addEventListener("input", function () {
      stale.hidden = false;
      preview.classList.add("is-stale");
    }, { once: true });
  }

  // After a refused submission, bring the summary of what to fix into view and focus.
  var summary = document.getElementById("summary");
  if (summary) { summary.focus(); }
})();
