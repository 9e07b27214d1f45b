# This file is part of the S2B2B platform.  The COPYRIGHT file at the top
# level of this repository contains the full copyright notices and license
# terms.
"""Listing files (CSV, XLSX) read, checked and written without a database.

A file has one header row, in English or Chinese, and one row per listing.
Errors are (code, params) pairs; the model turns them into translated
messages, the column parameter being a column key.
"""
import csv
import datetime as dt
import io
from collections import namedtuple
from decimal import Decimal, InvalidOperation

from . import pricing

Column = namedtuple('Column', ['key', 'en', 'zh', 'required'])

COLUMNS = [
    Column('reference', "Reference", "商家编码", False),
    Column('name', "Name", "名称", True),
    Column('name_en', "English Name", "英文名称", False),
    Column('category', "Category", "类目", True),
    Column('brand', "Brand", "品牌", False),
    Column('model', "Model", "型号", False),
    Column('uom', "Unit", "单位", False),
    Column('tiers', "Price Tiers", "阶梯价格", True),
    Column('moq', "Minimum Order Quantity", "起订量", False),
    Column('order_multiple', "Order Multiple", "订购倍数", False),
    Column('lead_time', "Lead Time (days)", "交货期(天)", False),
    Column('province', "Province", "发货省份", False),
    Column('city', "City", "发货城市", False),
    Column('available_quantity', "Available Quantity", "可售数量", False),
    Column('low_stock_threshold', "Low-stock Threshold", "低库存阈值", False),
    Column('carbon_footprint', "Carbon Footprint (kg CO2e/unit)",
        "碳足迹(kg CO2e/单位)", False),
    Column('carbon_source', "Carbon Footprint Source", "碳足迹来源", False),
    Column('valid_from', "Valid From", "有效期自", False),
    Column('valid_to', "Valid To", "有效期至", False),
    Column('description', "Description", "描述", False),
    Column('specs', "Specifications", "规格", False),
    ]
KEYS = [c.key for c in COLUMNS]
FORMATS = {'csv', 'xlsx'}
ERROR_HEADER = {'en': "Error", 'zh': "错误"}
# Defaults of empty optional cells, as a new listing gets them
DEFAULTS = {
    'moq': 1.0, 'order_multiple': 1.0, 'lead_time': 7,
    'available_quantity': 0.0, 'low_stock_threshold': 0.0,
    }
FLOATS = {'moq', 'order_multiple', 'available_quantity',
    'low_stock_threshold'}
POSITIVE = {'moq', 'order_multiple'}
EXAMPLE = {
    'reference': 'PO-425-50', 'name': "普通硅酸盐水泥 P.O 42.5",
    'name_en': "Portland cement P.O 42.5", 'category': "建材 / 水泥",
    'brand': "海螺", 'model': 'P.O 42.5', 'uom': 'u',
    'tiers': '1:500; 10:450', 'moq': '1', 'order_multiple': '1',
    'lead_time': '3', 'province': "江苏", 'city': "苏州",
    'available_quantity': '1000', 'low_stock_threshold': '50',
    'carbon_footprint': '0.8', 'carbon_source': "EPD 2024",
    'valid_from': '', 'valid_to': '', 'description': "",
    'specs': 'grade=42.5; bag_weight=50',
    }


class FileError(ValueError):
    "A file that cannot be imported at all; args[0] names the problem"

    def __init__(self, code, **params):
        super().__init__(code)
        self.code = code
        self.params = params


def language_key(language):
    "'zh' for Chinese languages, else 'en'"
    return 'zh' if (language or '').lower().startswith('zh') else 'en'


def headers(language):
    "Column headers in the language"
    lang = language_key(language)
    return [getattr(c, lang) for c in COLUMNS]


def column_label(key, language):
    lang = language_key(language)
    for column in COLUMNS:
        if column.key == key:
            return getattr(column, lang)
    return key


def _normalise(text):
    "Header text compared case-, space- and marker-insensitively"
    text = str(text or '').casefold().replace('（', '(').replace('）', ')')
    return ''.join(c for c in text if not c.isspace() and c not in '*_')


_HEADER_KEYS = {}
for _column in COLUMNS:
    for _text in (_column.key, _column.en, _column.zh):
        _HEADER_KEYS[_normalise(_text)] = _column.key


