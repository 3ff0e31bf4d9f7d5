// A control sent to the switch: POST it, show the refusal (message and code) or the pending line,
// then hand the command's status URL to the caller to follow. Shared by the phone bar's call
// controls and the wallboard's supervision. Drawn with textContent only.
window.hotlineCommands = window.hotlineCommands || (function () {
  const token = (document.querySelector('meta[name="csrf-token"]') || {}).content || "";

  function text(template, values) {
    return template.replace(/\{(\w+)\}/g, function (_, k) { return values[k] == null ? "" : values[k]; });
  }

  // `pending`: the label template shown once the switch has the command; `follow(statusUrl)` then.
  function send(url, payload, label, message, pending, follow) {
    fetch(url, {method: "POST", credentials: "same-origin",
      headers: {"Content-Type": "application/json", "X-CSRFToken": token}, body: JSON.stringify(payload)})
      .then(function (r) { return r.json().then(function (j) { return {ok: r.ok, body: j}; }); })
      .then(function (res) {
        if (!res.ok) {
          message.textContent = (res.body.message || "") + (res.body.code ? " (" + res.body.code + ")" : "");
          message.dataset.status = "refused";
          return;
        }
        message.textContent = text(pending, {control: label});
        message.dataset.status = "pending";
        follow(res.body.status_url);
      });
  }

  return {text: text, send: send};
})();
