# This file is part of the S2B2B platform.  The COPYRIGHT file at the top
# level of this repository contains the full copyright notices and license
# terms.
"""The contract document: an A4 PDF in Chinese and English.

``render`` takes a plain ``ContractData`` (built from the records by the
contract model, or by a test) and returns the PDF with the place of each
party's signature box, where the signature fields go.  Chinese is set in
reportlab's built-in CID font STSong-Light (the viewer supplies the
glyphs), so no font file is needed."""
import datetime as dt
import io
from dataclasses import dataclass, field
from decimal import Decimal
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.platypus import (
    Flowable, KeepTogether, Paragraph, SimpleDocTemplate, Spacer, Table,
    TableStyle)

from . import amounts

FONT = 'STSong-Light'
# Figures in a Latin font: STSong-Light's ¥ and digits are full-width
FIGURES_FONT = 'Helvetica'
ROLES = ['buyer', 'supplier', 'platform']
ROLE_LABELS = {
    'buyer': "买方 Buyer",
    'supplier': "供方 Supplier",
    'platform': "平台 Platform",
    }
KIND_LABELS = {
    'spot': "现货 Spot",
    'forward': "远期 Forward",
    }
MARGIN = 18 * mm
BOX_HEIGHT = 30 * mm
GRID = colors.HexColor('#9AA5B1')
SHADE = colors.HexColor('#EEF1F4')


@dataclass
class Party:
    name: str
    company_code: str | None = None  # 统一社会信用代码
    address: str | None = None


@dataclass
class Line:
    description: str
    quantity: float
    unit: str
    unit_price: Decimal
    amount: Decimal


@dataclass
class CallOff:
    date: dt.date
    description: str
    quantity: float
    unit: str


@dataclass
class ContractData:
    "What the document shows, without any database record"
    number: str
    date: dt.date
    buyer: Party
    supplier: Party
    platform: Party
    lines: list[Line]
    total: Decimal
    currency: str = 'CNY'
    currency_symbol: str = '¥'
    kind: str = 'spot'
    origin: str | None = None
    delivery_address: str | None = None
    delivery_terms: str | None = None
    payment_terms: str | None = None
    period_start: dt.date | None = None
    period_end: dt.date | None = None
    calloffs: list[CallOff] = field(default_factory=list)


@dataclass
class Rendered:
    pdf: bytes
    # role: (page index, (x1, y1, x2, y2)) in PDF points
    boxes: dict
    pages: int


def _register_font():
    if FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(FONT))


def _styles():
    base = ParagraphStyle('base', fontName=FONT, fontSize=9, leading=13,
        wordWrap='CJK')
    return {
        'base': base,
        'title': ParagraphStyle('title', parent=base, fontSize=18,
            leading=24, alignment=TA_CENTER, spaceAfter=2 * mm),
        'heading': ParagraphStyle('heading', parent=base, fontSize=11,
            leading=15, spaceBefore=4 * mm, spaceAfter=1.5 * mm),
        'right': ParagraphStyle('right', parent=base, alignment=TA_RIGHT),
        'small': ParagraphStyle('small', parent=base, fontSize=7.5,
            leading=10, textColor=colors.HexColor('#52606D')),
        }


def _text(value):
    "Escaped text for a Paragraph, line breaks kept"
    return escape(str(value or '')).replace('\n', '<br/>')


def quantity_text(value):
    "A quantity without useless zeros: 12, 12.5"
    text = f'{Decimal(str(value or 0)):f}'
    if '.' in text:
        text = text.rstrip('0').rstrip('.')
    return text


def price_text(value, symbol):
    "A unit price with 2 to 4 decimals: ¥450.00, ¥12.3456"
    value = Decimal(value or 0).quantize(Decimal('0.0001'))
    text = f'{value:,f}'
    whole, decimals = text.split('.')
    decimals = decimals.rstrip('0').ljust(2, '0')
    return f'{symbol}{whole}.{decimals}'


def _grid(data, widths, header=True, align_right=()):
    table = Table(data, colWidths=widths, repeatRows=1 if header else 0)
    commands = [
        ('GRID', (0, 0), (-1, -1), 0.5, GRID),
        ('VALIGN', (0, 0), (-1, -1), 'MIDDLE'),
        ('FONTNAME', (0, 0), (-1, -1), FONT),
        ('FONTSIZE', (0, 0), (-1, -1), 9),
        ]
    if header:
        commands.append(('BACKGROUND', (0, 0), (-1, 0), SHADE))
    for column in align_right:
        commands.append(('ALIGN', (column, 0), (column, -1), 'RIGHT'))
        commands.append(('FONTNAME', (column, 1), (column, -1),
                FIGURES_FONT))
    table.setStyle(TableStyle(commands))
    return table


