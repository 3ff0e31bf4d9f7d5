// Task forms: show a field that is required only for some answers (data-required-if) when one of
// those answers is chosen. The server validates regardless; this only keeps the form short.
// A hidden field is also disabled, so a choice made before the answer changed is not sent
// (e.g. 不满意 → 办结 → then 满意: the visit must not carry a decision nobody sees).
(function () {
  function currentValue(form, name) {
    const checked = form.querySelector(`[name="${name}"]:checked:not(:disabled)`);
    if (checked) return checked.value.toLowerCase();
    const field = form.querySelector(`[name="${name}"]:not(:disabled)`);
    return field && field.type !== "radio" ? String(field.value).toLowerCase() : "";
  }
  function refreshOnce(form) {
    let changed = false;
    form.querySelectorAll("[data-required-if]").forEach(function (box) {
      const wanted = box.dataset.requiredValues.split(",");
      const shown = wanted.includes(currentValue(form, box.dataset.requiredIf)) || box.classList.contains("has-error");
      if (box.hidden === shown) changed = true;
      box.hidden = !shown;
      box.querySelectorAll("input, select, textarea").forEach(function (el) { el.disabled = !shown; });
    });
    return changed;
  }
  function refresh(form) {
    // a field may depend on one that itself depends on another: settle in a few rounds
    for (let round = 0; round < 5 && refreshOnce(form); round++) { /* settle */ }
  }
  document.querySelectorAll("form").forEach(function (form) {
    if (!form.querySelector("[data-required-if]")) return;
    form.addEventListener("change", function () { refresh(form); });
    refresh(form);
  });
})();
// A file input drawn as our own button: show the chosen file's name beside it.
document.querySelectorAll("input[type=file][data-file-name]").forEach(function (input) {
  input.addEventListener("change", function () {
    const shown = document.querySelector(input.dataset.fileName);
    if (shown && input.files.length) shown.textContent = input.files[0].name;
  });
});
