// Call controls in the phone bar: which buttons show follows the seat's call (GET data-call-url:
// state, held, attended transfer open, transfer targets); a control posts, then follows its
// command until the switch answered and its event confirmed it. Drawn with textContent only.
(function () {
  const box = document.getElementById("call-controls");
  if (!box) return;
  const message = document.getElementById("control-message");
  const select = document.getElementById("transfer-target");
  const text = window.hotlineCommands.text;
  let call = {state: "logged_out"};

  function draw() {
    const held = !!call.held, consulting = !!call.consulting, talking = call.state === "talking";
    box.querySelectorAll("[data-when]").forEach(function (el) {
      const when = el.dataset.when;
      let show = false;
      if (when === "ringing") show = call.state === "ringing";
      else if (when === "talking") show = talking && !consulting && !(held && el.dataset.control === "hold");
      else if (when === "held") show = talking && held;
      else if (when === "consulting") show = talking && consulting;
      else if (when === "free") show = call.state === "ready" || call.state === "break";
      el.hidden = !show;
    });
    document.getElementById("call-held").hidden = !(talking && held);
    const chosen = select.value;
    select.replaceChildren();
    (call.targets || []).forEach(function (t) {
      const o = document.createElement("option");
      o.value = t.value; o.textContent = t.label;
      select.appendChild(o);
    });
    if (chosen) select.value = chosen;
  }

  function refresh() {
    return fetch(box.dataset.callUrl, {credentials: "same-origin"}).then(function (r) { return r.ok ? r.json() : null; })
      .then(function (j) { if (j) { call = j; draw(); } }).catch(function () {});
  }

  function follow(url, label, deadline) {
    fetch(url, {credentials: "same-origin"}).then(function (r) { return r.json(); }).then(function (c) {
      if (c.finished && !c.ok) {
        message.textContent = text(box.dataset.labelFailed, {control: label, result: c.result || ""});
        message.dataset.status = "failed";
      } else if (c.confirmed) {
        message.textContent = text(box.dataset.labelConfirmed, {control: label});
        message.dataset.status = "confirmed";
        refresh();
        return;
      } else if (c.finished) {
        message.textContent = text(box.dataset.labelAnswered, {control: label, result: c.result || ""});
        message.dataset.status = "answered";
      }
      if (!(c.finished && !c.ok) && Date.now() < deadline) setTimeout(function () { follow(url, label, deadline); }, 400);
      else refresh();
    });
  }

  box.addEventListener("click", function (e) {
    const button = e.target.closest("[data-control]");
    if (!button) return;
    const action = button.dataset.control, label = button.textContent.trim();
    const url = action === "pickup" ? box.dataset.pickupUrl : box.dataset.controlUrl;
    window.hotlineCommands.send(url, {action: action, call_id: call.call_id, target: select.value}, label, message,
      box.dataset.labelPending, function (statusUrl) { follow(statusUrl, label, Date.now() + 20000); });
  });

  // the seat's moments (screen feed) move the controls: answered, ended, held, transferred…
  ["phone:offer", "phone:answer", "phone:end"].forEach(function (name) { document.addEventListener(name, refresh); });
  setInterval(refresh, 3000);
  refresh();
})();