class SignatureBox(Flowable):
    "A party's box: label and name above, the signature field below"

    def __init__(self, role, party, width, boxes):
        super().__init__()
        self.role = role
        self.party = party
        self.width = width
        self.height = BOX_HEIGHT + 12 * mm
        self.boxes = boxes

    def draw(self):
        canvas = self.canv
        canvas.setFont(FONT, 9)
        canvas.drawString(0, self.height - 4 * mm,
            f"{ROLE_LABELS[self.role]}（签章 Signature）")
        canvas.setFont(FONT, 8)
        canvas.drawString(0, self.height - 8.5 * mm, _fit(
                self.party.name, self.width, 8))
        canvas.setStrokeColor(GRID)
        canvas.rect(0, 0, self.width, BOX_HEIGHT)
        # where the signature field goes, in page coordinates
        x, y = canvas.absolutePosition(0, 0)
        self.boxes[self.role] = (canvas.getPageNumber() - 1,
            (x, y, x + self.width, y + BOX_HEIGHT))


def _fit(text, width, size):
    "The text, cut with an ellipsis to fit the width"
    text = text or ''
    while text and pdfmetrics.stringWidth(text, FONT, size) > width:
        text = text[:-2] + '…'
    return text


class _Document:
    "Builds the flowables of one contract"

    def __init__(self, data):
        self.data = data
        self.styles = _styles()
        self.width = A4[0] - 2 * MARGIN
        self.boxes = {}

    def p(self, text, style='base'):
        return Paragraph(text, self.styles[style])

    def flowables(self):
        return [
            *self.header(),
            *self.parties(),
            *self.lines(),
            *self.totals(),
            *self.terms(),
            *self.forward(),
            *self.signatures(),
            ]

    def header(self):
        data = self.data
        rows = [
            [self.p(f"合同编号 Contract No.: {_text(data.number)}"),
                self.p(f"签订日期 Date: {data.date.isoformat()}",
                    'right')],
            [self.p(f"类型 Kind: {KIND_LABELS.get(data.kind, data.kind)}"),
                self.p(f"币种 Currency: {_text(data.currency)}", 'right')],
            ]
        if data.origin:
            rows.append([self.p(f"来源 Origin: {_text(data.origin)}"), ''])
        table = Table(rows, colWidths=[self.width / 2] * 2)
        table.setStyle(TableStyle([('LEFTPADDING', (0, 0), (-1, -1), 0),
                    ('RIGHTPADDING', (0, 0), (-1, -1), 0)]))
        return [self.p("采购合同", 'title'),
            self.p("Purchase Contract", 'title'), table]

    def parties(self):
        rows = [[self.p("当事方 Party"), self.p("名称 Name"),
                self.p("统一社会信用代码 Unified Social Credit Code"),
                self.p("地址 Address")]]
        for role in ROLES:
            party = getattr(self.data, role)
            rows.append([self.p(ROLE_LABELS[role]), self.p(_text(party.name)),
                    self.p(_text(party.company_code)),
                    self.p(_text(party.address))])
        widths = [0.15, 0.30, 0.25, 0.30]
        return [self.p("一、合同各方 Parties", 'heading'),
            _grid(rows, [w * self.width for w in widths])]

    def lines(self):
        symbol = self.data.currency_symbol
        rows = [[self.p(h) for h in ["序号 No.", "品名 Description",
                    "数量 Quantity", "单位 Unit", "单价 Unit Price",
                    "金额 Amount"]]]
        for number, line in enumerate(self.data.lines, 1):
            rows.append([str(number), self.p(_text(line.description)),
                    quantity_text(line.quantity), self.p(_text(line.unit)),
                    price_text(line.unit_price, symbol),
                    amounts.figures(line.amount, symbol)])
        widths = [0.09, 0.33, 0.14, 0.11, 0.15, 0.18]
        return [self.p("二、标的 Goods", 'heading'),
            _grid(rows, [w * self.width for w in widths],
                align_right=(2, 4, 5))]

    def totals(self):
        _, english, chinese = amounts.in_words(self.data.total)
        symbol = self.data.currency_symbol
        rows = [
            [self.p("合计 Total"), self.p(
                    f'<font name="{FIGURES_FONT}">'
                    f'{_text(amounts.figures(self.data.total, symbol))}'
                    '</font>')],
            [self.p("大写 In Chinese"), self.p(f"人民币{chinese}")],
            [self.p("英文 In Words"), self.p(_text(english.capitalize()))],
            ]
        return [Spacer(0, 2 * mm),
            _grid(rows, [0.2 * self.width, 0.8 * self.width], header=False)]

    def terms(self):
        data = self.data
        rows = [
            [self.p("交货地址 Delivery Address"),
                self.p(_text(data.delivery_address) or '—')],
            [self.p("交货条款 Delivery Terms"),
                self.p(_text(data.delivery_terms) or '—')],
            [self.p("付款条款 Payment Terms"),
                self.p(_text(data.payment_terms) or '—')],
            ]
        return [self.p("三、交货与付款 Delivery and Payment", 'heading'),
            _grid(rows, [0.25 * self.width, 0.75 * self.width],
                header=False)]

    def forward(self):
        data = self.data
        if data.kind != 'forward':
            return []
        period = (f"{_date(data.period_start)} — {_date(data.period_end)}")
        rows = [[self.p(h) for h in ["提货日期 Date", "品名 Description",
                    "数量 Quantity", "单位 Unit"]]]
        for calloff in sorted(data.calloffs, key=lambda c: c.date):
            rows.append([calloff.date.isoformat(),
                    self.p(_text(calloff.description)),
                    quantity_text(calloff.quantity), self.p(_text(
                            calloff.unit))])
        widths = [0.2, 0.5, 0.15, 0.15]
        return [
            self.p("四、远期履约 Forward Period and Call-offs", 'heading'),
            self.p(f"履约期 Period: {period}。价格与数量在履约期内固定，"
                "按下列计划分批提货。 Prices and quantities are fixed over "
                "the period; the goods are called off as scheduled below."),
            Spacer(0, 1.5 * mm),
            _grid(rows, [w * self.width for w in widths], align_right=(2,)),
            ]

    def signatures(self):
        gap = 6 * mm
        width = (self.width - 2 * gap) / 3
        boxes = [SignatureBox(r, getattr(self.data, r), width, self.boxes)
            for r in ROLES]
        table = Table([boxes], colWidths=[width + gap] * 2 + [width])
        table.setStyle(TableStyle([
                    ('LEFTPADDING', (0, 0), (-1, -1), 0),
                    ('RIGHTPADDING', (0, 0), (-1, -1), 0)]))
        clause = self.p("本合同经买方、供方及平台三方以电子签名签署后生效，"
            "电子签名与手写签名或盖章具有同等法律效力。 This contract takes "
            "effect once the buyer, the supplier and the platform have "
            "signed it electronically; electronic signatures have the same "
            "force as handwritten signatures or seals.", 'small')
        return [KeepTogether([
                    self.p("签署 Signatures", 'heading'), clause,
                    Spacer(0, 3 * mm), table])]

    def footer(self, canvas, document):
        canvas.saveState()
        canvas.setFont(FONT, 7.5)
        canvas.setFillColor(colors.HexColor('#52606D'))
        canvas.drawString(MARGIN, 10 * mm,
            f"合同编号 Contract No. {self.data.number}")
        canvas.drawRightString(A4[0] - MARGIN, 10 * mm,
            f"第 {document.page} 页 Page {document.page}")
        canvas.restoreState()


def _date(value):
    return value.isoformat() if value else '—'


def render(data):
    "The contract as a Rendered PDF"
    _register_font()
    builder = _Document(data)
    buffer = io.BytesIO()
    document = SimpleDocTemplate(buffer, pagesize=A4,
        leftMargin=MARGIN, rightMargin=MARGIN, topMargin=MARGIN,
        bottomMargin=MARGIN, title=f"采购合同 Purchase Contract {data.number}",
        author=data.platform.name, subject=data.number)
    document.build(builder.flowables(), onFirstPage=builder.footer,
        onLaterPages=builder.footer)
    return Rendered(pdf=buffer.getvalue(), boxes=dict(builder.boxes),
        pages=document.page)
