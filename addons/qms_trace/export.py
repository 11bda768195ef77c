# This file is part of the QMS modules for Tryton.
import datetime as dt
import logging
import math
from itertools import repeat
from math import isfinite
import os
import re
import tempfile
from decimal import Decimal
from operator import itemgetter, sub

import xlsxwriter
from sql import Literal
from xlsxwriter.utility import (
    _datetime_to_excel_datetime, _preserve_whitespace, _utf16_len,
    _utf16_truncate, xl_col_to_name)
from xlsxwriter.worksheet import Worksheet
from xlsxwriter.xmlwriter import XMLwriter

from trytond.model import ModelView, fields
from trytond.model.modelsql import convert_from
from trytond.pool import Pool
from trytond.pyson import Eval, If
from trytond.modules.qms_sales.model import WizardMixin
from trytond.transaction import Transaction, check_access
from trytond.wizard import Button, StateTransition, StateView, Wizard

logger = logging.getLogger(__name__)
BATCH = 10000

SALES_COLUMNS = [
    'date', 'customer_name', 'customer_address', 'customer_contact',
    'customer_phone', 'customer_license', 'product_name', 'device_model',
    'device_specification', 'registration_number', 'quantity', 'unit',
    'unit_price', 'amount', 'currency', 'lot_number', 'production_date',
    'expiration_date', 'registrant_name', 'manufacturer_name',
    'manufacturer_license', 'udi', 'sale_reference', 'online_order',
    'shipment_reference', 'salesperson', 'retain_until',
    ]
PURCHASE_COLUMNS = [
    'date', 'supplier_name', 'supplier_address', 'supplier_contact',
    'supplier_phone', 'supplier_license', 'product_name', 'device_model',
    'device_specification', 'registration_number', 'quantity', 'unit',
    'unit_price', 'lot_number', 'production_date', 'expiration_date',
    'registrant_name', 'manufacturer_name', 'manufacturer_license', 'udi',
    'purchase_reference', 'shipment_reference', 'inspection_result',
    'inspector', 'retain_until',
    ]


class StreamWorksheet(Worksheet):
    """A constant-memory worksheet that writes whole rows at once.

    xlsxwriter's per-cell API checks and stores every cell, then renders it
    when the row is flushed; for large exports this costs more than reading
    the rows from the database.  write_rows renders rows straight into the
    row stream of constant_memory mode (the temporary file that xlsxwriter
    copies into <sheetData> when the workbook is closed) with the XML that
    xlsxwriter's _write_cell writes for the same values: in-line strings
    with XML and control characters escaped, numbers as <v>, dates as
    serial numbers in the default date format.  Each distinct sequence of
    value types in a row gets a compiled str.format template, so a plain
    row costs one format call; a row with characters to escape is rendered
    cell by cell.  It uses row_data_fh, previous_row, the dim_* bounds and
    _write_single_row of the xlsxwriter pinned in pyproject.toml."""

    def write_rows(self, first_row, rows):
        """Write rows (sequences of values) from first_row on and return
        their count; dates get the workbook's default_date_format"""
        if not self.constant_memory or self.default_date_format is None:
            raise ValueError(
                "write_rows needs constant_memory and default_date_format")
        if not rows:
            return 0
        if first_row + len(rows) > self.xls_rowmax:
            raise ValueError("a worksheet holds %d rows" % self.xls_rowmax)
        # flush the row pending in xlsxwriter's table (the header)
        self._write_single_row(first_row)
        date_style = ' s="%d"' % self.default_date_format._get_xf_index()
        width = max(len(r) for r in rows)
        refs = [xl_col_to_name(c) for c in range(width)]
        plans = {}
        chunk = []
        for number, row in enumerate(rows, first_row + 1):
            types = tuple(map(type, row))
            if not _KNOWN.issuperset(types):
                row = [v if type(v) in _KNOWN else str(v) for v in row]
                types = tuple(map(type, row))
            plan = plans.get(types)
            if plan is None:
                plan = plans[types] = _plan(types, refs, date_style)
            template, strings, numbers, dates, converters = plan
            if ((strings and not _plain('\uffff'.join(strings(row))))
                    or (numbers and not all(map(isfinite, numbers(row))))
                    or (dates and min(dates(row)) < _EXCEL_LEAP_BUG)):
                chunk.append(self._render_row(number, row, refs, date_style))
                continue
            chunk.append(template.format(number, row,
                    list(map(sub, map(_ordinal, dates(row)), _EPOCHS))
                    if dates else None,
                    [c(row[i]) for i, c in converters]))
            if len(chunk) >= 1000:
                self.row_data_fh.write(''.join(chunk))
                chunk = []
        self.row_data_fh.write(''.join(chunk))
        last = first_row + len(rows) - 1
        if self.dim_rowmin is None or first_row < self.dim_rowmin:
            self.dim_rowmin = first_row
        if self.dim_rowmax is None or last > self.dim_rowmax:
            self.dim_rowmax = last
        if self.dim_colmin is None:
            self.dim_colmin = 0
        if self.dim_colmax is None or width - 1 > self.dim_colmax:
            self.dim_colmax = width - 1
        # the next cell written through xlsxwriter goes below
        self.previous_row = last + 1
        return len(rows)

    def _render_row(self, number, row, refs, date_style):
        "Return the XML of row rendered cell by cell"
        line = str(number)
        cells = ['<row r="%s">' % line]
        for ref, value in zip(refs, row):
            if value is None:
                continue
            kind = type(value)
            if kind is int:
                cells.append('<c r="%s%s"><v>%s</v></c>' % (
                        ref, line, format(value, '.16G')))
            elif kind in _CONVERTERS:
                style = date_style if kind in _DATE_TYPES else ''
                cells.append('<c r="%s%s"%s><v>%s</v></c>' % (
                        ref, line, style, _CONVERTERS[kind](value)))
            elif kind is bool:
                cells.append('<c r="%s%s" t="b"><v>%d</v></c>' % (
                        ref, line, value))
            else:
                cells.append(_inline_string(ref + line, str(value)))
        cells.append('</row>')
        return ''.join(cells)


