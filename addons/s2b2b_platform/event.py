# This file is part of the S2B2B platform.  The COPYRIGHT file at the top
# level of this repository contains the full copyright notices and license
# terms.
"""Append-only, hash-chained platform event log.

Appending never waits on other writers: an entry is inserted unsealed and
sealed later, in order, by one sealer at a time (an advisory lock; queued
after each commit and run by cron as a safety net).  A unique sequence
makes a sealer working from a stale snapshot fail instead of forking the
chain; its entries are sealed by the next run.  Sealing assigns the chain
sequence, the previous hash and the entry's hash; after that nothing may
change the entry through Tryton, and verification detects any change made
around it.
"""
import datetime as dt
import json

from sql import Null, Select

from trytond.i18n import gettext
from trytond.model import Index, ModelSQL, ModelView, Unique, fields
from trytond.pool import Pool
from trytond.pyson import Eval
from trytond.transaction import Transaction, without_check_access
from trytond.wizard import Button, StateView, Wizard

from . import hashchain
from .exceptions import EventLogReadOnly

# Context key that lets the sealer fill the chain fields
SEAL_KEY = '_s2b2b_event_seal'
SEAL_LOCK_ID = 0x5_2b2b_e7
VERIFY_BATCH = 1000


def _reference(record):
    if record is None:
        return None
    return f'{record.__name__},{record.id}'


class Event(ModelSQL, ModelView):
    __name__ = 's2b2b.event'
    _rec_name = 'event'

    sequence = fields.Integer("Sequence", readonly=True)
    timestamp = fields.Timestamp("Time", readonly=True, required=True)
    event = fields.Char("Event", readonly=True, required=True)
    member = fields.Many2One(
        's2b2b.member', "Member", readonly=True, ondelete='RESTRICT')
    resource = fields.Reference(
        "Resource", selection='get_resources', readonly=True)
    user = fields.Many2One(
        'res.user', "User", readonly=True, ondelete='RESTRICT')
    data = fields.Text("Data", readonly=True)
    prev_hash = fields.Char("Previous Hash", readonly=True)
    hash = fields.Char("Hash", readonly=True)
    sealed = fields.Function(fields.Boolean("Sealed"), 'get_sealed')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints += [
            ('sequence_unique', Unique(t, t.sequence),
                's2b2b_platform.msg_event_sequence_unique'),
            ]
        cls._sql_indexes.update({
                Index(t, (t.id, Index.Range()), where=t.sequence == Null),
                Index(t, (t.member, Index.Range()),
                    (t.id, Index.Range(order='DESC'))),
                })
        cls._order = [('sequence', 'DESC NULLS FIRST'), ('id', 'DESC')]

    @classmethod
    def get_resources(cls):
        pool = Pool()
        Model = pool.get('ir.model')
        return [(None, '')] + Model.get_name_items()

    def get_sealed(self, name):
        return self.hash is not None

    def content(self):
        "The content the hash covers, in canonical form"
        return {
            'sequence': self.sequence,
            'timestamp': self.timestamp,
            'event': self.event,
            'member': self.member.id if self.member else None,
            'resource': _reference(self.resource),
            'user': self.user.id if self.user else None,
            'data': json.loads(self.data) if self.data else None,
            }

    @classmethod
    def append(cls, entries):
        """Append events: dicts with event, member, resource and data.

        The entries are sealed into the chain after the transaction commits.
        """
        if not entries:
            return []
        user = Transaction().user
        now = dt.datetime.now()
        # Records keep the context they are instantiated in
        with without_check_access(), \
                Transaction().set_context({SEAL_KEY: True}):
            events = [cls(
                    timestamp=now,
                    event=e['event'],
                    member=e.get('member'),
                    resource=e.get('resource'),
                    user=e.get('user', user) or None,
                    data=hashchain.canonical(e.get('data')).decode('utf-8'),
                    ) for e in entries]
            cls.save(events)
        cls.__queue__.seal(events)
        return events

    @classmethod
    def check_modification(cls, mode, events, values=None, external=False):
        super().check_modification(
            mode, events, values=values, external=external)
        sealing = Transaction().context.get(SEAL_KEY)
        if mode == 'create' and sealing:
            return
        if (mode == 'write' and sealing
                and set(values) <= {'sequence', 'prev_hash', 'hash'}
                and all(e.hash is None for e in events)):
            return
        raise EventLogReadOnly(gettext('s2b2b_platform.msg_event_read_only'))

    @classmethod
    def copy(cls, events, default=None):
        if events:
            raise EventLogReadOnly(
                gettext('s2b2b_platform.msg_event_read_only'))
        return super().copy(events, default=default)

    @classmethod
    def _head(cls):
        heads = cls.search([('sequence', '!=', None)],
            order=[('sequence', 'DESC')], limit=1)
        if heads:
            return heads[0].sequence, heads[0].hash
        return 0, hashchain.GENESIS

    @classmethod
    def _sealer_lock(cls):
        "Try to become the only sealer until the transaction ends"
        transaction = Transaction()
        cursor = transaction.connection.cursor()
        cursor.execute(*Select([transaction.database.lock_id(SEAL_LOCK_ID)]))
        return bool(cursor.fetchone()[0])

    @classmethod
    def seal(cls, events=None):
        """Chain all unsealed events in the order they were appended.

        events is the batch a queued task was pushed for: sealing takes it
        with every other pending entry.
        """
        if not cls._sealer_lock():
            return
        with without_check_access(), \
                Transaction().set_context({SEAL_KEY: True}):
            pending = cls.search(
                [('sequence', '=', None)], order=[('id', 'ASC')])
            if not pending:
                return
            sequence, prev_hash = cls._head()
            for event in pending:
                sequence += 1
                event.sequence = sequence
                event.prev_hash = prev_hash
                event.hash = prev_hash = hashchain.entry_hash(
                    prev_hash, event.content())
            cls.save(pending)

    @classmethod
    def _chain_rows(cls, after):
        events = cls.search([('sequence', '>', after)],
            order=[('sequence', 'ASC')], limit=VERIFY_BATCH)
        return [(e.sequence, e.content(), e.prev_hash, e.hash)
            for e in events]

    @classmethod
    def verify(cls):
        """Verify the whole sealed chain.

        Return (number of entries checked, hashchain.Break or None).
        """
        checked, sequence, prev_hash = 0, 0, hashchain.GENESIS
        with without_check_access():
            while rows := cls._chain_rows(sequence):
                count, sequence, prev_hash, broken = hashchain.verify(
                    rows, prev_hash, sequence)
                checked += count
                if broken:
                    return checked, broken
        return checked, None

    @classmethod
    def find_by_sequence(cls, sequence):
        with without_check_access():
            events = cls.search([('sequence', '=', sequence)], limit=1)
        return events[0] if events else None


