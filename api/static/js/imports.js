// The import's progress bar: poll the job's JSON every second until it is done or failed.
(function () {
  const box = document.getElementById("import-progress");
  if (!box) return;
  const bar = box.querySelector("progress");
  function draw(p) {
    bar.value = p.percent;
    box.dataset.state = p.state;
    box.querySelector('[data-p="state"]').textContent = p.state_label;
    ["percent", "processed", "total", "good", "bad", "duplicates"].forEach(function (k) {
      box.querySelector('[data-p="' + k + '"]').textContent = p[k];
    });
    if (p.state === "done" || p.state === "failed") {
      document.getElementById("import-done").hidden = false;
      if (!box.dataset.reloaded) { box.dataset.reloaded = "1"; window.location.reload(); }
      return true;
    }
    return false;
  }
  function poll() {
    fetch(box.dataset.url, {credentials: "same-origin", headers: {"Accept": "application/json"}})
      .then(function (r) { return r.json(); })
      .then(function (p) { if (!draw(p)) setTimeout(poll, 1000); })
      .catch(function () { setTimeout(poll, 3000); });
  }
  if (box.dataset.state !== "done" && box.dataset.state !== "failed") setTimeout(poll, 500);
})();
