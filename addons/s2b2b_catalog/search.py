# This file is part of the S2B2B platform.  The COPYRIGHT file at the top
# level of this repository contains the full copyright notices and license
# terms.
"""Buyer search over published listings.

One statement per search: the matching listings are computed once (a
materialised CTE) and give both the page of ids and every facet count.
On PostgreSQL the keywords and the selective filters match the
listing's full-text vector (GIN) as whole words; a query that fills less
than a page is retried with its last term as a prefix (a word being
typed), and one that finds nothing by trigram word similarity on the
listing's title, which forgives typos.  SQLite matches each keyword with
LIKE on the search document.
"""
import datetime as dt
import re
from collections import namedtuple

from sql import Cast, Literal, Null
from sql.aggregate import Min
from sql.conditionals import Case
from sql.functions import Function
from sql.operators import And, BinaryOperator, Exists, Like

from trytond import backend
from trytond.pool import Pool
from trytond.transaction import Transaction

from . import searchtext

SORTS = {'relevance', 'price', 'price_desc', 'lead_time', 'newest'}
FACETS = ('category', 'province', 'standing', 'in_stock', 'lead_time')
LEAD_TIME_BUCKETS = [(3, 'le3'), (7, 'le7'), (15, 'le15'), (30, 'le30')]
MAX_LIMIT = 100
# Latin words the last term may be a prefix of
PREFIXABLE = re.compile(r'[a-z]+$')



class JsonExtract(Function):
    __slots__ = ()
    _function = 'JSON_EXTRACT'


class JsonbText(Function):
    __slots__ = ()
    _function = 'JSONB_EXTRACT_PATH_TEXT'


class WordSimilarity(Function):
    __slots__ = ()
    _function = 'WORD_SIMILARITY'


class Matches(BinaryOperator):
    __slots__ = ()
    _operator = '@@'


class WordSimilar(BinaryOperator):
    "pg_trgm: the left text is similar to a word run of the right one"
    __slots__ = ()
    _operator = '<%%'  # psycopg reads a lone % as a placeholder


Result = namedtuple('Result', ['ids', 'total', 'facets', 'fuzzy', 'capped'],
    defaults=[False])
# Facets and the total count at most this many matches: a broad query
# ("M8" among a million listings) is answered as "1000+" in bounded time
COUNT_LIMIT = 1000


class Filters:
    "The buyer's filters, already parsed and typed"

    def __init__(self, category=None, specs=None, price_min=None,
            price_max=None, quantity=None, provinces=None,
            lead_time_max=None, moq_max=None, in_stock=False,
            standings=None):
        self.category = category
        self.specs = specs or {}
        self.price_min = price_min
        self.price_max = price_max
        self.quantity = quantity
        self.provinces = provinces or []
        self.lead_time_max = lead_time_max
        self.moq_max = moq_max
        self.in_stock = in_stock
        self.standings = standings or []


def quote(lexeme):
    "A tsquery operand matching the lexeme verbatim"
    return "'%s'" % lexeme.replace('\\', '\\\\').replace("'", "''")


def tsquery(terms, prefix=True):
    """A tsquery text of the terms quoted as lexemes, all whole words but,
    with prefix, the last when it may be a word being typed (see
    can_prefix)"""
    quoted = [quote(t) for t in terms]
    if prefix and can_prefix(terms):
        quoted[-1] += ':*'
    return ' & '.join(quoted)


def can_prefix(terms):
    """Whether the last term may be the start of a longer word: a single
    Chinese character or three letters or more.  A Chinese word of two
    characters or more is complete (segmented like the documents), and a
    prefix of a code or a number ("m8" → m80, "42.5" → 42.5r) finds
    little of use"""
    last = terms[-1] if terms else ''
    return bool(len(last) >= 3 and PREFIXABLE.match(last)
        or len(last) == 1 and searchtext.HAN.match(last))


def filter_tsquery(filters):
    """The selective filters the listings' vectors hold as lexemes (see
    listing.SEARCH_VECTOR) as a tsquery text: category, province, supplier
    standing and specification values.  Stock and lead time stay column
    tests only: most listings pass them, and a long posting list costs the
    index scan more than the rows it removes"""
    parts = []

    def any_of(prefix, values):
        parts.append('(%s)' % ' | '.join(
                quote(prefix + str(v)) for v in sorted(set(values))))
    if filters.category:
        any_of('~c', [filters.category])
    if filters.provinces:
        any_of('~p', filters.provinces)
    if filters.standings:
        any_of('~s', filters.standings)
    for name, value in sorted(filters.specs.items()):
        any_of('~a', [f'{name}={value}'])
    return ' & '.join(parts)


