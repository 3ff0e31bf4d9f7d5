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
    if (shown && input.files.length) shown.textContent = Array.from(input.files).map(function (f) { return f.name; }).join("、");
  });
});
// Department pickers (co-departments): type to filter the tree (a match keeps its parents in view
// for context), the chosen ones as chips above it so a choice never scrolls out of sight, and the
// lead department greyed out among the co-departments (the server refuses it there anyway).
document.querySelectorAll("[data-picker]").forEach(function (picker) {
  const form = picker.closest("form");
  const filter = picker.querySelector(".picker-filter");
  const chosen = picker.querySelector(".chosen");
  const labels = Array.from(picker.querySelectorAll(".tree label"));
  const noMatch = picker.querySelector(".no-match");
  const lead = picker.dataset.exclude && form ? form.querySelector(`[name="${picker.dataset.exclude}"]`) : null;
  filter.hidden = false;

  function parents(index) {           // the labels above this one in the tree, nearest first
    const out = [];
    let depth = Number(labels[index].dataset.depth);
    for (let i = index - 1; i >= 0 && depth > 0; i--) {
      const d = Number(labels[i].dataset.depth);
      if (d < depth) { out.push(labels[i]); depth = d; }
    }
    return out;
  }
  function applyFilter() {
    const typed = filter.value.trim().toLowerCase();
    const shown = new Set();
    labels.forEach(function (label, index) {
      const text = label.querySelector(".name").textContent.toLowerCase();
      if (!typed || text.includes(typed) || (label.dataset.code || "").toLowerCase().includes(typed)) {
        shown.add(label);
        parents(index).forEach(function (p) { shown.add(p); });
      }
    });
    labels.forEach(function (label) { label.hidden = !shown.has(label); });
    noMatch.hidden = shown.size > 0;
  }
  function drawChosen() {
    chosen.replaceChildren();
    const boxes = labels.map(function (l) { return l.querySelector("input"); }).filter(function (b) { return b.checked; });
    if (!boxes.length) {
      const none = document.createElement("span");
      none.className = "muted";
      none.textContent = picker.dataset.none;
      chosen.append(none);
    }
    boxes.forEach(function (box) {
      const chip = document.createElement("span");
      chip.className = "chip";
      chip.textContent = box.closest("label").querySelector(".name").textContent;
      const remove = document.createElement("button");
      remove.type = "button";
      remove.textContent = "×";
      remove.title = remove.ariaLabel = picker.dataset.remove + " " + chip.textContent;
      remove.addEventListener("click", function () { box.checked = false; drawChosen(); });
      chip.append(remove);
      chosen.append(chip);
    });
  }
  function keepLeadOut() {
    if (!lead) return;
    labels.forEach(function (label) {
      const box = label.querySelector("input");
      const isLead = lead.value && box.value === lead.value;
      if (isLead) box.checked = false;
      box.disabled = isLead;
      label.classList.toggle("is-lead", !!isLead);
      label.title = isLead ? picker.dataset.leadNote : "";
    });
    drawChosen();
  }
  filter.addEventListener("input", applyFilter);
  filter.addEventListener("keydown", function (e) { if (e.key === "Enter") e.preventDefault(); });
  picker.addEventListener("change", drawChosen);
  if (lead) lead.addEventListener("change", keepLeadOut);
  keepLeadOut();
  drawChosen();
});
// A choice from a tree (department, matter, district/street): a box before the select filters its
// options as the user types, keeping each match's parents for context, and opens the list; Enter
// takes the first match. Without script the indented select still works.
document.querySelectorAll("select[data-filterable]").forEach(function (select) {
  const options = Array.from(select.options).filter(function (o) { return o.value; });
  if (options.length < 8) return;                      // a short list needs no filter
  const box = document.createElement("input");
  box.type = "search";
  box.className = "select-filter";
  box.placeholder = select.dataset.placeholder || "";
  box.setAttribute("aria-label", box.placeholder);
  select.before(box);
  function depth(o) { return Number(o.dataset.depth || 0); }
  function matches() {
    const typed = box.value.trim().toLowerCase();
    const shown = new Set();
    options.forEach(function (o, index) {
      if (typed && !o.text.trim().toLowerCase().includes(typed)) return;
      shown.add(o);
      for (let i = index - 1, d = depth(o); i >= 0 && d > 0; i--) {
        if (depth(options[i]) < d) { shown.add(options[i]); d = depth(options[i]); }
      }
    });
    return shown;
  }
  function collapse() { select.size = 0; }
  box.addEventListener("input", function () {
    const shown = matches();
    options.forEach(function (o) { o.hidden = !shown.has(o); });
    select.size = box.value.trim() ? Math.min(Math.max(shown.size, 2), 8) : 0;
  });
  box.addEventListener("keydown", function (e) {
    if (e.key !== "Enter") return;
    e.preventDefault();
    const typed = box.value.trim().toLowerCase();
    const first = options.find(function (o) { return !o.hidden && o.text.trim().toLowerCase().includes(typed); });
    if (first) { select.value = first.value; select.dispatchEvent(new Event("change", { bubbles: true })); }
    collapse();
  });
  select.addEventListener("change", collapse);
});
