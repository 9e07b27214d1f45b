# This file is part of the S2B2B platform.  The COPYRIGHT file at the top
# level of this repository contains the full copyright notices and license
# terms.
"""Recommendations with their reason.

A buyer's history is what it has saved (favourites); the procurement
module adds what it has ordered by extending ``history``.  Similar
buyers are those sharing listings in their history.
"""
from collections import Counter, namedtuple

from trytond.i18n import gettext
from trytond.pool import Pool

Recommendation = namedtuple('Recommendation', ['listing', 'reason', 'kind'])


def history(member):
    "Listing ids the buyer has shown interest in, most recent first"
    Favourite = Pool().get('s2b2b.listing.favourite')
    return [f.listing.id for f in Favourite.search(
            [('member', '=', member.id)], limit=50)]


def _visible(domain, limit, order=None):
    Listing = Pool().get('s2b2b.listing')
    return Listing.search(Listing.visible_domain() + domain, limit=limit,
        order=order or [('favourite_count', 'DESC'), ('id', 'DESC')])


def for_buyer(member, limit=8):
    "Listings for a buyer, each with why"
    Listing = Pool().get('s2b2b.listing')
    seen = history(member)
    result, shown = [], set(seen)

    def add(listings, reason, kind):
        for listing in listings:
            if listing.id not in shown and listing.supplier != member:
                shown.add(listing.id)
                result.append(Recommendation(listing, reason, kind))

    for source in Listing.browse(seen[:3]):
        add(_visible([('category', '=', source.category.id)], 3),
            gettext('s2b2b_catalog.msg_recommend_because',
                listing=source.rec_name), 'history')
    for supplier, listing in similar_buyers_suppliers(member, seen):
        add([listing], gettext('s2b2b_catalog.msg_recommend_similar',
                supplier=supplier.rec_name), 'similar')
    if len(result) < limit:
        for listing in _visible([], limit * 2):
            add([listing], gettext('s2b2b_catalog.msg_recommend_popular',
                    category=listing.category.rec_name), 'popular')
    return result[:limit]


def similar_buyers_suppliers(member, seen, limit=3):
    """Suppliers that buyers sharing the member's history source from,
    with the listing most of them keep"""
    pool = Pool()
    Favourite = pool.get('s2b2b.listing.favourite')
    Listing = pool.get('s2b2b.listing')
    if not seen:
        return []
    peers = {f.member.id for f in Favourite.search([
                ('listing', 'in', seen), ('member', '!=', member.id)])}
    if not peers:
        return []
    own_suppliers = {l.supplier.id for l in Listing.browse(seen)}
    counts = Counter(f.listing.id for f in Favourite.search(
            [('member', 'in', list(peers))]))
    counts = Counter({l: counts[l.id] for l in _visible([
                    ('id', 'in', list(counts)),
                    ('supplier', 'not in', list(own_suppliers)),
                    ], None)})
    by_supplier = {}
    for listing, _ in counts.most_common():
        by_supplier.setdefault(listing.supplier, listing)
    return list(by_supplier.items())[:limit]


def for_supplier(member, limit=5):
    """Categories buyers are interested in where the supplier lists too,
    with how many buyers saved listings there (no buyer is named)"""
    pool = Pool()
    Favourite = pool.get('s2b2b.listing.favourite')
    Listing = pool.get('s2b2b.listing')
    categories = {l.category for l in Listing.search(
            [('supplier', '=', member.id)])}
    if not categories:
        return []
    buyers = Counter()
    for favourite in Favourite.search(
            [('listing.category', 'in', [c.id for c in categories])]):
        buyers[favourite.listing.category] += 1
    return [(category, count, gettext(
                's2b2b_catalog.msg_recommend_demand',
                category=category.rec_name, count=count))
        for category, count in buyers.most_common(limit)]