def _where(listing, tier, filters, today):
    pool = Pool()
    Category = pool.get('product.category')
    # supplier_approved follows the supplier's state (category.Member)
    where = ((listing.state == 'published')
        & (listing.supplier_approved == Literal(True))
        & ((listing.valid_from == Null) | (listing.valid_from <= today))
        & ((listing.valid_to == Null) | (listing.valid_to >= today)))
    if filters.category and backend.name != 'postgresql':
        # PostgreSQL: the vector's category lexemes (filter_tsquery) hold
        # the listing's category and its parents, no sub-category lookup
        where &= listing.category.in_(
            Category.descendants([filters.category]))
    for name, value in filters.specs.items():
        where &= _spec_column(listing, name) == str(value)
    if filters.provinces:
        where &= listing.province.in_(filters.provinces)
    if filters.lead_time_max is not None:
        where &= listing.lead_time <= filters.lead_time_max
    if filters.moq_max is not None:
        where &= listing.moq <= filters.moq_max
    if filters.in_stock:
        where &= listing.in_stock == Literal(True)
    if filters.standings:
        where &= listing.supplier_standing.in_(filters.standings)
    if filters.price_min is not None or filters.price_max is not None:
        where &= _price_condition(listing, tier, filters)
    return where


def _spec_column(listing, name):
    "The text of a specification value"
    if backend.name == 'sqlite':
        return Cast(JsonExtract(listing.specs, '$.' + name), 'TEXT')
    return JsonbText(listing.specs, name)


def _numeric(column):
    "SQLite keeps decimals as text: compare them as numbers"
    return Cast(column, 'NUMERIC') if backend.name == 'sqlite' else column


def _price_condition(listing, tier, filters):
    "Price of the tier that applies at the quantity within the range"
    low = (_numeric(Literal(filters.price_min))
        if filters.price_min is not None else None)
    high = (_numeric(Literal(filters.price_max))
        if filters.price_max is not None else None)
    first, lowest = _numeric(listing.price_from), _numeric(listing.price_lowest)
    if filters.quantity is None:
        return _between(first, low, high)
    # Prices never rise with the quantity (Listing.check_tiers): the price
    # at a quantity reached by the first tier lies between the last tier's
    # price (price_lowest) and the first's (price_from), and is the last
    # tier's from its quantity on.  The bounds settle most listings; only
    # the others read their tiers.
    quantity = Literal(filters.quantity)
    possible = ((listing.tier_first_quantity <= quantity)
        & _between(first, low, None) & _between(lowest, None, high))
    settled = _between(lowest, low, None) & (
        (listing.tier_last_quantity <= quantity)
        | _between(first, None, high))
    having = _between(Min(_numeric(tier.unit_price)), low, high)
    read = (listing.tier_last_quantity > quantity) & Exists(tier.select(
            Literal(1),
            where=(tier.listing == listing.id) & (tier.quantity <= quantity),
            group_by=[tier.listing], having=having))
    return possible & (settled | read)


def _between(value, low, high):
    "value within the bounds that are not None"
    conditions = ([value >= low] if low is not None else []) + (
        [value <= high] if high is not None else [])
    return And(conditions) if conditions else Literal(True)


def _keyword(listing, terms, mode, filters):
    """Condition and rank of the keywords and of the filters held in the
    vector; mode is 'words', 'prefix' (the last term also as a prefix) or
    'fuzzy' (trigram word similarity on the title, PostgreSQL)"""
    if backend.name != 'postgresql':
        if not terms:
            return None, listing.favourite_count
        condition = And([Like(listing.search_text, f'%{t}%') for t in terms])
        return condition, _title_rank(listing, terms)
    by_filters = filter_tsquery(filters)
    condition = (Matches(listing.search_vector, Cast(by_filters, 'tsquery'))
        if by_filters else None)
    if not terms:
        return condition, listing.favourite_count
    if mode == 'fuzzy':
        text = ' '.join(terms)
        similar = WordSimilar(text, listing.search_title)
        return (similar & condition if condition is not None else similar,
            WordSimilarity(text, listing.search_title))
    query = ' & '.join(filter(None,
            [tsquery(terms, prefix=mode == 'prefix'), by_filters]))
    return (Matches(listing.search_vector, Cast(query, 'tsquery')),
        _title_rank(listing, terms))


# A keyword in the title outweighs any number of favourites
TITLE_WEIGHT = 1000000


def _title_rank(listing, terms):
    """Relevance: how many keywords the title holds, then how often buyers
    saved the listing.  The documents hold each word once, so ts_rank
    would only measure their length, and it reads every matching vector"""
    rank = listing.favourite_count
    for term in terms:
        pattern = '%' + term.replace('\\', '\\\\').replace(
            '%', '\\%').replace('_', '\\_') + '%'
        rank += Case((Like(listing.search_title, pattern, escape='\\'),
                TITLE_WEIGHT), else_=0)
    return rank


def run(query='', filters=None, sort='relevance', offset=0, limit=20):
    """Search the published listings; return ids, total and facet counts.

    On PostgreSQL the keywords are matched as whole words first: a prefix
    scan of a common word ("valve":* → valve, valves, valveless...) costs
    the index most of the query.  Only when whole words fill less than the
    page is the last term also tried as the start of a word, and only when
    nothing matches are the words compared by trigram similarity, which
    forgives typos."""
    filters = filters or Filters()
    terms = searchtext.query_terms(query)
    result = _run(terms, 'words', filters, sort, offset, limit)
    if backend.name != 'postgresql' or not terms:
        return result
    if result.total < limit and can_prefix(terms):
        result = _run(terms, 'prefix', filters, sort, offset, limit)
    if not result.total and Transaction().database.has_extension('pg_trgm'):
        result = _run(terms, 'fuzzy', filters, sort, offset, limit)
    return result


