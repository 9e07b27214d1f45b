# This file is part of the S2B2B platform.  The COPYRIGHT file at the top
# level of this repository contains the full copyright notices and license
# terms.
import logging
from collections import defaultdict
import re

from trytond import backend
from trytond.exceptions import UserError
from trytond.i18n import gettext
from trytond.model import ModelSQL, ModelView, fields
from trytond.pool import Pool
from trytond.tools import grouped_slice
from trytond.transaction import Transaction, TransactionError

from . import importing, regions
from .exceptions import ImportFileError

logger = logging.getLogger(__name__)

# Files up to this many rows are imported in the request
IMMEDIATE_ROWS = 200
MAX_ROWS = 50000
PROGRESS_STEP = 500
# Listings created per call: records browsed together cost quadratic time
# in the ORM, and SQLite checks the supplier-reference exclusion with one
# OR term per new listing, which overflows its parser on large creates
CREATE_SIZE = defaultdict(lambda: 100, sqlite=50)
CONTENT_FIELDS = [
    'reference', 'name', 'name_en', 'description', 'category', 'brand',
    'model', 'specs', 'uom', 'moq', 'order_multiple', 'lead_time',
    'province', 'city', 'available_quantity', 'low_stock_threshold',
    'carbon_footprint', 'carbon_source', 'valid_from', 'valid_to']
EDITABLE_STATES = {'draft', 'rejected'}


