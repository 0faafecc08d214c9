// Small conveniences for the clerk's form; without JS every field shows and the server
// ignores the ones the chosen type does not use, so nothing here is needed to submit.
(function () {
  "use strict";
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

  // The date as it will print, said beside the field as the clerk types (GET /ngay reads it
  // with the submission's own rules); leaving the field tidies 01122026 into 01/12/2026.
  var dateInput = document.getElementById("f-date");
  var blankDay = document.getElementById("f-date_blank");
  var echo = document.getElementById("f-date-echo");
  var echoTimer = null;
  var echoAsked = 0;
  function showEcho(answer) {
    echo.textContent = "";
    echo.classList.toggle("refused", Boolean(answer.error));
    echo.hidden = !answer.printed && !answer.error;
    if (answer.printed) {
      var strong = document.createElement("strong");
      strong.textContent = answer.printed;
      echo.append("Sẽ in: ", strong);
    } else if (answer.error) {
      echo.textContent = "Chưa đúng: " + answer.error;
    }
  }
  function askEcho(tidy) {
    var asked = ++echoAsked;
    var query = "?value=" + encodeURIComponent(dateInput.value) +
      "&blank=" + (blankDay.checked ? "1" : "0");
    fetch(dateInput.getAttribute("data-echo-url") + query, { cache: "no-store" })
      .then(function (response) { return response.json(); })
      .then(function (answer) {
        if (asked !== echoAsked) { return; }          // an older answer, overtaken
        showEcho(answer);
        if (tidy && answer.text && answer.text !== dateInput.value) {
          dateInput.value = answer.text;
        }
      })
      .catch(function () {});                         // the submission still checks it
  }
  dateInput.addEventListener("input", function () {
    window.clearTimeout(echoTimer);
    echoTimer = window.setTimeout(function () { askEcho(false); }, 250);
  });
  dateInput.addEventListener("change", function () {
    window.clearTimeout(echoTimer);
    askEcho(true);
  });
  blankDay.addEventListener("change", function () { askEcho(false); });

  // After a refused submission, bring the summary of what to fix into view and focus.
  var summary = document.getElementById("summary");
  if (summary) { summary.focus(); }
})();