def _plan(types, refs, date_style):
    """Return for the rows with these value types: the str.format template,
    the getters of their strings, numbers and dates and the converters of
    their other values"""
    cells, strings, numbers, dates, converters = (
        ['<row r="{0}">'], [], [], [], [])
    for i, (ref, kind) in enumerate(zip(refs, types)):
        cell = '<c r="%s{0}"' % ref
        if kind is str:
            strings.append(i)
            cells.append(
                cell + ' t="inlineStr"><is><t>{1[%d]}</t></is></c>' % i)
        elif kind is bool:
            cells.append(cell + ' t="b"><v>{1[%d]:d}</v></c>' % i)
        elif kind in {int, float, Decimal}:
            if kind is not int:
                numbers.append(i)
            cells.append(cell + '><v>{1[%d]:.16G}</v></c>' % i)
        elif kind is dt.date:
            cells.append(cell + '%s><v>{2[%d]}</v></c>' % (
                    date_style, len(dates)))
            dates.append(i)
        elif kind in _CONVERTERS:
            style = date_style if kind in _DATE_TYPES else ''
            cells.append(cell + '%s><v>{3[%d]}</v></c>' % (
                    style, len(converters)))
            converters.append((i, _CONVERTERS[kind]))
    cells.append('</row>')
    return (''.join(cells), _getter(strings), _getter(numbers),
        _getter(dates), converters)


def _getter(indices):
    "Return a function giving the tuple of the values at indices of a row"
    if not indices:
        return None
    # with one index itemgetter returns the value instead of a tuple
    return itemgetter(*indices, *indices[:1] if len(indices) == 1 else ())


# what makes xlsxwriter's _write_cell change an in-line string, looked for
# at once in the strings of a row joined by U+FFFF: XML or control
# characters, text like a _xHHHH_ escape, whitespace at a string's ends
_ROW_CHARS = re.compile('[&<>\x00-\x08\x0b-\x1f]')
_ROW_ESCAPE = re.compile('_x[0-9a-fA-F]{4}_')
_ROW_EDGES = re.compile('\uffff(?:(?<=\\s\uffff)|\\s)')


