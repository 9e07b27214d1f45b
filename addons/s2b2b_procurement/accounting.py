# This file is part of the S2B2B platform.  The COPYRIGHT file at the top
# level of this repository contains the full copyright notices and license
# terms.
"""The platform company's accounting, set up once for the demo and tests.

``setup_company(company)`` makes the company able to trade listings: a
chart of accounts from Tryton's template, the fiscal year of today with
its periods and invoice sequences, a payment term, the accounting
category of listing products, the portal user in the company (so that
the company record rules let members read their documents) and listing
products already published made tradable.  Each step leaves what exists
alone, so running it again changes nothing."""
import datetime as dt
from types import SimpleNamespace

from trytond.pool import Pool
from trytond.transaction import Transaction, without_check_access

CHART_TEMPLATE = ('account', 'account_template_root_en')
ACCOUNT_KINDS = ['receivable', 'payable', 'revenue', 'expense']
PAYMENT_TERM_NAME = "S2B2B Direct"
CATEGORY_NAME = "S2B2B Listings"
INVOICE_KINDS = ['out_invoice', 'out_credit_note', 'in_invoice',
    'in_credit_note']


def setup_company(company, date=None):
    "Set up the company's accounting; return its accounts, term, category"
    date = date or Pool().get('ir.date').today()
    transaction = Transaction()
    with transaction.set_user(0), without_check_access(), \
            transaction.set_context(company=company.id):
        accounts = ensure_chart(company)
        ensure_fiscal_year(company, date)
        term = ensure_payment_term()
        category = ensure_account_category(company, accounts)
        configure(category, term)
        ensure_portal_user(company)
        make_listings_tradable()
    return SimpleNamespace(
        accounts=accounts, payment_term=term, category=category)


def get_accounts(company):
    "{kind: account} of the company's chart, None where it has none"
    Account = Pool().get('account.account')
    accounts = {}
    for kind in ACCOUNT_KINDS:
        found = Account.search([
                (f'type.{kind}', '=', True),
                ('company', '=', company.id),
                ('closed', '!=', True),
                ], limit=1, order=[('code', 'ASC'), ('id', 'ASC')])
        accounts[kind] = found[0] if found else None
    return accounts


def ensure_chart(company):
    "Create the chart and default accounts unless the company has a chart"
    pool = Pool()
    Account = pool.get('account.account')
    if not Account.search([('company', '=', company.id)], limit=1):
        _create_chart(company)
    return get_accounts(company)


def _create_chart(company):
    pool = Pool()
    CreateChart = pool.get('account.create_chart', type='wizard')
    ModelData = pool.get('ir.model.data')
    template = ModelData.get_id(*CHART_TEMPLATE)
    session_id, _, _ = CreateChart.create()
    CreateChart.execute(session_id, {'account': {
                'company': company.id, 'account_template': template,
                }}, 'create_account')
    accounts = get_accounts(company)
    CreateChart.execute(session_id, {'properties': {
                'company': company.id,
                'account_receivable': accounts['receivable'].id,
                'account_payable': accounts['payable'].id,
                'category_account_expense': accounts['expense'].id,
                'category_account_revenue': accounts['revenue'].id,
                }}, 'create_properties')
    CreateChart.delete(session_id)


def ensure_fiscal_year(company, date):
    "The fiscal year of date's calendar year, unless one covers date"
    pool = Pool()
    FiscalYear = pool.get('account.fiscalyear')
    if FiscalYear.search([
                ('company', '=', company.id),
                ('start_date', '<=', date),
                ('end_date', '>=', date),
                ], limit=1):
        return
    year = date.year
    sequences = _strict_sequences(company, year)
    fiscalyear = FiscalYear(
        name=str(year), company=company,
        start_date=dt.date(year, 1, 1), end_date=dt.date(year, 12, 31),
        move_sequence=sequences['move'],
        invoice_sequences=[{
                'company': company.id,
                'out_invoice_sequence': sequences['out'].id,
                'out_credit_note_sequence': sequences['out'].id,
                'in_invoice_sequence': sequences['in'].id,
                'in_credit_note_sequence': sequences['in'].id,
                }])
    FiscalYear.save([fiscalyear])
    FiscalYear.create_period([fiscalyear])


def _strict_sequences(company, year):
    pool = Pool()
    Sequence = pool.get('ir.sequence.strict')
    ModelData = pool.get('ir.model.data')
    types = {
        'move': ('account', 'sequence_type_account_move', ''),
        'out': ('account_invoice', 'sequence_type_account_invoice',
            f'{year}-C'),
        'in': ('account_invoice', 'sequence_type_account_invoice',
            f'{year}-S'),
        }
    sequences = {key: Sequence(
            name=f'{key.title()} {year}', company=company,
            sequence_type=ModelData.get_id(module, xml_id), prefix=prefix)
        for key, (module, xml_id, prefix) in types.items()}
    Sequence.save(list(sequences.values()))
    return sequences


def ensure_payment_term():
    "A single 'pay all' payment term for orders"
    PaymentTerm = Pool().get('account.invoice.payment_term')
    terms = PaymentTerm.search([('name', '=', PAYMENT_TERM_NAME)], limit=1)
    if terms:
        return terms[0]
    term = PaymentTerm(
        name=PAYMENT_TERM_NAME, lines=[{'type': 'remainder'}])
    term.save()
    return term


def ensure_account_category(company, accounts):
    "The accounting category of listing products, on the company's accounts"
    Category = Pool().get('product.category')
    categories = Category.search([
            ('name', '=', CATEGORY_NAME), ('accounting', '=', True)],
        limit=1)
    category = categories[0] if categories else Category(
        name=CATEGORY_NAME, accounting=True)
    if (category.id is None or category.account_revenue is None
            or category.account_expense is None):
        category.account_revenue = accounts['revenue']
        category.account_expense = accounts['expense']
        category.save()
    return category


def configure(category, term):
    "Remember the category and term in the platform configuration"
    Configuration = Pool().get('s2b2b.configuration')
    configuration = Configuration(1)
    if (configuration.listing_account_category != category
            or configuration.order_payment_term != term):
        configuration.listing_account_category = category
        configuration.order_payment_term = term
        configuration.save()


def ensure_portal_user(company):
    """Member requests read sales, purchases, shipments and invoices of the
    platform company: the company record rules need it among the portal
    user's companies"""
    pool = Pool()
    User = pool.get('res.user')
    ModelData = pool.get('ir.model.data')
    user = User(ModelData.get_id('s2b2b_platform', 'user_portal'))
    if company not in user.companies or user.company != company:
        user.companies = list(set(user.companies) | {company})
        user.company = company
        user.save()


def make_listings_tradable():
    "Make tradable the products of listings published before set-up"
    Listing = Pool().get('s2b2b.listing')
    listings = Listing.search([('product', '!=', None)])
    Listing.s2b2b_make_tradable(listings)
