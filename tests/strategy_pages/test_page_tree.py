from wagtail.models import Page
from wagtail.test.utils import WagtailPageTestCase

from forms.index import FormIndexPage
from strategy_pages.models import AccessibilityStatementPage, HomePage, NewsIndexPage, NewsPage, StrategyPage


class PageTreeRulesTests(WagtailPageTestCase):
    def test_home_page_sits_under_the_tree_root_only(self):
        self.assertAllowedParentPageTypes(HomePage, {Page})

    def test_home_page_children(self):
        self.assertAllowedSubpageTypes(
            HomePage, {NewsIndexPage, StrategyPage, FormIndexPage, AccessibilityStatementPage}
        )
        self.assertCanNotCreateAt(HomePage, NewsPage)

    def test_news_pages_live_only_in_a_news_index(self):
        self.assertAllowedParentPageTypes(NewsPage, {NewsIndexPage})
        self.assertAllowedSubpageTypes(NewsIndexPage, {NewsPage})
        self.assertAllowedSubpageTypes(NewsPage, set())

    def test_strategy_pages_nest(self):
        self.assertAllowedParentPageTypes(StrategyPage, {HomePage, StrategyPage})
        self.assertAllowedSubpageTypes(StrategyPage, {StrategyPage})

    def test_news_index_only_under_home(self):
        self.assertAllowedParentPageTypes(NewsIndexPage, {HomePage})
        self.assertCanNotCreateAt(StrategyPage, NewsIndexPage)
        self.assertCanCreateAt(HomePage, NewsIndexPage)
