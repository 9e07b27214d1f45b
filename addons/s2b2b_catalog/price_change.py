# This file is part of the S2B2B platform.  The COPYRIGHT file at the top
# level of this repository contains the full copyright notices and license
# terms.
import datetime as dt

from trytond.i18n import gettext
from trytond.model import Index, ModelSQL, ModelView, Workflow, fields
from trytond.pool import Pool
from trytond.pyson import Eval
from trytond.transaction import Transaction

from . import pricing
from .exceptions import ListingTierError, PriceChangeError
from .listing import tiers_from_json, tiers_to_json


class PriceChange(Workflow, ModelSQL, ModelView):
    "Listing Price Change"
    __name__ = 's2b2b.listing.price_change'

    listing = fields.Many2One(
        's2b2b.listing', "Listing", required=True, ondelete='CASCADE',
        readonly=True)
    supplier = fields.Function(
        fields.Many2One('s2b2b.member', "Supplier"), 'get_supplier',
        searcher='search_supplier')
    old_tiers = fields.Text("Old Tiers", readonly=True)
    new_tiers = fields.Text("New Tiers", required=True, readonly=True)
    old_tiers_text = fields.Function(
        fields.Char("Old Prices"), 'get_tiers_text')
    new_tiers_text = fields.Function(
        fields.Char("New Prices"), 'get_tiers_text')
    change_percent = fields.Numeric(
        "Change (%)", digits=(16, 2), readonly=True)
    effective_date = fields.Date("Effective Date", required=True,
        readonly=True)
    requested_by = fields.Many2One(
        'web.user', "Requested By", readonly=True, ondelete='SET NULL')
    reviewed_by = fields.Many2One(
        'res.user', "Reviewed By", readonly=True, ondelete='SET NULL')
    reason = fields.Text(
        "Review Note", states={'readonly': Eval('state') != 'pending'})
    state = fields.Selection([
            ('pending', "Pending Review"),
            ('approved', "Approved"),
            ('rejected', "Rejected"),
            ('applied', "Applied"),
            ], "State", readonly=True, required=True)
    state_string = state.translated('state')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_indexes.update({
                Index(t, (t.listing, Index.Equality())),
                Index(t, (t.state, Index.Equality(cardinality='low')),
                    (t.effective_date, Index.Range()),
                    where=t.state.in_(['pending', 'approved'])),
                })
        cls._order = [('create_date', 'DESC'), ('id', 'DESC')]
        cls._transitions |= {
            ('pending', 'approved'),
            ('pending', 'rejected'),
            ('approved', 'applied'),
            }
        cls._buttons.update({
                'approve': {
                    'invisible': Eval('state') != 'pending',
                    'icon': 'tryton-ok',
                    'depends': ['state'],
                    },
                'reject': {
                    'invisible': Eval('state') != 'pending',
                    'icon': 'tryton-cancel',
                    'depends': ['state'],
                    },
                })

    @staticmethod
    def default_state():
        return 'pending'

    @staticmethod
    def default_effective_date():
        return dt.date.today()

    def get_supplier(self, name):
        return self.listing.supplier.id

    @classmethod
    def search_supplier(cls, name, clause):
        return [('listing.supplier',) + tuple(clause[1:])]

    def get_tiers_text(self, name):
        text = getattr(self, name[:-len('_text')])
        return pricing.format_tiers(tiers_from_json(text)) if text else ''

    def get_rec_name(self, name):
        return f'{self.listing.rec_name} @ {self.effective_date}'

    @classmethod
    def request(cls, listing, tiers, effective_date=None, web_user=None):
        """Propose new price tiers for a published listing.

        Within the platform's limit the change is approved at once (and
        applied if due); beyond it the operator reviews it.
        """
        Configuration = Pool().get('s2b2b.configuration')
        if listing.state != 'published':
            raise PriceChangeError(gettext(
                    's2b2b_catalog.msg_price_change_not_published',
                    listing=listing.rec_name))
        try:
            pricing.check_tiers(tiers)
        except pricing.TierError as error:
            raise ListingTierError(gettext(
                    f's2b2b_catalog.msg_listing_tier_{error.args[0]}',
                    listing=listing.rec_name))
        today = dt.date.today()
        effective_date = effective_date or today
        if effective_date < today:
            raise PriceChangeError(gettext(
                    's2b2b_catalog.msg_price_change_past',
                    date=effective_date.isoformat()))
        percent = pricing.change_percent(listing.tiers, tiers)
        limit = Configuration(1).price_change_auto_percent
        change = cls(listing=listing, old_tiers=tiers_to_json(listing.tiers),
            new_tiers=tiers_to_json(tiers), change_percent=percent,
            effective_date=effective_date, requested_by=web_user,
            state='approved' if percent <= limit else 'pending')
        change.save()
        cls._log([change], 'listing.price_change.requested')
        if change.state == 'approved':
            # the platform applies it, not the supplier's user
            with Transaction().set_context(_check_access=False):
                cls.apply_due([change])
        return cls(change.id)

    @classmethod
    @ModelView.button
    @Workflow.transition('approved')
    def approve(cls, changes):
        # approved now, not after this method: apply_due needs the state
        cls.write(changes, {
                'reviewed_by': Transaction().user, 'state': 'approved'})
        cls._log(changes, 'listing.price_change.approved')
        cls.apply_due(changes)

    @classmethod
    @ModelView.button
    @Workflow.transition('rejected')
    def reject(cls, changes):
        cls.write(changes, {'reviewed_by': Transaction().user})
        cls._log(changes, 'listing.price_change.rejected')

    @classmethod
    @Workflow.transition('applied')
    def apply(cls, changes):
        "Replace the listings' tiers by the approved ones"
        pool = Pool()
        Tier = pool.get('s2b2b.listing.price_tier')
        listings = [c.listing for c in changes]
        with Transaction().set_context(
                _s2b2b_price_change=True, _check_access=False):
            Tier.delete([t for l in listings for t in l.price_tiers])
            Tier.save([Tier(listing=c.listing, quantity=q, unit_price=p)
                    for c in changes for q, p in tiers_from_json(
                        c.new_tiers)])
        cls._log(changes, 'listing.price_change.applied')

    @classmethod
    def apply_due(cls, changes=None):
        "Apply the approved changes whose date has come (also daily cron)"
        today = dt.date.today()
        if changes is None:
            changes = cls.search([
                    ('state', '=', 'approved'),
                    ('effective_date', '<=', today),
                    ], order=[('effective_date', 'ASC'), ('id', 'ASC')])
        due = [c for c in changes
            if c.state == 'approved' and c.effective_date <= today
            and c.listing.state == 'published']
        # one change per listing: the latest wins
        latest = {}
        for change in due:
            latest[change.listing.id] = change
        if due:
            cls.apply(due if len(latest) == len(due)
                else list(latest.values()))
            superseded = [c for c in due if c not in latest.values()]
            if superseded:
                super().write(superseded, {'state': 'applied'})

    @classmethod
    def _log(cls, changes, event):
        Event = Pool().get('s2b2b.event')
        Event.append([{
                    'event': event,
                    'member': c.listing.supplier.id,
                    'resource': str(c.listing),
                    'data': {
                        'listing': c.listing.id,
                        'old': c.old_tiers, 'new': c.new_tiers,
                        'percent': str(c.change_percent),
                        'effective_date': c.effective_date.isoformat(),
                        'requested_by': c.requested_by.id
                        if c.requested_by else None,
                        },
                    } for c in changes])
