// 会商: the members as the switch reports them (polled every second), the host's mute / unmute /
// remove buttons, the invite form and the end button. Draws with textContent (never innerHTML).
(function () {
  const box = document.getElementById("conference");
  if (!box) return;
  const token = (document.querySelector('meta[name="csrf-token"]') || {}).content || "";
  const body = document.querySelector("#conference-members tbody");
  const message = document.getElementById("conference-message");
  const d = box.dataset;
  let timer = null;

  function post(url, data) {
    return fetch(url, {method: "POST", credentials: "same-origin",
      headers: {"Content-Type": "application/json", "X-CSRFToken": token}, body: JSON.stringify(data || {})})
      .then(function (r) { return r.json().then(function (j) { return {ok: r.ok, status: r.status, body: j}; }); });
  }

  function report(res) {
    if (res.ok) { message.textContent = d.labelSent; refresh(); return; }
    const errors = res.body.errors ? Object.values(res.body.errors).flat().join(" ") : "";
    message.textContent = errors || res.body.message || String(res.status);
  }

  function cell(tr, text, cls) {
    const td = document.createElement("td");
    td.textContent = text;
    if (cls) td.className = cls;
    tr.appendChild(td);
    return td;
  }

  function draw(state) {
    const badge = document.getElementById("conference-status");
    badge.textContent = state.status_label;
    badge.className = "badge " + (state.status === "open" ? "green" : "grey");
    document.getElementById("conference-count").textContent = state.in_room;
    body.replaceChildren();
    state.members.forEach(function (m) {
      const tr = document.createElement("tr");
      tr.dataset.member = m.id;
      tr.dataset.status = m.status;
      tr.dataset.muted = m.muted ? "1" : "0";
      cell(tr, m.kind_label + " " + m.label);
      cell(tr, m.number, "phone");
      let flags = m.status_label;
      if (m.status === "joined" && m.muted) flags += " · " + d.labelMuted;
      if (m.status === "joined" && m.talking) flags += " · " + d.labelTalking;
      cell(tr, flags, "member-state");
      cell(tr, m.joined_at);
      const actions = cell(tr, "", "actions");
      if (state.is_host && m.status === "joined") {
        [m.muted ? "unmute" : "mute", "kick"].forEach(function (action) {
          const b = document.createElement("button");
          b.type = "button";
          b.className = "small";
          b.dataset.action = action;
          b.textContent = d["label" + action.charAt(0).toUpperCase() + action.slice(1)];
          b.addEventListener("click", function () {
            post(d.actionUrl.replace("/0/", "/" + m.id + "/").replace("ACTION", action)).then(report);
          });
          actions.appendChild(b);
        });
      }
      body.appendChild(tr);
    });
    if (state.status !== "open" && timer) { clearInterval(timer); timer = null; }
  }

  function refresh() {
    fetch(d.membersUrl, {credentials: "same-origin"}).then(function (r) { return r.json(); })
      .then(draw).catch(function () {});
  }

  const form = document.getElementById("invite-form");
  if (form) {
    form.addEventListener("submit", function (e) {
      e.preventDefault();
      const chosen = function (name) {
        const list = form.elements[name];      // absent when nobody can be chosen (no seat signed in)
        return list ? Array.from(list.selectedOptions).map(function (o) { return o.value; }) : [];
      };
      post(d.inviteUrl, {seats: chosen("seats"), contacts: chosen("contacts"), number: form.elements.number.value})
        .then(function (res) { report(res); if (res.ok) form.reset(); });
    });
  }
  const endButton = document.getElementById("end-conference");
  if (endButton) {
    endButton.addEventListener("click", function () {
      if (window.confirm(d.labelEndConfirm)) post(d.endUrl).then(report);
    });
  }
  refresh();
  timer = setInterval(refresh, 1000);
})();
