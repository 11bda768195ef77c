# This file is part of the QMS modules for Tryton.
import base64
import datetime as dt
import io
import os
import tempfile
import zipfile
from contextlib import ExitStack
from decimal import Decimal
from unittest.mock import patch

from trytond.model.exceptions import AccessError
from trytond.modules.company.tests import (
    CompanyTestMixin,
    create_company,
    set_company,
)
from trytond.modules.qms_sales.stock import GATED_CONTEXT
from trytond.modules.qms_trace.exceptions import (
    RecordAccessError,
    RecordMissingError,
)
from trytond.modules.qms_trace.export import PURCHASE_COLUMNS, SALES_COLUMNS
from trytond.pool import Pool
from trytond.pyson import PYSONDecoder
from trytond.tests.test_tryton import (
    ModuleTestCase,
    RouteTestCase,
    with_transaction,
)
from trytond.transaction import Transaction, check_access, without_check_access

from .tools import (
    create_history,
    create_lot,
    create_party,
    create_product,
    locations,
    move,
    pdf_text,
    shipment_out,
    today,
)


class QmsTraceTestCase(CompanyTestMixin, ModuleTestCase):
    "Test QmsTrace module"
    module = 'qms_trace'

    @with_transaction()
    def test_trace_downstream_net_after_return(self):
        "Test downstream closure nets returns and leaves out B"
        pool = Pool()
        Trace = pool.get('qms.trace')
        company = create_company()
        with set_company(company):
            history = create_history(company)
            customers = history['customers']

            rows = Trace.downstream([history['lot']])

            self.assertEqual(
                [(r['customer'], r['quantity']) for r in rows],
                [(customers['A'], 3), (customers['C'], 4)])
            row_c = rows[1]
            self.assertEqual(row_c['lot'], history['lot'])
            self.assertEqual(row_c['product'], history['product'])
            self.assertEqual(row_c['shipments'], [history['shipments']['C']])
            self.assertIn("C Road", row_c['contact'])
            self.assertEqual(row_c['phone'], '+8657188880000')

            rows = Trace.downstream([history['lot']], with_returned=True)
            self.assertEqual(
                [(r['customer'], r['quantity']) for r in rows],
                [(customers['A'], 3), (customers['B'], 0),
                    (customers['C'], 4)])
            self.assertEqual(rows[1]['shipments'], [
                    history['shipments']['B'],
                    history['shipments']['B-return']])

    @with_transaction()
    def test_recall_start_from_trace(self):
        "Test a recall started from trace rows proposes their lots"
        pool = Pool()
        Downstream = pool.get('qms.trace.downstream')
        Recall = pool.get('qms.recall')
        RecallStart = pool.get('qms.recall.start', type='wizard')
        company = create_company()
        with set_company(company):
            history = create_history(company)
            lot = history['lot']
            with Transaction().set_context(lots=[lot.id]):
                rows = Downstream.search([])
                self.assertEqual(len(rows), 2)
                session_id, _, _ = RecallStart.create()
                with Transaction().set_context(
                        active_model=Downstream.__name__,
                        active_id=rows[0].id,
                        active_ids=[r.id for r in rows]):
                    result = RecallStart.execute(session_id, {}, 'start')
            (action, _), = result['actions']
            self.assertEqual(action['res_model'], 'qms.recall')
            context = PYSONDecoder().decode(action['pyson_context'])
            with Transaction().set_context(context):
                self.assertEqual(
                    Recall.default_get(['lots'])['lots'], [lot.id])
            self.assertEqual(Recall.default_get(['lots'])['lots'], [])

    @with_transaction()
    def test_trace_upstream(self):
        "Test upstream closure reaches the supplier"
        pool = Pool()
        Trace = pool.get('qms.trace')
        company = create_company()
        with set_company(company):
            history = create_history(company)

            row, = Trace.upstream([history['lot']])

            self.assertEqual(row['supplier'], history['supplier'])
            self.assertEqual(row['shipment'], history['receipt'])
            self.assertEqual(row['quantity'], 10)
            registration = history['product'].template.registration
            self.assertEqual(row['registrant'], registration.registrant)
            self.assertEqual(row['manufacturer'], registration.manufacturer)

    @with_transaction()
    def test_trace_follows_lot_links(self):
        "Test closure follows kit links down and up"
        pool = Pool()
        Trace = pool.get('qms.trace')
        Link = pool.get('qms.lot.link')
        company = create_company()
        with set_company(company):
            history = create_history(company)
            loc = locations()
            kit_lot = create_lot(history['product'], number='KIT1')
            other = create_lot(history['product'], number='OTHER')
            Link.create([{
                        'parent_lot': history['lot'].id,
                        'child_lot': kit_lot.id,
                        'kind': 'kit',
                        }, {
                        'parent_lot': kit_lot.id,
                        'child_lot': history['lot'].id,
                        'kind': 'relabel',
                        }])
            customer = history['customers']['A']
            move(company, history['product'], kit_lot, loc['stock'],
                loc['customer'], 1,
                shipment=shipment_out(company, customer))
            move(company, history['product'], other, loc['stock'],
                loc['customer'], 1,
                shipment=shipment_out(company, customer))

            rows = Trace.downstream([history['lot']])
            self.assertEqual(
                {r['lot'] for r in rows}, {history['lot'], kit_lot})

            rows = Trace.upstream([kit_lot])
            self.assertEqual(
                {r['lot'] for r in rows}, {history['lot']})

    @with_transaction()
    def test_sales_record_snapshot(self):
        "Test a sales record per done customer move, negative for returns"
        pool = Pool()
        SalesRecord = pool.get('qms.sales.record')
        Party = pool.get('party.party')
        Template = pool.get('product.template')
        company = create_company()
        with set_company(company):
            history = create_history(company)
            lot = history['lot']
            registration = history['product'].template.registration

            records = SalesRecord.search([], order=[('id', 'ASC')])

            self.assertEqual(
                [(r.customer_name, r.quantity) for r in records],
                [("Customer A", 3), ("Customer B", 2),
                    ("Customer B", -2), ("Customer C", 4)])
            record = records[0]
            self.assertEqual(record.product_name, "Stent")
            self.assertEqual(record.device_model, "ST-10")
            self.assertEqual(record.device_specification, "10 mm")
            self.assertEqual(
                record.registration_number, registration.number)
            self.assertEqual(record.unit, 'u')
            self.assertEqual(record.unit_price, Decimal(100))
            self.assertEqual(record.amount, Decimal(300))
            self.assertEqual(records[2].amount, Decimal(-200))
            self.assertEqual(record.lot, lot)
            self.assertEqual(record.lot_number, 'L1')
            self.assertEqual(record.expiration_date, lot.expiration_date)
            self.assertEqual(record.production_date, lot.production_date)
            self.assertEqual(record.date, today() - dt.timedelta(days=8))
            self.assertEqual(record.registrant_name, "Stent Registrant")
            self.assertEqual(
                record.manufacturer_name, "Stent Manufacturer")
            self.assertEqual(
                record.manufacturer_license, '浙食药监械生产许20150001号')
            self.assertIn("1 Customer A Road", record.customer_address)
            self.assertEqual(record.customer_phone, '+8657188880000')
            self.assertEqual(record.customer_license, "LIC-Customer A")
            self.assertEqual(
                record.shipment_reference,
                history['shipments']['A'].number)
            self.assertEqual(record.company, company)
            self.assertEqual(
                record.retain_until,
                lot.expiration_date.replace(
                    year=lot.expiration_date.year + 2))

            Party.write([history['customers']['A']], {'name': "Renamed"})
            Template.write([history['product'].template], {'name': "New"})
            record = SalesRecord(record.id)
            self.assertEqual(record.customer_name, "Customer A")
            self.assertEqual(record.product_name, "Stent")

    @with_transaction()
    def test_retain_until(self):
        "Test retention: expiry + 2 years, 5 years, for ever for implants"
        Configuration = Pool().get('qms.configuration')
        retain_until = Configuration(1).retain_until
        date = dt.date(2024, 2, 29)
        self.assertEqual(
            retain_until(date, dt.date(2026, 3, 1), False),
            dt.date(2028, 3, 1))
        self.assertEqual(
            retain_until(date, None, False), dt.date(2029, 2, 28))
        self.assertIsNone(retain_until(date, dt.date(2026, 3, 1), True))

        configuration = Configuration(1)
        configuration.record_retention_expiry_years = 3
        configuration.record_retention_years = 10
        configuration.save()
        retain_until = Configuration(1).retain_until
        self.assertEqual(
            retain_until(date, dt.date(2026, 3, 1), False),
            dt.date(2029, 3, 1))
        self.assertEqual(
            retain_until(date, None, False), dt.date(2034, 2, 28))

    @with_transaction()
    def test_purchase_record(self):
        "Test purchase record with supplier and inspection"
        pool = Pool()
        PurchaseRecord = pool.get('qms.purchase.record')
        company = create_company()
        with set_company(company):
            history = create_history(company)

            record, = PurchaseRecord.search([])

            self.assertEqual(record.supplier, history['supplier'])
            self.assertEqual(record.supplier_name, "Supplier")
            self.assertEqual(record.quantity, 10)
            self.assertEqual(record.lot_number, 'L1')
            self.assertEqual(
                record.shipment_reference, history['receipt'].number)
            self.assertEqual(record.supplier_phone, '+8657188880000')

    @with_transaction()
    def test_record_missing_registration(self):
        "Test a missing mandatory field stops the move naming the fix"
        company = create_company()
        with set_company(company):
            product = create_product("Gauze", registration=False)
            lot = create_lot(product)
            loc = locations()
            customer = create_party("Hospital", phone=False)
            shipment = shipment_out(company, customer)
            outgoing = move(company, product, lot, loc['stock'],
                loc['customer'], 1, shipment=shipment, do=False)

            with self.assertRaises(RecordMissingError) as cm:
                # past the gate (it blocks first), the record stops it too
                with Transaction().set_context(_skip_warnings=True,
                        **{GATED_CONTEXT: [shipment.id]}):
                    outgoing.do([outgoing])
            message = cm.exception.message
            self.assertIn(
                'The product "Gauze" has no registration', message)
            self.assertIn('The party "Hospital" has no phone', message)

    @with_transaction()
    def test_record_missing_license(self):
        "Test a customer without valid licence stops the delivery"
        company = create_company()
        with set_company(company):
            product = create_product()
            lot = create_lot(product)
            loc = locations()
            customer = create_party("Shop", qualification=False)
            shipment = shipment_out(company, customer)
            outgoing = move(company, product, lot, loc['stock'],
                loc['customer'], 1, shipment=shipment, do=False)

            with self.assertRaises(RecordMissingError) as cm:
                # past the gate (it blocks first), the record stops it too
                with Transaction().set_context(_skip_warnings=True,
                        **{GATED_CONTEXT: [shipment.id]}):
                    outgoing.do([outgoing])
            self.assertIn(
                'The customer "Shop" has no valid licence',
                cm.exception.message)

    @with_transaction()
    def test_record_immutable(self):
        "Test records cannot be created, written or deleted in Python"
        pool = Pool()
        SalesRecord = pool.get('qms.sales.record')
        PurchaseRecord = pool.get('qms.purchase.record')
        company = create_company()
        with set_company(company):
            create_history(company)
            for Record in [SalesRecord, PurchaseRecord]:
                record = Record.search([])[0]
                with self.assertRaises(RecordAccessError):
                    Record.write([record], {'quantity': 0})
                with self.assertRaises(RecordAccessError):
                    Record.delete([record])
                with self.assertRaises(RecordAccessError):
                    Record.create([{'product_name': "Fake"}])
                with self.assertRaises(RecordAccessError):
                    Record.copy([record])

    @with_transaction()
    def test_trace_lists(self):
        "Test downstream and upstream lists opened with lots in context"
        pool = Pool()
        Downstream = pool.get('qms.trace.downstream')
        Upstream = pool.get('qms.trace.upstream')
        company = create_company()
        with set_company(company):
            history = create_history(company)
            customers = history['customers']
            lots = [history['lot'].id]

            with Transaction().set_context(lots=lots):
                rows = Downstream.search([], order=[('first_date', 'ASC')])
                self.assertEqual(
                    [(r.customer, r.quantity, r.shipments) for r in rows],
                    [(customers['A'], 3, 1), (customers['C'], 4, 1)])
                self.assertEqual(rows[0].phone, '+8657188880000')
                up, = Upstream.search([])
                self.assertEqual(up.supplier, history['supplier'])
                self.assertEqual(up.shipment, history['receipt'])
            with Transaction().set_context(lots=lots, with_returned=True):
                self.assertEqual(Downstream.search_count([]), 3)

    @with_transaction()
    def test_trace_open_lots_of(self):
        "Test the lots to trace from a product, customer or shipment"
        pool = Pool()
        TraceOpen = pool.get('qms.trace.open', type='wizard')
        Product = pool.get('product.product')
        Party = pool.get('party.party')
        ShipmentOut = pool.get('stock.shipment.out')
        company = create_company()
        with set_company(company):
            history = create_history(company)
            lot = history['lot']
            self.assertEqual(
                TraceOpen.lots_of(Product, [history['product']]), [lot])
            self.assertEqual(
                TraceOpen.lots_of(Party, [history['customers']['B']]),
                [lot])
            self.assertEqual(
                TraceOpen.lots_of(
                    ShipmentOut, [history['shipments']['C']]),
                [lot])

    @with_transaction()
    def test_export_records(self):
        "Test xlsx export of sales records by date"
        pool = Pool()
        SalesRecord = pool.get('qms.sales.record')
        PurchaseRecord = pool.get('qms.purchase.record')
        Result = pool.get('qms.export.result')
        company = create_company()
        with set_company(company):
            create_history(company)

            data, rows = Result.records(SalesRecord, SALES_COLUMNS)
            self.assertEqual(rows, 4)
            # read back: every value of every record, with its type
            header, *cells = xlsx_rows(data)
            self.assertEqual(
                header, Result.header(SalesRecord, SALES_COLUMNS))
            records = SalesRecord.search([], order=[('id', 'ASC')])
            self.assertEqual(len(cells), len(records))
            for record, row in zip(records, cells, strict=False):
                for name, cell in zip(SALES_COLUMNS, row, strict=False):
                    value = getattr(record, name)
                    if isinstance(value, dt.date):
                        self.assertIsInstance(cell, dt.datetime, msg=name)
                        cell = cell.date()
                    elif isinstance(value, (Decimal, float)):
                        self.assertIsInstance(cell, (int, float), msg=name)
                        value = float(value)
                    elif value == '':
                        value = None
                    self.assertEqual(cell, value, msg=name)
            self.assertIn("Customer A", [r[1] for r in cells])

            data, rows = Result.records(SalesRecord, SALES_COLUMNS,
                date_from=today() - dt.timedelta(days=6))
            self.assertEqual(rows, 2)
            Start = pool.get('qms.export.records.start')
            self.assertEqual(Start(kind='sales').on_change_with_count(), 4)
            self.assertEqual(Start(kind='sales',
                    date_from=today() - dt.timedelta(days=6)
                    ).on_change_with_count(), 2)
            self.assertEqual(
                Start(kind='purchase').on_change_with_count(), 1)

            data, rows = Result.records(PurchaseRecord, PURCHASE_COLUMNS)
            self.assertEqual(rows, 1)
            self.assertIn("Supplier", xlsx_text(data))

    @with_transaction()
    def test_export_records_company_rule(self):
        "Test the export gives only the records of the user's companies"
        pool = Pool()
        SalesRecord = pool.get('qms.sales.record')
        Result = pool.get('qms.export.result')
        User = pool.get('res.user')
        company = create_company()
        other = create_company(name="Other Company")
        with set_company(company):
            create_history(company)
        with set_company(other):
            create_history(other)
        user, = User.create([{
                    'login': 'exporter',
                    'name': "Exporter",
                    'companies': [('add', [company.id])],
                    'company': company.id,
                    }])
        self.assertEqual(SalesRecord.search_count([]), 8)
        with Transaction().set_user(user.id), \
                Transaction().set_context(User.get_preferences(
                        context_only=True)), \
                check_access():
            _, rows = Result.records(SalesRecord, SALES_COLUMNS)
        self.assertEqual(rows, 4)

    def _user(self, login, company, groups=()):
        "Return a user of company in the QMS groups named"
        pool = Pool()
        User = pool.get('res.user')
        ModelData = pool.get('ir.model.data')
        user, = User.create([{
                    'login': login,
                    'name': login,
                    'companies': [('add', [company.id])],
                    'company': company.id,
                    'groups': [('add', [
                                ModelData.get_id('qms_sales', f'group_qms_{g}')
                                for g in groups])],
                    }])
        return user

    def _as(self, user):
        "Run as user with access checks, as an RPC call does"
        pool = Pool()
        User = pool.get('res.user')
        transaction = Transaction()
        stack = ExitStack()
        stack.enter_context(transaction.set_user(user.id))
        stack.enter_context(transaction.set_context(
                User.get_preferences(context_only=True)))
        stack.enter_context(check_access())
        return stack

    def _export_wizard(self, kind):
        "Run the records export wizard and return its rows"
        pool = Pool()
        Export = pool.get('qms.export.records', type='wizard')
        session_id, _, _ = Export.create()
        with without_check_access():
            Export.execute(session_id, {'start': {
                        'kind': kind, 'date_from': None, 'date_to': None,
                        }}, 'export')
            return Export(session_id).result.rows

    @with_transaction()
    def test_export_records_wizard_access(self):
        "Test the records export wizard follows model access and rules"
        company = create_company()
        other = create_company(name="Other Company")
        for each in [company, other]:
            with set_company(each):
                create_history(each)
        store = self._user('store', company)
        quality = self._user('quality', company, ['quality'])
        for kind in ['sales', 'purchase']:
            with self.subTest(kind=kind):
                with self._as(store), self.assertRaises(AccessError):
                    self._export_wizard(kind)
                with self._as(quality):
                    self.assertEqual(self._export_wizard(kind),
                        {'sales': 4, 'purchase': 1}[kind])

    @with_transaction()
    def test_export_data_record_rules(self):
        "Test export_data refuses the records read refuses"
        pool = Pool()
        SalesRecord = pool.get('qms.sales.record')
        company = create_company()
        other = create_company(name="Other Company")
        with set_company(company):
            create_history(company)
        with set_company(other):
            create_history(other)
        quality = self._user('quality', company, ['quality'])
        own = SalesRecord.search([('company', '=', company.id)])
        others = SalesRecord.search([('company', '=', other.id)])
        with self._as(quality):
            self.assertEqual(len(SalesRecord.export_data(
                        SalesRecord.browse([r.id for r in own]),
                        ['lot_number'])), len(own))
            for records in [others, own + others]:
                with self.assertRaises(AccessError):
                    SalesRecord.export_data(
                        SalesRecord.browse([r.id for r in records]),
                        ['lot_number'])
            self.assertEqual(len(SalesRecord.export_data_domain(
                        [], ['lot_number'])), len(own))

    @with_transaction()
    def test_trace_models_access(self):
        "Test the trace lists are read by who reads the records, not written"
        pool = Pool()
        Downstream = pool.get('qms.trace.downstream')
        Upstream = pool.get('qms.trace.upstream')
        TraceOpen = pool.get('qms.trace.open', type='wizard')
        company = create_company()
        with set_company(company):
            history = create_history(company)
        lots = [history['lot'].id]
        store = self._user('store', company)
        warehouse = self._user('warehouse', company, ['warehouse'])
        with Transaction().set_context(lots=lots):
            rows = Downstream.search([])
            self.assertTrue(rows)
            for user, allowed in [(store, False), (warehouse, True)]:
                for Model in [Downstream, Upstream]:
                    with self.subTest(user=user.login, model=Model.__name__):
                        with self._as(user):
                            if allowed:
                                self.assertTrue(Model.search_read(
                                        [], fields_names=['customer'
                                            if Model == Downstream
                                            else 'supplier']))
                            else:
                                with self.assertRaises(AccessError):
                                    Model.search_read([], fields_names=[])
                            for method, args in [
                                    (Model.create, ([{}],)),
                                    (Model.write, (rows, {'quantity': 0})),
                                    (Model.delete, (rows,)),
                                    ]:
                                with self.assertRaises(AccessError):
                                    method(*args)
            with self._as(store), self.assertRaises(AccessError):
                session_id, _, _ = TraceOpen.create()
                with without_check_access():
                    TraceOpen.execute(session_id, {'start': {
                                'lots': lots, 'with_returned': False}},
                        'export')

    @with_transaction()
    def test_registration_delete_recorded(self):
        "Test a registration the records carry is not deleted"
        pool = Pool()
        Registration = pool.get('product.registration')
        Template = pool.get('product.template')
        from trytond.modules.qms_sales.exceptions import (
            RegistrationDeleteError,
        )
        company = create_company()
        with set_company(company):
            history = create_history(company)
            template = history['product'].template
            registration = template.registration
            Template.write([template], {'registration': None})
            Registration.write([registration], {'templates': [
                        ('remove', [t.id for t in registration.templates])]})
            with self.assertRaises(RegistrationDeleteError):
                Registration.delete([registration])

    def test_xlsx_row_writer(self):
        "Test the row writer writes what xlsxwriter's per-cell API writes"
        import xlsxwriter

        from trytond.modules.qms_trace.export import write_xlsx
        header = ['text', 'number', 'date', 'other']
        rows = [
            ['A & B <c> "q"', 1, dt.date(2026, 11, 30), True],
            ['ctl\x01\x1f\r end', -2.5, dt.date(1900, 1, 15), None],
            ['_x0041_ literal', Decimal('100.0000'), dt.date(1900, 3, 1),
                dt.datetime(2026, 1, 2, 12, 30)],
            [' lead', 10 ** 18, None, 'trail '],
            ['multi\nline', 0.1, None, '\u3000医疗器械'],
            ['x' * 40000, None, None, Decimal('-3.10')],
            [None, None, None, 'plain'],
            ]
        with tempfile.TemporaryDirectory() as directory:
            ours = os.path.join(directory, 'ours.xlsx')
            theirs = os.path.join(directory, 'theirs.xlsx')
            self.assertEqual(write_xlsx(ours, [('S', header, rows)]),
                len(rows))
            workbook = xlsxwriter.Workbook(theirs, {
                    'constant_memory': True,
                    'default_date_format': 'yyyy-mm-dd'})
            bold = workbook.add_format({'bold': True})
            sheet = workbook.add_worksheet('S')
            sheet.write_row(0, 0, header, bold)
            sheet.freeze_panes(1, 0)
            for i, row in enumerate(rows, 1):
                for j, value in enumerate(row):
                    if value is None:
                        continue
                    elif isinstance(value, bool):
                        sheet.write_boolean(i, j, value)
                    elif isinstance(value, str):
                        sheet.write_string(i, j, value)
                    elif isinstance(value, (int, float, Decimal)):
                        sheet.write_number(i, j, value)
                    else:
                        sheet.write_datetime(i, j, value)
            workbook.close()
            with open(ours, 'rb') as file:
                data = file.read()
            with open(theirs, 'rb') as file:
                self.assertEqual(
                    xlsx_text(data), xlsx_text(file.read()))

        def expected(value):
            if isinstance(value, str):
                return value[:32767]
            elif isinstance(value, Decimal):
                return float(value)
            elif (isinstance(value, dt.date)
                    and not isinstance(value, dt.datetime)):
                return dt.datetime.combine(value, dt.time())
            return value
        self.assertEqual(xlsx_rows(data),
            [header] + [[expected(v) for v in r] for r in rows])

    def test_xlsx_rows_per_sheet(self):
        "Test rows beyond what a worksheet holds go on to further sheets"
        import openpyxl

        from trytond.modules.qms_trace import export
        rows = [[i, 'row %d' % i] for i in range(7)]
        with tempfile.TemporaryDirectory() as directory, \
                patch.object(export, 'ROWS_PER_SHEET', 3):
            path = os.path.join(directory, 'parts.xlsx')
            self.assertEqual(
                export.write_xlsx(path, [('Records', ['n', 'text'], rows)]),
                7)
            workbook = openpyxl.load_workbook(path, read_only=True)
            self.assertEqual(workbook.sheetnames,
                ['Records', 'Records (2)', 'Records (3)'])
            self.assertEqual(
                [list(sheet.iter_rows(values_only=True))
                    for sheet in workbook.worksheets],
                [[('n', 'text')] + [tuple(r) for r in rows[i:i + 3]]
                    for i in range(0, 7, 3)])
            workbook.close()

    @with_transaction()
    def test_export_trace(self):
        "Test xlsx export of the trace"
        pool = Pool()
        Result = pool.get('qms.export.result')
        company = create_company()
        with set_company(company):
            history = create_history(company)

            data, rows = Result.trace([history['lot']])

            self.assertEqual(rows, 3)
            text = xlsx_text(data, 'sheet1') + xlsx_text(data, 'sheet2')
            self.assertIn("Customer C", text)
            self.assertIn("Supplier", text)

    def _delivery_note_shipment(self, company, history):
        """Return shipment A made ready for its delivery note (supplier
        licence, carrier, shipper and checker) and its date"""
        pool = Pool()
        Party = pool.get('party.party')
        Employee = pool.get('company.employee')
        Template = pool.get('product.template')
        ShipmentOut = pool.get('stock.shipment.out')
        product = history['product']
        Template.write([product.template], {
                'transport_conditions': "Insulated box",
                })
        Party.write([company.party], {
                'addresses': [(
                        'write', [a.id for a in company.party.addresses], {
                            'street': "9 Warehouse Road",
                            'city': "Shanghai",
                            })],
                'qualifications': [('create', [{
                                'kind': 'operating',
                                'number': "SUPPLIER-LIC-1",
                                'device_classes': ['1', '2', '3'],
                                'verified_by': Transaction().user,
                                'verified_date': today(),
                                }])],
                })
        shipper, checker = Employee.create([{
                    'company': company.id,
                    'party': create_party("Shipper Wang").id,
                    }, {
                    'company': company.id,
                    'party': create_party("Checker Li").id,
                    }])
        shipment = history['shipments']['A']
        ship_date = today() - dt.timedelta(days=8)
        ShipmentOut.write([shipment], {
                'number': "CS-TEST-1",
                'effective_date': ship_date,
                'transport_carrier': "SF Express",
                'shipped_by': shipper.id,
                'packed_by': checker.id,
                })
        return shipment, ship_date

    @with_transaction()
    def test_delivery_note(self):
        "Test the delivery note prints every GSP field as PDF"
        pool = Pool()
        DeliveryNote = pool.get(
            'stock.shipment.out.qms_delivery_note', type='report')
        company = create_company()
        with set_company(company):
            history = create_history(company)
            product = history['product']
            shipment, ship_date = self._delivery_note_shipment(
                company, history)
            oext, content, _, name = DeliveryNote.execute(
                [shipment.id], {})

            self.assertEqual(oext, 'pdf')
            text = pdf_text(content, 'delivery_note')
            lot = history['lot']
            for value in [
                    "Delivery Note", "CS-TEST-1",
                    ship_date.isoformat(),
                    company.party.name, "9 Warehouse Road",
                    "SUPPLIER-LIC-1",
                    "Customer A", "1 Customer A Road", "LIC-Customer A",
                    "+8657188880000",
                    "Stent", "ST-10 / 10 mm", "国械注准20163460001",
                    "Stent Registrant", "Stent Manufacturer",
                    "浙食药监械生产许20150001号", "L1",
                    lot.production_date.isoformat(),
                    lot.expiration_date.isoformat(),
                    "Unit", "100.00", "300.00",
                    "2-8 °C", "Insulated box", "SF Express",
                    "Shipper Wang", "Checker Li", "Outbound Checker",
                    "Seal", "Page 1 of 1"]:
                self.assertIn(value, text)
            self.assertNotIn(
                lot.expiration_date.strftime('%m/%d/%Y'), text)

            # a long note goes on over pages, repeating the column titles
            loc = locations()
            for _ in range(40):
                move(company, product, lot, loc['stock'], loc['customer'],
                    1, shipment=shipment, do=False)
            oext, content, _, name = DeliveryNote.execute(
                [shipment.id], {})
            text = pdf_text(content, 'delivery_note_long')
            pages = text.split('\f')[:-1]
            self.assertGreater(len(pages), 1)
            for i, page in enumerate(pages, 1):
                self.assertIn(f"Page {i} of {len(pages)}", page)
                self.assertIn("Registration / Filing No.", page)
                self.assertIn("CS-TEST-1", page)

