// Cached pages hold placeholders for what must be current (places left in workshop sessions):
// each [data-live-fragment] element is replaced by the HTML its URL returns, fetched uncached.
// Without JavaScript the placeholder's link leads to the same, always fresh, list.
(function () {
  "use strict";
  function load(element) {
    if (element.dataset.liveFragmentLoading) return;
    element.dataset.liveFragmentLoading = "1";
    fetch(element.dataset.liveFragment, { credentials: "same-origin", cache: "no-store", headers: { "X-Live-Fragment": "1" } })
      .then(function (response) {
        if (!response.ok) throw new Error(response.status);
        return response.text();
      })
      .then(function (html) {
        element.outerHTML = html;
      })
      .catch(function () {
        delete element.dataset.liveFragmentLoading;
      });
  }
  function start() {
    document.querySelectorAll("[data-live-fragment]").forEach(load);
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