def _run(terms, mode, filters, sort, offset, limit):
    pool = Pool()
    Listing = pool.get('s2b2b.listing')
    Tier = pool.get('s2b2b.listing.price_tier')
    listing, tier = Listing.__table__(), Tier.__table__()
    where = _where(listing, tier, filters, dt.date.today())
    condition, rank = _keyword(listing, terms, mode, filters)
    if condition is not None:
        where &= condition
    lead = Case(*((listing.lead_time <= n, key)
            for n, key in LEAD_TIME_BUCKETS), else_='gt30')
    matched = listing.select(
        listing.id, listing.category, listing.province,
        listing.supplier_standing.as_('standing'),
        listing.in_stock, lead.as_('lead_bucket'),
        _numeric(listing.price_from).as_('price_from'), listing.lead_time,
        listing.published_date, rank.as_('rank'), where=where,
        limit=COUNT_LIMIT + 1)
    result = _execute(matched, sort, offset, limit, mode == 'fuzzy')
    if result.capped and sort in SORT_COLUMNS:
        # An order on a column is exact over every match, not the first ones
        result = result._replace(ids=_page(listing, where, sort, offset,
                limit))
    return result


SORT_COLUMNS = {
    'price': lambda l: [_numeric(l.price_from).asc, l.id.desc],
    'price_desc': lambda l: [_numeric(l.price_from).desc, l.id.desc],
    'lead_time': lambda l: [l.lead_time.asc, l.id.desc],
    'newest': lambda l: [l.published_date.desc, l.id.desc],
    }


def _page(listing, where, sort, offset, limit):
    cursor = Transaction().connection.cursor()
    cursor.execute(*listing.select(listing.id, where=where,
            order_by=SORT_COLUMNS[sort](listing),
            limit=min(max(int(limit), 1), MAX_LIMIT),
            offset=max(int(offset), 0)))
    return [i for i, in cursor]


def _order(sort):
    return {
        'price': 'm.price_from ASC, m.id DESC',
        'price_desc': 'm.price_from DESC, m.id DESC',
        'lead_time': 'm.lead_time ASC, m.rank DESC, m.id DESC',
        'newest': 'm.published_date DESC, m.id DESC',
        }.get(sort, 'm.rank DESC, m.id DESC')


def _execute(matched, sort, offset, limit, fuzzy):
    sql, params = tuple(matched)
    materialized = 'MATERIALIZED ' if backend.name == 'postgresql' else ''
    columns = [('category', 'm.category'), ('province', 'm.province'),
        ('standing', 'm.standing'), ('in_stock', 'CAST(m.in_stock AS TEXT)'),
        ('lead_time', 'm.lead_bucket')]
    if backend.name == 'postgresql':
        # One pass over the matches for every facet
        kind = 'CASE %s END' % ' '.join(
            f"WHEN GROUPING({c}) = 0 THEN '{n}'" for n, c in columns)
        key = 'COALESCE(%s)' % ', '.join(
            f'CAST({c} AS TEXT)' for _, c in columns)
        facets = (f'SELECT {kind}, {key}, COUNT(*) FROM m GROUP BY '
            'GROUPING SETS (%s)' % ', '.join(f'({c})' for _, c in columns))
    else:
        columns[3] = ('in_stock', 'CAST(m.in_stock AS INTEGER)')
        facets = ' UNION ALL '.join(
            f"SELECT '{name}', CAST({column} AS TEXT), COUNT(*) "
            f"FROM m GROUP BY {column}" for name, column in columns)
    statement = (
        f'WITH m AS {materialized}({sql}) '
        f"SELECT * FROM (SELECT '_', CAST(m.id AS TEXT), 0 FROM m "
        f'ORDER BY {_order(sort)} LIMIT %s OFFSET %s) AS page '
        f'UNION ALL {facets}')
    if backend.name == 'sqlite':
        statement = statement.replace('%s', '?')
    cursor = Transaction().connection.cursor()
    if backend.name == 'postgresql':
        # At a million listings the planner's cost estimates pass the JIT
        # threshold, compiling costs more than the query itself; parallel
        # workers help one query and starve the concurrent ones
        cursor.execute('SET LOCAL jit = off; '
            'SET LOCAL max_parallel_workers_per_gather = 0')
    cursor.execute(statement, params + (
            min(max(int(limit), 1), MAX_LIMIT), max(int(offset), 0)))
    ids, facet_counts = [], {name: {} for name in FACETS}
    for kind, key, count in cursor:
        if kind == '_':
            ids.append(int(key))
        else:
            facet_counts[kind][_facet_key(kind, key)] = count
    total = sum(facet_counts['standing'].values())
    capped = total > COUNT_LIMIT
    return Result(ids, min(total, COUNT_LIMIT), facet_counts, fuzzy, capped)


def _facet_key(kind, key):
    if kind == 'category':
        return int(key) if key is not None else None
    if kind == 'in_stock':
        return key in {'1', 'true'}
    return key
