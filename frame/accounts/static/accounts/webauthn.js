// Security keys (WebAuthn) on Frame's pages. The strict Content-Security-Policy forbids inline
// script, so allauth's own webauthn.js is wired up here, from buttons marked with data-webauthn.
// Without JavaScript the security-key controls stay hidden and the page explains the alternative.
"use strict";

(function () {
  function wire(button, forms) {
    const data = JSON.parse(button.dataset.webauthnOptions);
    const credential = button.dataset.webauthnCredential;
    if (button.dataset.webauthn === "add") {
      forms.addForm({ ids: { add: button.id, credential: credential }, data: data });
    } else if (button.dataset.webauthn === "authenticate") {
      forms.authenticateForm({ ids: { authenticate: button.id, credential: credential }, data: data });
    } else {
      return false;
    }
    return true;
  }

  document.addEventListener("DOMContentLoaded", function () {
    const forms = window.allauth && window.allauth.webauthn && window.allauth.webauthn.forms;
    if (!forms || !window.PublicKeyCredential) {
      return;
    }
    document.querySelectorAll("button[data-webauthn]").forEach(function (button) {
      const panel = button.closest("[data-webauthn-panel]");
      if (wire(button, forms) && panel) {
        panel.hidden = false;
      }
    });
  });

  document.addEventListener("allauth.error", function (event) {
    const box = document.querySelector("[data-webauthn-error]");
    if (!box) {
      return;
    }
    event.preventDefault();
    box.textContent =
      "The security key did not answer, or the request was cancelled. Please try again, or choose another way.";
    box.hidden = false;
  });
})();
