# This file is part of the S2B2B platform.  The COPYRIGHT file at the top
# level of this repository contains the full copyright notices and license
# terms.
from trytond.pool import Pool, PoolMeta
from trytond.transaction import Transaction

# Transaction context key of the requesting member.  RPC strips keys
# starting with "_" from client contexts, so only server code sets it.
MEMBER_KEY = '_s2b2b_member'
# Record values read for one member are not served to another within a
# transaction (as core's company module does for the company)
Transaction.cache_keys.add(MEMBER_KEY)


def requesting_member():
    "Return the id of the member a request runs for, or None"
    return Transaction().context.get(MEMBER_KEY)


class Rule(metaclass=PoolMeta):
    __name__ = 'ir.rule'

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.domain.help += (
            '\n- "s2b2b_member" as the id of the requesting member'
            '\n- "s2b2b_party" as the party id of the requesting member')

    @classmethod
    def _get_cache_key(cls, model_names):
        return (*super()._get_cache_key(model_names), requesting_member())

    @classmethod
    def _get_context(cls, model_name):
        pool = Pool()
        Member = pool.get('s2b2b.member')
        context = super()._get_context(model_name)
        member_id = requesting_member()
        party_id = -1
        if member_id is not None:
            # SQL, not search: search fills the record cache, and doing so
            # in the middle of a write of the member would show its old
            # values to the validation of the write
            table = Member.__table__()
            cursor = Transaction().connection.cursor()
            cursor.execute(*table.select(table.party,
                    where=table.id == member_id, limit=1))
            row = cursor.fetchone()
            if row:
                party_id = row[0]
        context['s2b2b_member'] = member_id if member_id is not None else -1
        context['s2b2b_party'] = party_id
        return context


class Cron(metaclass=PoolMeta):
    __name__ = 'ir.cron'

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.method.selection.extend([
                ('s2b2b.member.document|check_expiry',
                    "Check Qualification Document Expiry"),
                ('s2b2b.event|seal', "Seal Platform Event Log"),
                ])
