# This file is part of the S2B2B platform.  The COPYRIGHT file at the top
# level of this repository contains the full copyright notices and license
# terms.
"Bulk import and export of supplier listings"
import io
import unittest
from decimal import Decimal
from unittest.mock import patch

from openpyxl import load_workbook

from trytond.modules.company.tests import create_company
from trytond.modules.s2b2b_catalog import importing, listing_import
from trytond.modules.s2b2b_catalog.exceptions import ImportFileError
from trytond.modules.s2b2b_platform.tests.tools import (
    create_document_types, create_member)
from trytond.pool import Pool
from trytond.tests.test_tryton import (
    activate_module, drop_db, with_transaction)
from trytond.transaction import Transaction

from .tools import create_catalog, create_listing

HEADER_EN = ",".join(importing.headers('en'))


def _row(reference, name="水泥", category="Building Materials / Cement",
        tiers="1:500; 10:450", specs="grade=42.5; bag_weight=50", **values):
    row = dict(importing.EXAMPLE, reference=reference, name=name,
        category=category, tiers=tiers, specs=specs, **values)
    return [row[k] for k in importing.KEYS]


def _file(rows, format_='xlsx', language='en'):
    return importing.write(format_, importing.headers(language), rows)


def _sheet(data):
    sheet = load_workbook(io.BytesIO(data)).active
    return [list(r) for r in sheet.iter_rows(values_only=True)]


