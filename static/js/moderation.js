// Moderation pages, progressive enhancement only: a "select all on this page" box in triage.
(function () {
  "use strict";
  function addSelectAll(holder) {
    var form = document.getElementById(holder.getAttribute("data-select-all-for"));
    if (!form) return;
    var boxes = form.querySelectorAll('input[type="checkbox"][name="comment_ids"]');
    if (!boxes.length) return;
    var wrapper = document.createElement("div");
    wrapper.className = "govuk-checkboxes govuk-checkboxes--small";
    var item = document.createElement("div");
    item.className = "govuk-checkboxes__item";
    var input = document.createElement("input");
    input.type = "checkbox";
    input.id = "select-all-comments";
    input.className = "govuk-checkboxes__input";
    var label = document.createElement("label");
    label.className = "govuk-label govuk-checkboxes__label";
    label.htmlFor = input.id;
    label.textContent = "Select every comment on this page";
    item.appendChild(input);
    item.appendChild(label);
    wrapper.appendChild(item);
    holder.appendChild(wrapper);
    holder.hidden = false;
    function sync() {
      var checked = 0;
      boxes.forEach(function (box) { if (box.checked) checked += 1; });
      input.checked = checked === boxes.length;
      input.indeterminate = checked > 0 && checked < boxes.length;
    }
    input.addEventListener("change", function () {
      boxes.forEach(function (box) { box.checked = input.checked; });
    });
    boxes.forEach(function (box) { box.addEventListener("change", sync); });
    sync();
  }
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-select-all-for]").forEach(addSelectAll);
  });
})();