class ListingImport(ModelSQL, ModelView):
    "Listing Import"
    __name__ = 's2b2b.listing.import'

    member = fields.Many2One(
        's2b2b.member', "Supplier", required=True, readonly=True,
        ondelete='CASCADE')
    web_user = fields.Many2One(
        'web.user', "Uploaded by", readonly=True, ondelete='SET NULL')
    filename = fields.Char("File Name", readonly=True)
    file = fields.Binary(
        "File", file_id='file_id', filename='filename', readonly=True)
    file_id = fields.Char("File ID", readonly=True)
    format = fields.Selection([
            ('csv', "CSV"),
            ('xlsx', "Excel (XLSX)"),
            ], "Format", readonly=True)
    language = fields.Char("Language", readonly=True)
    state = fields.Selection([
            ('queued', "Queued"),
            ('validating', "Validating"),
            ('saving', "Saving"),
            ('done', "Done"),
            ('failed', "Failed"),
            ], "State", readonly=True, required=True)
    state_string = state.translated('state')
    total_rows = fields.Integer("Rows", readonly=True)
    processed_rows = fields.Function(
        fields.Integer("Processed Rows"), 'get_processed_rows')
    created_count = fields.Integer("Created", readonly=True)
    updated_count = fields.Integer("Updated", readonly=True)
    error_count = fields.Integer("Rows with Errors", readonly=True)
    errors_file = fields.Binary(
        "Error File", file_id='errors_file_id', filename='errors_filename',
        readonly=True)
    errors_file_id = fields.Char("Error File ID", readonly=True)
    errors_filename = fields.Char("Error File Name", readonly=True)
    message = fields.Text("Message", readonly=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [('create_date', 'DESC'), ('id', 'DESC')]

    @classmethod
    def default_state(cls):
        return 'queued'

    @classmethod
    def get_processed_rows(cls, imports, name):
        Progress = Pool().get('s2b2b.listing.import.progress')
        result = {i.id: i.total_rows if i.state in {'done', 'failed'}
            else 0 for i in imports}
        for progress in Progress.search(
                [('listing_import', 'in', [i.id for i in imports])]):
            if progress.listing_import.state not in {'done', 'failed'}:
                result[progress.listing_import.id] = progress.processed_rows
        return result

    @classmethod
    def start(cls, member, filename, data, web_user=None):
        """Check the file and import it: in the request when it is small,
        else in the queue.  Raise ImportFileError when the file cannot be
        read or its headers are wrong: then nothing is saved."""
        Progress = Pool().get('s2b2b.listing.import.progress')
        if not member.is_supplier:
            raise ImportFileError(gettext(
                    's2b2b_catalog.msg_import_not_supplier'))
        header, rows = _read(filename, data)
        import_ = cls(member=member, web_user=web_user,
            filename=_file_name(filename), file=bytes(data),
            format=importing.file_format(filename),
            language=Transaction().language, state='queued',
            total_rows=len(rows))
        import_.save()
        Progress.create([{'listing_import': import_.id}])
        if len(rows) <= IMMEDIATE_ROWS:
            cls.process([import_])
        else:
            cls.__queue__.process([import_])
        return import_

    @classmethod
    def process(cls, imports):
        "Validate every row, then save all the listings or none"
        for import_ in imports:
            if import_.state in {'queued', 'validating', 'saving'}:
                with Transaction().set_context(language=import_.language):
                    cls.write([import_], import_._process())

    def _process(self):
        transaction = Transaction()
        cursor = transaction.connection.cursor()
        savepoint = f's2b2b_import_{self.id}'
        cursor.execute(f'SAVEPOINT {savepoint}')
        try:
            values = self._run()
        except (TransactionError, backend.DatabaseOperationalError):
            raise
        except Exception as error:
            cursor.execute(f'ROLLBACK TO SAVEPOINT {savepoint}')
            for cache in transaction.cache.values():
                cache.clear()
            return self._failure(error)
        cursor.execute(f'RELEASE SAVEPOINT {savepoint}')
        return values

    def _failure(self, error):
        if isinstance(error, importing.FileError):
            message = _file_error_message(error)
        elif isinstance(error, UserError):
            message = error.message
        else:
            logger.exception("Listing import %s failed", self.id)
            message = gettext('s2b2b_catalog.msg_import_unexpected')
        return {'state': 'failed', 'message': message, 'created_count': 0,
            'updated_count': 0}

    def _run(self):
        header, rows = importing.read_rows(self.filename, self.file)
        keys = importing.map_headers(header)
        resolver = Resolver(self.member, rows, keys)
        results, errors = [], []
        self._progress('validating', 0)
        for number, cells in enumerate(rows, 1):
            values, codes = importing.check_row(
                importing.row_values(keys, cells))
            result, more = resolver.resolve(values)
            results.append(result)
            errors.append([self._error_message(c) for c in codes + more])
            if not number % PROGRESS_STEP:
                self._progress('validating', number)
        error_count = sum(1 for e in errors if e)
        if error_count:
            return self._failed(header, rows, errors, error_count)
        self._progress('saving', len(rows))
        created, updated = self._save(results)
        return {'state': 'done', 'error_count': 0,
            'created_count': created, 'updated_count': updated,
            'message': gettext('s2b2b_catalog.msg_import_done',
                created=created, updated=updated)}

    def _failed(self, header, rows, errors, error_count):
        stem = self.filename.rsplit('.', 1)[0] if self.filename else 'import'
        return {
            'state': 'failed', 'error_count': error_count,
            'created_count': 0, 'updated_count': 0,
            'errors_file': importing.error_file(
                header, rows, errors, self.language),
            'errors_filename': f'{stem}-errors.xlsx',
            'message': gettext('s2b2b_catalog.msg_import_rows_failed',
                count=error_count, total=len(rows)),
            }

    def _error_message(self, error):
        code, params = error
        params = dict(params)
        params['column'] = importing.column_label(
            params.get('column'), self.language)
        params.setdefault('value', '')
        return gettext(f's2b2b_catalog.msg_import_{code}', **params)

    def _save(self, results):
        "Create the new listings in one call and write the others grouped"
        Listing = Pool().get('s2b2b.listing')
        to_create, to_write = [], []
        for values, listing in results:
            tiers = [{'quantity': q, 'unit_price': p}
                for q, p in values.pop('tiers')]
            if listing:
                values['price_tiers'] = [
                    ('delete', [t.id for t in listing.price_tiers]),
                    ('create', tiers)]
                to_write.extend(([listing], values))
            else:
                values['price_tiers'] = [('create', tiers)]
                values['supplier'] = self.member.id
                to_create.append(values)
        for sub in grouped_slice(to_create, count=CREATE_SIZE[backend.name]):
            Listing.create(list(sub))
        if to_write:
            Listing.write(*to_write)
        return len(to_create), len(to_write) // 2

    def _progress(self, stage, processed):
        """Publish the progress in a committed transaction of its own so
        that the portal sees it while the import runs"""
        if backend.name != 'postgresql' or self.total_rows <= IMMEDIATE_ROWS:
            # SQLite transactions share one connection: a commit there
            # would commit the import half-done
            return
        table = Pool().get('s2b2b.listing.import.progress').__table__()
        with Transaction().new_transaction() as transaction:
            cursor = transaction.connection.cursor()
            cursor.execute(*table.update(
                    [table.stage, table.processed_rows],
                    [stage, processed],
                    where=table.listing_import == self.id))

    def progress(self):
        "State, counts and percent done of the import, for the portal"
        Progress = Pool().get('s2b2b.listing.import.progress')
        state = self.state
        if state == 'queued':
            progresses = Progress.search(
                [('listing_import', '=', self.id)], limit=1)
            if progresses and progresses[0].stage:
                state = progresses[0].stage
        total = self.total_rows or 0
        processed = min(self.processed_rows or 0, total)
        return {
            'state': state,
            'total': total,
            'processed': processed,
            'percent': int(processed * 100 / total) if total else 100,
            'created': self.created_count or 0,
            'updated': self.updated_count or 0,
            'errors': self.error_count or 0,
            'message': self.message or '',
            'finished': self.state in {'done', 'failed'},
            'has_errors_file': bool(self.errors_file_id or self.errors_file),
            }

    @classmethod
    def export(cls, listings, format_, language):
        "File bytes of the listings in the import layout"
        return export_listings(listings, format_, language)


class ImportProgress(ModelSQL):
    "Listing Import Progress"
    __name__ = 's2b2b.listing.import.progress'

    # Kept apart from the import row: the import's own transaction writes
    # that row at the end, and a concurrent update of it would fail to
    # serialize
    listing_import = fields.Many2One(
        's2b2b.listing.import', "Import", required=True, ondelete='CASCADE')
    stage = fields.Char("Stage")
    processed_rows = fields.Integer("Processed Rows")

    @classmethod
    def default_processed_rows(cls):
        return 0


def _read(filename, data):
    "Header and rows of the file, or ImportFileError"
    try:
        header, rows = importing.read_rows(filename, data)
        importing.map_headers(header)
    except importing.FileError as error:
        raise ImportFileError(_file_error_message(error)) from error
    if not rows:
        raise ImportFileError(gettext(
                's2b2b_catalog.msg_import_no_rows', filename=filename))
    if len(rows) > MAX_ROWS:
        raise ImportFileError(gettext(
                's2b2b_catalog.msg_import_too_many_rows',
                count=len(rows), limit=MAX_ROWS))
    return header, rows


def _file_error_message(error):
    if error.code != 'headers':
        return gettext(f's2b2b_catalog.msg_import_file_{error.code}',
            filename=error.params.get('filename', ''))
    language = Transaction().language
    parts = []
    if error.params['unknown']:
        parts.append(gettext('s2b2b_catalog.msg_import_headers_unknown',
                headers=', '.join(error.params['unknown'])))
    if error.params['missing']:
        parts.append(gettext('s2b2b_catalog.msg_import_headers_missing',
                headers=', '.join(importing.column_label(c.key, language)
                    for c in error.params['missing'])))
    if error.params['duplicate']:
        parts.append(gettext('s2b2b_catalog.msg_import_headers_duplicate',
                headers=', '.join(importing.column_label(k, language)
                    for k in error.params['duplicate'])))
    parts.append(gettext('s2b2b_catalog.msg_import_headers_expected',
            headers=', '.join(importing.headers(language))))
    return ' '.join(parts)


def _file_name(filename):
    name = (filename or '').replace('\\', '/').rsplit('/', 1)[-1]
    return ''.join(c for c in name if c.isprintable())[:200] or 'import'


def _key(text):
    "Lookup key of a name: case and spacing around separators ignored"
    text = re.sub(r'\s*[/>]\s*', '/', str(text or '').strip())
    return re.sub(r'\s+', ' ', text).casefold()


def _names(Model, records, names):
    "Values of the fields of the records in Chinese and in English"
    values = {}
    for language in ['zh_CN', 'en']:
        with Transaction().set_context(language=language):
            for row in Model.read([r.id for r in records], names):
                for name in names:
                    values.setdefault(row['id'], set()).add(row[name])
    return values


class Resolver:
    """Database lookups of a file's rows, loaded once per file: categories,
    units, specifications and the supplier's listings by reference"""

    def __init__(self, member, rows, keys):
        self.member = member
        self.categories = self._categories()
        self.uoms = self._uoms()
        self.unit = Pool().get('ir.model.data').get_id('product', 'uom_unit')
        self.attributes = {}
        self.seen = set()
        self.existing = self._existing(rows, keys)

    @staticmethod
    def _categories():
        Category = Pool().get('product.category')
        categories = Category.search([])
        result = {}
        for id_, names in _names(
                Category, categories, ['name', 'rec_name']).items():
            for name in filter(None, names):
                result.setdefault(_key(name), set()).add(id_)
        return result

    @staticmethod
    def _uoms():
        Uom = Pool().get('product.uom')
        uoms = Uom.search([])
        result = {}
        for id_, names in _names(Uom, uoms, ['name']).items():
            for name in filter(None, names):
                result.setdefault(_key(name), id_)
        # symbols win over names
        result.update({_key(u.symbol): u.id for u in uoms if u.symbol})
        return result

    def _existing(self, rows, keys):
        Listing = Pool().get('s2b2b.listing')
        if 'reference' not in keys:
            return {}
        index = keys.index('reference')
        references = {r[index] for r in rows if len(r) > index and r[index]}
        result = {}
        # 500 references a query: one query per reference was the slowest
        # part of reading a large file
        for sub in grouped_slice(sorted(references), 500):
            for listing in Listing.search([
                        ('supplier', '=', self.member.id),
                        ('reference', 'in', list(sub)),
                        ]):
                result[listing.reference] = listing
        return result

    def _category_attributes(self, category_id):
        if category_id not in self.attributes:
            pool = Pool()
            Category = pool.get('product.category')
            Attribute = pool.get('product.attribute')
            allowed = Category(category_id).allowed_attributes()
            by_key = {}
            labels = _names(Attribute, allowed.values(), ['string'])
            for name, attribute in allowed.items():
                for text in [name, *labels.get(attribute.id, [])]:
                    if text:
                        by_key.setdefault(_key(text), attribute)
            self.attributes[category_id] = by_key
        return self.attributes[category_id]

    def resolve(self, values):
        """Listing values of a checked row and the listing it updates, and
        the errors of its lookups"""
        errors = []
        result = {k: values[k] for k in CONTENT_FIELDS + ['tiers']
            if k in values}
        listing = self._listing(values.get('reference'), errors)
        category = self._category(values.get('category'), errors)
        result['category'] = category
        uom = values.get('uom')
        result['uom'] = self.uoms.get(_key(uom)) if uom \
            else self.unit
        if uom and result['uom'] is None:
            errors.append(('uom_unknown', {'column': 'uom', 'value': uom}))
        province = values.get('province')
        result['province'] = regions.lookup(province) if province else None
        if province and not result['province']:
            errors.append(('province_unknown',
                    {'column': 'province', 'value': province}))
        result['specs'] = self._specs(
            category, values.get('specs') or [], errors)
        return (result, listing), errors

    def _listing(self, reference, errors):
        if not reference:
            return None
        if reference in self.seen:
            errors.append(('reference_duplicate',
                    {'column': 'reference', 'value': reference}))
        self.seen.add(reference)
        listing = self.existing.get(reference)
        if listing and listing.state not in EDITABLE_STATES:
            errors.append(('reference_locked', {
                        'column': 'reference', 'value': reference,
                        'state': listing.state_string}))
        return listing

    def _category(self, text, errors):
        if not text:
            return None
        ids = self.categories.get(_key(text), set())
        if len(ids) == 1:
            return next(iter(ids))
        code = 'category_ambiguous' if ids else 'category_unknown'
        errors.append((code, {'column': 'category', 'value': text}))
        return None

    def _specs(self, category, pairs, errors):
        if category is None:
            return None
        attributes = self._category_attributes(category)
        specs = {}
        for name, text in pairs:
            attribute = attributes.get(_key(name))
            if attribute is None:
                errors.append(('spec_unknown',
                        {'column': 'specs', 'value': name}))
                continue
            value = attribute.parse(text)
            if not attribute.accepts(value):
                errors.append(('spec_value', {'column': 'specs',
                            'value': text, 'spec': name}))
                continue
            if value is not None:
                specs[attribute.name] = value
        return specs or None


def export_listings(listings, format_, language):
    "File bytes of the listings in the import layout, read in the language"
    Listing = Pool().get('s2b2b.listing')
    code = 'zh_CN' if importing.language_key(language) == 'zh' else 'en'
    with Transaction().set_context(language=code):
        listings = Listing.browse([l.id for l in listings])
        rows = [_export_row(l, code) for l in listings]
    return importing.export(rows, format_, code)


def _export_row(listing, language):
    number = importing.format_number
    zh, en = regions.names(listing.province) if listing.province \
        else ('', '')
    return {
        'reference': listing.reference,
        'name': listing.name,
        'name_en': listing.name_en,
        'category': listing.category.rec_name,
        'brand': listing.brand,
        'model': listing.model,
        'uom': listing.uom.symbol or listing.uom.name,
        'tiers': importing.format_tiers(listing.tiers),
        'moq': number(listing.moq),
        'order_multiple': number(listing.order_multiple),
        'lead_time': number(listing.lead_time),
        'province': zh if language == 'zh_CN' else en,
        'city': listing.city,
        'available_quantity': number(listing.available_quantity),
        'low_stock_threshold': number(listing.low_stock_threshold),
        'carbon_footprint': number(listing.carbon_footprint),
        'carbon_source': listing.carbon_source,
        'valid_from': listing.valid_from.isoformat()
        if listing.valid_from else '',
        'valid_to': listing.valid_to.isoformat() if listing.valid_to else '',
        'description': listing.description,
        'specs': importing.format_specs(
            (k, _spec_text(v)) for k, v in (listing.specs or {}).items()),
        }


def _spec_text(value):
    if isinstance(value, bool):
        return 'yes' if value else 'no'
    if isinstance(value, list):
        return ','.join(map(str, value))
    return importing.format_number(value)