class ImportTestCase(unittest.TestCase):
    "Listing import"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        drop_db()
        activate_module('s2b2b_catalog')

    @classmethod
    def tearDownClass(cls):
        drop_db()
        super().tearDownClass()

    def setup(self):
        create_company()
        create_document_types()
        self.supplier = create_member("Supplier", 1, kind='supplier')
        self.catalog = create_catalog()

    def listings(self):
        Listing = Pool().get('s2b2b.listing')
        return Listing.search(
            [('supplier', '=', self.supplier.id)], order=[('reference', 'ASC')])

    def start(self, rows, filename='listings.xlsx', **kwargs):
        ListingImport = Pool().get('s2b2b.listing.import')
        data = _file(rows, filename.rsplit('.', 1)[1], **kwargs)
        return ListingImport.start(self.supplier, filename, data)

    @with_transaction()
    def test_good_file(self):
        "A good file creates draft listings with tiers and specs"
        self.setup()
        import_ = self.start([_row('A1'),
                _row('A2', name="电缆", category="电缆", specs="电压=220",
                    uom="Unit", province="Zhejiang", tiers="5:20")])
        self.assertEqual(import_.state, 'done', import_.message)
        self.assertEqual(
            (import_.created_count, import_.updated_count), (2, 0))
        first, second = self.listings()
        self.assertEqual(
            [l.state for l in [first, second]], ['draft', 'draft'])
        self.assertEqual(first.tiers,
            [(1.0, Decimal('500')), (10.0, Decimal('450'))])
        self.assertEqual(first.price_from, Decimal('500'))
        self.assertEqual(first.specs, {'grade': '42.5', 'bag_weight': 50})
        self.assertEqual(first.category, self.catalog.cement)
        self.assertEqual(first.province, 'JS')
        self.assertEqual(first.lead_time, 3)
        self.assertEqual(second.category, self.catalog.cable)
        self.assertEqual(second.specs, {'voltage': 220})
        self.assertEqual(second.province, 'ZJ')
        self.assertEqual(import_.progress()['percent'], 100)

    @with_transaction()
    def test_chinese_csv(self):
        "A CSV with Chinese headers is read the same"
        self.setup()
        import_ = self.start([_row('C1', category="水泥")],
            filename='商品.csv', language='zh_CN')
        self.assertEqual(import_.state, 'done', import_.message)
        listing, = self.listings()
        self.assertEqual(listing.category, self.catalog.cement)

    @with_transaction()
    def test_wrong_headers(self):
        "Wrong headers raise ImportFileError and save nothing"
        pool = Pool()
        ListingImport = pool.get('s2b2b.listing.import')
        self.setup()
        data = "Name,Colour\n水泥,red\n".encode()
        with self.assertRaises(ImportFileError) as context:
            ListingImport.start(self.supplier, 'bad.csv', data)
        self.assertIn("Colour", context.exception.message)
        self.assertIn("Price Tiers", context.exception.message)
        for filename, data in [('a.pdf', b'x'),
                ('a.csv', HEADER_EN.encode()), ('a.xlsx', b'zip?')]:
            with self.assertRaises(ImportFileError):
                ListingImport.start(self.supplier, filename, data)
        self.assertEqual(ListingImport.search([]), [])
        self.assertEqual(self.listings(), [])

    @with_transaction()
    def test_bad_rows(self):
        "Bad rows fail the file: error file with the error column, nothing saved"
        self.setup()
        with Transaction().set_context(language='zh_CN'):
            import_ = self.start([
                    _row('B1'),
                    _row('B2', tiers="1:500; 10:600"),
                    _row('B3'),
                    _row('B4', category="Furniture", moq="0"),
                    _row('B5', specs="grade=99"),
                    ])
        self.assertEqual(import_.state, 'failed')
        self.assertEqual(import_.error_count, 3)
        self.assertEqual(import_.created_count, 0)
        self.assertEqual(self.listings(), [])
        self.assertTrue(import_.errors_filename.endswith('-errors.xlsx'))
        rows = _sheet(import_.errors_file)
        self.assertEqual(rows[0][-1], "错误")
        errors = [r[-1] for r in rows[1:]]
        self.assertEqual([bool(e) for e in errors],
            [False, True, False, True, True])
        self.assertEqual(len(errors[3].splitlines()), 2)
        self.assertEqual([r[0] for r in rows[1:]],
            ['B1', 'B2', 'B3', 'B4', 'B5'])

    @with_transaction()
    def test_update_by_reference(self):
        "A reference of a draft listing updates it; of a published one fails"
        self.setup()
        draft = create_listing(self.supplier, self.catalog.cement,
            state='draft', reference='U1')
        create_listing(self.supplier, self.catalog.cement,
            state='published', reference='U2')
        import_ = self.start([_row('U1', name="新名称", tiers="1:300")])
        self.assertEqual(import_.state, 'done', import_.message)
        self.assertEqual(
            (import_.created_count, import_.updated_count), (0, 1))
        self.assertEqual(draft.name, "新名称")
        self.assertEqual(draft.tiers, [(1.0, Decimal('300'))])

        import_ = self.start([_row('U3'), _row('U2', name="改")])
        self.assertEqual(import_.state, 'failed')
        self.assertEqual(import_.error_count, 1)
        self.assertEqual(len(self.listings()), 2)

    @with_transaction()
    def test_duplicate_reference_in_file(self):
        self.setup()
        import_ = self.start([_row('D1'), _row('D1')])
        self.assertEqual(
            (import_.state, import_.error_count), ('failed', 1))

    @with_transaction()
    def test_queue(self):
        "A large file is queued, then processed by its task"
        pool = Pool()
        ListingImport = pool.get('s2b2b.listing.import')
        Queue = pool.get('ir.queue')
        self.setup()
        transaction = Transaction()
        rows = [_row(f'Q{i:04d}') for i in range(
                listing_import.IMMEDIATE_ROWS + 1)]
        import_ = self.start(rows)
        self.assertEqual(import_.state, 'queued')
        self.assertEqual(import_.progress()['percent'], 0)
        self.assertEqual(self.listings(), [])
        task, = [t for t in Queue.browse(transaction.tasks)
            if t.data['model'] == 's2b2b.listing.import']
        self.assertEqual(task.data['method'], 'process')
        self.assertEqual(list(task.data['instances']), [import_.id])
        task.run()
        import_ = ListingImport(import_.id)
        self.assertEqual(import_.state, 'done', import_.message)
        self.assertEqual(import_.created_count, len(rows))
        self.assertEqual(len(self.listings()), len(rows))
        progress = import_.progress()
        self.assertEqual((progress['processed'], progress['percent']),
            (len(rows), 100))

    @with_transaction()
    def test_unexpected_error(self):
        "An unexpected error fails the import with nothing created"
        pool = Pool()
        Listing = pool.get('s2b2b.listing')
        self.setup()
        with patch.object(Listing, '_refresh', side_effect=RuntimeError), \
                patch.object(listing_import.logger, 'exception'):
            import_ = self.start([_row('E1'), _row('E2')])
        self.assertEqual(import_.state, 'failed')
        self.assertTrue(import_.message)
        self.assertEqual(self.listings(), [])

    @with_transaction()
    def test_export_import_round_trip(self):
        "An export imports back to the same listings"
        pool = Pool()
        ListingImport = pool.get('s2b2b.listing.import')
        self.setup()
        create_listing(self.supplier, self.catalog.cement, state='draft',
            reference='R1', name_en="Cement", specs={'grade': '52.5'},
            province='GD', carbon_footprint=Decimal('0.75'),
            tiers=((1, '500'), (100, '420.5')))
        create_listing(self.supplier, self.catalog.cable, state='draft',
            reference='R2', name="电缆", specs={'copper': True,
                'voltage': 380})
        before = self.listings()
        fields = ['name', 'name_en', 'category', 'specs', 'province',
            'carbon_footprint', 'moq', 'lead_time', 'uom']
        snapshot = [[getattr(l, f) for f in fields] + [l.tiers]
            for l in before]
        for language, format_ in [('zh_CN', 'xlsx'), ('en', 'csv')]:
            with self.subTest(language=language):
                data = ListingImport.export(before, format_, language)
                header, rows = importing.read_rows(f'x.{format_}', data)
                self.assertEqual(header, importing.headers(language))
                import_ = ListingImport.start(
                    self.supplier, f'x.{format_}', data)
                self.assertEqual(import_.state, 'done', import_.message)
                self.assertEqual(import_.updated_count, 2)
                after = self.listings()
                self.assertEqual([[getattr(l, f) for f in fields] + [l.tiers]
                        for l in after], snapshot)

    @with_transaction()
    def test_template_imports(self):
        "The template's example row imports as it is"
        pool = Pool()
        ListingImport = pool.get('s2b2b.listing.import')
        self.setup()
        for language in ['en', 'zh_CN']:
            data = importing.template('xlsx', language)
            import_ = ListingImport.start(self.supplier, 'template.xlsx',
                data)
            self.assertEqual(import_.state, 'done', import_.message)
        self.assertEqual(len(self.listings()), 1)
