// Small conveniences for the clerk's form; without JS every field shows and the server
// ignores the ones the chosen type does not use, so nothing here is needed to submit.
(function () {
  "use strict";
  // With the script the page shows only the chosen type's inputs, so the notes saying which
  // types use an input (for a page without it) can go.
  document.documentElement.classList.add("js");
  var form = document.getElementById("doc-form");
  var type = document.getElementById("f-type");
  var firstMode = document.getElementById("f-signer_mode_1");

  // Show only the inputs the chosen type uses (data-types lists them); none until a type is chosen.
  function showForType() {
    document.querySelectorAll("[data-types]").forEach(function (el) {
      el.hidden = el.getAttribute("data-types").split(" ").indexOf(type.value) < 0;
    });
  }

  // A second quyền hạn line appears once the first is used (or already holds something):
  // the main signer's and each signature block's alike.
  function showSecondLevels() {
    var second = document.querySelector('.signer-level[data-level="2"]');
    var mode = document.getElementById("f-signer_mode_2");
    var of = document.getElementById("f-signer_of_2");
    second.hidden = !firstMode.value && !mode.value && !of.value;
    document.querySelectorAll(".block").forEach(function (block) {
      var first = block.querySelector(".level-1 select");
      if (!first) { return; }
      var used = Array.prototype.some.call(block.querySelectorAll(".level-2 select, .level-2 input"),
        function (el) { return el.value.trim(); });
      block.querySelectorAll(".level-2").forEach(function (el) {
        el.hidden = !first.value && !used;
      });
    });
  }

  // Signature blocks and parties: the first two show, each further one once the one before
  // holds something, so the page offers a third signer without showing four empty blocks.
  function showBlocks() {
    document.querySelectorAll(".blocks").forEach(function (group) {
      var previousFilled = true;
      group.querySelectorAll(".block").forEach(function (block, index) {
        var filled = Array.prototype.some.call(
          block.querySelectorAll("input, textarea"), function (el) { return el.value.trim(); });
        block.hidden = index >= 2 && !previousFilled && !filled;
        previousFilled = filled;
      });
    });
  }
  document.addEventListener("input", function (event) {
    if (event.target.closest && event.target.closest(".blocks")) { showBlocks(); }
  });
  showBlocks();

  type.addEventListener("change", showForType);
  document.addEventListener("change", function (event) {
    if (event.target.tagName === "SELECT") { showSecondLevels(); }
  });
  showForType();
  showSecondLevels();

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
    fetch(echo.getAttribute("data-echo-url") + query, { cache: "no-store" })
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

  // The register's next number under the số, asked again as what it depends on changes.
  var next = document.getElementById("f-number-next");
  var nextAsked = 0;
  function askNext() {
    var asked = ++nextAsked;
    var query = ["issuer_code", "date", "secrecy"].map(function (name) {
      return name + "=" + encodeURIComponent(document.getElementById("f-" + name).value);
    }).join("&");
    fetch(next.getAttribute("data-next-url") + "?" + query, { cache: "no-store" })
      .then(function (response) { return response.json(); })
      .then(function (answer) {
        if (asked !== nextAsked) { return; }
        next.textContent = answer.text || "";
        next.hidden = !answer.text;
      })
      .catch(function () {});
  }
  // With the sổ giving the number, a number typed would contradict it: the input rests.
  var numberInput = document.getElementById("f-number");
  var numberAuto = document.getElementById("f-number_auto");
  function showNumberAuto() { numberInput.disabled = numberAuto.checked; }
  numberAuto.addEventListener("change", showNumberAuto);
  showNumberAuto();
  ["f-issuer_code", "f-date", "f-secrecy"].forEach(function (id) {
    document.getElementById(id).addEventListener("change", askNext);
  });

  // File inputs say "Chọn tệp" and the chosen file's name in Vietnamese, whatever the
  // browser's language: the native input is hidden and our button opens it.
  document.querySelectorAll(".file-pick").forEach(function (pick) {
    var native = pick.querySelector(".file-native");
    var button = pick.querySelector(".file-button");
    var name = pick.querySelector(".file-name");
    native.tabIndex = -1;
    button.hidden = false;
    name.hidden = false;
    button.addEventListener("click", function () { native.click(); });
    function said() {
      name.textContent = native.files && native.files.length ? native.files[0].name
        : "Chưa chọn tệp";
    }
    native.addEventListener("change", said);
    said();
  });

  // Pick lists under Nơi nhận: a press adds the line (once); "Như Điều N" offers the last
  // article of the body as pasted, the one that says who carries the decision out.
  var body = document.getElementById("f-body");
  document.querySelectorAll(".picks").forEach(function (picks) {
    var box = document.getElementById(picks.getAttribute("data-for"));
    var article = picks.querySelector("[data-article]");
    picks.hidden = false;
    function lastArticle() {
      var found = (body ? body.value : "").match(/^\s*Điều\s+\d+/gim) || [];
      var numbers = found.map(function (m) { return Number(m.replace(/\D+/g, "")); });
      var last = numbers.length ? Math.max.apply(null, numbers) : 0;
      article.hidden = !last;
      article.setAttribute("data-line", "Như Điều " + last);
      article.textContent = "+ Như Điều " + last;
    }
    if (body) { body.addEventListener("input", lastArticle); }
    lastArticle();
    picks.addEventListener("click", function (event) {
      var pick = event.target.closest(".pick");
      if (!pick) { return; }
      var line = pick.getAttribute("data-line");
      var lines = box.value.split(/\r?\n/).map(function (l) { return l.trim(); });
      if (lines.indexOf(line) < 0) {
        box.value = (box.value.replace(/\s+$/, "") ? box.value.replace(/\s+$/, "") + "\n" : "") +
          line;
        box.dispatchEvent(new Event("input", { bubbles: true }));
      }
      box.focus();
    });
  });

  // Nothing typed is lost on a reload or on coming back ("Tạo lô khác"): every input is
  // kept in this tab's sessionStorage as it changes (gone when the tab closes: a shared
  // computer keeps nothing; drafts on the server are for keeping). An empty form the server
  // just served (data-fresh), or the same draft reloaded (data-origin), takes them back; a
  // page filled from elsewhere (another draft, a post's answer) is kept instead.
  var STORE = "vanban-form";
  function kept() {
    return Array.prototype.filter.call(form.elements, function (el) {
      return el.name && el.name !== "csrf_token" &&
        !/^(file|hidden|submit|button|reset)$/.test(el.type);
    });
  }
  function keepAll() {
    var values = {};
    kept().forEach(function (el) {
      if (el.type === "radio") { if (el.checked) { values[el.name] = el.value; } }
      else if (el.type === "checkbox") { values[el.name] = el.checked ? el.value : ""; }
      else { values[el.name] = el.value; }
    });
    try {
      window.sessionStorage.setItem(STORE, JSON.stringify(
        { origin: form.getAttribute("data-origin"), values: values }));
    } catch (e) { /* storage full or off: the server's drafts remain */ }
  }
  function takeBack() {
    var stored;
    try { stored = JSON.parse(window.sessionStorage.getItem(STORE) || "null"); } catch (e) {}
    if (!stored || !stored.values || (!form.hasAttribute("data-fresh") &&
        stored.origin !== form.getAttribute("data-origin"))) { return; }
    var values = stored.values;
    kept().forEach(function (el) {
      if (!Object.prototype.hasOwnProperty.call(values, el.name)) { return; }
      if (el.type === "radio" || el.type === "checkbox") { el.checked = values[el.name] === el.value; }
      else { el.value = values[el.name]; }
    });
    showForType();
    showSecondLevels();
    showBlocks();
    showNumberAuto();
    askEcho(false);
    askNext();
  }
  ["input", "change"].forEach(function (kind) {
    document.addEventListener(kind, function (event) {
      if (event.target.form === form) { keepAll(); }
    });
  });
  takeBack();
  keepAll();
  var signOut = document.querySelector(".signed-in");
  if (signOut) {
    signOut.addEventListener("submit", function () { window.sessionStorage.removeItem(STORE); });
  }

  // After a refused submission, bring the summary of what to fix into view and focus.
  var summary = document.getElementById("summary");
  if (summary) { summary.focus(); }
})();