def map_headers(header):
    """Column keys of the header cells (None for blank trailing cells);
    FileError('headers') names the unknown and missing ones"""
    keys, unknown = [], []
    for cell in header:
        text = str(cell or '').strip()
        key = _HEADER_KEYS.get(_normalise(text)) if text else None
        if text and key is None:
            unknown.append(text)
        keys.append(key)
    duplicate = sorted({k for k in keys if k and keys.count(k) > 1})
    missing = [c for c in COLUMNS if c.required and c.key not in keys]
    if unknown or missing or duplicate:
        raise FileError('headers', unknown=unknown, missing=missing,
            duplicate=duplicate)
    return keys


def file_format(filename):
    "'csv' or 'xlsx' from the file name, else FileError('format')"
    extension = (filename or '').rsplit('.', 1)[-1].lower()
    if '.' not in (filename or '') or extension not in FORMATS:
        raise FileError('format', filename=filename or '')
    return extension


def read_rows(filename, data):
    """Header and rows of the file as lists of stripped texts; empty rows
    are skipped"""
    format_ = file_format(filename)
    try:
        table = (_read_csv if format_ == 'csv' else _read_xlsx)(data)
    except FileError:
        raise
    except Exception:
        raise FileError('unreadable', filename=filename)
    table = [[_text(c) for c in r] for r in table]
    table = [r for r in table if any(r)]
    if not table:
        raise FileError('empty', filename=filename)
    header, rows = table[0], table[1:]
    width = len(header)
    rows = [(r + [''] * width)[:max(width, len(r))] for r in rows]
    return header, rows


def _decode(data):
    data = bytes(data)
    for encoding in ['utf-8-sig', 'gb18030']:
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise FileError('encoding')


def _read_csv(data):
    text = _decode(data)
    if '\0' in text:
        raise FileError('unreadable')
    return list(csv.reader(io.StringIO(text, newline='')))


def _read_xlsx(data):
    # calamine (Rust) reads a 10 000-row sheet in a tenth of openpyxl's time;
    # openpyxl still writes the templates, exports and error files
    from python_calamine import CalamineWorkbook
    workbook = CalamineWorkbook.from_filelike(io.BytesIO(bytes(data)))
    try:
        return workbook.get_sheet_by_index(0).to_python()
    finally:
        workbook.close()


def _text(value):
    "Cell value as text the checks read"
    if value is None:
        return ''
    if isinstance(value, bool):
        return 'yes' if value else 'no'
    if isinstance(value, dt.datetime):
        if value.time() == dt.time():
            return value.date().isoformat()
        return value.isoformat(sep=' ')
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float):
        text = repr(value)
        return text[:-2] if text.endswith('.0') else text
    return str(value).strip()


def row_values(keys, cells):
    "Cells of a row by column key"
    return {k: c for k, c in zip(keys, cells) if k}


def check_row(values):
    """Typed values of a row and its errors, checks that need no database.

    Lookups (category, uom, province, specs) stay texts for the model."""
    result, errors = {}, []
    for column in COLUMNS:
        text = values.get(column.key, '')
        if column.required and not text:
            errors.append(('required', {'column': column.key}))
            continue
        try:
            result[column.key] = _convert(column.key, text)
        except ValueError as error:
            errors.append(_error(column.key, text, error))
    if (result.get('valid_from') and result.get('valid_to')
            and result['valid_to'] < result['valid_from']):
        errors.append(('valid_dates', {}))
    return result, errors


def _error(key, text, error):
    code = error.args[0] if error.args else 'value'
    if isinstance(error, pricing.TierError):
        return (f'tier_{code}', {'value': text})
    return (code, {'column': key, 'value': text})


def _convert(key, text):
    if key == 'tiers':
        return parse_tiers(text) if text else []
    if key == 'specs':
        return parse_specs(text)
    if key in {'valid_from', 'valid_to'}:
        return parse_date(text)
    if key in DEFAULTS and not text:
        return DEFAULTS[key]
    if key in FLOATS:
        return _number(text, positive=key in POSITIVE, kind=float)
    if key == 'lead_time':
        return _integer(text)
    if key == 'carbon_footprint':
        return _number(text, kind=Decimal) if text else None
    return text or None


