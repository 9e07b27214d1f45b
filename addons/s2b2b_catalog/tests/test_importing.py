# This file is part of the S2B2B platform.  The COPYRIGHT file at the top
# level of this repository contains the full copyright notices and license
# terms.
"Listing files read, checked and written without a database"
import datetime as dt
import io
import unittest
from decimal import Decimal

from openpyxl import Workbook, load_workbook

from trytond.modules.s2b2b_catalog import importing
from trytond.modules.s2b2b_catalog.pricing import TierError


def _xlsx(rows):
    workbook = Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()


def _codes(errors):
    return [c for c, _ in errors]


class TemplateTestCase(unittest.TestCase):

    def test_template_round_trip(self):
        "A template in each language and format reads back its example"
        for format_ in ['csv', 'xlsx']:
            for language, first in [('en', "Reference"), ('zh_CN', "商家编码")]:
                with self.subTest(format=format_, language=language):
                    data = importing.template(format_, language)
                    header, rows = importing.read_rows(
                        f'template.{format_}', data)
                    self.assertEqual(header[0], first)
                    self.assertEqual(
                        importing.map_headers(header), importing.KEYS)
                    values, errors = importing.check_row(
                        importing.row_values(importing.KEYS, rows[0]))
                    self.assertEqual(errors, [])
                    self.assertEqual(values['tiers'],
                        [(1.0, Decimal(500)), (10.0, Decimal(450))])
                    self.assertEqual(values['specs'],
                        [('grade', '42.5'), ('bag_weight', '50')])

    def test_csv_bom_for_spreadsheets(self):
        self.assertTrue(importing.template('csv', 'zh').startswith(
                b'\xef\xbb\xbf'))

    def test_headers_either_language_and_case(self):
        keys = importing.map_headers(
            [" name ", "类目", "PRICE TIERS", "交货期（天）", "moq", ""])
        self.assertEqual(keys,
            ['name', 'category', 'tiers', 'lead_time', 'moq', None])

    def test_wrong_headers(self):
        with self.assertRaises(importing.FileError) as context:
            importing.map_headers(["Name", "Colour", "Name"])
        error = context.exception
        self.assertEqual(error.code, 'headers')
        self.assertEqual(error.params['unknown'], ["Colour"])
        self.assertEqual(
            [c.key for c in error.params['missing']], ['category', 'tiers'])
        self.assertEqual(error.params['duplicate'], ['name'])


class ReadTestCase(unittest.TestCase):

    def test_csv_gb18030(self):
        data = "名称,类目\n水泥,建材\n".encode('gb18030')
        header, rows = importing.read_rows('list.CSV', data)
        self.assertEqual((header, rows), (["名称", "类目"], [["水泥", "建材"]]))

    def test_xlsx_typed_cells(self):
        "Numbers and dates of a spreadsheet read as the texts typed"
        data = _xlsx([["Name", "MOQ", "Valid From", "Price Tiers"],
                ["水泥", 10.0, dt.datetime(2025, 3, 1), "1:500"],
                [None, None, None, None],
                ["砂", 2.5, None, None]])
        header, rows = importing.read_rows('list.xlsx', data)
        self.assertEqual(rows, [["水泥", "10", "2025-03-01", "1:500"],
                ["砂", "2.5", "", ""]])

    def test_bad_files(self):
        for filename, data, code in [
                ('list.pdf', b'%PDF-1.4', 'format'),
                ('list', b'a,b', 'format'),
                ('list.xlsx', b'not a zip', 'unreadable'),
                ('list.csv', b'\n , \n', 'empty'),
                ('list.csv', b'\xff\xfe\x00\x00\x81', 'encoding'),
                ]:
            with self.subTest(filename=filename, code=code):
                with self.assertRaises(importing.FileError) as context:
                    importing.read_rows(filename, data)
                self.assertEqual(context.exception.code, code)

    def test_short_rows_padded(self):
        header, rows = importing.read_rows('a.csv', b'a,b,c\n1\n')
        self.assertEqual(rows, [['1', '', '']])


