// Saves a session note's draft a few seconds after typing stops. The form works without this:
// its "Save draft" button posts the same fields. If the session has ended, the server keeps the
// text for its writer and says so; we tell the person to sign in again.
(function () {
  "use strict";
  var DELAY_MS = 3000;

  function setUp(form) {
    var status = form.querySelector("[data-autosave-status]");
    var timer = null;
    var saving = false;
    var again = false;

    function say(text) {
      if (status) { status.textContent = text; }
    }

    function save() {
      if (saving) { again = true; return; }
      saving = true;
      var body = new FormData(form);
      fetch(form.action, {
        method: "POST",
        body: body,
        credentials: "same-origin",
        redirect: "manual",
        headers: { "X-Autosave": "1" }
      }).then(function (response) {
        if (response.type === "opaqueredirect") {
          say("Not saved: you have been signed out. Your text is still on this page; " +
              "press “Save draft” to sign in again and keep it.");
          return null;
        }
        return response.json().then(function (data) {
          if (data.saved) {
            say("Draft saved at " + data.at + " (version " + data.version + ").");
          } else if (data.kept) {
            say("Your session has ended. What you typed has been kept safely: sign in again " +
                "and it will be in your draft.");
          } else {
            say(data.error || "Not saved. Press “Save draft” to try again.");
          }
        });
      }).catch(function () {
        say("Not saved: Frame could not be reached. Your text is still on this page.");
      }).then(function () {
        saving = false;
        if (again) { again = false; save(); }
      });
    }

    form.addEventListener("input", function (event) {
      if (!event.target.hasAttribute("data-autosave-field")) { return; }
      if (timer) { window.clearTimeout(timer); }
      timer = window.setTimeout(save, DELAY_MS);
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    var forms = document.querySelectorAll("form[data-autosave]");
    for (var i = 0; i < forms.length; i++) { setUp(forms[i]); }
  });
})();
