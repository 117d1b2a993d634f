// The door check-in screen: the list follows the search as staff type, and one tap checks a person in
// (or takes it back) without reloading the page; the counts come with each answer. Without JavaScript
// the same forms work as plain GET and POST requests.
(function () {
  "use strict";
  var root = document.querySelector("[data-check-in]");
  if (!root || !window.fetch) return;
  var results = root.querySelector("[data-check-in-results]");
  var status = root.querySelector("[data-check-in-status]");
  var search = root.querySelector("[data-check-in-search]");
  var input = search.querySelector("input[name='q']");
  var searching = null;
  var timer = null;

  function show(html, focusId) {
    results.innerHTML = html;
    var notice = results.querySelector("[data-check-in-notice]");
    var counts = results.querySelector("[data-check-in-counts]");
    status.textContent = [notice && notice.textContent, counts && counts.textContent].filter(Boolean).join(" ");
    var row = focusId && document.getElementById(focusId);
    var button = row && row.querySelector("button");
    if (button) button.focus();
  }

  function request(url, options, focusId) {
    options.headers = Object.assign({ "X-Check-In-Fragment": "1" }, options.headers || {});
    options.credentials = "same-origin";
    return fetch(url, options).then(function (response) {
      // Logged out or no longer allowed: the full page shows why (the login page or 403).
      if (response.redirected || response.status === 403) {
        window.location.reload();
        return;
      }
      return response.text().then(function (html) { show(html, focusId); });
    }).catch(function (error) {
      if (error.name !== "AbortError") status.textContent = root.getAttribute("data-error-text");
    });
  }

  function refresh() {
    if (searching) searching.abort();
    searching = new AbortController();
    var query = input.value;
    var url = window.location.pathname + (query ? "?q=" + encodeURIComponent(query) : "");
    window.history.replaceState(null, "", url);
    request(url, { signal: searching.signal });
  }

  input.addEventListener("input", function () {
    window.clearTimeout(timer);
    timer = window.setTimeout(refresh, 150);
  });
  search.addEventListener("submit", function (event) {
    event.preventDefault();
    window.clearTimeout(timer);
    refresh();
  });
  results.addEventListener("submit", function (event) {
    var form = event.target.closest("[data-check-in-action]");
    if (!form) return;
    event.preventDefault();
    var data = new FormData(form);
    data.set("q", input.value);
    var row = form.closest("li");
    form.querySelector("button").disabled = true;
    // getAttribute: the form's own field named "action" hides the form.action property.
    request(form.getAttribute("action"), {
      method: "POST", body: data, headers: { "X-CSRFToken": data.get("csrfmiddlewaretoken") }
    }, row && row.id);
  });
})();
