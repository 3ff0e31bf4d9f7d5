// Task forms: show a field that is required only for some answers (data-required-if) when one of
// those answers is chosen. The server validates regardless; this only keeps the form short.
(function () {
  function currentValue(form, name) {
    const checked = form.querySelector(`[name="${name}"]:checked`);
    if (checked) return checked.value.toLowerCase();
    const field = form.querySelector(`[name="${name}"]`);
    return field && field.type !== "radio" ? String(field.value).toLowerCase() : "";
  }
  function refresh(form) {
    form.querySelectorAll("[data-required-if]").forEach(function (box) {
      const wanted = box.dataset.requiredValues.split(",");
      const shown = wanted.includes(currentValue(form, box.dataset.requiredIf)) || box.classList.contains("has-error");
      box.hidden = !shown;
    });
  }
  document.querySelectorAll("form").forEach(function (form) {
    if (!form.querySelector("[data-required-if]")) return;
    form.addEventListener("change", function () { refresh(form); });
    refresh(form);
  });
})();
