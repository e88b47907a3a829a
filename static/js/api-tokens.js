/* The API tokens page: focusing the freshly shown secret selects it, ready to copy
   (an event listener here instead of an inline handler, so the CSP needs no inline script). */
(function () {
  "use strict";
  document.addEventListener("focusin", function (event) {
    var input = event.target;
    if (input && input.matches && input.matches("input[data-select-on-focus]")) input.select();
  });
})();
