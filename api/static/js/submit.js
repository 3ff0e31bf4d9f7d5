// The citizens' web form: ask for the SMS code without leaving the page (the chosen photos stay
// chosen), and fill the map point from the browser's geolocation when the citizen allows it.
// Without script the form still works: "Send code" posts the form to /submit/code.
(function () {
  const form = document.getElementById("submit-form");
  if (!form) return;
  const text = form.dataset;
  const sendButton = document.getElementById("send-code");
  const codeStatus = document.getElementById("code-status");
  const phoneErrors = document.getElementById("phone-errors");

  function countdown(seconds) {
    sendButton.disabled = true;
    const label = sendButton.dataset.label || sendButton.textContent;
    sendButton.dataset.label = label;
    const tick = function () {
      if (seconds <= 0) { sendButton.disabled = false; sendButton.textContent = label; return; }
      sendButton.textContent = text.wait.replace("{s}", seconds);
      seconds -= 1;
      setTimeout(tick, 1000);
    };
    tick();
  }

  sendButton.addEventListener("click", function (event) {
    event.preventDefault();
    const body = new FormData();
    body.append("csrf_token", form.querySelector("[name=csrf_token]").value);
    body.append("phone", form.querySelector("[name=phone]").value);
    phoneErrors.textContent = "";
    codeStatus.textContent = "";
    fetch(sendButton.getAttribute("formaction"), {method: "POST", body: body, credentials: "same-origin",
                                                  headers: {"Accept": "application/json"}})
      .then(function (response) { return response.json().then(function (data) { return [response, data]; }); })
      .then(function ([response, data]) {
        if (response.ok) { codeStatus.textContent = text.sent; countdown(60); return; }
        const messages = (data.errors && data.errors.phone) || [data.message || text.failed];
        messages.forEach(function (message) {
          const p = document.createElement("p");
          p.className = "error";
          p.textContent = message;
          phoneErrors.appendChild(p);
        });
      })
      .catch(function () { codeStatus.textContent = text.failed; });
  });

  const locate = document.getElementById("locate");
  const status = document.getElementById("locate-status");
  if (!("geolocation" in navigator)) return;
  locate.hidden = false;
  locate.addEventListener("click", function () {
    status.textContent = text.locating;
    navigator.geolocation.getCurrentPosition(function (position) {
      form.querySelector("[name=latitude]").value = position.coords.latitude.toFixed(6);
      form.querySelector("[name=longitude]").value = position.coords.longitude.toFixed(6);
      status.textContent = text.located;
    }, function () { status.textContent = text.noLocation; }, {enableHighAccuracy: true, timeout: 10000, maximumAge: 60000});
  });
})();
