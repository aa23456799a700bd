// Comments: quote the selected text, autosave what is typed, find comments on other pages.
// Progressive enhancement only: every comment page works without this file.
(function () {
  "use strict";
  var PREFIX = "consult:unsent:";
  var SUBMITTED = "consult:submitted:";

  function storage(kind) {
    try {
      var store = window[kind];
      var probe = PREFIX + "probe";
      store.setItem(probe, "1");
      store.removeItem(probe);
      return store;
    } catch (error) {
      return null; // private mode or storage disabled: nothing to enhance
    }
  }

  // --- "Quote selected text" -------------------------------------------------------------
  function initQuote() {
    var source = document.querySelector("[data-provision-text]");
    var buttons = document.querySelectorAll("[data-quote-button]");
    if (!source || !buttons.length) return;
    var lastSelection = "";
    document.addEventListener("selectionchange", function () {
      var selection = window.getSelection();
      if (!selection || selection.isCollapsed || !selection.rangeCount) return;
      var range = selection.getRangeAt(0);
      if (source.contains(range.commonAncestorContainer)) {
        lastSelection = selection.toString().replace(/\s+/g, " ").trim();
      }
    });
    buttons.forEach(function (button) {
      var target = document.getElementById(button.getAttribute("data-quote-target"));
      if (!target) return;
      button.hidden = false;
      button.addEventListener("click", function () {
        if (!lastSelection) {
          button.setAttribute("aria-describedby", "quote-help");
          var help = document.getElementById("quote-help");
          if (!help) {
            help = document.createElement("p");
            help.id = "quote-help";
            help.className = "govuk-hint";
            help.setAttribute("role", "status");
            button.parentNode.appendChild(help);
          }
          help.textContent = "First select some words in the provision's text, then press this button.";
          return;
        }
        target.value = lastSelection;
        var details = target.closest("details");
        if (details) details.open = true;
        target.dispatchEvent(new Event("input", { bubbles: true }));
        target.focus();
      });
    });
  }

  // --- autosave of the comment being typed ------------------------------------------------
  function offerRestore(textarea, saved, store, key) {
    var box = document.createElement("div");
    box.className = "govuk-inset-text consult-restore";
    box.setAttribute("role", "region");
    box.setAttribute("aria-label", "Unsent comment");
    var text = document.createElement("p");
    text.className = "govuk-body";
    text.textContent = "Restore your unsent comment? It was saved in this browser while you typed.";
    var preview = document.createElement("p");
    preview.className = "govuk-body-s";
    preview.textContent = saved.length > 200 ? saved.slice(0, 199) + "…" : saved;
    var restore = document.createElement("button");
    restore.type = "button";
    restore.className = "govuk-button govuk-!-margin-right-2 govuk-!-margin-bottom-0";
    restore.textContent = "Restore it";
    var discard = document.createElement("button");
    discard.type = "button";
    discard.className = "govuk-button govuk-button--secondary govuk-!-margin-bottom-0";
    discard.textContent = "Discard it";
    box.appendChild(text);
    box.appendChild(preview);
    box.appendChild(restore);
    box.appendChild(discard);
    var group = textarea.closest(".govuk-form-group") || textarea;
    group.parentNode.insertBefore(box, group);
    restore.addEventListener("click", function () {
      textarea.value = saved;
      textarea.dispatchEvent(new Event("input", { bubbles: true }));
      box.remove();
      textarea.focus();
    });
    discard.addEventListener("click", function () {
      store.removeItem(key);
      box.remove();
      textarea.focus();
    });
  }

  // The server could not save what was sent (503 page): the drafts kept in this browser
  // were not accepted, so the next form must offer them again instead of forgetting them.
  function keepUnsentDrafts() {
    var session = storage("sessionStorage");
    if (!session || !document.body.hasAttribute("data-consult-unsent")) return;
    for (var i = session.length - 1; i >= 0; i--) {
      var name = session.key(i);
      if (name && name.indexOf(SUBMITTED) === 0) session.removeItem(name);
    }
  }

  function initAutosave() {
    var store = storage("localStorage");
    var session = storage("sessionStorage");
    if (!store) return;
    document.querySelectorAll("textarea[data-autosave]").forEach(function (textarea) {
      var key = PREFIX + textarea.getAttribute("data-autosave");
      var saved = store.getItem(key);
      // Sent last time and the server shows an empty form again: it was accepted.
      if (session && session.getItem(SUBMITTED + key) !== null) {
        session.removeItem(SUBMITTED + key);
        if (!textarea.value) {
          store.removeItem(key);
          saved = null;
        }
      }
      if (saved && saved !== textarea.value) offerRestore(textarea, saved, store, key);
      var timer = null;
      textarea.addEventListener("input", function () {
        window.clearTimeout(timer);
        timer = window.setTimeout(function () {
          if (textarea.value.trim()) store.setItem(key, textarea.value);
          else store.removeItem(key);
        }, 400);
      });
      if (textarea.form) {
        textarea.form.addEventListener("submit", function () {
          if (textarea.value.trim()) store.setItem(key, textarea.value);
          if (session) session.setItem(SUBMITTED + key, "1");
        });
      }
    });
  }

  // --- a link to #comment-N whose thread is on another page of threads --------------------
  function followMissingAnchor() {
    var match = /^#comment-(\d+)$/.exec(window.location.hash);
    if (!match || document.getElementById("comment-" + match[1])) return;
    if (!document.querySelector(".consult-thread, #comment-form")) return;
    window.location.replace("/comments/" + match[1]);
  }

  document.addEventListener("DOMContentLoaded", function () {
    keepUnsentDrafts();
    followMissingAnchor();
    initQuote();
    initAutosave();
  });
})();
