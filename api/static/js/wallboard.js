// The wallboard: redraw the figures the server sends (labels, display text and alarms are decided
// there) from the `board` server-sent events; while the stream is down, poll /wallboard/data every
// 5 seconds. Draws with textContent only (queue names come from the switch).
(function () {
  const board = document.getElementById("wallboard");
  if (!board) return;
  const POLL_MS = 5000;
  const RETRY_STREAM_MS = 30000;    // after the server refused the stream, try it again this late
  const offline = document.getElementById("wallboard-offline");
  const stale = document.getElementById("wallboard-stale");
  let source = null, poller = null;

  function pick(data, path) {
    return path.split(".").reduce(function (value, key) { return value == null ? value : value[key]; }, data);
  }

  function fields(data) {
    board.querySelectorAll("[data-field]").forEach(function (el) {
      const value = pick(data, el.dataset.field);
      el.textContent = value == null ? "—" : String(value);
    });
    board.querySelectorAll("[data-alarm]").forEach(function (el) {
      el.classList.toggle("alarm", Boolean(pick(data, el.dataset.alarm)));
    });
  }

  function counts(attribute, items, key) {
    items.forEach(function (item) {
      const box = board.querySelector("[" + attribute + '="' + item[key] + '"]');
      if (!box) return;
      box.querySelector("dt").textContent = item.label;
      box.querySelector("dd").textContent = String(item.count);
    });
  }

  // A table's rows from `items` (`cells(item)` gives a row's values), or one row saying it is empty.
  function rows(selector, items, empty, cells) {
    const body = board.querySelector(selector + " tbody");
    body.replaceChildren();
    if (!items.length) {
      const row = body.insertRow();
      row.className = "wb-empty";
      const td = row.insertCell();
      td.colSpan = 4;
      td.textContent = empty;
      return [];
    }
    return items.map(function (item) {
      const row = body.insertRow();
      cells(item).forEach(function (value) { row.insertCell().textContent = String(value); });
      return row;
    });
  }

  function queues(items) {
    rows("table.wb-queues", items, board.dataset.labelNoQueue, function (q) {
      return [q.label || q.name, q.waiting, q.ringing, q.longest_wait_text];
    }).forEach(function (row, i) { row.cells[3].classList.toggle("alarm", Boolean(items[i].alarm)); });
  }

  function queuesToday(items) {
    rows("table.wb-queues-today", items, board.dataset.labelNoCallToday, function (q) {
      return [q.label || q.name, q.calls, q.answered, q.answered_text];
    }).forEach(function (row, i) { row.dataset.queue = items[i].name; });
  }

  function peak(p) {
    document.getElementById("wb-peak").classList.toggle("peak-on", Boolean(p.on));
    board.querySelectorAll("#peak-switch [data-mode]").forEach(function (button) {
      const current = Number(button.dataset.mode) === p.mode;
      button.classList.toggle("active", current);
      button.setAttribute("aria-pressed", current ? "true" : "false");
      const label = p.mode_labels[button.dataset.mode];
      if (label) button.textContent = label;
    });
  }

  function draw(data) {
    fields(data);
    counts("data-agent", data.agents, "state");
    counts("data-loss", data.loss, "stage");
    queues(data.queues);
    queuesToday(data.queues_today || []);
    peak(data.peak);
    stale.hidden = !data.live_stale;
    offline.hidden = true;
    board.dataset.updated = data.generated_at;
  }

  // --- fallback: polling ---------------------------------------------------------------------
  function poll() {
    fetch(board.dataset.dataUrl, {credentials: "same-origin", cache: "no-store",
                                  headers: {"Accept": "application/json"}})
      .then(function (res) { if (!res.ok) throw new Error(res.status); return res.json(); })
      .then(draw)
      .catch(function () { offline.hidden = false; });
  }

  function startPolling() {
    if (poller) return;
    poll();
    poller = setInterval(poll, POLL_MS);
  }

  function stopPolling() {
    if (poller) { clearInterval(poller); poller = null; }
  }

  // --- the event stream ----------------------------------------------------------------------
  function listen() {
    if (!window.EventSource) { startPolling(); return; }
    source = new EventSource(board.dataset.streamUrl);
    source.addEventListener("board", function (event) {
      stopPolling();
      try { draw(JSON.parse(event.data)); } catch (err) { /* a torn event: the next one redraws */ }
    });
    source.addEventListener("error", function () {
      // the stream ended (it does every few minutes) or failed: poll until it is back
      startPolling();
      if (source.readyState === EventSource.CLOSED) {     // refused (signed out, HTTP error)
        source = null;
        setTimeout(listen, RETRY_STREAM_MS);
      }
    });
  }

  listen();
})();
