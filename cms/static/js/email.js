// Turns the spelled-out e-mail addresses (rendered by the protected_email filter) into mailto links.
// The address never appears in the HTML source, so harvesting robots do not find it.
(function () {
  "use strict";
  function reverse(text) {
    return text.split("").reverse().join("");
  }
  document.querySelectorAll(".protected-email[data-user][data-domain]").forEach(function (element) {
    var address = reverse(element.dataset.user) + "@" + reverse(element.dataset.domain);
    var link = document.createElement("a");
    link.href = "mailto:" + address;
    link.textContent = address;
    element.replaceChildren(link);
  });
})();