def xlsx_text(data, sheet='sheet1'):
    with zipfile.ZipFile(io.BytesIO(data)) as file:
        return file.read(f'xl/worksheets/{sheet}.xml').decode()


def xlsx_rows(data):
    """Return the values of the first sheet of data read by openpyxl, with
    the _xHHHH_ escapes of control characters undone as Excel does"""
    import openpyxl
    from openpyxl.utils.escape import unescape
    workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True)
    sheet = workbook.worksheets[0]
    result = []
    for row in sheet.iter_rows(values_only=True):
        result.append([unescape(v) if isinstance(v, str) else v
                for v in row])
    workbook.close()
    return result


class QmsTraceRouteTestCase(RouteTestCase):
    "Test QMS records over RPC"
    module = 'qms_trace'
    password = 'Qms-Trace-Rpc-2026'

    @classmethod
    def setUpDatabase(cls):
        pool = Pool()
        User = pool.get('res.user')
        admin, = User.search([('login', '=', 'admin')])
        User.write([admin], {'password': cls.password})
        company = create_company()
        User.write([admin], {
                'companies': [('add', [company.id])],
                'company': company.id,
                })
        with set_company(company):
            history = create_history(company)
            Recall = pool.get('qms.recall')
            recall, = Recall.create([{
                        'reference': 'R-RPC',
                        'level': '1',
                        'reason': "Seal defect",
                        'lots': [('add', [history['lot'].id])],
                        }])
            Recall.open([recall])

    def rpc(self, client, method, *params, headers=None):
        response = client.post(f'/{self.db_name}/rpc/', json={
                'id': 1,
                'method': method,
                'params': list(params),
                }, headers=headers if headers is not None else self.headers)
        self.assertEqual(response.status_code, 200, msg=response.data)
        return response.json

    def test_records_refused_over_rpc(self):
        "Test admin cannot create, write or delete records over RPC"
        client = self.client()
        self.login(client)
        for model in ['qms.sales.record', 'qms.purchase.record']:
            with self.subTest(model=model):
                ids = self.rpc(
                    client, f'model.{model}.search', [], {})['result']
                self.assertTrue(ids)
                before = self.rpc(client, f'model.{model}.read',
                    ids[:1], ['quantity', 'product_name'], {})['result']

                for method, params in [
                        ('write', [ids[:1], {'quantity': 0}]),
                        ('delete', [ids[:1]]),
                        ('create', [[{'product_name': "Fake"}]]),
                        ]:
                    result = self.rpc(
                        client, f'model.{model}.{method}', *params, {})
                    self.assertNotIn('result', result, msg=method)
                    self.assertEqual(
                        result['error'][0], 'UserError', msg=method)

                after = self.rpc(client, f'model.{model}.read',
                    ids[:1], ['quantity', 'product_name'], {})['result']
                self.assertEqual(after, before)
                self.assertEqual(
                    self.rpc(client, f'model.{model}.search_count',
                        [], {})['result'],
                    len(ids))
                exported = self.rpc(client, f'model.{model}.export_data',
                    ids[:1], ['product_name', 'quantity'], {})['result']
                self.assertEqual(exported, [["Stent", before[0]['quantity']]])

    def login(self, client):
        user_id, token, _ = self.rpc(client, 'common.db.login',
            'admin', {'password': self.password}, 'en',
            headers=[])['result']
        self.headers = [('Authorization', 'Session ' + base64.b64encode(
                    f'admin:{user_id}:{token}'.encode()).decode())]

    def assertRefused(self, client, method, *params):
        result = self.rpc(client, method, *params, {})
        self.assertNotIn('result', result, msg=method)
        self.assertEqual(result['error'][0], 'UserError', msg=method)
        return result['error'][1][0]

    @staticmethod
    def _recall_calls_refused(recall_id, ids, row_ids, customer):
        "Return the RPC calls that change what a recall line records"
        line = 'model.qms.recall.line'
        lot_row = 'model.qms.recall.line.lot'
        return [
            (f'{line}.write', [ids[:1], {'phone': '+86 571 0000'}]),
            (f'{line}.delete', [ids[:1]]),
            (f'{line}.write', [ids[:1], {'delivered_quantity': 0}]),
            (f'{line}.write', [ids[:1], {'deadline': '2099-01-01'}]),
            (f'{line}.write', [ids[:1], {'notified': False}]),
            (f'{line}.write', [ids[1:], {'notified': True}]),
            (f'{line}.create', [[{'recall': recall_id,
                            'customer': customer}]]),
            (f'{line}.copy', [ids[:1], {}]),
            (f'{lot_row}.delete', [row_ids[:1]]),
            (f'{lot_row}.write', [row_ids[:1], {'returned_quantity': 0}]),
            (f'{lot_row}.write', [
                    row_ids[:1], {'delivered_quantity': 0}]),
            (f'{line}.write', [ids[:1], {
                        'lots': [('delete', row_ids[:1])]}]),
            ('model.qms.recall.write', [[recall_id], {
                        'lines': [('write', ids[:1], {
                                    'delivered_quantity': 0})]}]),
            ('model.qms.recall.write', [[recall_id], {
                        'lines': [('delete', ids[:1])]}]),
            ]

    def test_recall_lines_refused_over_rpc(self):
        "Test admin cannot delete or rewrite recall lines over RPC"
        client = self.client()
        self.login(client)
        line = 'model.qms.recall.line'
        lot_row = 'model.qms.recall.line.lot'
        fields = ['customer', 'delivered_quantity', 'deadline', 'notified',
            'returned_quantity', 'lots']
        recall_id, = self.rpc(client, 'model.qms.recall.search',
            [('reference', '=', 'R-RPC')], {})['result']
        ids = self.rpc(client, f'{line}.search', [], {})['result']
        self.assertEqual(len(ids), 2)
        before = self.rpc(client, f'{line}.read', ids, fields, {})['result']
        row_ids = [i for l in before for i in l['lots']]
        self.assertEqual(len(row_ids), 2)

        # what the record allows: buttons and returned quantities
        self.assertNotIn('error', self.rpc(
                client, f'{line}.notify', ids[:1], {}))
        self.assertNotIn('error', self.rpc(client, f'{lot_row}.write',
                row_ids[:1], {'returned_quantity': 1}, {}))

        for method, params in self._recall_calls_refused(
                recall_id, ids, row_ids, before[0]['customer']):
            with self.subTest(method=method, params=params):
                self.assertRefused(client, method, *params)

        after = self.rpc(client, f'{line}.read', ids, fields, {})['result']
        self.assertEqual(
            [(a['delivered_quantity'], a['deadline'], a['customer'])
                for a in after],
            [(b['delivered_quantity'], b['deadline'], b['customer'])
                for b in before])
        self.assertEqual(
            [(a['notified'], a['returned_quantity']) for a in after],
            [(True, 1), (False, 0)])

        # once closed, nothing changes any more
        self.assertNotIn('error', self.rpc(
                client, 'model.qms.recall.close', [recall_id], {}))
        self.assertRefused(client, f'{line}.write', ids[1:], {'phone': '1'})
        self.assertRefused(client, f'{lot_row}.write',
            row_ids[1:], {'returned_quantity': 1})


del ModuleTestCase, RouteTestCase
