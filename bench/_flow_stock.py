"""Fixture setup, the drop-ship flow and its verification for stock_reference.

Everything here runs in-process through trytond's ORM (Pool / Transaction)
and the core modules' public model and wizard methods; see the docstring of
``stock_reference.py`` for what is measured.
"""
import datetime as dt
import functools
from dataclasses import dataclass, field
from decimal import Decimal

from trytond.pool import Pool
from trytond.transaction import Transaction, TransactionError

# Explicitly activated; their dependencies (account, account_invoice, stock,
# purchase_request, sale_supply, company, party, currency, product, ...) are
# activated by trytond.
MODULES = [
    'sale_supply_drop_shipment', 'sale', 'purchase',
    'account_invoice_stock', 'account_product']
PREFIX = 'Bench'
N_CUSTOMERS = 50
QUANTITY = 5.0


class SqlCounter:
    """Counts statements sent through trytond's PostgreSQL cursors.

    Every pooled connection of ``trytond.backend.postgresql`` is opened with
    ``cursor_factory=LoggingCursor``; wrapping its ``execute`` and
    ``executemany`` therefore sees every statement trytond issues."""
    count = 0
    active = False

    @classmethod
    def install(cls):
        from trytond.backend.postgresql.database import LoggingCursor
        if getattr(LoggingCursor, '_bench_counted', False):
            return

        def wrap(method):
            @functools.wraps(method)
            def counted(self, *args, **kwargs):
                if cls.active:
                    cls.count += 1
                return method(self, *args, **kwargs)
            return counted
        LoggingCursor.execute = wrap(LoggingCursor.execute)
        LoggingCursor.executemany = wrap(LoggingCursor.executemany)
        LoggingCursor._bench_counted = True


@dataclass
class Fixture:
    database: str
    user: int
    context: dict
    company: int
    product: int
    supplier: int
    customers: list
    # locks to take at transaction start, learned from TransactionError
    extras: dict = field(default_factory=dict)


# --- setup (untimed) ---------------------------------------------------------

def in_transaction(database, user, func, context=None, extras=None,
        on_retry=None):
    """Run func() in a committed transaction; like trytond's dispatcher,
    retry with the locks a TransactionError asks for (singleton creation).
    extras: the locks learned so far, kept by the caller for its next
    transactions (as stock_reference keeps them in fixture.extras);
    on_retry() is called on each restart."""
    if extras is None:
        extras = {}
    while True:
        with Transaction().start(
                database, user, context=context, **extras) as transaction:
            try:
                return func()
            except TransactionError as exception:
                transaction.rollback()
                transaction.tasks.clear()
                exception.fix(extras)
                if on_retry:
                    on_retry()


def setup_fixture(database):
    "Company, chart, fiscal year, product and parties; return the Fixture."
    in_transaction(database, 0, _setup)
    return load_fixture(database)


def _setup():
    company = create_company()
    with Transaction().set_context(company=company):
        create_chart(company)
        create_fiscalyear(company)
        payment_term = create_payment_term()
        supplier = create_parties(payment_term)
        create_product(supplier, get_accounts(company))
        drain_queue()


def create_company():
    "CNY company, linked to the admin user like company.company.config does."
    pool = Pool()
    Currency = pool.get('currency.currency')
    Party = pool.get('party.party')
    Company = pool.get('company.company')
    User = pool.get('res.user')
    currency, = Currency.create([{
                'name': 'Chinese Yuan Renminbi', 'code': 'CNY',
                'symbol': '¥', 'rounding': Decimal('0.01'), 'digits': 2}])
    party, = Party.create([{
                'name': f'{PREFIX} Company', 'addresses': [('create', [{}])]}])
    company, = Company.create([{'party': party.id, 'currency': currency.id}])
    User.write(User.search([('login', '=', 'admin')]), {
            'companies': [('add', [company.id])],
            'company': company.id,
            })
    return company.id


def create_chart(company):
    "Run the account.create_chart wizard with the English template."
    pool = Pool()
    CreateChart = pool.get('account.create_chart', type='wizard')
    ModelData = pool.get('ir.model.data')
    template = ModelData.get_id('account', 'account_template_root_en')
    session_id, _, _ = CreateChart.create()
    CreateChart.execute(session_id, {'account': {
                'company': company, 'account_template': template}},
        'create_account')
    accounts = get_accounts(company)
    CreateChart.execute(session_id, {'properties': {
                'company': company,
                'account_receivable': accounts['receivable'],
                'account_payable': accounts['payable'],
                'category_account_expense': accounts['expense'],
                'category_account_revenue': accounts['revenue'],
                }}, 'create_properties')
    CreateChart.delete(session_id)


def get_accounts(company):
    "Return {kind: account id} for receivable, payable, revenue, expense."
    Account = Pool().get('account.account')
    accounts = {}
    for kind in ['receivable', 'payable', 'revenue', 'expense']:
        account, = Account.search([
                (f'type.{kind}', '=', True),
                ('company', '=', company),
                ('closed', '!=', True),
                ], limit=1)
        accounts[kind] = account.id
    return accounts


