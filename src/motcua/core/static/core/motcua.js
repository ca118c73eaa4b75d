// motcua: the few behaviours of the officer layout that htmx does not cover. No inline
// handlers anywhere, so a strict Content-Security-Policy can forbid inline scripts.
(function () {
  "use strict";

  // Dismiss a message: <button data-dismiss="alert"> inside an .alert.
  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-dismiss='alert']");
    if (button) {
      var alert = button.closest(".alert");
      if (alert) alert.remove();
    }
  });

  // Ask before a destructive submit: <form data-confirm="Really?">.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (form.dataset && form.dataset.confirm && !window.confirm(form.dataset.confirm)) {
      event.preventDefault();
    }
  });
})();
