// Agent desk: while the agent types the intake form, ask the server for open cases that may be
// the same request and for the caller's history, and show them beside the form. The server
// decides everything (roles, scope, matching); this only asks, debounced, and draws with
// textContent (never innerHTML: titles are citizens' words).
(function () {
  const panel = document.getElementById("desk-panel");
  const form = document.getElementById("intake-form");
  if (!panel || !form) return;
  const FIELDS = ["phone", "title", "content", "address", "category"];
  const DELAY_MS = 400;       // one request per pause in typing, not per key
  const MAX_CHARS = 1000;     // the server compares only the start of the content
  let timer = null, inFlight = null, lastQuery = "";

  function typed() {
    const params = new URLSearchParams();
    FIELDS.forEach(function (name) {
      const field = form.elements[name];
      const value = field ? String(field.value).trim().slice(0, MAX_CHARS) : "";
      if (value) params.set(name, value);
    });
    return params;
  }

  function show(state) {
    panel.querySelectorAll("[data-show]").forEach(function (p) {
      if (p.dataset.show !== "no-history") p.hidden = p.dataset.show !== state;
    });
  }

  function cell(row, text, className) {
    const td = row.insertCell();
    td.textContent = text;
    if (className) td.className = className;
    return td;
  }

  function caseLink(row, item) {
    const a = document.createElement("a");
    a.href = item.url;
    a.target = "_blank";          // the intake form keeps what was typed
    a.rel = "noopener";
    a.textContent = item.case_no;
    row.insertCell().appendChild(a);
  }

  function fill(table, items, last) {
    const body = table.tBodies[0];
    body.replaceChildren();
    items.forEach(function (item) {
      const row = body.insertRow();
      caseLink(row, item);
      cell(row, item.status_label + (item.outcome_label ? " · " + item.outcome_label : ""));
      cell(row, item.title);
      cell(row, last(item), "muted");
    });
    table.hidden = items.length === 0;
  }

  function render(data) {
    fill(document.getElementById("desk-suggestions"), data.suggestions,
         function (s) { return s.reason_labels.join(" · "); });
    fill(document.getElementById("desk-history"), data.history,
         function (h) { return h.created_at; });
    show(data.suggestions.length ? "results" : "none");
    panel.querySelector('[data-show="no-history"]').hidden = data.history.length > 0;
  }

  function ask() {
    const params = typed();
    const query = params.toString();
    if (query === lastQuery) return;
    lastQuery = query;
    if (inFlight) inFlight.abort();     // only the newest answer may be drawn
    if (!query) { render({suggestions: [], history: []}); show("idle"); return; }
    inFlight = new AbortController();
    fetch(panel.dataset.url + "?" + query, {credentials: "same-origin", signal: inFlight.signal,
                                             headers: {"Accept": "application/json"}})
      .then(function (res) { if (!res.ok) throw new Error(res.status); return res.json(); })
      .then(render)
      .catch(function (err) { if (err.name !== "AbortError") { lastQuery = ""; show("failed"); } });
  }

  function later(event) {
    if (!FIELDS.includes(event.target.name)) return;
    clearTimeout(timer);
    timer = setTimeout(ask, DELAY_MS);
  }

  form.addEventListener("input", later);
  form.addEventListener("change", later);
  ask();                                // a form sent back with errors still has its values
})();
