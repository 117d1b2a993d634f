"""Checks shared by the browser tests: axe-core scans, the 360 px rules, screenshots, focus."""

import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

# WCAG 2.0 and 2.1, levels A and AA: what Polish law (ustawa o dostępności cyfrowej) requires.
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
# Plus the axe "best practice" rules behind what issue 7 names explicitly: headings in order, one
# h1, a skip link, landmarks (all content inside one, each one unique and top level).
AXE_EXTRA_RULES = [
    "heading-order",
    "empty-heading",
    "page-has-heading-one",
    "skip-link",
    "region",
    "landmark-one-main",
    "landmark-unique",
    "landmark-banner-is-top-level",
    "landmark-contentinfo-is-top-level",
    "landmark-main-is-top-level",
    "landmark-complementary-is-top-level",
    "landmark-no-duplicate-banner",
    "landmark-no-duplicate-contentinfo",
    "landmark-no-duplicate-main",
]
AXE_OPTIONS = {
    "runOnly": {"type": "tag", "values": AXE_TAGS},
    "rules": {rule: {"enabled": True} for rule in AXE_EXTRA_RULES},
    "resultTypes": ["violations"],
}

MOBILE = {"width": 360, "height": 780}
DESKTOP = {"width": 1280, "height": 800}
MIN_TARGET = 44  # px, WCAG 2.5.5 (AAA) size, which the municipality asks for on every form control

_axe = Axe()


def axe_violations(page, context=None):
    return _axe.run(page, context=context, options=AXE_OPTIONS).response["violations"]


def format_violations(violations):
    lines = []
    for violation in violations:
        lines.append(f"- {violation['id']} ({violation['impact']}): {violation['help']} <{violation['helpUrl']}>")
        for node in violation["nodes"]:
            lines.append(f"    target {node['target']}: {node.get('failureSummary', '').replace(chr(10), ' ')}")
    return "\n".join(lines)


def assert_no_axe_violations(page, context=None, label=None):
    """Runs axe-core (shipped with axe-playwright-python, works offline) on the page as it is now."""
    violations = axe_violations(page, context)
    if violations:
        where = label or page.url
        pytest.fail(f"{len(violations)} axe violation(s) on {where}:\n{format_violations(violations)}", pytrace=False)


# The rule for the 360 px check, evaluated in the page:
# - the page must not scroll sideways: document.documentElement.scrollWidth <= window.innerWidth;
# - every visible text input, select, textarea, button and link styled as a button (a.button) is at
#   least 44 px tall;
# - a checkbox or radio button itself may be smaller (24 px here), but what a finger can tap to
#   toggle it - its <label> (wrapping it or tied with for=) - must be at least 44 px tall.
# Controls that are not rendered (display: none, hidden, zero size, visually-hidden 1 px) are skipped.
_MOBILE_CHECK_JS = """
(minTarget) => {
  const visible = (el) => {
    const rect = el.getBoundingClientRect();
    const style = getComputedStyle(el);
    return rect.width > 1 && rect.height > 1 && style.visibility !== "hidden" && style.display !== "none";
  };
  const describe = (el) => {
    const name = el.id ? "#" + el.id : (el.getAttribute("name") ? "[name=" + el.getAttribute("name") + "]" : "");
    const text = (el.innerText || el.value || "").trim().slice(0, 40);
    return el.tagName.toLowerCase() + name + (el.className ? "." + String(el.className).split(" ").join(".") : "")
      + (text ? ` "${text}"` : "");
  };
  const labelOf = (el) => el.closest("label") || (el.id && document.querySelector(`label[for="${CSS.escape(el.id)}"]`));
  const problems = [];
  const selector = "input:not([type=hidden]), select, textarea, button, a.button, [role=button]";
  for (const el of document.querySelectorAll(selector)) {
    const type = (el.getAttribute("type") || "").toLowerCase();
    if (type === "checkbox" || type === "radio") {
      const label = labelOf(el);
      const target = label && visible(label) ? label : el;
      if (!visible(el) && !(label && visible(label))) continue;
      const height = target.getBoundingClientRect().height;
      if (height < minTarget - 0.5) problems.push(`${describe(el)}: label/row ${height.toFixed(1)} px tall`);
      continue;
    }
    if (!visible(el)) continue;
    const height = el.getBoundingClientRect().height;
    if (height < minTarget - 0.5) problems.push(`${describe(el)}: ${height.toFixed(1)} px tall`);
  }
  const doc = document.documentElement;
  const overflow = doc.scrollWidth > window.innerWidth ? doc.scrollWidth - window.innerWidth : 0;
  const wide = [];
  if (overflow) {
    for (const el of document.body.querySelectorAll("*")) {
      const rect = el.getBoundingClientRect();
      if (rect.right > window.innerWidth + 0.5 && visible(el)) {
        wide.push(describe(el) + ` right=${rect.right.toFixed(0)}`);
      }
    }
  }
  return {overflow, scrollWidth: doc.scrollWidth, innerWidth: window.innerWidth, problems, wide: wide.slice(0, 10)};
}
"""