def _plain(text):
    "Tell if the joined strings need no escape"
    return not (_ROW_CHARS.search(text)
        or ('_x' in text and _ROW_ESCAPE.search(text))
        or _ROW_EDGES.search(text)
        or text[:1].isspace() or text[-1:].isspace()
        or len(text) > _STRMAX // 2)


_EXCEL_EPOCH = dt.date(1899, 12, 30).toordinal()
_EPOCHS = repeat(_EXCEL_EPOCH)
_ordinal = dt.date.toordinal
_EXCEL_LEAP_BUG = dt.date(1900, 3, 1)
_STRMAX = 32767


def _inline_string(ref, value):
    "Return the cell of an in-line string as xlsxwriter's _write_cell does"
    if len(value) > _STRMAX // 2 and _utf16_len(value) > _STRMAX:
        value = _utf16_truncate(value, _STRMAX)
    value = XMLwriter._escape_control_characters(value)
    preserve = ' xml:space="preserve"' if _preserve_whitespace(value) else ''
    value = (value.replace('&', '&amp;')
        .replace('<', '&lt;').replace('>', '&gt;'))
    return '<c r="%s" t="inlineStr"><is><t%s>%s</t></is></c>' % (
        ref, preserve, value)


def _excel_date(value):
    if value < _EXCEL_LEAP_BUG:
        # Excel counts a 29 February 1900 that never was
        return '%d' % _datetime_to_excel_datetime(value, False, True)
    return '%d' % (value.toordinal() - _EXCEL_EPOCH)


def _excel_datetime(value):
    return format(_datetime_to_excel_datetime(value, False, True), '.16G')


def _excel_number(value):
    if not value.is_finite() if isinstance(value, Decimal) else (
            math.isnan(value) or math.isinf(value)):
        raise ValueError("NaN and infinity cannot be written to xlsx")
    return format(value, '.16G')


_CONVERTERS = {
    float: _excel_number,
    Decimal: _excel_number,
    dt.date: _excel_date,
    dt.datetime: _excel_datetime,
    }
_DATE_TYPES = {dt.date, dt.datetime}
_KNOWN = set(_CONVERTERS) | {str, bool, int, type(None)}


def write_xlsx(file, sheets):
    """Write sheets, a list of (name, header, rows), to file as xlsx in
    constant memory and return the number of rows written; rows beyond
    what a worksheet holds go on to sheets named "name (2)", "name (3)"..."""
    workbook = xlsxwriter.Workbook(file, {
            'constant_memory': True,
            'tmpdir': tempfile.gettempdir(),
            'default_date_format': 'yyyy-mm-dd',
            })
    bold = workbook.add_format({'bold': True})

    def add_sheet(name, header):
        sheet = workbook.add_worksheet(
            name[:31], worksheet_class=StreamWorksheet)
        sheet.write_row(0, 0, header, bold)
        sheet.freeze_panes(1, 0)
        return sheet

    count = 0
    for name, header, rows in sheets:
        sheet, part, row = add_sheet(name, header), 1, 1
        for batch in _batches(rows):
            while batch:
                limit = ROWS_PER_SHEET or sheet.xls_rowmax - 1
                if row > limit:
                    part += 1
                    sheet = add_sheet(
                        '%s (%d)' % (name[:24], part), header)
                    row = 1
                written = sheet.write_rows(row, batch[:limit - row + 1])
                batch = batch[written:]
                row += written
                count += written
            logger.info("exported %d rows of %s", count, name)
    workbook.close()
    return count


# data rows per worksheet, None for as many as xlsx allows
ROWS_PER_SHEET = None


def _batches(rows):
    batch = []
    for row in rows:
        batch.append(row)
        if len(batch) >= BATCH:
            yield batch
            batch = []
    if batch:
        yield batch


def to_bytes(sheets):
    "Return the xlsx content of sheets and the number of rows"
    fd, path = tempfile.mkstemp(suffix='.xlsx')
    try:
        os.close(fd)
        count = write_xlsx(path, sheets)
        with open(path, 'rb') as file:
            return file.read(), count
    finally:
        os.unlink(path)


def iter_table(Model, columns, where=None):
    """Yield the rows of Model's table that the user may read (record
    rules) in batches of BATCH by id"""
    pool = Pool()
    Rule = pool.get('ir.rule')
    table = Model.__table__()
    tables = {None: (table, None)}
    rule = None
    rule_domain = Rule.domain_get(Model.__name__, mode='read')
    if rule_domain:
        tables, rule = Model.search_domain(
            rule_domain, active_test=False, tables=tables)
    from_ = convert_from(None, tables)
    cursor = Transaction().connection.cursor()
    last_id = 0
    sql_columns = [getattr(table, c) for c in columns]
    while True:
        condition = table.id > last_id
        if rule is not None:
            condition &= rule
        if where is not None:
            condition &= where(table)
        cursor.execute(*from_.select(table.id, *sql_columns,
                where=condition, order_by=[table.id.asc], limit=BATCH))
        rows = cursor.fetchall()
        if not rows:
            break
        last_id = rows[-1][0]
        for row in rows:
            yield row[1:]


class ExportResult(ModelView):
    __name__ = 'qms.export.result'
    __string__ = "Export Result"

    file = fields.Binary("File", filename='filename', readonly=True)
    filename = fields.Char("File Name", readonly=True)
    rows = fields.Integer("Rows", readonly=True)

    @classmethod
    def header(cls, Model, columns):
        names = Model.fields_get(columns)
        return [names[c]['string'] for c in columns]

    @classmethod
    def records(cls, Model, columns, date_from=None, date_to=None):
        "Return xlsx of the records between the dates and the row count"
        def where(table):
            condition = Literal(True)
            if date_from:
                condition &= table.date >= date_from
            if date_to:
                condition &= table.date <= date_to
            return condition
        return to_bytes([(Model.__names__()['model'],
                    cls.header(Model, columns),
                    iter_table(Model, columns, where))])

    @classmethod
    def trace(cls, lots, with_returned=False):
        "Return xlsx of the downstream and upstream trace of lots"
        pool = Pool()
        Trace = pool.get('qms.trace')
        Downstream = pool.get('qms.trace.downstream')
        Upstream = pool.get('qms.trace.upstream')
        down_columns = ['lot', 'product', 'customer', 'quantity', 'unit',
            'first_date', 'last_date', 'shipments', 'contact', 'phone']
        up_columns = ['lot', 'product', 'supplier', 'quantity', 'unit',
            'date', 'shipment', 'registrant', 'manufacturer']

        def name(record):
            return record.rec_name if record else None

        down = ([name(r['lot']), name(r['product']), name(r['customer']),
                    r['quantity'], name(r['unit']), r['first_date'],
                    r['last_date'],
                    ', '.join(s.rec_name for s in r['shipments']),
                    r['contact'], r['phone']]
            for r in Trace.downstream(lots, with_returned=with_returned))
        up = ([name(r['lot']), name(r['product']), name(r['supplier']),
                    r['quantity'], name(r['unit']), r['date'],
                    name(r['shipment']), name(r['registrant']),
                    name(r['manufacturer'])]
            for r in Trace.upstream(lots))
        return to_bytes([
                (Downstream.__names__()['model'],
                    cls.header(Downstream, down_columns), down),
                (Upstream.__names__()['model'],
                    cls.header(Upstream, up_columns), up),
                ])


class ExportRecords(WizardMixin, Wizard):
    __name__ = 'qms.export.records'

    start = StateView('qms.export.records.start',
        'qms_trace.export_records_start_view_form', [
            Button("Cancel", 'end', 'tryton-cancel'),
            Button("Export", 'export', 'tryton-ok', default=True),
            ])
    export = StateTransition()
    result = StateView('qms.export.result',
        'qms_trace.export_result_view_form', [
            Button("Close", 'end', 'tryton-close', default=True),
            ])

    def transition_export(self):
        pool = Pool()
        ModelAccess = pool.get('ir.model.access')
        Result = pool.get('qms.export.result')
        if self.start.kind == 'sales':
            Model, columns = pool.get('qms.sales.record'), SALES_COLUMNS
        else:
            Model, columns = (
                pool.get('qms.purchase.record'), PURCHASE_COLUMNS)
        # wizards run without access checks: export what the user may read
        with check_access():
            ModelAccess.check(Model.__name__, 'read')
            self.result.file, self.result.rows = Result.records(
                Model, columns, self.start.date_from, self.start.date_to)
        self.result.filename = '%s-records-%s-%s.xlsx' % (
            self.start.kind, self.start.date_from or '',
            self.start.date_to or '')
        return 'result'

    def default_result(self, fields):
        return {
            'file': self.result.file,
            'filename': self.result.filename,
            'rows': self.result.rows,
            }


class ExportRecordsStart(ModelView):
    __name__ = 'qms.export.records.start'
    __string__ = "Export Records"

    kind = fields.Selection([
            ('sales', "Sales Records"),
            ('purchase', "Purchase Records"),
            ], "Kind", required=True, sort=False)
    date_from = fields.Date("From Date",
        domain=[
            If(Eval('date_from') & Eval('date_to'),
                ('date_from', '<=', Eval('date_to')),
                ()),
            ])
    date_to = fields.Date("To Date")
    count = fields.Integer("Records", readonly=True,
        help="The number of records the export will write.")

    @classmethod
    def default_kind(cls):
        return 'sales'

    @fields.depends('kind', 'date_from', 'date_to')
    def on_change_with_count(self):
        pool = Pool()
        if not self.kind:
            return
        Model = pool.get(
            'qms.sales.record' if self.kind == 'sales'
            else 'qms.purchase.record')
        domain = []
        if self.date_from:
            domain.append(('date', '>=', self.date_from))
        if self.date_to:
            domain.append(('date', '<=', self.date_to))
        return Model.search_count(domain)