class VerifyStart(ModelView):
    __name__ = 's2b2b.event.verify.start'


class VerifyResult(ModelView):
    __name__ = 's2b2b.event.verify.result'

    valid = fields.Boolean("Valid", readonly=True)
    checked = fields.Integer("Entries Checked", readonly=True)
    message = fields.Text("Result", readonly=True)
    broken_sequence = fields.Integer("First Broken Entry", readonly=True,
        states={'invisible': Eval('valid', True)})
    broken_event = fields.Many2One(
        's2b2b.event', "First Broken Event", readonly=True,
        states={'invisible': ~Eval('broken_event')})


class Verify(Wizard):
    __name__ = 's2b2b.event.verify'
    start = StateView('s2b2b.event.verify.start',
        's2b2b_platform.event_verify_start_view_form', [
            Button("Cancel", 'end', 'tryton-cancel'),
            Button("Verify", 'result', 'tryton-ok', default=True),
            ])
    result = StateView('s2b2b.event.verify.result',
        's2b2b_platform.event_verify_result_view_form', [
            Button("Close", 'end', 'tryton-close', default=True),
            ])

    def default_result(self, fields):
        Event = Pool().get('s2b2b.event')
        checked, broken = Event.verify()
        if not broken:
            return {
                'valid': True,
                'checked': checked,
                'message': gettext(
                    's2b2b_platform.msg_event_chain_valid', count=checked),
                }
        event = Event.find_by_sequence(broken.sequence)
        return {
            'valid': False,
            'checked': checked,
            'broken_sequence': broken.sequence,
            'broken_event': event.id if event else None,
            'message': gettext(
                f's2b2b_platform.msg_event_chain_broken_{broken.reason}',
                sequence=broken.sequence),
            }
