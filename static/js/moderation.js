// The moderation queue: a reject form shows its reason select only once "Reject" is pressed.
// Without JavaScript every reject form shows its select, and the server refuses a rejection
// without a reason, so the page works the same. The first press is caught as a click: the select
// is required, so the browser's form check would stop a submit event before it is ever sent.
(function () {
  "use strict";
  document.querySelectorAll("[data-reject-form]").forEach(function (form) {
    var fields = form.querySelector("[data-reject-fields]");
    var select = form.querySelector("select");
    var button = form.querySelector("[data-control=reject]");
    if (!fields || !select || !button) { return; }
    fields.hidden = true;
    button.addEventListener("click", function (event) {
      if (fields.hidden) {
        event.preventDefault();
        fields.hidden = false;
        form.classList.add("is-open");
        select.focus();
      }
    });
  });
})();
