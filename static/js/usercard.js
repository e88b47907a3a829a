/* The member card: hovering (or focusing) a member's name a moment shows their points, trust level,
   badges and ambassador status, fetched once per member from /users/<id>/card (accounts.user_card).
   Touch screens and browsers without this file simply follow the link to the profile. */
(function () {
  "use strict";
  if (!window.fetch || !window.matchMedia || !window.matchMedia("(hover: hover)").matches) return;
  var cache = {};
  var card = null;
  var showTimer = null;
  var hideTimer = null;
  var current = null;

  function ensureCard() {
    if (card) return card;
    card = document.createElement("div");
    card.className = "usercard";
    card.setAttribute("role", "tooltip");
    card.hidden = true;
    card.addEventListener("mouseenter", function () { clearTimeout(hideTimer); });
    card.addEventListener("mouseleave", scheduleHide);
    document.body.appendChild(card);
    return card;
  }

  function place(link) {
    var rect = link.getBoundingClientRect();
    var width = Math.min(290, document.documentElement.clientWidth - 16);
    var left = Math.max(8, Math.min(rect.left + window.scrollX, window.scrollX + document.documentElement.clientWidth - width - 8));
    card.style.left = left + "px";
    card.style.top = (rect.bottom + window.scrollY + 6) + "px";
  }

  function show(link) {
    var url = link.getAttribute("data-usercard");
    var done = function (html) {
      if (current !== link) return;
      ensureCard().innerHTML = html;
      card.hidden = false;
      place(link);
    };
    if (cache[url] !== undefined) { done(cache[url]); return; }
    fetch(url, { credentials: "same-origin", headers: { "Accept": "text/html" } })
      .then(function (response) { if (!response.ok) throw new Error(String(response.status)); return response.text(); })
      .then(function (html) { cache[url] = html; done(html); })
      .catch(function () { cache[url] = undefined; });
  }

  function scheduleHide() {
    clearTimeout(showTimer);
    hideTimer = setTimeout(function () { current = null; if (card) card.hidden = true; }, 200);
  }

  function onEnter(event) {
    var link = event.target.closest && event.target.closest("a[data-usercard]");
    if (!link) return;
    clearTimeout(hideTimer);
    clearTimeout(showTimer);
    current = link;
    showTimer = setTimeout(function () { show(link); }, 350);
  }

  function onLeave(event) {
    var link = event.target.closest && event.target.closest("a[data-usercard]");
    if (link) scheduleHide();
  }

  document.addEventListener("mouseover", onEnter);
  document.addEventListener("mouseout", onLeave);
  document.addEventListener("focusin", onEnter);
  document.addEventListener("focusout", onLeave);
  document.addEventListener("keydown", function (event) { if (event.key === "Escape") scheduleHide(); });
})();
