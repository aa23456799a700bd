// Drafts pages: progressive enhancement only (every page works without this file).
(function () {
  "use strict";
  document.addEventListener("DOMContentLoaded", function () {
    // "Print" buttons are hidden until this script can make them work.
    document.querySelectorAll("button.consult-print").forEach(function (button) {
      button.hidden = false;
      button.addEventListener("click", function () { window.print(); });
    });
    // Warn before leaving a section editor with unsaved changes.
    var editor = document.querySelector("textarea[data-drafts-editor]");
    if (editor) {
      var form = editor.form;
      var initial = editor.value;
      var saving = false;
      form.addEventListener("submit", function () { saving = true; });
      window.addEventListener("beforeunload", function (event) {
        if (!saving && editor.value !== initial) {
          event.preventDefault();
          event.returnValue = "";
        }
      });
    }
    // Comparison: choosing the same version twice is pointed out before the request is sent.
    var compare = document.querySelector("form.consult-compare-form");
    if (compare) {
      compare.addEventListener("submit", function (event) {
        var a = compare.querySelector("#a"), b = compare.querySelector("#b");
        if (a && b && a.value === b.value) {
          event.preventDefault();
          b.setCustomValidity("Choose two different versions.");
          b.reportValidity();
          b.addEventListener("change", function () { b.setCustomValidity(""); }, { once: true });
        }
      });
    }
  });
})();
