// The agent's phone bar: seat state (ready / break / signed out), the screen pop fed by
// server-sent events (offer -> pop with the caller's history, answer -> confirmed, end), and
// click-to-call on every [data-dial-case] / [data-dial-call] / [data-dial-user] / [data-dial-url] button.
// The server decides everything; this draws with textContent (never innerHTML).
(function () {
  const bar = document.getElementById("phone-bar");
  const pop = document.getElementById("screen-pop");
  if (!bar) return;
  const token = (document.querySelector('meta[name="csrf-token"]') || {}).content || "";
  const stateEl = document.getElementById("phone-state");
  const extEl = document.getElementById("phone-extension");
  const messageEl = document.getElementById("phone-message");
  const STORE = "phone.pop", LAST = "phone.last";
  let source = null;

  function text(template, values) {
    return template.replace(/\{(\w+)\}/g, function (_, k) { return values[k] == null ? "" : values[k]; });
  }

  function post(url, body) {
    return fetch(url, {method: "POST", credentials: "same-origin",
      headers: {"Content-Type": "application/json", "X-CSRFToken": token}, body: JSON.stringify(body)})
      .then(function (r) { return r.json().then(function (j) { return {ok: r.ok, status: r.status, body: j}; }); });
  }

  function showState(s) {
    stateEl.textContent = s.state_label + (s.extension ? " · " + s.extension : "");
    bar.dataset.state = s.state;
    if (s.extension && !extEl.value) extEl.value = s.extension;
    if (s.state === "logged_out") { if (source) { source.close(); source = null; } }
    else if (!source) listen();
  }

  function refresh() {
    fetch(bar.dataset.stateUrl, {credentials: "same-origin"}).then(function (r) { return r.json(); })
      .then(showState).catch(function () {});
  }

  bar.querySelectorAll("[data-phone-state]").forEach(function (button) {
    button.addEventListener("click", function () {
      post(bar.dataset.stateUrl, {state: button.dataset.phoneState, extension: extEl.value.trim()})
        .then(function (res) {
          if (res.ok) { messageEl.textContent = ""; showState(res.body); }
          else messageEl.textContent = res.body.message || String(res.status);
        });
    });
  });

  // --- screen pop ---------------------------------------------------------------------------
  function draw(data) {
    if (!pop) return;
    const kind = data.kind;
    pop.hidden = false;
    pop.dataset.kind = kind;
    pop.dataset.callId = data.call_id;
    pop.querySelector('[data-pop="title"]').textContent =
      bar.dataset["label" + kind.charAt(0).toUpperCase() + kind.slice(1)] || kind;
    pop.querySelector('[data-pop="caller"]').textContent = data.caller || "";
    pop.querySelector('[data-pop="queue"]').textContent = data.queue || "";
    if (data.record) {
      pop.querySelector('[data-pop="name"]').textContent = data.record.name || "";
      pop.querySelector('[data-pop="record"]').textContent =
        data.record.summary + (data.record.last_call ? " · " + data.record.last_call : "");
    }
    if (data.history) {
      const list = pop.querySelector('[data-pop="history"]');
      list.replaceChildren();
      if (!data.history.length) {
        const li = document.createElement("li");
        li.textContent = bar.dataset.labelNoHistory;
        list.appendChild(li);
      }
      data.history.forEach(function (h) {
        const li = document.createElement("li");
        const a = document.createElement("a");
        a.href = h.url; a.textContent = h.case_no;
        li.append(a, " " + h.status_label + " · " + h.title + " · " + h.created_at);
        list.appendChild(li);
      });
      pop.querySelector('[data-pop="intake"]').href = data.intake_url;
    }
    if (data.contact_url) {   // the caller's contact page (calls, cases, SMS, notes)
      const contact = pop.querySelector('[data-pop="contact"]');
      if (contact) { contact.href = data.contact_url; contact.hidden = false; }
    }
    if (data.registered) showRegistered(data);
  }

  // A call registered already offers only "another request of this call" (the server refuses a
  // second registration without it): the pop says which case the call became.
  function showRegistered(data) {
    const box = pop.querySelector('[data-pop="registered"]');
    const link = pop.querySelector('[data-pop="intake"]');
    const cases = data.registered || [];
    box.hidden = !cases.length;
    const list = box.querySelector("span");
    list.replaceChildren();
    cases.forEach(function (c, i) {
      const a = document.createElement("a");
      a.href = c.url; a.textContent = c.case_no;
      list.append(i ? "、" : "", a);
    });
    if (data.intake_url) {
      link.href = data.intake_url + (cases.length ? "&another_request=1" : "");
      link.textContent = cases.length ? bar.dataset.labelAnother : bar.dataset.labelRegister;
      link.classList.toggle("primary", !cases.length);
    }
  }

  function recheckRegistered(data) {
    // the pop drawn again on a new page: the call may have become a case since it was offered
    if (!data.call_id) return;
    fetch(bar.dataset.callCasesUrl.replace("CALL_ID", encodeURIComponent(data.call_id)), {credentials: "same-origin"})
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (j) {
        if (!j) return;
        data.registered = j.registered;
        sessionStorage.setItem(STORE, JSON.stringify(data));
        showRegistered(data);
      })
      .catch(function () {});
  }

  function remember(data) {
    const kept = JSON.parse(sessionStorage.getItem(STORE) || "null");
    // answer/end keep the offer's history and intake link
    const merged = (kept && kept.call_id === data.call_id) ? Object.assign(kept, {kind: data.kind}) : data;
    sessionStorage.setItem(STORE, JSON.stringify(merged));
    sessionStorage.setItem(LAST, String(data.id));
    return merged;
  }

  function listen() {
    const last = sessionStorage.getItem(LAST);
    source = new EventSource(bar.dataset.eventsUrl + (last ? "?last=" + encodeURIComponent(last) : ""));
    ["offer", "answer", "end"].forEach(function (kind) {
      source.addEventListener(kind, function (e) {
        const data = JSON.parse(e.data);
        draw(remember(data));
        refresh();
        document.dispatchEvent(new CustomEvent("phone:" + kind, {detail: data}));
      });
    });
  }

  if (pop) {
    pop.querySelector('[data-pop="close"]').addEventListener("click", function () {
      pop.hidden = true;
      sessionStorage.removeItem(STORE);
    });
    const kept = JSON.parse(sessionStorage.getItem(STORE) || "null");
    if (kept) { draw(kept); recheckRegistered(kept); }
  }

  // --- click-to-call ---------------------------------------------------------------------------
  function follow(url, deadline) {
    fetch(url, {credentials: "same-origin"}).then(function (r) { return r.json(); }).then(function (c) {
      if (c.finished) {
        messageEl.textContent = text(c.ok ? bar.dataset.labelConnected : bar.dataset.labelFailed, {result: c.result || ""});
      } else if (Date.now() < deadline) {
        setTimeout(function () { follow(url, deadline); }, 500);
      }
    });
  }

  document.addEventListener("click", function (e) {
    const button = e.target.closest("[data-dial-case],[data-dial-call],[data-dial-user],[data-dial-url]");
    if (!button) return;
    e.preventDefault();
    const body = {};
    if (button.dataset.dialCase) body.case_id = button.dataset.dialCase;
    if (button.dataset.dialCall) body.call_record_id = button.dataset.dialCall;
    if (button.dataset.dialUser) body.user_id = button.dataset.dialUser;
    // [data-dial-url]: a page's own dial endpoint (an outbound campaign's call), same answer
    post(button.dataset.dialUrl || bar.dataset.dialUrl, body).then(function (res) {
      if (!res.ok) { messageEl.textContent = res.body.message || String(res.status); return; }
      messageEl.textContent = text(bar.dataset.labelCalling, {number: res.body.number});
      follow(res.body.status_url, Date.now() + 45000);
    });
  });

  // --- three-way call: [data-conference] forms (case page, while on a call) ------------------
  document.querySelectorAll("form[data-conference]").forEach(function (form) {
    form.addEventListener("submit", function (e) {
      e.preventDefault();
      post(bar.dataset.conferenceUrl, {call_id: form.dataset.callId, case_id: form.dataset.caseId,
                                       user_id: form.elements.user_id.value})
        .then(function (res) {
          if (!res.ok) { messageEl.textContent = res.body.message || String(res.status); return; }
          const last = res.body.commands[res.body.commands.length - 1];
          follow(last.status_url, Date.now() + 45000);
        });
    });
  });

  refresh();
})();
