/* Writing questions, answers and comments (templates/_macros/forms.html: compose, draft_note):
   - a Markdown toolbar (bold, italic, code, link, list, quote) over the textarea;
   - a live preview, debounced, rendered by the server with the sanitizer that stores posts
     (POST /preview, CSRF token in X-CSRFToken);
   - drafts kept in this browser (localStorage) per form (<form data-draft="key">) until the post
     goes through: a page after a successful post shows a success or info flash, and the form it
     came from is not shown again with an error;
   - tag autocomplete from existing tags with their question counts (<form data-tag-suggest="url">,
     GET /tags/suggest?q=), as an ARIA combobox.
   Every form works without this file. No inline script: everything comes from data- attributes. */
(function () {
  "use strict";
  var meta = document.querySelector('meta[name="csrf-token"]');
  var token = meta ? meta.getAttribute("content") : "";

  function debounce(fn, ms) {
    var timer = null;
    return function () {
      var args = arguments, self = this;
      clearTimeout(timer);
      timer = setTimeout(function () { fn.apply(self, args); }, ms);
    };
  }

  // ------------------------------------------------------------------ toolbar
  function wrapSelection(area, before, after, placeholder) {
    var start = area.selectionStart, end = area.selectionEnd, value = area.value;
    var chosen = value.slice(start, end) || placeholder;
    area.value = value.slice(0, start) + before + chosen + after + value.slice(end);
    area.focus();
    area.setSelectionRange(start + before.length, start + before.length + chosen.length);
  }

  function prefixLines(area, prefix, placeholder) {
    var value = area.value, start = area.selectionStart, end = area.selectionEnd;
    var lineStart = value.lastIndexOf("\n", start - 1) + 1;
    var block = value.slice(lineStart, end) || placeholder;
    var lines = block.split("\n").map(function (line) { return prefix + line; }).join("\n");
    var lead = lineStart > 0 && value.charAt(lineStart - 1) !== "\n" ? "\n" : "";
    area.value = value.slice(0, lineStart) + lead + lines + value.slice(Math.max(end, lineStart));
    area.focus();
    area.setSelectionRange(lineStart + lead.length, lineStart + lead.length + lines.length);
  }

  function applyFormat(box, area, kind) {
    var ph = function (name) { return box.getAttribute("data-ph-" + name) || name; };
    if (kind === "bold") wrapSelection(area, "**", "**", ph("bold"));
    else if (kind === "italic") wrapSelection(area, "*", "*", ph("italic"));
    else if (kind === "code") {
      var selected = area.value.slice(area.selectionStart, area.selectionEnd);
      if (selected.indexOf("\n") !== -1) wrapSelection(area, "```\n", "\n```", ph("code"));
      else wrapSelection(area, "`", "`", ph("code"));
    } else if (kind === "link") {
      var start = area.selectionStart;
      wrapSelection(area, "[", "](https://)", ph("link"));
      var urlAt = area.value.indexOf("](https://)", start) + 2;
      area.setSelectionRange(urlAt, urlAt + "https://".length);
    } else if (kind === "list") prefixLines(area, "- ", ph("list"));
    else if (kind === "quote") prefixLines(area, "> ", ph("quote"));
    area.dispatchEvent(new Event("input", { bubbles: true }));
  }

  // ------------------------------------------------------------------ live preview
  function setupCompose(box) {
    var area = box.querySelector("textarea");
    if (!area) return;
    var toolbar = box.querySelector(".md-toolbar");
    var preview = box.querySelector(".md-preview");
    var body = preview ? preview.querySelector(".md-preview-body") : null;
    var url = box.getAttribute("data-preview-url");
    if (toolbar) {
      area.parentNode.insertBefore(toolbar, area);  // between the field's label and its textarea
      toolbar.hidden = false;
      toolbar.addEventListener("click", function (event) {
        var button = event.target.closest("button[data-md]");
        if (button) applyFormat(box, area, button.getAttribute("data-md"));
      });
    }
    if (!preview || !body || !url) return;
    var controller = null, last = null;
    var render = debounce(function () {
      var text = area.value;
      if (text === last) return;
      last = text;
      if (!text.trim()) { body.innerHTML = ""; preview.hidden = true; return; }
      if (controller && controller.abort) controller.abort();
      controller = window.AbortController ? new AbortController() : null;
      var data = new FormData();
      data.append("body", text);
      fetch(url, {
        method: "POST", body: data, credentials: "same-origin",
        headers: { "Accept": "application/json", "X-CSRFToken": token },
        signal: controller ? controller.signal : undefined
      }).then(function (response) {
        var type = response.headers.get("Content-Type") || "";
        if (type.indexOf("application/json") === -1) throw new Error(String(response.status));
        return response.json();
      }).then(function (result) {
        if (typeof result.html === "string") {
          body.innerHTML = result.html;  // sanitized by the server (forum.qa.rendering)
          preview.hidden = false;
        } else if (result.error) {
          body.textContent = result.error.message;
          preview.hidden = false;
        }
      }).catch(function () { /* no preview (offline, limited): the textarea still works */ });
    }, 400);
    area.addEventListener("input", render);
    if (area.value.trim()) render();
  }

  // ------------------------------------------------------------------ drafts
  var PREFIX = "forum-draft:", SENT = "forum-draft-sent", MAX_AGE = 30 * 24 * 3600 * 1000;

  function storage(kind) {
    try { var s = window[kind]; s.setItem("forum-test", "1"); s.removeItem("forum-test"); return s; }
    catch (e) { return null; }
  }
  var local = storage("localStorage"), session = storage("sessionStorage");

  function draftFields(form) {
    return Array.prototype.filter.call(form.querySelectorAll("input[name], textarea[name]"), function (el) {
      return el.type !== "hidden" && el.type !== "submit" && el.name !== "csrf_token";
    });
  }

  function formFailed(form) {
    return !!form.querySelector('[role="alert"], .has-error, [data-refused]');
  }

  function setupDraft(form) {
    if (!local) return;
    var key = PREFIX + form.getAttribute("data-draft");
    var fields = draftFields(form);
    if (!fields.length) return;
    var note = form.querySelector("[data-draft-note]");
    var saved = null;
    try { saved = JSON.parse(local.getItem(key) || "null"); } catch (e) { saved = null; }
    if (saved && (!saved.at || Date.now() - saved.at > MAX_AGE)) { local.removeItem(key); saved = null; }
    var empty = fields.every(function (el) { return !el.value.trim(); });
    if (saved && saved.fields && empty) {
      var restored = false;
      fields.forEach(function (el) {
        if (typeof saved.fields[el.name] === "string" && saved.fields[el.name]) {
          el.value = saved.fields[el.name];
          restored = true;
          el.dispatchEvent(new Event("input", { bubbles: true }));
        }
      });
      if (restored) {
        if (note) note.hidden = false;
        var details = form.closest("details");
        if (details) details.open = true;
      }
    }
    var save = debounce(function () {
      var values = {}, any = false;
      fields.forEach(function (el) { values[el.name] = el.value; if (el.value.trim()) any = true; });
      if (any) local.setItem(key, JSON.stringify({ fields: values, at: Date.now() }));
      else local.removeItem(key);
    }, 500);
    form.addEventListener("input", save);
    form.addEventListener("submit", function () {
      if (session) session.setItem(SENT, form.getAttribute("data-draft"));
    });
    if (note) {
      var discard = note.querySelector("[data-draft-discard]");
      if (discard) discard.addEventListener("click", function () {
        local.removeItem(key);
        fields.forEach(function (el) {
          el.value = "";
          el.dispatchEvent(new Event("input", { bubbles: true }));
        });
        note.hidden = true;
        local.removeItem(key);
      });
    }
  }

  /* After a post: the draft of the form just sent goes once the page says it went through. */
  function clearSentDraft() {
    if (!session || !local) return;
    var sent = session.getItem(SENT);
    if (!sent) return;
    session.removeItem(SENT);
    var confirmed = document.querySelector(".flash-success, .flash-info");
    var again = document.querySelector('form[data-draft="' + (window.CSS && CSS.escape ? CSS.escape(sent) : sent) + '"]');
    if (confirmed && !(again && formFailed(again))) local.removeItem(PREFIX + sent);
  }

  // ------------------------------------------------------------------ tag autocomplete
  var listCount = 0;

  function setupTags(form) {
    var input = form.querySelector('input[name="tags"]');
    var url = form.getAttribute("data-tag-suggest");
    if (!input || !url) return;
    var list = document.createElement("ul");
    listCount += 1;
    list.id = "tag-suggest-" + listCount;
    list.className = "tag-suggest";
    list.setAttribute("role", "listbox");
    list.hidden = true;
    input.insertAdjacentElement("afterend", list);
    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-expanded", "false");
    input.setAttribute("aria-controls", list.id);
    var items = [], active = -1, controller = null;

    function token() {
      var value = input.value, caret = input.selectionStart == null ? value.length : input.selectionStart;
      var before = value.slice(0, caret);
      var start = Math.max(before.lastIndexOf(","), before.lastIndexOf(" ")) + 1;
      return { start: start, end: caret, text: before.slice(start).trim() };
    }

    function close() {
      list.hidden = true;
      list.innerHTML = "";
      items = [];
      active = -1;
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
    }

    function highlight(index) {
      active = index;
      items.forEach(function (li, i) { li.setAttribute("aria-selected", i === index ? "true" : "false"); });
      if (index >= 0 && items[index]) {
        input.setAttribute("aria-activedescendant", items[index].id);
        items[index].scrollIntoView({ block: "nearest" });
      } else input.removeAttribute("aria-activedescendant");
    }

    function choose(name) {
      var t = token(), value = input.value;
      var after = value.slice(t.end).replace(/^[^,\s]*/, "");
      var head = value.slice(0, t.start);
      if (head && !/[,\s]$/.test(head)) head += " ";
      input.value = head + name + ", " + after.replace(/^[,\s]+/, "");
      var caret = (head + name + ", ").length;
      input.focus();
      input.setSelectionRange(caret, caret);
      close();
      input.dispatchEvent(new Event("input", { bubbles: true }));
    }

    function show(tags) {
      var t = token(), value = input.value.toLowerCase();
      var others = (value.slice(0, t.start) + " " + value.slice(t.end)).split(/[,\s]+/);
      tags = tags.filter(function (tag) { return others.indexOf(tag.name) === -1; });
      if (!tags.length) { close(); return; }
      list.innerHTML = "";
      items = tags.map(function (tag, i) {
        var li = document.createElement("li");
        li.id = list.id + "-" + i;
        li.setAttribute("role", "option");
        li.setAttribute("aria-selected", "false");
        li.setAttribute("data-name", tag.name);
        var name = document.createElement("span");
        name.className = "tag-name";
        name.textContent = tag.name;
        var count = document.createElement("span");
        count.className = "tag-count";
        count.textContent = tag.label;
        li.appendChild(name);
        li.appendChild(count);
        li.addEventListener("mousedown", function (event) { event.preventDefault(); choose(tag.name); });
        list.appendChild(li);
        return li;
      });
      list.hidden = false;
      input.setAttribute("aria-expanded", "true");
      highlight(-1);
    }

    var suggest = debounce(function () {
      var t = token();
      if (!t.text) { close(); return; }
      if (controller && controller.abort) controller.abort();
      controller = window.AbortController ? new AbortController() : null;
      fetch(url + "?q=" + encodeURIComponent(t.text), {
        credentials: "same-origin", headers: { "Accept": "application/json" },
        signal: controller ? controller.signal : undefined
      }).then(function (response) {
        if (!response.ok) throw new Error(String(response.status));
        return response.json();
      }).then(function (result) {
        if (token().text === t.text) show(result.tags || []);
      }).catch(function () { /* no suggestions: typing still works */ });
    }, 200);

    input.addEventListener("input", suggest);
    input.addEventListener("keydown", function (event) {
      if (list.hidden || !items.length) return;
      if (event.key === "ArrowDown") { event.preventDefault(); highlight((active + 1) % items.length); }
      else if (event.key === "ArrowUp") { event.preventDefault(); highlight(active <= 0 ? items.length - 1 : active - 1); }
      else if ((event.key === "Enter" || event.key === "Tab") && active >= 0) {
        event.preventDefault();
        choose(items[active].getAttribute("data-name"));
      } else if (event.key === "Escape") { event.preventDefault(); close(); }
    });
    input.addEventListener("blur", function () { setTimeout(close, 100); });
  }

  clearSentDraft();
  Array.prototype.forEach.call(document.querySelectorAll("[data-compose]"), setupCompose);
  Array.prototype.forEach.call(document.querySelectorAll("form[data-draft]"), setupDraft);
  Array.prototype.forEach.call(document.querySelectorAll("form[data-tag-suggest]"), setupTags);
})();
