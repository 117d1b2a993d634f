"""Finds English left on a screen of the Polish admin or the public site.

Every staff screen a browser test visits goes through ``assert_no_english``: it reads what a person
sees and what a screen reader says (visible text, ``aria-label``, ``title``, ``placeholder``, button
values) and fails on words that are English and never Polish, and on known broken Polish phrases.
Words shared by both languages ("to", "on", "go", "no", "do", "a", "by") are left out on purpose.
"""

import re

from playwright.sync_api import expect

# English words that are not Polish words. Lower case; matched as whole words.
ENGLISH_WORDS = {
    "the", "and", "of", "for", "with", "your", "you", "this", "that", "these", "are", "is", "be", "not",
    "could", "would", "should", "will", "has", "have", "been", "were", "there", "which", "when",
    "page", "pages", "none", "save", "saved", "delete", "deleted", "edit", "add", "added", "cancel",
    "publish", "published", "unpublish", "schedule", "scheduled", "draft", "preview", "search", "filter",
    "filters", "settings", "choose", "select", "selected", "history", "previous", "more", "actions",
    "toggle", "drop", "down", "once", "created", "due", "errors", "error", "autosave", "paused",
    "submit", "submission", "submissions", "name", "date", "time", "yes", "true", "false",
    "update", "updated", "view", "show", "hide", "close", "open", "upload", "download", "export",
    "required", "optional", "help", "by", "results", "result", "items", "item",
    "moderators", "approval", "workflow", "comments", "comment", "user", "users", "group", "groups",
    "field", "fields", "label", "choices", "default", "value", "type", "owner", "dashboard",
}
# "by" is Polish too, but only as a particle after a verb ("chciałby"); standing alone between
# words it is nearly always English ("Created by"): keep it but let callers allow it.
SHARED_BY_CONTEXT = {"by"}

# Polish phrases that are wrong (broken plural or case) and were seen on these screens.
BROKEN_PHRASES = [
    "Sesje 1", "Dodaj Sesje", "Wybierz klauzula", "Przyciski Radio", "Checkboxy", "Idź online",
    re.compile(r"\bJest [2-4] dopasowa"), re.compile(r"\b\d+-\d+ of \d+"),
]

# Names and technical words that are the same in both languages or are proper names.
ALLOWED = {"wagtail", "e-mail", "email", "online", "pdf", "csv", "xlsx", "ics", "qr", "rss", "atom", "url",
           "html", "www", "id", "ok"}

# Letters of any alphabet: ASCII-only words would cut "była" into "by" + "a".
_WORD = re.compile(r"[^\W\d_](?:[^\W\d_]|['’-])*")

_SCREEN_TEXT_JS = """(root) => {
  const parts = [];
  const visible = (el) => {
    const style = window.getComputedStyle(el);
    if (style.display === 'none' || style.visibility === 'hidden') return false;
    return el.getClientRects().length > 0;
  };
  const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const node = walker.currentNode;
    const parent = node.parentElement;
    const skipped = ['SCRIPT', 'STYLE', 'NOSCRIPT', 'TEMPLATE', 'CODE', 'PRE', 'TEXTAREA'];
    if (!parent || skipped.includes(parent.tagName)) continue;
    if (parent.closest('[contenteditable="true"], .Draftail-Editor, [data-english-allowed]')) continue;
    if (!visible(parent)) continue;
    parts.push(node.textContent);
  }
  const named = '[aria-label], [title], [placeholder], input[type=submit][value], input[type=button][value]';
  for (const el of root.querySelectorAll(named)) {
    if (el.closest('[data-english-allowed]')) continue;
    for (const attr of ['aria-label', 'title', 'placeholder']) {
      if (el.hasAttribute(attr)) parts.push(el.getAttribute(attr));
    }
    if (el.tagName === 'INPUT' && (el.type === 'submit' || el.type === 'button')) parts.push(el.value);
  }
  return parts.join('\\n');
}"""


def screen_text(page, selector="body"):
    """What a person sees and hears on the screen: visible text plus accessible names and hints."""
    return page.locator(selector).first.evaluate(_SCREEN_TEXT_JS)


def english_leftovers(text, allow=()):
    """The English words and broken phrases found in ``text`` (empty when it is Polish)."""
    allowed = ALLOWED | {word.lower() for word in allow}
    found = []
    for line in text.splitlines():
        words = _WORD.findall(line)
        lowered = [word.lower().strip("'’-") for word in words]
        english = [w for w in lowered if w in ENGLISH_WORDS and w not in allowed]
        # One English-looking word in a long Polish sentence is usually a name; two or more, or one
        # in a short line (a button, a label, a heading), is a leftover.
        short = len(lowered) <= 3
        if len(english) >= 2 or (english and short and english[0] not in SHARED_BY_CONTEXT):
            found.append(line.strip())
        for phrase in BROKEN_PHRASES:
            if (phrase.search(line) if isinstance(phrase, re.Pattern) else phrase in line):
                found.append(line.strip())
    return sorted(set(found))


def assert_no_english(page, selector="body", allow=(), label=None):
    """Fails when the screen (by default the whole page) shows English or a known broken phrase."""
    expect(page.locator(selector).first).to_be_attached()
    leftovers = english_leftovers(screen_text(page, selector), allow=allow)
    where = label or page.url
    assert not leftovers, f"English or broken Polish on {where}:\n" + "\n".join(leftovers)
