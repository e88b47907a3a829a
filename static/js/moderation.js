// The moderation queue: a reject form shows its reason select only once "Reject" is pressed.
// Without JavaScript every reject form shows its select, and the server refuses a rejection
// without a reason, so the page works the same.
(function () {
  "use strict";
  document.querySelectorAll("[data-reject-form]").forEach(function (form) {
    var fields = form.querySelector("[data-reject-fields]");
    var select = form.querySelector("select");
    if (!fields || !select) { return; }
    fields.hidden = true;
    form.addEventListener("submit", function (event) {
      if (fields.hidden) {
        event.preventDefault();
        fields.hidden = false;
        select.focus();
      }
    });
  });
})();
