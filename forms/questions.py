"""The questions of a form page built with Wagtail's form builder (workshops' extra fields, surveys), read
by a prepared query (``strategy_pages.prepared``): a form page shows its form on every view, and Django
building and compiling that query again each time costs more than running it."""

from modelcluster.queryset import FakeQuerySet

from strategy_pages.prepared import prepared_query


@prepared_query(maxsize=1024)
def _questions_of(model, page_pk):
    # The model's own ordering (sort_order), as the page's ``form_fields`` manager orders them.
    return model._default_manager.filter(page_id=page_pk)


class PreparedQuestionsMixin:
    """``get_form_fields`` of a saved page in a prepared query; a preview or a revision keeps the draft's
    questions, which are in memory (``FakeQuerySet``), not in the database."""

    def get_form_fields(self):
        questions = self.form_fields.all()
        if isinstance(questions, FakeQuerySet) or self.pk is None:
            return questions
        return _questions_of(questions.model, self.pk)
