# This file is part of the S2B2B platform.  The COPYRIGHT file at the top
# level of this repository contains the full copyright notices and license
# terms.
"Search domains of computed selection fields, without a database"


def selection_domain(domains, clause):
    """Return the domain of a search clause on a computed selection field.

    domains maps each value to the domain of the records that have it;
    '=', '!=', 'in' and 'not in' are supported.
    """
    _, operator, value = clause[:3]
    values = value if operator in {'in', 'not in'} else [value]
    domain = ['OR'] + [domains[v] for v in values if v in domains]
    if operator in {'!=', 'not in'}:
        return ['NOT', domain]
    return domain
