// motcua records pages: let htmx swap the answers of refused actions (400 invalid, 403 not
// allowed, 404, 409 conflict) into the form that sent them, so the officer reads the reason
// in place. Only for elements marked data-records-swap-errors. No inline handlers (CSP).
(function () {
  "use strict";
  var SWAPPED = { 400: true, 403: true, 404: true, 409: true };
  document.addEventListener("htmx:beforeSwap", function (event) {
    var detail = event.detail;
    if (!detail || !detail.xhr || !SWAPPED[detail.xhr.status]) return;
    var origin = detail.requestConfig && detail.requestConfig.elt;
    if (origin && origin.closest && origin.closest("[data-records-swap-errors]")) {
      detail.shouldSwap = true;
      detail.isError = false;
    }
  });
})();
