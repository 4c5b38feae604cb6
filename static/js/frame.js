// Small progressive enhancements. Everything works without this file.
"use strict";

// Ask before an irreversible step: <form data-confirm="Archive this client?">
document.addEventListener("submit", (event) => {
  const form = event.target;
  if (form instanceof HTMLFormElement && form.dataset.confirm && !window.confirm(form.dataset.confirm)) {
    event.preventDefault();
  }
});
