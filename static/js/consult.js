// Progressive enhancement only: every page works without this file.
(function () {
  "use strict";
  // Live character counters for textareas with data-maxlength.
  function updateCounter(textarea) {
    var max = parseInt(textarea.getAttribute("data-maxlength"), 10);
    var counter = document.getElementById(textarea.id + "-counter");
    if (!counter || !max) return;
    var left = max - textarea.value.length;
    counter.textContent = left >= 0
      ? "You have " + left + " character" + (left === 1 ? "" : "s") + " remaining"
      : "You have " + -left + " character" + (left === -1 ? "" : "s") + " too many";
    counter.classList.toggle("consult-counter--over", left < 0);
  }
  function init(root) {
    root.querySelectorAll("textarea[data-maxlength]").forEach(function (textarea) {
      updateCounter(textarea);
      textarea.addEventListener("input", function () { updateCounter(textarea); });
    });
  }
  document.addEventListener("DOMContentLoaded", function () { init(document); });
  document.addEventListener("htmx:load", function (event) { init(event.target); });
})();
