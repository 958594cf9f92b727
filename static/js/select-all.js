// Optional: a "select all rows" checkbox for the bulk form. Without JavaScript the box
// stays hidden and each row is ticked by hand; the form works the same.
(function () {
  "use strict";
  document.querySelectorAll("[data-select-all]").forEach(function (box) {
    var form = box.closest("form");
    if (!form) {
      return;
    }
    var rows = form.querySelectorAll('input[type="checkbox"][name="ids"]');
    box.hidden = false;
    box.addEventListener("change", function () {
      rows.forEach(function (row) {
        row.checked = box.checked;
      });
    });
  });
})();
