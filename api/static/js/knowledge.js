// Knowledge base: (1) the article editor's small toolbar (bold, lists, heading, link) over a
// contenteditable box copied into the form's textarea on submit (the server sanitises it anyway);
// (2) on the intake page, articles suggested while the case text is typed, debounced, drawn with
// textContent; the chosen one's answer is posted with the intake form to register and answer.
(function () {
  const editor = document.getElementById("kb-editor");
  const input = document.getElementById("kb-body-input");
  if (editor && input) {
    const toolbar = document.getElementById("kb-toolbar");
    editor.innerHTML = input.value;     // what the server stored (sanitised) or sent back (422)
    editor.hidden = false; toolbar.hidden = false; input.hidden = true;
    toolbar.addEventListener("click", function (event) {
      const button = event.target.closest("button[data-cmd]");
      if (!button) return;
      const cmd = button.dataset.cmd;
      let arg = button.dataset.arg || null;
      if (cmd === "createLink") {
        arg = window.prompt("https://");
        if (!arg) return;
      }
      editor.focus();
      document.execCommand(cmd, false, arg);
    });
    input.form.addEventListener("submit", function () { input.value = editor.innerHTML; });
  }

  const panel = document.getElementById("kb-panel");
  const form = document.getElementById("intake-form");
  if (!panel || !form) return;
  const DELAY_MS = 350, MAX_CHARS = 2000;
  const list = document.getElementById("kb-suggestions");
  const chosen = document.getElementById("kb-chosen");
  let timer = null, lastQuery = "", inFlight = null;

  function state(name) {
    panel.querySelectorAll("p[data-kb]").forEach(function (p) { p.hidden = p.dataset.kb !== name; });
  }

  function choose(item) {
    chosen.hidden = false;
    chosen.querySelector("[data-kb=title]").textContent = item.title + "（" + item.category + "）";
    chosen.querySelector("[data-kb=body]").textContent = item.excerpt;
    document.getElementById("kb-article-id").value = item.id;
    document.getElementById("kb-answer").value = item.answer;
  }

  function draw(items) {
    list.replaceChildren();
    state(items.length ? "" : "none");
    items.forEach(function (item) {
      const li = document.createElement("li");
      li.dataset.article = item.id;
      const open = document.createElement("button");
      open.type = "button"; open.className = "link"; open.textContent = item.title;
      open.addEventListener("click", function () { choose(item); });
      const meta = document.createElement("span");
      meta.className = "muted"; meta.textContent = " " + item.category;
      const link = document.createElement("a");
      link.href = item.url; link.target = "_blank"; link.textContent = " ↗";
      li.append(open, meta, link);
      list.append(li);
    });
  }

  function ask() {
    const params = new URLSearchParams();
    ["title", "content"].forEach(function (name) {
      const field = form.elements[name];
      const value = field ? String(field.value).trim().slice(0, MAX_CHARS) : "";
      if (value) params.set(name, value);
    });
    const query = params.toString();
    if (query === lastQuery) return;
    lastQuery = query;
    if (!query) { list.replaceChildren(); state("idle"); return; }
    if (inFlight) inFlight.abort();
    inFlight = new AbortController();
    fetch(panel.dataset.url + "?" + query, {headers: {"Accept": "application/json"}, signal: inFlight.signal,
                                            credentials: "same-origin"})
      .then(function (r) { return r.ok ? r.json() : {articles: []}; })
      .then(function (data) { draw(data.articles || []); })
      .catch(function () {});
  }

  form.addEventListener("input", function (event) {
    if (!["title", "content"].includes(event.target.name)) return;
    clearTimeout(timer);
    timer = setTimeout(ask, DELAY_MS);
  });
  document.getElementById("kb-close").addEventListener("click", function () {
    chosen.hidden = true;
    document.getElementById("kb-article-id").value = "";
  });
  ask();
})();
