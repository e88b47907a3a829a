/* Progressive enhancement: votes without a page reload. Every form works without this file. */
(function () {
  "use strict";
  var meta = document.querySelector('meta[name="csrf-token"]');
  var token = meta ? meta.getAttribute("content") : "";

  /* A refused vote says why beside the buttons (the points still needed) until the next click,
     Escape or a few seconds; the note is a status region, so screen readers hear it. */
  var shownNote = null, noteTimer = null;
  function hideNote() {
    if (shownNote) { shownNote.classList.remove("shown"); shownNote.textContent = ""; shownNote = null; }
    clearTimeout(noteTimer);
  }
  function tell(box, text) {
    var note = box && box.querySelector("[data-vote-msg]");
    if (!note) return;
    hideNote();
    note.textContent = text;
    note.classList.add("shown");
    shownNote = note;
    noteTimer = setTimeout(hideNote, 8000);
  }
  document.addEventListener("click", function (event) {
    if (shownNote && !(event.target.closest && event.target.closest(".vote"))) hideNote();
  });
  document.addEventListener("keydown", function (event) { if (event.key === "Escape") hideNote(); });

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.matches || !form.matches("form[data-vote]")) return;
    event.preventDefault();
    var box = form.closest(".vote");
    var refused = form.querySelector('button[aria-disabled="true"]');
    if (refused) {  /* the rule refuses it (e.g. not enough points yet): say why, as the server would */
      tell(box, refused.getAttribute("title") || "");
      return;
    }
    var data = new FormData(form);
    if (!data.get("csrf_token")) data.append("csrf_token", token);
    fetch(form.action, {
      method: "POST", body: data, credentials: "same-origin",
      headers: { "Accept": "application/json", "X-CSRFToken": token }
    }).then(function (response) {
      var type = response.headers.get("Content-Type") || "";
      if (!response.ok && type.indexOf("application/json") === -1) throw new Error(String(response.status));
      return response.json();
    }).then(function (result) {
      if (!box) return;
      if (result.error) {  /* refused by the server after all (e.g. the points changed): say why */
        tell(box, result.error.message);
        return;
      }
      hideNote();
      box.querySelector(".vote-score").textContent = result.score;
      box.querySelectorAll(".vote-btn").forEach(function (btn) {
        var value = parseInt(btn.getAttribute("data-value"), 10);
        var active = value === result.my_vote;
        btn.classList.toggle("active", active);
        btn.setAttribute("aria-pressed", active ? "true" : "false");
        var input = btn.form.querySelector('input[name="value"]');
        if (input) input.value = active ? "0" : String(value);
      });
    }).catch(function () {
      form.submit();
    });
  });

})();

/* Forms that change something for others ask first: <form data-confirm="question">. A form whose
   own handler already stopped the submission (the queue's reject form showing its reason) is not
   asked; without JavaScript the form is sent as it is. */
(function () {
  "use strict";
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (event.defaultPrevented || !form.matches || !form.matches("form[data-confirm]")) return;
    if (!window.confirm(form.getAttribute("data-confirm"))) event.preventDefault();
  });
})();

/* The reader's time zone for dates worded by the server (forum.web.reader_timezone): the browser's
   own zone in a `tz` cookie, written when missing or changed; the next page uses it. */
(function () {
  "use strict";
  var zone = "";
  try { zone = Intl.DateTimeFormat().resolvedOptions().timeZone || ""; } catch (e) { return; }
  if (!zone || !/^[A-Za-z0-9_+\-\/]{1,64}$/.test(zone)) return;
  var match = document.cookie.match(/(?:^|;\s*)tz=([^;]*)/);
  if (match && decodeURIComponent(match[1]) === zone) return;
  document.cookie = "tz=" + encodeURIComponent(zone) + "; path=/; max-age=31536000; samesite=lax";
})();

/* A <select data-autosubmit> sends its form when it changes (the Content-Security-Policy allows no
   inline onchange= handlers); without JavaScript the form's own button sends it. */
(function () {
  "use strict";
  document.addEventListener("change", function (event) {
    var field = event.target;
    if (field.matches && field.matches("select[data-autosubmit]") && field.form) field.form.submit();
  });
})();