def create_fiscalyear(company):
    "Calendar fiscal year of today, move + invoice sequences, monthly periods."
    pool = Pool()
    FiscalYear = pool.get('account.fiscalyear')
    Sequence = pool.get('ir.sequence.strict')
    ModelData = pool.get('ir.model.data')
    year = pool.get('ir.date').today().year
    move_seq, invoice_seq = Sequence.create([{
                'name': f'{name} {year}', 'company': company,
                'sequence_type': ModelData.get_id(module, fs_id)}
            for name, module, fs_id in [
                ('Move', 'account', 'sequence_type_account_move'),
                ('Invoice', 'account_invoice', 'sequence_type_account_invoice'),
                ]])
    kinds = ['in_invoice', 'in_credit_note', 'out_invoice', 'out_credit_note']
    fiscalyear, = FiscalYear.create([{
                'name': str(year), 'company': company,
                'start_date': dt.date(year, 1, 1),
                'end_date': dt.date(year, 12, 31),
                'move_sequence': move_seq.id,
                'invoice_sequences': [('create', [{
                                'company': company,
                                **{f'{k}_sequence': invoice_seq.id
                                    for k in kinds}}])],
                }])
    FiscalYear.create_period([fiscalyear])


def create_payment_term():
    "A 'Direct' payment term (single remainder line)."
    PaymentTerm = Pool().get('account.invoice.payment_term')
    term, = PaymentTerm.create([{
                'name': 'Direct', 'lines': [('create', [{'type': 'remainder'}])],
                }])
    return term.id


def create_parties(payment_term):
    "One supplier and N_CUSTOMERS customers (one per flow of a batch)."
    Party = Pool().get('party.party')
    supplier, *_ = Party.create(
        [{'name': f'{PREFIX} Supplier', 'addresses': [('create', [{}])],
                'supplier_payment_term': payment_term}]
        + [{'name': f'{PREFIX} Customer {i:03d}',
                'addresses': [('create', [{'city': f'City {i}'}])],
                'customer_payment_term': payment_term}
            for i in range(N_CUSTOMERS)])
    return supplier.id


def create_product(supplier, accounts):
    "Goods supplied on sale, bought from `supplier` with drop shipment."
    pool = Pool()
    Category = pool.get('product.category')
    Template = pool.get('product.template')
    unit = pool.get('ir.model.data').get_id('product', 'uom_unit')
    category, = Category.create([{
                'name': f'{PREFIX} Account Category', 'accounting': True,
                'account_expense': accounts['expense'],
                'account_revenue': accounts['revenue']}])
    Template.create([{
                'name': f'{PREFIX} Drop Product', 'type': 'goods',
                'default_uom': unit, 'sale_uom': unit, 'purchase_uom': unit,
                'purchasable': True, 'salable': True,
                'list_price': Decimal('10'), 'supply_on_sale': 'always',
                'account_category': category.id,
                'products': [('create', [{'cost_price': Decimal('4')}])],
                'product_suppliers': [('create', [{
                                'party': supplier, 'drop_shipment': True,
                                'lead_time': dt.timedelta(0),
                                'prices': [('create', [{
                                                'quantity': 0,
                                                'unit_price': Decimal('3')}])],
                                }])],
                }])


def load_fixture(database):
    "Find the fixture records (for --reuse and after setup)."
    pool = Pool(database)
    with Transaction().start(database, 0):
        User = pool.get('res.user')
        Party = pool.get('party.party')
        admin, = User.search([('login', '=', 'admin')])
        product, = pool.get('product.product').search([
                ('template.name', '=', f'{PREFIX} Drop Product')])
        supplier, = Party.search([('name', '=', f'{PREFIX} Supplier')])
        customers = Party.search([
                ('name', 'like', f'{PREFIX} Customer %')], order=[('name', 'ASC')])
    with Transaction().start(database, admin.id):
        context = User.get_preferences(context_only=True)
    return Fixture(database, admin.id, context, context['company'],
        product.id, supplier.id, [c.id for c in customers])


# --- the flow (timed) --------------------------------------------------------

def drain_queue(meter=None):
    """Run the ir.queue tasks pushed so far (stock trytond without a worker
    runs them right after the request; here in the same transaction).
    Their time and SQL go to meter.tasks too, keyed by model.method."""
    Queue = Pool().get('ir.queue')
    tasks = Transaction().tasks
    while tasks:
        task = Queue(tasks.pop())
        if meter is None:
            task.run()
            continue
        with meter.task(f"{task.data['model']}.{task.data['method']}"):
            task.run()


def new(Model, **values):
    "Instantiate like a client: default values first, then `values`."
    record = Model(**Model.default_get(
            list(Model._fields.keys()), with_rec_name=False))
    for name, value in values.items():
        setattr(record, name, value)
    return record