def assert_mobile_friendly(page):
    """The 360 px rules above, on the page as it is now (set the viewport to MOBILE first)."""
    assert page.viewport_size["width"] == MOBILE["width"], "set the 360 px viewport before the check"
    result = page.evaluate(_MOBILE_CHECK_JS, MIN_TARGET)
    messages = []
    if result["overflow"]:
        messages.append(
            f"scrolls horizontally: scrollWidth {result['scrollWidth']} > innerWidth {result['innerWidth']}; "
            f"too wide: {result['wide']}"
        )
    if result["problems"]:
        messages.append("controls under 44 px: " + "; ".join(result["problems"]))
    if messages:
        pytest.fail(f"{page.url} at 360 px:\n" + "\n".join(messages), pytrace=False)


def save_screenshots(page, url, name, screenshot_dir):
    """Full-page screenshots at 360 and 1280 px (artefacts for review, never committed)."""
    for size in (MOBILE, DESKTOP):
        page.set_viewport_size(size)
        page.goto(url)
        page.screenshot(path=str(screenshot_dir / f"{name}-{size['width']}.png"), full_page=True)


def slug(text):
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def focus_indicator(locator):
    """How the focused element shows focus: its computed outline and box-shadow."""
    return locator.evaluate(
        """(el) => {
          const style = getComputedStyle(el);
          return {
            focused: document.activeElement === el,
            outlineStyle: style.outlineStyle,
            outlineWidth: parseFloat(style.outlineWidth) || 0,
            boxShadow: style.boxShadow,
          };
        }"""
    )


def assert_focus_visible(locator):
    state = focus_indicator(locator)
    assert state["focused"], "the element does not have focus"
    has_outline = state["outlineStyle"] != "none" and state["outlineWidth"] >= 2
    has_shadow = state["boxShadow"] not in ("", "none")
    assert has_outline or has_shadow, f"no visible focus indicator: {state}"


# --- places left (forms/templatetags/workshop_tags.py: places_left_text) ----------------------------

def places_text(left, capacity):
    """What a session's badge says: "zostało 12 z 30 miejsc" ("zostały 3 z 30 miejsc"), or "Brak wolnych
    miejsc" when it is full."""
    if left <= 0:
        return "Brak wolnych miejsc"
    return re.compile(rf"zosta(ło|ły) {left} z {capacity} miejsc")


def expect_workshop_places(page, url, title, left, capacity):
    """Loads the workshop page anew: the session's places, in the list of sessions and next to its checkbox,
    are the current ones (counted on every request, also inside page content kept in the fragment cache)."""
    page.goto(url)
    text = places_text(left, capacity)
    expect(page.locator(".session-summary li").filter(has_text=title)).to_contain_text(text)
    expect(page.locator(".session-choices li").filter(has_text=title)).to_contain_text(text)


def expect_upcoming_places(page, url, title, left, capacity):
    """Loads a page listing the upcoming workshops (home, news article): kept in the page cache, it holds a
    placeholder the browser replaces with the live list, whose places must be the current ones."""
    page.goto(url)
    session_line = page.locator(".upcoming-workshops__sessions li").filter(has_text=title)
    expect(session_line).to_contain_text(places_text(left, capacity))


# --- Wagtail admin (Polish) --------------------------------------------------------------------

ADMIN_PASSWORD = "Tajne-haslo-2040"


def log_in_to_admin(page, demo_site, username):
    """Creates a superuser ``username`` and logs in through the Polish login form."""
    from django.contrib.auth import get_user_model

    get_user_model().objects.create_superuser(username, f"{username}@example.org", ADMIN_PASSWORD)
    page.goto(demo_site.url("/admin/login/"))
    page.get_by_label("Nazwa użytkownika").fill(username)
    # Wagtail 8.0's Polish catalogue leaves the password label in English: find the field by its id.
    page.locator("#id_password").fill(ADMIN_PASSWORD)
    page.get_by_role("button", name="Zaloguj się").click()
    expect(page).to_have_url(re.compile(r"/admin/$"))


def textbox(scope, label):
    """A text field of Wagtail's editor by its label (Wagtail also labels the panel around it, and
    adds "*" to required fields' labels)."""
    return scope.get_by_role("textbox", name=re.compile("^" + re.escape(label)))


def publish_in_editor(page):
    """Wagtail keeps "Publish" in the menu of more actions next to "Save draft"."""
    page.get_by_role("button", name="Więcej akcji").click()
    page.get_by_role("button", name="Opublikuj").click()


def log_in_as_member(page, demo_site, username, group_name, **user_fields):
    """Creates a staff user in the Wagtail group ``group_name`` ("Redaktorzy", "Administratorzy
    formularzy", …) and logs in through the Polish login form; returns the user."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    user = get_user_model().objects.create_user(username, f"{username}@example.org", ADMIN_PASSWORD, **user_fields)
    user.groups.add(Group.objects.get(name=group_name))
    page.goto(demo_site.url("/admin/login/"))
    page.get_by_label("Nazwa użytkownika").fill(username)
    page.locator("#id_password").fill(ADMIN_PASSWORD)
    page.get_by_role("button", name="Zaloguj się").click()
    expect(page).to_have_url(re.compile(r"/admin/$"))
    return user


def admin_screenshot(page, path, width=1280):
    """A screenshot of a whole admin screen: Wagtail scrolls its content inside the window (``full_page``
    stops at the window's height), so the window is made as tall as the content for the shot."""
    viewport = page.viewport_size
    height = page.evaluate("() => Math.max(...[...document.querySelectorAll('body, body *')].map(e => e.scrollHeight))")
    page.set_viewport_size({"width": width, "height": min(max(height, viewport["height"]), 8000)})
    page.screenshot(path=str(path))
    page.set_viewport_size(viewport)
