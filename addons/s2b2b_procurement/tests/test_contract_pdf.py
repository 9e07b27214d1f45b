# This file is part of the S2B2B platform.  The COPYRIGHT file at the top
# level of this repository contains the full copyright notices and license
# terms.
import datetime as dt
import io
import re
import unittest
from decimal import Decimal

from pdfminer.high_level import extract_pages, extract_text
from reportlab.lib.pagesizes import A4

from trytond.modules.s2b2b_procurement import contract_pdf, signing
from trytond.modules.s2b2b_procurement.contract_pdf import (
    CallOff, ContractData, Line, Party)


def sample(kind='spot', lines=None, **values):
    lines = lines or [
        Line("普通硅酸盐水泥 P.O 42.5 袋装", 200, "吨", Decimal('450'),
            Decimal('90000')),
        Line("Copper cable YJV 3x95 <0.6/1 kV> & more", 1234.5, "米",
            Decimal('12.3456'), Decimal('15240.64')),
        ]
    values = {
        'number': 'HT2026-00001', 'date': dt.date(2026, 3, 15),
        'buyer': Party("苏州远景建设工程有限公司", '913205000000000030',
            "江苏省苏州市工业园区星湖街 328 号"),
        'supplier': Party("安徽海螺水泥股份有限公司", '913402000000000011',
            "安徽省芜湖市九华南路 1011 号"),
        'platform': Party("S2B2B 供应链平台", '913100000000000099',
            "上海市浦东新区"),
        'lines': lines,
        'total': sum((l.amount for l in lines), Decimal(0)),
        'kind': kind,
        'origin': 'RFQ0007',
        'delivery_address': "苏州工业园区工地仓库",
        'delivery_terms': "送货至买方工地 DAP buyer's site",
        'payment_terms': "验收后 30 天付款 Net 30 days",
        **values,
        }
    return ContractData(**values)


def text_of(pdf):
    # pdfminer may break a line anywhere: compare without white space
    return re.sub(r'\s+', '', extract_text(io.BytesIO(pdf)))


class ContractPdfTestCase(unittest.TestCase):
    "The contract document in Chinese and English"

    def assertShows(self, text, *expected):
        for value in expected:
            with self.subTest(value=value):
                self.assertIn(re.sub(r'\s+', '', value), text)

    def test_spot(self):
        rendered = contract_pdf.render(sample())
        self.assertTrue(rendered.pdf.startswith(b'%PDF-'))
        text = text_of(rendered.pdf)
        self.assertShows(text, "采购合同", "Purchase Contract",
            "HT2026-00001", "2026-03-15", "现货 Spot", "RFQ0007",
            "苏州远景建设工程有限公司", "913205000000000030",
            "江苏省苏州市工业园区星湖街 328 号",
            "安徽海螺水泥股份有限公司", "913402000000000011",
            "S2B2B 供应链平台", "913100000000000099", "上海市浦东新区",
            "统一社会信用代码",
            "普通硅酸盐水泥 P.O 42.5 袋装", "200", "吨", "¥450.00",
            "¥90,000.00",
            "Copper cable YJV 3x95 <0.6/1 kV> & more", "1234.5",
            "¥12.3456", "¥15,240.64",
            "¥105,240.64", "人民币壹拾万伍仟贰佰肆拾元陆角肆分",
            "One hundred five thousand two hundred forty yuan and "
            "sixty-four fen",
            "苏州工业园区工地仓库", "送货至买方工地 DAP buyer's site",
            "验收后 30 天付款 Net 30 days",
            "买方 Buyer", "供方 Supplier", "平台 Platform")
        self.assertNotIn("远期履约", text)

    def test_forward(self):
        calloffs = [CallOff(dt.date(2026, 4 + i, 1), "普通硅酸盐水泥", 40,
                "吨") for i in range(3)]
        rendered = contract_pdf.render(sample(kind='forward',
                period_start=dt.date(2026, 4, 1),
                period_end=dt.date(2026, 9, 30), calloffs=calloffs))
        text = text_of(rendered.pdf)
        self.assertShows(text, "远期 Forward", "远期履约",
            "2026-04-01 — 2026-09-30", "2026-05-01", "2026-06-01")

    def test_a4_and_cid_font(self):
        rendered = contract_pdf.render(sample())
        page = next(extract_pages(io.BytesIO(rendered.pdf)))
        self.assertEqual((round(page.width), round(page.height)),
            (round(A4[0]), round(A4[1])))
        self.assertIn(b'/STSong-Light', rendered.pdf)
        # the viewer's font, nothing embedded
        self.assertNotIn(b'/FontFile', rendered.pdf)

    def test_signature_boxes(self):
        rendered = contract_pdf.render(sample())
        self.assertEqual(set(rendered.boxes), set(contract_pdf.ROLES))
        boxes = [rendered.boxes[r] for r in contract_pdf.ROLES]
        for page, (x1, y1, x2, y2) in boxes:
            self.assertEqual(page, rendered.pages - 1)
            self.assertTrue(0 <= x1 < x2 <= A4[0])
            self.assertTrue(0 <= y1 < y2 <= A4[1])
        # side by side, not overlapping
        for (_, left), (_, right) in zip(boxes, boxes[1:]):
            self.assertLessEqual(left[2], right[0])

    def test_many_lines(self):
        "Lines flow over pages; the signature boxes stay on the last"
        lines = [Line(f"规格 {n} 号钢筋", n, "吨", Decimal('4000'),
                Decimal(4000 * n)) for n in range(1, 81)]
        rendered = contract_pdf.render(sample(lines=lines))
        self.assertGreater(rendered.pages, 2)
        pages = {page for page, _ in rendered.boxes.values()}
        self.assertEqual(pages, {rendered.pages - 1})
        text = text_of(rendered.pdf)
        self.assertShows(text, "规格 80 号钢筋", "¥320,000.00",
            f"第 {rendered.pages} 页")

    def test_signature_fields_on_boxes(self):
        "The signature fields go where the boxes are drawn"
        rendered = contract_pdf.render(sample())
        pdf = signing.add_signature_fields(rendered.pdf, rendered.boxes)
        self.assertEqual(signing.signature_fields(pdf),
            dict.fromkeys(contract_pdf.ROLES, False))
        self.assertTrue(pdf.startswith(rendered.pdf))

    def test_quantity_and_price_text(self):
        self.assertEqual(contract_pdf.quantity_text(12.0), '12')
        self.assertEqual(contract_pdf.quantity_text(12.5), '12.5')
        self.assertEqual(contract_pdf.quantity_text(1000000.0), '1000000')
        self.assertEqual(contract_pdf.price_text(Decimal('450'), '¥'),
            '¥450.00')
        self.assertEqual(contract_pdf.price_text(Decimal('1234.5'), '¥'),
            '¥1,234.50')
        self.assertEqual(contract_pdf.price_text(Decimal('12.3456'), '¥'),
            '¥12.3456')
