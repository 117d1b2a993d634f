// A failed submission renders the form again: move focus to the error summary, so keyboard and
// screen-reader users start at the list of errors (each links to its field).
document.addEventListener("DOMContentLoaded", function () {
  var summary = document.getElementById("form-errors");
  if (summary) {
    summary.focus();
  }
});
