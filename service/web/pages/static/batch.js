// The batch page's progress bar: poll GET /v1/batches/{id} every second and move it; once the
// batch is over, reload so the server draws its errors and download links. Without JS the
// page refreshes itself (a <meta> refresh inside <noscript>).
(function () {
  "use strict";
  var box = document.getElementById("batch");
  var url = box && box.getAttribute("data-status-url");
  if (!url) { return; }
  function set(id, value) { document.getElementById(id).textContent = String(value); }

  function poll() {
    fetch(url, { cache: "no-store", headers: { Accept: "application/json" } })
      .then(function (response) {
        if (!response.ok) { throw new Error(String(response.status)); }
        return response.json();
      })
      .then(function (s) {
        var bar = document.getElementById("batch-progress");
        bar.max = s.total || 1;
        bar.value = s.done + s.failed;
        set("batch-over", s.done + s.failed);
        set("batch-total", s.total);
        set("batch-done", s.done);
        set("batch-failed", s.failed);
        if (s.status === "done" || s.status === "failed") {
          window.location.reload();
        } else {
          window.setTimeout(poll, 1000);
        }
      })
      .catch(function () { window.setTimeout(poll, 3000); });   // a blip: try again later
  }
  window.setTimeout(poll, 1000);
})();
