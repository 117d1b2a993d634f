// Wagtail's date pickers (jQuery datetimepicker), for every date field of the admin:
// - 15-minute steps in the time list instead of whole hours;
// - what a person typed stays in the field: the picker's own check on leaving the field replaces any
//   text it cannot read with the current date and time; the server reads the text and answers an
//   unreadable date with an error instead;
// - the expected format as the field's placeholder ("DD.MM.RRRR GG:MM").
(function () {
  "use strict";
  const $ = window.jQuery;
  if (!$ || !$.fn.datetimepicker) return;
  const script = document.currentScript;
  Object.assign($.fn.datetimepicker.defaults, { step: 15, validateOnBlur: false });

  const hints = { date: script.dataset.dateHint, datetime: script.dataset.datetimeHint, time: script.dataset.timeHint };
  const hintFor = (options) => {
    if (options.timepicker === false) return hints.date;
    if (options.datepicker === false) return hints.time;
    return hints.datetime;
  };
  const original = $.fn.datetimepicker;
  const withHints = function (options, ...rest) {
    if (options && typeof options === "object") {
      this.each(function () {
        if (!this.getAttribute("placeholder")) this.setAttribute("placeholder", hintFor(options));
      });
    }
    return original.call(this, options, ...rest);
  };
  withHints.defaults = original.defaults;
  $.fn.datetimepicker = withHints;
})();
