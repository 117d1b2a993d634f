"""Querysets of the render path whose SQL is compiled once per process, and run afresh on every call.

Django builds and compiles a queryset's SQL each time it is evaluated. For the queries every public page
makes (the site, the page routed to, the navigation, the latest news…) that costs more than running
them: a Wagtail page has about thirty columns, and the ORM resolves, joins and quotes each of them again
on every request, while SQLite or PostgreSQL answer in a fraction of that time. The shape and the
parameters of these queries depend only on a few values (a page's path, a primary key), so
``prepared_query`` compiles each distinct call once per process and database, and each later call only
executes that SQL and makes the instances, exactly as evaluating the queryset would (``select_related``,
``prefetch_related``, ``only``, ``values_list`` included).

Only the SQL is kept, never a result: every call reads the database, so a change is seen at once, in
every process. The function decorated must build its queryset from its arguments alone (no clock, no
request, no query run while building, such as Wagtail's ``public()``): what it reads besides them would
be frozen into the SQL. Arguments must be hashable; the distinct calls kept are bounded (``maxsize``).
"""

import copy
import datetime
import functools

from django.core.exceptions import EmptyResultSet
from django.db import connections

# Stands for a moment passed at run time (``moments``): unlikely in any real filter, found by value.
_MOMENT = datetime.datetime(1901, 2, 3, 4, 5, 6, 789012, tzinfo=datetime.UTC)


class _CompiledQuery:
    """What a queryset's iterable reads of its ``query``, with a compiler whose SQL is already made."""

    def __init__(self, query, compiler, sql, params, converters=None):
        self._query = query
        self._compiler = compiler
        self._sql_with_params = (sql, params)
        self._converters = converters

    def with_params(self, params):
        if self._converters is None:
            self._get_converters([column[0] for column in self._compiler.select[: self._compiler.col_count]])
        return _CompiledQuery(self._query, self._compiler, self._sql_with_params[0], params, self._converters)

    def __getattr__(self, name):
        return getattr(self._query, name)

    def _as_sql(self, *args, **kwargs):
        return self._sql_with_params

    def _get_converters(self, expressions):
        # The same select list on every run: its converters (by column, from the field and the backend)
        # are found once. They only read the settings through their connection, the same in every thread.
        if self._converters is None:
            self._converters = type(self._compiler).get_converters(self._compiler, expressions)
        return self._converters

    def get_compiler(self, using=None, connection=None, elide_empty=True):
        # A copy bound to this thread's connection: compilers hold their connection, and connections
        # are per thread.
        compiler = copy.copy(self._compiler)
        compiler.connection = connection or connections[using]
        compiler.as_sql = self._as_sql
        compiler.get_converters = self._get_converters
        return compiler


class _Prepared:
    """One distinct call: the queryset built once, and its SQL compiled once per database."""

    def __init__(self, queryset, moments):
        self.queryset = queryset
        self.moments = moments
        self.compiled = {}

    def _compile(self, alias):
        compiler = self.queryset.query.get_compiler(using=alias)
        try:
            sql, params = compiler.as_sql()  # also sets up the select list, as executing would
        except EmptyResultSet:  # a query that can match nothing (an empty slice, ``pk__in=[]``)
            return None, {}
        slots = {}
        if self.moments:
            marker = connections[alias].ops.adapt_datetimefield_value(_MOMENT)
            found = [index for index, value in enumerate(params) if value == marker]
            if not found:
                raise ValueError(f"prepared_query: {self.moments} not found in the parameters of {sql}")
            slots = dict.fromkeys(found, self.moments[0])
        return _CompiledQuery(self.queryset.query, compiler, sql, tuple(params)), slots

    def rows(self, moments):
        alias = self.queryset.db
        compiled = self.compiled.get(alias)
        if compiled is None:
            compiled = self.compiled[alias] = self._compile(alias)
        query, slots = compiled
        if query is None:
            return []
        if slots:
            adapt = connections[alias].ops.adapt_datetimefield_value
            params = list(query._sql_with_params[1])
            for index, name in slots.items():
                params[index] = adapt(moments[name])
            query = query.with_params(tuple(params))
        # A new queryset around the same compiled query. Not copy.copy: a queryset's __getstate__ evaluates it.
        fresh = object.__new__(type(self.queryset))
        fresh.__dict__.update(self.queryset.__dict__)
        fresh._result_cache = None
        fresh._prefetch_done = False
        fresh._db = alias
        fresh._query = query  # not the setter: it would turn values_list() rows into dicts
        return list(fresh)


def prepared_query(build=None, *, maxsize=256, moments=()):
    """Decorate a function returning a queryset: calling it returns the queryset's rows as a list, from
    SQL compiled once per distinct arguments and database (see the module's docstring).

    ``moments`` names one keyword argument holding an aware datetime that changes on every call (``now``):
    it is not part of what is compiled once, but put into the parameters of each run."""
    if len(moments) > 1:
        raise ValueError("prepared_query: at most one moment")

    def decorate(build):
        @functools.lru_cache(maxsize=maxsize)
        def prepared(args, kwargs):
            values = dict(kwargs)
            values.update(dict.fromkeys(moments, _MOMENT))
            return _Prepared(build(*args, **values), moments)

        @functools.wraps(build)
        def run(*args, **kwargs):
            given = {name: kwargs.pop(name) for name in moments}
            return prepared(args, tuple(sorted(kwargs.items()))).rows(given)

        run.cache_clear = prepared.cache_clear
        run.cache_info = prepared.cache_info
        return run

    return decorate(build) if build is not None else decorate
