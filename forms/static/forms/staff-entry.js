// The admin's "add" screens for what arrived by e-mail, phone, on paper or in person: choosing the
// channel preselects the usual way the data protection notice was given (by phone: read out; on
// paper: the form's clause), until staff choose one themselves. Without JavaScript they choose it.
(function () {
  "use strict";
  var channels = document.querySelectorAll("input[name='channel'][data-default-notice]");
  if (!channels.length) return;
  var defaults = {};
  channels[0].getAttribute("data-default-notice").split(",").forEach(function (pair) {
    var parts = pair.split(":");
    defaults[parts[0]] = parts[1];
  });
  var touched = false;
  document.querySelectorAll("input[name='notice_delivery']").forEach(function (radio) {
    radio.addEventListener("change", function (event) {
      if (event.isTrusted) touched = true;
    });
  });
  channels.forEach(function (channel) {
    channel.addEventListener("change", function () {
      if (touched || !channel.checked) return;
      var notice = document.querySelector("input[name='notice_delivery'][value='" + defaults[channel.value] + "']");
      if (notice) notice.checked = true;
    });
  });
})();