def _number(text, positive=False, kind=float):
    try:
        value = Decimal(text.replace(',', ''))
    except InvalidOperation:
        raise ValueError('number')
    if not value.is_finite():
        raise ValueError('number')
    if value < 0 or (positive and value == 0):
        raise ValueError('positive' if positive else 'negative')
    return kind(value)


def _integer(text):
    value = _number(text, kind=Decimal)
    if value != value.to_integral_value():
        raise ValueError('integer')
    return int(value)


def parse_date(text):
    "A date from YYYY-MM-DD text (also 2024/1/31); None when empty"
    if not text:
        return None
    text = text.strip().split(' ')[0].replace('/', '-').replace('.', '-')
    try:
        year, month, day = map(int, text.split('-'))
        return dt.date(year, month, day)
    except ValueError:
        raise ValueError('date')


def parse_tiers(text):
    """(quantity, unit price) pairs of '1:500; 10:450' text, checked with
    pricing.check_tiers (raises its TierError) or ValueError('tiers')"""
    tiers = []
    for part in text.replace('；', ';').replace('：', ':').split(';'):
        if not part.strip():
            continue
        quantity, sep, price = part.partition(':')
        if not sep:
            raise ValueError('tiers')
        try:
            tiers.append(
                (float(Decimal(quantity.strip().replace(',', ''))),
                    Decimal(price.strip().replace(',', ''))))
        except (InvalidOperation, ValueError):
            raise ValueError('tiers')
    if any(not p.is_finite() for _, p in tiers):
        raise ValueError('tiers')
    pricing.check_tiers(tiers)
    return sorted(tiers)


def format_tiers(tiers):
    "'1:500; 10:450' text of (quantity, unit price) pairs"
    return '; '.join(
        f'{q:g}:{_decimal_text(Decimal(p))}' for q, p in sorted(tiers))


def _decimal_text(value):
    text = format(value.normalize(), 'f')
    return text


def parse_specs(text):
    "(name, value text) pairs of 'grade=42.5; bag_weight=50' text"
    specs = []
    for part in (text or '').replace('；', ';').split(';'):
        if not part.strip():
            continue
        name, sep, value = part.partition('=')
        if not sep or not name.strip():
            raise ValueError('specs')
        specs.append((name.strip(), value.strip()))
    names = [n.casefold() for n, _ in specs]
    if len(set(names)) != len(names):
        raise ValueError('specs_duplicate')
    return specs


def format_specs(pairs):
    "'name=value; ...' text of (name, value text) pairs"
    return '; '.join(f'{n}={v}' for n, v in pairs)


def format_number(value):
    "Text of a number without a useless decimal part"
    if value is None:
        return ''
    if isinstance(value, float):
        return f'{value:.10g}'
    if isinstance(value, Decimal):
        return _decimal_text(value)
    return str(value)


def write_xlsx(header, rows):
    "XLSX bytes of a header and rows of texts"
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet()

    def cell(value):
        # Texts stay texts: a leading '=' must not become a formula
        cell = WriteOnlyCell(sheet, value=value)
        if isinstance(value, str):
            cell.data_type = 's'
        return cell
    sheet.append([cell(c) for c in header])
    for row in rows:
        sheet.append([cell(c) for c in row])
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()


def write_csv(header, rows):
    "UTF-8 CSV bytes with a BOM so that spreadsheets read Chinese"
    output = io.StringIO(newline='')
    writer = csv.writer(output)
    writer.writerow(header)
    writer.writerows(rows)
    return output.getvalue().encode('utf-8-sig')


def write(format_, header, rows):
    if format_ not in FORMATS:
        raise FileError('format', filename=format_)
    return (write_csv if format_ == 'csv' else write_xlsx)(header, rows)


def template(format_, language):
    "An empty file: headers in the language and one example row"
    return export([EXAMPLE], format_, language)


def export(rows, format_, language):
    "A file of rows (dicts of texts by column key) in the import layout"
    return write(format_, headers(language),
        [[r.get(k) or '' for k in KEYS] for r in rows])


def error_file(header, rows, errors, language):
    """XLSX of the uploaded rows with an error column; errors holds the
    translated messages of each row"""
    header = list(header) + [ERROR_HEADER[language_key(language)]]
    width = len(header) - 1
    rows = [(list(r) + [''] * width)[:width] + ['\n'.join(e)]
        for r, e in zip(rows, errors)]
    return write_xlsx(header, rows)
