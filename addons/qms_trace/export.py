# This file is part of the QMS modules for Tryton.
import datetime as dt
import logging
import math
import os
import tempfile
from decimal import Decimal

import xlsxwriter
from sql import Literal

from trytond.model import ModelView, fields
from trytond.model.modelsql import convert_from
from trytond.modules.qms_sales.model import WizardMixin
from trytond.pool import Pool
from trytond.pyson import Eval, If
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


# the rows of an xlsx worksheet, the header included
SHEET_ROWS = 1048576
# data rows per worksheet, None for as many as xlsx allows
ROWS_PER_SHEET = None
# the longest text of a cell, in UTF-16 code units
TEXT_MAX = 32767
_CELL_TYPES = {str, bool, int, float, Decimal, dt.date, dt.datetime}


def cell_value(value):
    """Return value as xlsxwriter writes it: text for the types it has
    not, cut at the longest text a cell holds"""
    if type(value) is str:
        return _cut(value)
    elif value is None or type(value) in _CELL_TYPES:
        if isinstance(value, (float, Decimal)) and not math.isfinite(value):
            raise ValueError("NaN and infinity cannot be written to xlsx")
        return value
    return _cut(str(value))


def _cut(text):
    "Return text cut as Excel does (write_row stops at a longer text)"
    if len(text) <= TEXT_MAX // 2:
        return text
    units = 0
    for index, char in enumerate(text):
        units += 2 if ord(char) > 0xFFFF else 1
        if units > TEXT_MAX:
            return text[:index]
    return text


def write_xlsx(file, sheets):
    """Write sheets, a list of (name, header, rows), to file as xlsx in
    constant memory and return the number of rows written; rows beyond
    what a worksheet holds go on to sheets named "name (2)", "name (3)"...
    Texts stay texts (no formula, no link), dates are ISO."""
    workbook = xlsxwriter.Workbook(file, {
            'constant_memory': True,
            'tmpdir': tempfile.gettempdir(),
            'default_date_format': 'yyyy-mm-dd',
            'strings_to_formulas': False,
            'strings_to_urls': False,
            })
    bold = workbook.add_format({'bold': True})
    limit = ROWS_PER_SHEET or SHEET_ROWS - 1

    def add_sheet(name, header):
        sheet = workbook.add_worksheet(name[:31])
        sheet.write_row(0, 0, header, bold)
        sheet.freeze_panes(1, 0)
        return sheet

    count = 0
    for name, header, rows in sheets:
        sheet, part, row = add_sheet(name, header), 1, 0
        for values in rows:
            if row == limit:
                part += 1
                sheet, row = add_sheet(
                    '%s (%d)' % (name[:24], part), header), 0
            row += 1
            sheet.write_row(row, 0, [cell_value(v) for v in values])
            count += 1
            if not count % BATCH:
                logger.info("exported %d rows of %s", count, name)
    workbook.close()
    return count


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
