// The wallboard's supervision: the list of calls on agents' phones (polled), "listen" rings the
// lead's own seat into the call; the mode buttons then whisper / speak to the caller / barge /
// listen again (DTMF to the lead's leg); every step shows the switch's answer. textContent only.
(function () {
  const panel = document.getElementById("wb-supervision");
  if (!panel) return;
  const body = panel.querySelector("tbody"), bar = document.getElementById("supervision-bar");
  const message = document.getElementById("supervision-message");
  const text = window.hotlineCommands.text;

  function mmss(s) { return s == null ? "" : String(Math.floor(s / 60)).padStart(2, "0") + ":" + String(s % 60).padStart(2, "0"); }

  function draw(j) {
    body.replaceChildren();
    if (!j.calls.length) {
      const tr = document.createElement("tr"), td = document.createElement("td");
      td.colSpan = 5; td.textContent = panel.dataset.labelNone; tr.className = "wb-empty";
      tr.appendChild(td); body.appendChild(tr);
    }
    j.calls.forEach(function (c) {
      const tr = document.createElement("tr");
      tr.dataset.callId = c.call_id; tr.dataset.agent = c.agent;
      [c.agent, c.caller, c.stage_label || c.stage, mmss(c.seconds)].forEach(function (v) {
        const td = document.createElement("td"); td.textContent = v; tr.appendChild(td);
      });
      const td = document.createElement("td");
      if (c.stage === "talking" && !j.supervising) {
        const b = document.createElement("button");
        b.type = "button"; b.dataset.listen = c.call_id; b.textContent = panel.dataset.labelListen;
        td.appendChild(b);
      }
      tr.appendChild(td);
      body.appendChild(tr);
    });
    bar.hidden = !j.supervising;
  }

  function refresh() {
    fetch(panel.dataset.callsUrl, {credentials: "same-origin"}).then(function (r) { return r.ok ? r.json() : null; })
      .then(function (j) { if (j) draw(j); }).catch(function () {});
  }

  function follow(url, label, deadline) {
    fetch(url, {credentials: "same-origin"}).then(function (r) { return r.json(); }).then(function (c) {
      if (c.finished) {
        message.textContent = text(c.ok ? panel.dataset.labelAnswered : panel.dataset.labelFailed,
                                   {control: label, result: c.result || ""});
        message.dataset.status = c.ok ? "answered" : "failed";
        refresh();
      } else if (Date.now() < deadline) setTimeout(function () { follow(url, label, deadline); }, 400);
    });
  }

  function send(url, payload, label) {
    window.hotlineCommands.send(url, payload, label, message, panel.dataset.labelPending,
      function (statusUrl) { follow(statusUrl, label, Date.now() + 40000); });
  }

  panel.addEventListener("click", function (e) {
    const b = e.target.closest("button");
    if (!b) return;
    const label = b.textContent.trim();
    if (b.dataset.listen) send(panel.dataset.startUrl, {call_id: b.dataset.listen}, label);
    else if (b.dataset.mode) send(panel.dataset.modeUrl, {mode: b.dataset.mode}, label);
    else if (b.hasAttribute("data-stop")) send(panel.dataset.stopUrl, {}, label);
  });
  setInterval(refresh, 2000);
  refresh();
})();