def create_sales(fixture, customers):
    "One draft sale per customer with one line of the drop-ship product."
    pool = Pool()
    Sale = pool.get('sale.sale')
    Line = pool.get('sale.line')
    product = pool.get('product.product')(fixture.product)
    sales = []
    for customer in customers:
        sale = new(Sale, party=customer)
        sale.on_change_party()
        line = new(Line, sale=sale, product=product, quantity=QUANTITY)
        line.on_change_product()
        line.on_change_quantity()
        sale.lines = [line]
        sales.append(sale)
    Sale.save(sales)
    return sales


def confirm_sales(sales, meter):
    "quote -> confirm -> process (queued by confirm)."
    Sale = Pool().get('sale.sale')
    Sale.quote(sales)
    Sale.confirm(sales)
    drain_queue(meter)


def create_purchases(sale_ids):
    "Run the purchase.request.create_purchase wizard on the sales' requests."
    pool = Pool()
    Sale = pool.get('sale.sale')
    Request = pool.get('purchase.request')
    CreatePurchase = pool.get('purchase.request.create_purchase', type='wizard')
    request_ids = [l.purchase_request.id
        for s in Sale.browse(sale_ids) for l in s.lines]
    with Transaction().set_context(active_model='purchase.request',
            active_ids=request_ids, active_id=request_ids[0]):
        session_id, _, _ = CreatePurchase.create()
        CreatePurchase.execute(session_id, {}, 'start')
        CreatePurchase.delete(session_id)
    return [r.purchase for r in Request.browse(request_ids)]


def confirm_purchases(purchases, meter):
    "quote -> confirm -> process (queued; creates invoice + drop shipment)."
    Purchase = Pool().get('purchase.purchase')
    Purchase.quote(purchases)
    Purchase.confirm(purchases)
    drain_queue(meter)


def ship_drop_shipments(purchase_ids, meter):
    "ship then do the drop shipments of the purchases."
    pool = Pool()
    Purchase = pool.get('purchase.purchase')
    Shipment = pool.get('stock.shipment.drop')
    shipments = [s for p in Purchase.browse(purchase_ids)
        for s in p.drop_shipments]
    Shipment.ship(shipments)
    drain_queue(meter)
    Shipment.do(Shipment.browse([s.id for s in shipments]))
    drain_queue(meter)


def post_invoices(sale_ids, purchase_ids, meter):
    "Date the supplier invoices, post customer and supplier invoices."
    pool = Pool()
    Invoice = pool.get('account.invoice')
    out_invoices = [i for s in pool.get('sale.sale').browse(sale_ids)
        for i in s.invoices]
    in_invoices = [i for p in pool.get('purchase.purchase').browse(
            purchase_ids) for i in p.invoices]
    Invoice.write(in_invoices, {'invoice_date': pool.get('ir.date').today()})
    Invoice.post(out_invoices + in_invoices)
    drain_queue(meter)


def run_flows(fixture, customers, meter):
    "One flow per customer, each step called once for all; return sale ids."
    with meter.step('create_sale'):
        sales = create_sales(fixture, customers)
    with meter.step('confirm_sale'):
        confirm_sales(sales, meter)
    sale_ids = [s.id for s in sales]
    with meter.step('create_purchase'):
        purchases = create_purchases(sale_ids)
    with meter.step('confirm_purchase'):
        confirm_purchases(purchases, meter)
    purchase_ids = [p.id for p in purchases]
    with meter.step('drop_shipment'):
        ship_drop_shipments(purchase_ids, meter)
    with meter.step('post_invoices'):
        post_invoices(sale_ids, purchase_ids, meter)
    return sale_ids


# --- verification (untimed) --------------------------------------------------

def flow_errors(sale):
    "Return the problems of one flow (empty list when it is complete)."
    line, = sale.lines
    purchase = line.purchase_request.purchase
    checks = {
        'customer invoices': [i.state for i in sale.invoices],
        'supplier invoices': [i.state for i in purchase.invoices],
        'drop shipments': [s.state for s in sale.drop_shipments],
        }
    checks['invoice methods'] = [sale.invoice_method, purchase.invoice_method]
    expected = {'customer invoices': ['posted'],
        'supplier invoices': ['posted'], 'drop shipments': ['done'],
        'invoice methods': ['order', 'order']}
    return [f'sale {sale.id}: {name} {states} != {expected[name]}'
        for name, states in checks.items() if states != expected[name]]


def verify_flows(fixture, sale_ids):
    "Fail loudly unless every flow ended with posted invoices + done drop."
    pool = Pool(fixture.database)
    with Transaction().start(fixture.database, fixture.user, readonly=True,
            context=fixture.context):
        sales = pool.get('sale.sale').browse(sale_ids)
        errors = [e for sale in sales for e in flow_errors(sale)]
    if errors:
        raise SystemExit('stock_reference: flow verification failed:\n  '
            + '\n  '.join(errors[:20]))
