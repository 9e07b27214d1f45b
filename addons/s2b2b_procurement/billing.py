# This file is part of the S2B2B platform.  The COPYRIGHT file at the top
# level of this repository contains the full copyright notices and license
# terms.
"""Consolidated billing per period.

A member billed weekly or monthly (``s2b2b.member.billing_period``) gets
one invoice per period and side instead of one per order: what Tryton
invoices when a receipt is confirmed is added to the member's draft
invoice of the period (the buyer's customer invoice, the supplier's
invoice to the platform).  The invoice is posted, dated the period's last
day, when the period ends (a cron), or earlier by an operator.  Credit
notes of returns stay on their own and are posted when the return is
received.
"""
from collections import defaultdict

from trytond.model import ModelView, fields
from trytond.pool import Pool, PoolMeta
from trytond.pyson import Eval
from trytond.transaction import Transaction

from . import ordering
from .order import log


class Invoice(metaclass=PoolMeta):
    __name__ = 'account.invoice'

    s2b2b_billing_start = fields.Date(
        "Billing Period Start", readonly=True,
        help="The first day of the period this consolidated invoice bills.")
    s2b2b_billing_end = fields.Date(
        "Billing Period End", readonly=True,
        help="The last day of the period: the invoice is posted after it.")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._buttons.update({
                's2b2b_close_billing_button': {
                    'invisible': ((Eval('state') != 'draft')
                        | ~Eval('s2b2b_billing_end')),
                    'depends': ['state', 's2b2b_billing_end'],
                    },
                })

    @classmethod
    def copy(cls, invoices, default=None):
        default = dict(default or {})
        default.setdefault('s2b2b_billing_start')
        default.setdefault('s2b2b_billing_end')
        return super().copy(invoices, default=default)

    @classmethod
    def s2b2b_close_billing(cls, date=None):
        """Post the consolidated invoices whose period ended before date
        (default today), each dated its period's last day (the cron)"""
        date = date or Pool().get('ir.date').today()
        invoices = cls.search([
                ('state', '=', 'draft'),
                ('s2b2b_billing_end', '<', date),
                ])
        # Nobody answers a warning here: the payment date of an invoice
        # dated the period's end may already have passed, as agreed
        with Transaction().set_context(_skip_warnings=True):
            cls._s2b2b_post_consolidated(invoices)

    @classmethod
    @ModelView.button
    def s2b2b_close_billing_button(cls, invoices):
        "An operator posts consolidated invoices before their period ends"
        cls._s2b2b_post_consolidated([i for i in invoices
                if i.state == 'draft' and i.s2b2b_billing_end])

    @classmethod
    def _s2b2b_post_consolidated(cls, invoices):
        "Post the invoices dated their period's last day, or today if sooner"
        pool = Pool()
        Member = pool.get('s2b2b.member')
        if not invoices:
            return
        today = pool.get('ir.date').today()
        by_date = defaultdict(list)
        for invoice in invoices:
            if not invoice.invoice_date:
                by_date[min(invoice.s2b2b_billing_end, today)].append(
                    invoice)
        for date, records in by_date.items():
            cls.write(records, {'invoice_date': date})
        cls.post(invoices)
        members = {m.party: m for m in Member.search([
                    ('party', 'in', list({i.party.id for i in invoices})),
                    ])}
        log('order.invoiced', invoices, lambda i: members.get(i.party),
            lambda i: {'number': i.number, 'type': i.type,
                'total': i.total_amount,
                'period': [str(i.s2b2b_billing_start),
                    str(i.s2b2b_billing_end)]})


def consolidated(records, member):
    "The records (sales or purchases) whose member is billed per period"
    return [r for r in records if member(r) and member(r).billing_period
        # Returns are credited on their own
        and all((l.quantity or 0) >= 0 for l in r.lines
            if l.type == 'line')]


def invoice_per_period(records, member):
    """Add what the records invoice now to their member's draft invoice of
    the period, made when there is none.  The lines of an existing draft
    are created on their own: the draft grows all period long, it is not
    read back for each order."""
    pool = Pool()
    Invoice = pool.get('account.invoice')
    InvoiceLine = pool.get('account.invoice.line')
    today = pool.get('ir.date').today()
    invoices, new, lines = {}, [], []
    for record in records:
        invoice = record.create_invoice()
        if not invoice:
            continue
        start, end = ordering.billing_period(
            member(record).billing_period, today)
        key = (invoice.type, invoice.party.id, invoice.company.id,
            invoice.currency.id, start)
        if key not in invoices:
            drafts = Invoice.search([
                    ('type', '=', invoice.type),
                    ('party', '=', invoice.party.id),
                    ('company', '=', invoice.company.id),
                    ('currency', '=', invoice.currency.id),
                    ('state', '=', 'draft'),
                    ('s2b2b_billing_start', '=', start),
                    ], limit=1)
            if not drafts:
                invoice.s2b2b_billing_start = start
                invoice.s2b2b_billing_end = end
                invoices[key] = invoice
                new.append(invoice)
                continue
            invoices[key], = drafts
        target = invoices[key]
        if target in new:
            target.lines = list(target.lines) + list(invoice.lines)
        else:
            for line in invoice.lines:
                line.invoice = target
                lines.append(line)
    Invoice.save(new)
    InvoiceLine.save(lines)


class Sale(metaclass=PoolMeta):
    __name__ = 'sale.sale'

    @classmethod
    def _process_invoice(cls, sales):
        periodic = consolidated(sales, lambda s: s.s2b2b_buyer)
        super()._process_invoice([s for s in sales if s not in periodic])
        invoice_per_period(periodic, lambda s: s.s2b2b_buyer)


class Purchase(metaclass=PoolMeta):
    __name__ = 'purchase.purchase'

    @classmethod
    def _process_invoice(cls, purchases):
        periodic = consolidated(purchases, lambda p: p.s2b2b_supplier)
        super()._process_invoice(
            [p for p in purchases if p not in periodic])
        invoice_per_period(periodic, lambda p: p.s2b2b_supplier)