class CheckRowTestCase(unittest.TestCase):

    def check(self, **values):
        base = {'name': "水泥", 'category': "水泥", 'tiers': '1:10'}
        return importing.check_row({**base, **values})

    def test_defaults(self):
        values, errors = self.check()
        self.assertEqual(errors, [])
        self.assertEqual((values['moq'], values['order_multiple'],
                values['lead_time'], values['available_quantity']),
            (1.0, 1.0, 7, 0.0))
        self.assertIsNone(values['carbon_footprint'])

    def test_required(self):
        _, errors = importing.check_row({'name': '', 'tiers': '1:5'})
        self.assertEqual(errors, [('required', {'column': 'name'}),
                ('required', {'column': 'category'})])

    def test_numbers(self):
        _, errors = self.check(moq='0', order_multiple='x',
            lead_time='1.5', available_quantity='-1',
            carbon_footprint='1,000.5')
        self.assertEqual(_codes(errors),
            ['positive', 'number', 'integer', 'negative'])
        values, _ = self.check(carbon_footprint='1,000.5', lead_time='3.0')
        self.assertEqual(values['carbon_footprint'], Decimal('1000.5'))
        self.assertEqual(values['lead_time'], 3)

    def test_dates(self):
        values, errors = self.check(valid_from='2025/1/31',
            valid_to='2025-12-31')
        self.assertEqual(errors, [])
        self.assertEqual(values['valid_from'], dt.date(2025, 1, 31))
        _, errors = self.check(valid_from='31.13.2025')
        self.assertEqual(_codes(errors), ['date'])
        _, errors = self.check(valid_from='2025-12-31',
            valid_to='2025-01-01')
        self.assertEqual(_codes(errors), ['valid_dates'])

    def test_tiers(self):
        for text, code in [('1-500', 'tiers'), ('1:abc', 'tiers'),
                ('1:500; 10:600', 'tier_increasing'),
                ('1:500; 1:400', 'tier_duplicate'),
                ('0:500', 'tier_negative'), (';', 'tier_empty')]:
            with self.subTest(text=text):
                _, errors = self.check(tiers=text)
                self.assertEqual(_codes(errors), [code])

    def test_parse_tiers_full_width(self):
        self.assertEqual(importing.parse_tiers('10：450；1：500'),
            [(1.0, Decimal(500)), (10.0, Decimal(450))])
        with self.assertRaises(TierError):
            importing.parse_tiers('1:1; 2:2')

    def test_specs(self):
        self.assertEqual(importing.parse_specs('grade = 42.5；袋重=50'),
            [('grade', '42.5'), ('袋重', '50')])
        for text, code in [('grade', 'specs'), ('=5', 'specs'),
                ('a=1; A=2', 'specs_duplicate')]:
            _, errors = self.check(specs=text)
            self.assertEqual(_codes(errors), [code])

    def test_format_round_trip(self):
        tiers = [(1.0, Decimal('500.0000')), (10.5, Decimal('449.50'))]
        self.assertEqual(importing.format_tiers(tiers), '1:500; 10.5:449.5')
        self.assertEqual(importing.parse_tiers(
                importing.format_tiers(tiers)),
            [(1.0, Decimal(500)), (10.5, Decimal('449.5'))])
        self.assertEqual(importing.format_number(1000.0), '1000')
        self.assertEqual(importing.format_number(Decimal('0.800')), '0.8')


class WriteTestCase(unittest.TestCase):

    def test_error_file(self):
        "The uploaded rows come back with an error column"
        data = importing.error_file(["Name", "Price Tiers"],
            [["水泥", "1:5"], ["砂"]], [[], ["Price tiers required", "x"]],
            'zh_CN')
        sheet = load_workbook(io.BytesIO(data)).active
        rows = [list(r) for r in sheet.iter_rows(values_only=True)]
        self.assertEqual(rows[0], ["Name", "Price Tiers", "错误"])
        self.assertEqual(rows[1], ["水泥", "1:5", None])
        self.assertEqual(rows[2], ["砂", None, "Price tiers required\nx"])

    def test_formula_text_stays_text(self):
        data = importing.write_xlsx(["Name"], [["=HYPERLINK(1)"]])
        _, rows = importing.read_rows('x.xlsx', data)
        self.assertEqual(rows, [["=HYPERLINK(1)"]])

    def test_export_layout(self):
        data = importing.export([{'name': "水泥", 'tiers': '1:5'}], 'csv',
            'en')
        header, rows = importing.read_rows('x.csv', data)
        self.assertEqual(header, importing.headers('en'))
        self.assertEqual(rows[0][importing.KEYS.index('tiers')], '1:5')

