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
  // Radios that reveal a panel (data-consult-reveal="panel id"): only the checked one's shows.
  // aria-controls names the panel; aria-expanded is not allowed on radios, so none is set.
  function updateReveals(root, name) {
    root.querySelectorAll("input[data-consult-reveal]").forEach(function (radio) {
      if (name && radio.name !== name) return;
      var panel = document.getElementById(radio.getAttribute("data-consult-reveal"));
      if (panel) panel.classList.toggle("govuk-radios__conditional--hidden", !radio.checked);
    });
  }
  function init(root) {
    updateReveals(root);
    root.querySelectorAll("input[data-consult-reveal]").forEach(function (radio) {
      radio.addEventListener("change", function () { updateReveals(document, radio.name); });
    });
    root.querySelectorAll("textarea[data-maxlength]").forEach(function (textarea) {
      updateCounter(textarea);
      textarea.addEventListener("input", function () { updateCounter(textarea); });
    });
  }
  document.addEventListener("DOMContentLoaded", function () { init(document); });
  document.addEventListener("htmx:load", function (event) { init(event.target); });
})();
