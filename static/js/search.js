/* Both pages: call `render` with the items `url` finds for the title as it is typed (debounced; a
   newer query cancels the one in flight; fewer than 3 characters render nothing). */
function watchSimilar(title, url, render) {
  "use strict";
  var DELAY = 300, MIN_CHARS = 3;
  var timer = null, controller = null, lastQuery = "";

  function lookup() {
    var text = title.value.trim();
    if (text === lastQuery) return;
    lastQuery = text;
    if (text.length < MIN_CHARS) { render([]); return; }
    if (controller) controller.abort();
    controller = window.AbortController ? new AbortController() : null;
    fetch(url + "?title=" + encodeURIComponent(text), {
      credentials: "same-origin", headers: { "Accept": "application/json" },
      signal: controller ? controller.signal : undefined
    }).then(function (response) {
      if (!response.ok) throw new Error(String(response.status));
      return response.json();
    }).then(function (data) { render(data.items || []); })
      .catch(function () {});
  }

  if (title) {
    title.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(lookup, DELAY);
    });
    if (title.value.trim()) lookup();
  }
}

/* The ask page: similar existing questions as the title is typed (debounced, at most 10, solved
   ones marked), and the deflection events ask_suggestion_clicked and
   ask_abandoned_after_suggestion (docs/rules.md: Engagement events). ask_started is recorded by the
   server when the ask page is served (qa.ask), so it counts without JavaScript too.
   No library, no CDN. */
(function () {
  "use strict";
  var box = document.getElementById("similar-questions");
  if (!box) return;
  var list = box.querySelector(".similar-list");
  var similarUrl = box.getAttribute("data-similar-url");
  var eventsUrl = box.getAttribute("data-events-url");
  var meta = document.querySelector('meta[name="csrf-token"]');
  var token = meta ? meta.getAttribute("content") : "";
  var title = document.querySelector("[data-similar-title]") || document.querySelector('input[name="title"]');
  var form = document.querySelector("[data-ask-form]") || (title && title.form);
  var MAX_ITEMS = 10;
  var clicked = false, submitted = false, abandonedSent = false;

  function label(id, n) {
    var tpl = document.getElementById(id);
    return tpl ? tpl.innerHTML.trim().replace("{n}", String(n)) : String(n);
  }

  function send(kind, questionId) {
    var payload = { kind: kind };
    if (questionId) payload.question_id = questionId;
    try {
      fetch(eventsUrl, {
        method: "POST", keepalive: true, credentials: "same-origin",
        headers: { "Content-Type": "application/json", "X-CSRFToken": token },
        body: JSON.stringify(payload)
      }).catch(function () {});
    } catch (err) {
      if (navigator.sendBeacon) {
        var data = new FormData();
        data.append("kind", kind);
        data.append("csrf_token", token);
        if (questionId) data.append("question_id", questionId);
        navigator.sendBeacon(eventsUrl, data);
      }
    }
  }

  function render(items) {
    list.textContent = "";
    items.slice(0, MAX_ITEMS).forEach(function (item) {
      var li = document.createElement("li");
      li.className = "similar-item";
      var a = document.createElement("a");
      a.href = item.url;
      a.target = "_blank";
      a.rel = "noopener";
      a.textContent = item.title;
      a.setAttribute("data-question-id", item.id);
      li.appendChild(a);
      if (item.accepted) {
        var badge = document.createElement("span");
        badge.className = "badge badge-accepted";
        badge.textContent = label("similar-solved-label", "");
        li.appendChild(document.createTextNode(" "));
        li.appendChild(badge);
      }
      var count = document.createElement("span");
      count.className = "muted small";
      count.textContent = " · " + (item.answer_count === 1 ? label("similar-answers-one", 1)
                                                           : label("similar-answers-many", item.answer_count));
      li.appendChild(count);
      list.appendChild(li);
    });
    box.hidden = items.length === 0;
  }

  watchSimilar(title, similarUrl, render);

  list.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest("a[data-question-id]");
    if (!link) return;
    clicked = true;
    send("ask_suggestion_clicked", link.getAttribute("data-question-id"));
  });

  if (form) form.addEventListener("submit", function () { submitted = true; });

  window.addEventListener("pagehide", function () {
    if (clicked && !submitted && !abandonedSent) {
      abandonedSent = true;
      send("ask_abandoned_after_suggestion");
    }
  });
})();

/* The idea submission page: published ideas like the one being typed (debounced, at most 10),
   so that a member supports an existing idea instead of submitting a duplicate. */
(function () {
  "use strict";
  var box = document.getElementById("similar-ideas");
  if (!box) return;
  var list = box.querySelector(".similar-list");
  var url = box.getAttribute("data-similar-url");
  var title = document.querySelector('input[name="title"]');
  var MAX_ITEMS = 10;

  function render(items) {
    list.textContent = "";
    items.slice(0, MAX_ITEMS).forEach(function (item) {
      var li = document.createElement("li");
      li.className = "similar-item";
      var a = document.createElement("a");
      a.href = item.url;
      a.target = "_blank";
      a.rel = "noopener";
      a.textContent = item.title;
      li.appendChild(a);
      list.appendChild(li);
    });
    box.hidden = items.length === 0;
  }

  watchSimilar(title, url, render);
})();
