"""Hostile suite: every rule holds against a logged-in user calling JSON-RPC.

The demo (demo/) is loaded once into the test database; each demo role
logs in with its own session over Tryton's WSGI application and tries what
a modified client, a script or a curious employee would:

a) every bypass found by hand (issue 10), one check each: the call is
   refused with a message (access or user error, never a server error)
   and the data read back is unchanged;
b) a generated matrix: for every qms.* model (from ir.model), the gated
   core models, qualifications and registrations, each role tries
   create/write/delete/export_data and the outcome is compared with ACCESS
   below (the intended design; a role allowed must succeed, one not
   allowed must get an access error); record rules count: a record the
   role cannot search is one it may not export, write or delete;
c) every workflow field (state, and the system-set approver, verifier,
   release, escalation and dates fields) written directly by each role that
   may write the model and by admin: an access error;
d) malformed values of each field type on each writable field (wrong type,
   NaN, Infinity, 1e999999, huge integers, 10 k text, a lone surrogate, a
   datetime for a date, a list for a number): a user or access error or a
   clean acceptance, never a server error nor a non-finite number stored;
e) the regulatory tables hash the same before and after the whole suite.

Each test lists every problem it found (role, model, method, field,
value) and the counts of bypasses and server errors are printed at the end
of the pytest run.
"""
import datetime as dt
import hashlib
import logging
import math
import re
import time
import traceback
from decimal import Decimal

from proteus import Model
from rpc import SUMMARY, DemoTestCase, RPCError
from sql import Column, Table

from trytond.exceptions import UserError
from trytond.model import ModelSQL, ModelStorage, ModelView
from trytond.model.exceptions import AccessError
from trytond.pool import Pool
from trytond.tests.test_tryton import DB_NAME
from trytond.transaction import Transaction

ROLES = ['admin', 'sales', 'sales_manager', 'quality', 'warehouse',
    'aftersales', 'store', 'region', 'hq', 'management']
# The intended access of each role (in ROLES order) to each model: r read
# (and export), w write, c create, d delete.  From the modules'
# ir.model.access, except: regulatory records and SQL views are read
# only for everybody; trace views are read by the roles that read sales
# records; relation tables follow their parent record.
ACCESS = {
    # model: admin sales sales_manager quality warehouse aftersales store
    #     region hq management
    'qms.aftersales.configuration':
        'rwcd r--- r--- r--- r--- r--- r--- r--- rwcd rwcd',
    'qms.concession': 'rwcd r--- r--- rwcd r--- ---- ---- ---- ---- r---',
    'qms.configuration': 'rwcd r--- r--- r--- r--- r--- r--- r--- r--- r---',
    'qms.customer.property':
        'rwcd r--- r--- rwcd rwc- ---- ---- ---- ---- r---',
    'qms.delivery.verification':
        'rwcd r--- r--- rwcd rwc- ---- ---- ---- ---- r---',
    'qms.device.category': 'rwcd r--- r--- rwcd r--- r--- r--- r--- r--- r---',
    'qms.expiry.reminder': 'r--- ---- ---- r--- ---- ---- ---- ---- ---- ----',
    'qms.figure.complaint':
        'r--- ---- ---- ---- ---- r--- r--- r--- r--- r---',
    'qms.figure.provider': 'r--- ---- ---- ---- ---- r--- r--- r--- r--- r---',
    'qms.figure.satisfaction':
        'r--- ---- ---- ---- ---- r--- r--- r--- r--- r---',
    'qms.figure.sla': 'r--- ---- ---- ---- ---- r--- r--- r--- r--- r---',
    'qms.figure.staff': 'r--- ---- ---- ---- ---- r--- r--- r--- r--- r---',
    'qms.fund.claim': 'rwcd ---- ---- ---- ---- rwcd rwcd rwcd rwcd rwcd',
    'qms.fund.summary': 'r--- ---- ---- ---- ---- r--- r--- r--- r--- r---',
    'qms.gate.check': 'r--- r--- r--- r--- r--- r--- r--- r--- r--- r---',
    'qms.lot.link': 'rwcd r--- r--- rwcd rwcd r--- r--- r--- r--- r---',
    'qms.nonconformity': 'rwcd ---- ---- ---- ---- rwc- rwc- rwc- rwcd rwcd',
    # service management records manual sanctions; none are changed
    'qms.provider.sanction':
        'r-c- ---- ---- ---- ---- r--- r--- r--- r-c- r-c-',
    'qms.provider.service_area':
        'rwcd ---- ---- ---- ---- r--- r--- r--- rwcd rwcd',
    'qms.provider.violation':
        'rwcd ---- ---- ---- ---- rwc- rwc- rwc- rwcd rwcd',
    'qms.purchase.record': 'r--- r--- r--- r--- r--- ---- ---- ---- ---- r---',
    'qms.recall': 'rwcd r--- r--- rwcd r--- ---- ---- ---- ---- r---',
    'qms.recall-stock.lot':
        'rwcd r--- r--- rwcd r--- ---- ---- ---- ---- r---',
    'qms.recall.line': 'r--- r--- r--- r--- r--- ---- ---- ---- ---- r---',
    'qms.recall.line.lot': 'rwcd r--- r--- rwcd r--- ---- ---- ---- ---- r---',
    'qms.region.abbreviation':
        'rwcd r--- r--- rwcd r--- r--- r--- r--- r--- r---',
    'qms.sales.authorization':
        'rwcd r--- rwcd r--- r--- ---- ---- ---- ---- rwcd',
    'qms.sales.authorization-country.subdivision':
        'rwcd r--- rwcd r--- r--- ---- ---- ---- ---- rwcd',
    'qms.sales.authorization-party.party':
        'rwcd r--- rwcd r--- r--- ---- ---- ---- ---- rwcd',
    'qms.sales.authorization-product.template':
        'rwcd r--- rwcd r--- r--- ---- ---- ---- ---- rwcd',
    'qms.sales.authorization-qms.device.category':
        'rwcd r--- rwcd r--- r--- ---- ---- ---- ---- rwcd',
    'qms.sales.override': 'r--- r--- r--- r--- ---- r--- ---- ---- ---- r---',
    'qms.sales.record': 'r--- r--- r--- r--- r--- ---- ---- ---- ---- r---',
    'qms.sales.stop': 'rwcd r--- r--- rwcd r--- ---- ---- ---- ---- r---',
    'qms.sales.stop-stock.lot':
        'rwcd r--- r--- rwcd r--- ---- ---- ---- ---- r---',
    'qms.satisfaction.survey':
        'rwcd ---- ---- ---- ---- rwcd rwcd rwcd rwcd rwcd',
    'qms.satisfaction.survey.line':
        'rwcd ---- ---- ---- ---- rwcd rwcd rwcd rwcd rwcd',
    'qms.service.checklist':
        'rwcd r--- r--- r--- r--- r--- r--- r--- rwcd rwcd',
    'qms.service.checklist.item':
        'rwcd r--- r--- r--- r--- r--- r--- r--- rwcd rwcd',
    'qms.service.inspection':
        'rwcd ---- ---- ---- ---- rwcd rwcd rwcd rwcd rwcd',
    'qms.service.inspection.line':
        'rwcd ---- ---- ---- ---- rwcd rwcd rwcd rwcd rwcd',
    'qms.service.report.weekly':
        'rwcd ---- ---- ---- ---- r--- r--- r--- rwcd rwcd',
    'qms.service.unit': 'rwcd r--- r--- r--- r--- r--- r--- r--- rwcd rwcd',
    'qms.service.unit-res.user':
        'rwcd r--- r--- r--- r--- r--- r--- r--- rwcd rwcd',
    'qms.technician': 'rwcd ---- ---- ---- ---- r--- r--- r--- rwcd rwcd',
    'qms.ticket': 'rwcd ---- ---- ---- ---- rwcd rwcd rwcd rwcd rwcd',
    'qms.ticket.escalation':
        'r--- ---- ---- ---- ---- r--- r--- r--- r--- r---',
    'qms.ticket.sla': 'rwcd r--- r--- r--- r--- r--- r--- r--- rwcd rwcd',
    'qms.trace.downstream':
        'r--- r--- r--- r--- r--- ---- ---- ---- ---- r---',
    'qms.trace.upstream': 'r--- r--- r--- r--- r--- ---- ---- ---- ---- r---',
    'qms.training.pass_rate':
        'r--- ---- ---- ---- ---- r--- r--- r--- r--- r---',
    'qms.training.result': 'rwcd ---- ---- ---- ---- r--- r--- r--- rwcd rwcd',
    'qms.training.session':
        'rwcd ---- ---- ---- ---- r--- r--- r--- rwcd rwcd',
    'qms.training.session-party.party':
        'rwcd ---- ---- ---- ---- r--- r--- r--- rwcd rwcd',
    'sale.sale': 'rwcd rwcd rwcd ---- ---- rwcd ---- ---- ---- rwcd',
    'sale.line': 'rwcd rwcd rwcd ---- ---- rwcd ---- ---- ---- rwcd',
    'stock.shipment.out': 'rwcd r--- r--- rwc- rwc- r--- ---- ---- ---- rwc-',
    'stock.shipment.in': 'rwcd ---- ---- rwc- rwc- ---- ---- ---- ---- rwc-',
    'stock.move': 'rwcd r--- r--- rwcd rwcd r--- ---- ---- ---- rwcd',
    'stock.lot': 'rwcd ---- ---- rwcd rwcd ---- ---- ---- ---- rwcd',
    'party.qualification': 'rwcd r--- r--- rwcd r--- r--- r--- r--- r--- r---',
    'product.registration':
        'rwcd r--- r--- rwcd r--- r--- r--- r--- r--- r---',
    'party.party': 'rwcd rwcd rwcd rwcd rwcd rwcd rwcd rwcd rwcd rwcd',
    }
REGULATORY = ['qms.sales.record', 'qms.purchase.record', 'qms.recall.line',
    'qms.provider.sanction', 'qms.gate.check', 'qms.sales.override',
    'qms.ticket.escalation']
REGULATORY_TABLES = ['qms_sales_record', 'qms_purchase_record',
    'qms_recall_line', 'qms_recall_line_lot', 'qms_provider_sanction',
    'qms_gate_check', 'qms_sales_override', 'qms_ticket_escalation']
GATED = ['sale.sale', 'sale.line', 'stock.shipment.out', 'stock.shipment.in',
    'stock.move', 'stock.lot', 'party.party', 'party.qualification',
    'product.registration']
# system-set fields (readonly in the model definition) that record a step
WORKFLOW_FIELD = re.compile(r'^state$|_by$|_at$|(?<!planned)_date$|^date$'
    r'|deadline|approv|verif|releas|^notified$|^acknowledged$'
    r'|^callback_done$|^forwarded_to$|^satisfaction$|^points$')
SCALAR = {'char', 'text', 'integer', 'float', 'numeric', 'date',
    'datetime', 'timestamp', 'boolean', 'selection', 'many2one',
    'timedelta'}
_LIST, _SURROGATE, _LONG = [1, 2], '\ud800', 'x' * 10000
_NUMBER = [float('nan'), float('inf'), Decimal('NaN'), Decimal('-Infinity'),
    '1e999999', 10 ** 30, 'abc']
# int(Decimal('1e999999')) takes minutes of CPU (quadratic conversion):
# integers get a smaller huge Decimal, the duration of each call is checked
SLOW = 2
MALFORMED = {
    'char': [12345, _LIST, _SURROGATE, _LONG],
    'text': [_LIST, _SURROGATE, _LONG],
    'integer': _NUMBER + [Decimal('1e20000'), _LIST, _LONG],
    'float': _NUMBER + [Decimal('1e999999'), _LIST, _LONG],
    'numeric': _NUMBER + [Decimal('1e999999'), _LIST, _LONG],
    'date': [dt.datetime(2026, 1, 1, 12, 30), '2026-13-45', 10 ** 30,
        _LIST, _SURROGATE],
    'datetime': [dt.date(2026, 1, 1), 'abc', 10 ** 30, _LIST],
    'timestamp': [dt.date(2026, 1, 1), 'abc', _LIST],
    'boolean': ['abc', float('nan'), _LIST],
    'selection': ['no-such-value', 10 ** 30, _LIST, _SURROGATE],
    'many2one': [-1, 10 ** 30, 'abc', float('nan'), _LIST],
    'timedelta': ['abc', float('nan'), _LIST],
    }


def allowed(model, login, perm):
    return perm in ACCESS[model].split()[ROLES.index(login)]


def text(error):
    "The message of an RPCError or of an exception raised on the server"
    return getattr(error, 'text', None) or str(error)


def short(value, size=120):
    text = repr(value)
    return text if len(text) <= size else text[:size] + '…(%s chars)' % (
        len(text))


def checksums():
    """Hash of each row of the regulatory tables, read with SQL:
    {table: {id: (hash, row as a dict)}}"""
    from trytond.backend import TableHandler
    result = {}
    with Transaction().start(DB_NAME, 0) as transaction:
        cursor = transaction.connection.cursor()
        for table in REGULATORY_TABLES:
            if not TableHandler.table_exist(table):
                continue
            cursor.execute('SELECT * FROM "%s" ORDER BY id' % table)
            names = [d[0] for d in cursor.description]
            rows = result[table] = {}
            for row in cursor:
                row = dict(zip(names, row, strict=False))
                rows[row['id']] = (hashlib.sha256(repr(sorted(row.items()))
                        .encode('utf-8', 'replace')).hexdigest(), row)
    return result


class HostileTestCase(DemoTestCase):
    "Test the rules hold over JSON-RPC against every demo role"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.sessions = {}
        cls.draft_shipment = cls.make_draft_shipment()
        with Transaction().start(DB_NAME, 0):
            cls.ids = cls.find_ids()
            cls.models = cls.find_models()
        cls.checksums = checksums()
        SUMMARY.clear()
        # the server logs each error with its traceback: keep them out of
        # the report, which names each call
        cls.dispatcher = logging.getLogger('trytond.protocols.dispatcher')
        cls.level = cls.dispatcher.level
        cls.dispatcher.setLevel(logging.CRITICAL)

    @classmethod
    def tearDownClass(cls):
        cls.dispatcher.setLevel(cls.level)
        super().tearDownClass()

    @classmethod
    def make_draft_shipment(cls):
        "A draft customer shipment to the hospital with a draft move"
        Shipment = Model.get('stock.shipment.out')
        Party = Model.get('party.party')
        Product = Model.get('product.product')
        hospital, = Party.find([('name', '=', "北京协和样例医院")])
        product, = Product.find([('code', '=', 'GLOVE-EX')])
        shipment = Shipment(customer=hospital)
        move = shipment.outgoing_moves.new(product=product)
        move.quantity = 1
        move.from_location = shipment.warehouse_output
        move.to_location = hospital.customer_location
        move.unit_price = Decimal('1')
        move.currency = shipment.company.currency
        shipment.save()
        return shipment.id

    @classmethod
    def find_ids(cls):
        pool = Pool()
        get = pool.get
        Party, Lot = get('party.party'), get('stock.lot')
        Location = get('stock.location')
        unqualified, = Party.search(
            [('name', '=', "过期许可医疗器械有限公司")])
        hospital, = Party.search([('name', '=', "北京协和样例医院")])
        stopped_lot, = Lot.search([('number', '=', 'SYR-2501')])
        stop, = get('qms.sales.stop').search([
                ('lots', '=', stopped_lot.id), ('state', '=', 'active')])
        recall, = get('qms.recall').search([('stops', '=', stop.id)])
        free_lot = Lot.search([('product', '=', stopped_lot.product.id),
                ('id', '!=', stopped_lot.id)], limit=1)[0]
        sale, = get('sale.sale').search([('party', '=', unqualified.id)])
        warehouse, = Location.search([('type', '=', 'warehouse')], limit=1)
        origin = get('sale.line').search(
            [('product', '=', stopped_lot.product.id)], limit=1)
        registration = get('product.registration').search(
            [('templates', '!=', None)], limit=1)[0]
        qualification = get('party.qualification').search(
            [('party.name', '=', "范围不全医疗科技有限公司"),
                ('kind', '=', 'operating')])[0]
        inspection_line = get('qms.service.inspection.line').search(
            [('passed', '=', False)], limit=1)[0]
        survey_line = get('qms.satisfaction.survey.line').search(
            [], limit=1)[0]
        line_lot, = get('qms.recall.line.lot').search(
            [('line.recall', '=', recall.id)], limit=1)
        store_unit, = get('qms.service.unit').search(
            [('code', '=', 'S-WY')])
        provider = get('party.party').search(
            [('service_provider', '=', True)], limit=1)[0]
        return {
            'unqualified': unqualified.id, 'hospital': hospital.id,
            'hospital_location': hospital.customer_location.id,
            'storage': warehouse.storage_location.id,
            'stopped_lot': stopped_lot.id, 'free_lot': free_lot.id,
            'product': stopped_lot.product.id,
            'unit': stopped_lot.product.default_uom.id,
            'currency': sale.company.currency.id,
            'company': sale.company.id,
            'stop': stop.id, 'recall': recall.id,
            'sale': sale.id, 'sale_lines': [l.id for l in sale.lines],
            'origin': ('sale.line,%s' % origin[0].id) if origin else None,
            'registration': registration.id,
            'renewed': get('product.registration').search(
                [('id', '!=', registration.id)], limit=1)[0].id,
            'templates': [t.id for t in registration.templates],
            'qualification': qualification.id,
            'confirmed_violations': [v.id for v in get(
                        'qms.provider.violation').search(
                        [('state', '=', 'confirmed')])],
            'inspection_line': inspection_line.id,
            'survey_line': survey_line.id,
            'nonconformity': get('qms.nonconformity').search([])[0].id,
            'escalations': [e.id for e in get(
                        'qms.ticket.escalation').search([])],
            'tickets': [t.id for t in get('qms.ticket').search([])],
            'claims': [c.id for c in get('qms.fund.claim').search([])],
            'line_lot': line_lot.id,
            'store_unit': store_unit.id, 'provider': provider.id,
            'admin': get('res.user').search([('login', '=', 'admin')])[0].id,
            }

    @classmethod
    def find_models(cls):
        """Return for each model of the suite its first record (as admin),
        its workflow fields and its writable scalar fields"""
        pool = Pool()
        IrModel = pool.get('ir.model')
        names = [m.name for m in IrModel.search([('name', 'like', 'qms.%')])]
        models = {}
        for name in names + GATED:
            Model_ = pool.get(name)
            if not issubclass(Model_, ModelStorage):
                continue
            table_query = callable(getattr(Model_, 'table_query', None))
            context = {}
            if name.startswith('qms.trace.'):
                context = {'lots': [cls.ids['stopped_lot']]}
            state = Model_._fields.get('state')
            stateful = (state is not None and not table_query
                and not hasattr(state, 'getter'))
            with Transaction().set_context(context):
                order = []
                if stateful:
                    # a record still in its first state takes most writes
                    order = [('state', 'ASC')]
                records = Model_.search([], limit=20, order=order + [
                        ('id', 'ASC')])
            first = None
            if records:
                first = records[0].id
                if stateful:
                    initial = {'draft', 'new', 'open', 'request'}
                    for record in records:
                        if getattr(record, 'state', None) in initial:
                            first = record.id
                            break
            workflow, writable = [], []
            for fname, field in sorted(Model_._fields.items()):
                if (fname in {'id', 'create_uid', 'create_date',
                            'write_uid', 'write_date', 'rec_name'}
                        or getattr(field, 'sql_type', None) is None
                        or hasattr(field, 'getter')
                        or field._type not in SCALAR):
                    continue
                info = (fname, field._type,
                    getattr(field, 'model_name', None))
                # a state is a workflow's, or a plain field users choose
                workflow_state = fname == 'state' and (
                    getattr(Model_, '_transitions', None)
                    or field.readonly is True)
                if workflow_state or (field.readonly is True
                        and WORKFLOW_FIELD.search(fname)
                        and fname != 'replaced_by'):
                    workflow.append(info)
                elif field.readonly is not True:
                    writable.append(info)
            models[name] = {
                'rpc': issubclass(Model_, ModelView),
                'first': first, 'count': len(records),
                'table_query': table_query, 'context': context,
                'table': Model_._table if issubclass(Model_, ModelSQL)
                else None,
                'workflow': workflow, 'writable': writable}
        return models

    # helpers

    def session(self, login):
        if login not in self.sessions:
            self.sessions[login] = super().session(login)
        return self.sessions[login]

    def setUp(self):
        super().setUp()
        self.problems = []

    def report(self, kind, text):
        self.problems.append((kind, text))

    def finish(self, part):
        counts = SUMMARY.setdefault(part, {})
        for kind, _ in self.problems:
            counts[kind] = counts.get(kind, 0) + 1
        if self.problems:
            lines = ['%s: %s' % p for p in self.problems]
            self.fail('%s: %s problems\n%s' % (
                    part, len(self.problems), '\n'.join(lines)))

    def attempt(self, login, model, method, *args, context=None):
        "Call as login, return (outcome, result or RPCError)"
        try:
            return 'ok', self.session(login)(
                model, method, *args, context=context)
        except RPCError as error:
            return error.kind, error

    def refused(self, label, login, model, method, *args, context=None,
            kinds=('access', 'user')):
        """Check the call is refused with one of kinds; return the outcome.
        The stored fields a write changed are put back afterwards, so that
        each check starts from the demo data."""
        columns, stored = [], {}
        if (method == 'write' and model in self.models
                and not self.models[model]['table_query']):
            columns = [n for n, *_ in self.models[model]['writable']
                + self.models[model]['workflow'] if n in args[1]]
            stored = {i: self.raw(model, i, *columns) for i in args[0]}
        outcome, value = self.attempt(
            login, model, method, *args, context=context)
        for record_id, values in stored.items():
            if outcome == 'ok' and columns:
                self.restore(model, record_id, values)
        call = '%s: %s %s.%s%s' % (label, login, model, method,
            short(tuple(args), 300))
        if outcome == 'ok':
            self.report('bypass', '%s went through -> %s' % (
                    call, short(value)))
        elif outcome == 'server':
            self.report('server', '%s: server error %s' % (
                    call, short(value.text, 300)))
        elif outcome not in kinds:
            self.report('wrong-error', '%s: refused with a %s error (%s), '
                'expected %s' % (call, outcome, short(value.text, 200),
                    ' or '.join(kinds)))
        return outcome

    def read(self, model, ids, names, context=None):
        "Read as admin"
        return self.session('admin')(model, 'read', ids, names,
            context=context)

    def unchanged(self, label, model, record_id, before):
        "Check the record still has the values of before (as admin)"
        after = None
        if self.exists(model, record_id):
            after = self.read(model, [record_id], list(before))
        if not after:
            self.report('changed', '%s: %s,%s was deleted' % (
                    label, model, record_id))
            return
        for name, value in before.items():
            if after[0][name] != value:
                self.report('changed', '%s: %s,%s %s changed from %s to %s'
                    % (label, model, record_id, name, short(value),
                        short(after[0][name])))

    def exists(self, model, record_id, context=None):
        with Transaction().start(DB_NAME, 0, context=context or {}):
            return bool(Pool().get(model).search(
                    [('id', '=', record_id)], order=[]))

    def count(self, model, domain=()):
        return self.session('admin')(model, 'search_count', list(domain))

    def as_user(self, login, func):
        """Run func(pool) on the server as login with access checked, as
        an RPC call does, in a transaction rolled back; return the outcome"""
        with Transaction().start(DB_NAME, 0) as transaction:
            pool = Pool()
            User = pool.get('res.user')
            user, = User.search([('login', '=', login)])
            try:
                with transaction.set_user(user.id), \
                        transaction.set_context(
                            User.get_preferences(context_only=True)), \
                        transaction.set_context(_check_access=True):
                    func(pool)
                outcome = 'ok', None
            except AccessError as error:
                outcome = 'access', error
            except UserError as error:
                outcome = 'user', error
            except Exception as error:
                outcome = 'other', error
            transaction.rollback()
        return outcome

    def raw(self, model, record_id, *columns):
        "The stored row values of columns and the write stamps, with SQL"
        table = Table(self.models[model]['table'])
        columns = [*columns, 'write_date', 'write_uid']
        with Transaction().start(DB_NAME, 0) as transaction:
            cursor = transaction.connection.cursor()
            cursor.execute(*table.select(
                    *[Column(table, c) for c in columns],
                    where=table.id == record_id))
            row = cursor.fetchone()
        return dict(zip(columns, row or [None] * len(columns), strict=False))

    def restore(self, model, record_id, values):
        "Put back the row values a bypass or an accepted write changed"
        table = Table(self.models[model]['table'])
        with Transaction().start(DB_NAME, 0) as transaction:
            cursor = transaction.connection.cursor()
            cursor.execute(*table.update(
                    [Column(table, c) for c in values], list(values.values()),
                    where=table.id == record_id))

    def visible(self, login, model):
        "The first record login finds, None if none or not allowed"
        info = self.models[model]
        outcome, value = self.attempt(login, model, 'search', [], 0, 1,
            None, context=info['context'])
        if outcome == 'ok' and value:
            return value[0]
        return None

    # a) the bypasses of issue 10, one check each

    def test_1_bypasses(self):
        "Test every bypass found by hand is refused and changes nothing"
        ids = self.ids
        today = dt.date.today()

        # registers leak through the export wizard
        for kind in ['sales', 'purchase']:
            for login in ['store', 'region', 'hq']:
                outcome, value = 'ok', None
                try:
                    value = self.session(login).wizard('qms.export.records',
                        {'start': {'kind': kind, 'date_from': None,
                                'date_to': None}}, 'export')
                except RPCError as error:
                    outcome = error.kind
                    value = error
                label = 'records export %s as %s' % (kind, login)
                if outcome == 'ok':
                    self.report('bypass', '%s went through -> %s' % (
                            label, short(value)))
                elif outcome == 'server':
                    self.report('server', '%s: %s' % (label, value.text))

        # the gate skipped at delivery
        records = self.count('qms.sales.record')
        move = {'product': ids['product'], 'unit': ids['unit'],
            'quantity': 1, 'from_location': ids['storage'],
            'to_location': ids['hospital_location'],
            'unit_price': Decimal('1'), 'currency': ids['currency'],
            'company': ids['company'], 'origin': ids['origin']}
        for lot, label in [('stopped_lot', 'stopped lot'),
                ('free_lot', 'free lot')]:
            outcome, value = self.attempt('warehouse', 'stock.move',
                'create', [{**move, 'lot': ids[lot]}])
            if outcome != 'ok':
                continue
            move_id, = value
            self.refused('customer move of %s: assign by write' % label,
                'warehouse', 'stock.move', 'write', [move_id],
                {'state': 'assigned'})
            self.refused('customer move of %s: done by write' % label,
                'warehouse', 'stock.move', 'write', [move_id],
                {'state': 'done'})
            if lot == 'stopped_lot':
                self.refused('customer move of stopped lot: do',
                    'warehouse', 'stock.move', 'do', [move_id])
            state, = self.read('stock.move', [move_id], ['state'])
            if state['state'] == 'done':
                self.report('changed', 'customer move %s of %s is done'
                    % (move_id, label))
        shipment = self.draft_shipment
        self.refused('draft shipment done by write', 'warehouse',
            'stock.shipment.out', 'write', [shipment], {'state': 'done'})
        self.unchanged('draft shipment done by write', 'stock.shipment.out',
            shipment, {'state': 'draft'})
        moves = self.read('stock.shipment.out', [shipment], ['moves'])
        for move_ in self.read('stock.move', moves[0]['moves'], ['state']):
            if move_['state'] == 'done':
                self.report('changed', 'move %s of the draft shipment is '
                    'done' % move_['id'])
        if self.count('qms.sales.record') != records:
            self.report('changed', 'sales records were written by the '
                'refused deliveries (%s before, %s after)' % (
                    records, self.count('qms.sales.record')))

        # the gate skipped at sale
        sale, = self.read('sale.sale', [ids['sale']], ['state', 'sale_date'])
        for state in ['confirmed', 'quotation']:
            self.refused('sale to expired licence: %s by write' % state,
                'sales', 'sale.sale', 'write', [ids['sale']],
                {'state': state, 'sale_date': today})
            self.unchanged('sale to expired licence: %s by write' % state,
                'sale.sale', ids['sale'], {'state': 'draft'})

        # record rules skipped by export_data and the trace views
        for model in ['qms.ticket', 'qms.fund.claim']:
            all_ids = ids['tickets' if model == 'qms.ticket' else 'claims']
            seen = set(self.session('store')(model, 'search', [], 0, None,
                    None))
            hidden = [i for i in all_ids if i not in seen]
            if hidden:
                self.refused('export of hidden %s' % model, 'store', model,
                    'export_data', hidden, ['rec_name'])
            outcome, rows = self.attempt('store', model,
                'export_data_domain', [], ['id'])
            if outcome == 'ok' and len(rows) > len(seen):
                self.report('bypass', 'store %s.export_data_domain([]) '
                    'returns %s rows, search %s' % (
                        model, len(rows), len(seen)))
        for login in ['store', 'region', 'aftersales', 'hq']:
            for model in ['qms.trace.downstream', 'qms.trace.upstream']:
                self.refused('trace without sales records access', login,
                    model, 'search_read', [], 0, None, None,
                    ['lot', 'rec_name'],
                    context={'lots': [ids['stopped_lot']]})

        # audit trail rewritable
        violation = ids['confirmed_violations'][0]
        before, = self.read('qms.provider.violation', [violation],
            ['points', 'state'])
        del before['id']
        for login in ['store', 'region', 'aftersales']:
            for values in [{'points': 0}, {'state': 'cancelled'}]:
                self.refused('confirmed violation rewritten', login,
                    'qms.provider.violation', 'write', [violation], values)
                self.unchanged('confirmed violation rewritten',
                    'qms.provider.violation', violation, before)
        outcome, value = self.attempt('store', 'qms.provider.violation',
            'create', [{'provider': ids['provider'], 'source': 'store',
                    'store': ids['store_unit'], 'date': today,
                    'severity': 'minor', 'description': "hostile"}])
        if outcome == 'ok':
            draft, = value
            self.refused('draft violation confirmed by write', 'store',
                'qms.provider.violation', 'write', [draft],
                {'state': 'confirmed'})
            self.unchanged('draft violation confirmed by write',
                'qms.provider.violation', draft, {'state': 'draft'})
        else:
            self.report('setup', 'store cannot create a draft violation: '
                '%s' % short(value.text, 200))
        for model, record, values in [
                ('qms.service.inspection.line', ids['inspection_line'],
                    {'passed': True}),
                ('qms.satisfaction.survey.line', ids['survey_line'],
                    {'score': '1'}),
                ('qms.nonconformity', ids['nonconformity'],
                    {'state': 'closed'}),
                ]:
            before, = self.read(model, [record], list(values))
            del before['id']
            self.refused('finished record rewritten', 'store', model,
                'write', [record], values)
            self.unchanged('finished record rewritten', model, record,
                before)
        in_progress = self.session('store')('qms.ticket', 'search',
            [('state', '=', 'in_progress')], 0, 1, None)
        if in_progress:
            before, = self.read('qms.ticket', in_progress, ['date'])
            self.refused('in-progress ticket date moved', 'store',
                'qms.ticket', 'write', in_progress,
                {'date': dt.datetime.now().replace(microsecond=0)})
            self.unchanged('in-progress ticket date moved', 'qms.ticket',
                in_progress[0], {'date': before['date']})
        else:
            self.report('setup', 'store sees no in-progress ticket')
        for login in ['aftersales', 'hq', 'management']:
            for escalation in ids['escalations'][:1]:
                if not self.exists('qms.ticket.escalation', escalation):
                    continue
                before, = self.read('qms.ticket.escalation', [escalation],
                    ['deadline', 'date'])
                del before['id']
                self.refused('escalation rewritten', login,
                    'qms.ticket.escalation', 'write', [escalation],
                    {'deadline': dt.datetime(2020, 1, 1),
                        'date': dt.datetime(2020, 1, 1)})
                self.refused('escalation deleted', login,
                    'qms.ticket.escalation', 'delete', [escalation])
                self.unchanged('escalation rewritten or deleted',
                    'qms.ticket.escalation', escalation, before)

        # quality: stops, recalls, concessions, qualifications, recall lots
        stop = ids['stop']
        for values in [{'state': 'released'}, {'state': 'draft'},
                {'lots': [('remove', [ids['stopped_lot']])]}]:
            self.refused('active sales stop rewritten', 'quality',
                'qms.sales.stop', 'write', [stop], values)
        self.refused('active sales stop deleted', 'quality',
            'qms.sales.stop', 'delete', [stop])
        self.unchanged('active sales stop', 'qms.sales.stop', stop,
            {'state': 'active', 'lots': [ids['stopped_lot']]})
        recall, = self.read('qms.recall', [ids['recall']], ['state'])
        self.refused('recall cancelled by write', 'quality', 'qms.recall',
            'write', [ids['recall']], {'state': 'cancelled'})
        self.unchanged('recall cancelled by write', 'qms.recall',
            ids['recall'], {'state': recall['state']})
        concessions = self.count('qms.concession')
        self.refused('concession created approved', 'quality',
            'qms.concession', 'create', [{'number': 'HOSTILE-1',
                    'shipment': 'stock.shipment.out,%s' % shipment,
                    'customer': ids['hospital'], 'reason': "hostile",
                    'customer_approval': "hostile", 'state': 'approved',
                    'approved_by': ids['admin'],
                    'approved_date': dt.datetime(2026, 1, 1)}])
        if self.count('qms.concession') != concessions:
            self.report('changed', 'a concession was created approved')
        qualification = ids['qualification']
        before, = self.read('party.qualification', [qualification],
            ['number', 'verified_by', 'verified_date'])
        del before['id']
        self.refused('qualification with forged verification', 'quality',
            'party.qualification', 'write', [qualification],
            {'number': '浙杭食药监械经营许20209999号',
                'verified_by': ids['admin'],
                'verified_date': today - dt.timedelta(days=400)})
        self.unchanged('qualification with forged verification',
            'party.qualification', qualification, before)
        line_lot = ids['line_lot']
        before, = self.read('qms.recall.line.lot', [line_lot],
            ['returned_quantity'])
        returned = before['returned_quantity'] or 0
        stored = self.raw('qms.recall.line.lot', line_lot, 'returned_quantity')
        for value in [float('nan'), [1], returned - 1] + (
                [None] if returned else []):
            self.refused('recall lot returned quantity %r' % (value,),
                'quality', 'qms.recall.line.lot', 'write', [line_lot],
                {'returned_quantity': value})
            after, = self.read('qms.recall.line.lot', [line_lot],
                ['returned_quantity'])
            after = after['returned_quantity']
            if after != before['returned_quantity'] or (
                    isinstance(after, float) and math.isnan(after)):
                self.report('changed', 'recall lot %s returned quantity '
                    'went from %r to %r' % (line_lot, returned, after))
                self.restore('qms.recall.line.lot', line_lot, stored)

        # smaller: lot number, registration in use, absurd amounts
        lot, = self.read('stock.lot', [ids['stopped_lot']], ['number'])
        self.refused('stopped lot renamed', 'warehouse', 'stock.lot',
            'write', [ids['stopped_lot']], {'number': 'SYR-2501-X'})
        self.unchanged('stopped lot renamed', 'stock.lot',
            ids['stopped_lot'], {'number': lot['number']})
        self.refused('registration in use deleted', 'quality',
            'product.registration', 'delete', [ids['registration']])
        self.unchanged('registration in use deleted',
            'product.registration', ids['registration'], {})
        for template in self.read('product.template', ids['templates'],
                ['registration']):
            if template['registration'] != ids['registration']:
                self.report('changed', 'product.template,%s lost its '
                    'registration' % template['id'])
        claims = self.count('qms.fund.claim')
        ticket = self.session('store')('qms.ticket', 'search', [], 0, 1,
            None)
        self.refused('fund claim of 1e999999', 'store', 'qms.fund.claim',
            'create', [{'ticket': ticket[0] if ticket else None,
                    'unit': ids['store_unit'],
                    'amount': Decimal('1e999999'), 'reason': "hostile"}])
        if self.count('qms.fund.claim') != claims:
            self.report('changed', 'a fund claim of 1e999999 was stored')
        for line in ids['sale_lines'][:1]:
            before, = self.read('sale.line', [line],
                ['quantity', 'unit_price'])
            del before['id']
            for values in [{'quantity': float('inf')},
                    {'quantity': float('nan')}, {'quantity': -1},
                    {'unit_price': Decimal('-1')},
                    {'unit_price': Decimal('NaN')}]:
                self.refused('sale line value', 'sales', 'sale.line',
                    'write', [line], values)
            self.unchanged('sale line values', 'sale.line', line, before)

        # back-dating the sale before the licence expired
        outcome, _ = self.attempt('sales', 'sale.sale', 'write',
            [ids['sale']], {'sale_date': today - dt.timedelta(days=60)})
        if outcome == 'ok':
            self.refused('quote back-dated sale to expired licence',
                'sales', 'sale.sale', 'quote', [ids['sale']])
            self.refused('confirm back-dated sale to expired licence',
                'sales', 'sale.sale', 'confirm', [ids['sale']])
            self.attempt('sales', 'sale.sale', 'write', [ids['sale']],
                {'sale_date': sale['sale_date']})
        self.unchanged('back-dated sale', 'sale.sale', ids['sale'],
            {'state': 'draft'})

        # server errors instead of clear messages
        try:
            self.session('quality').wizard('product.registration.renew',
                {'start': {'expiration_date': dt.datetime(2031, 1, 1, 9),
                        'issue_date': None}}, 'renew',
                context={'active_model': 'product.registration',
                    'active_id': ids['renewed'],
                    'active_ids': [ids['renewed']]})
            self.report('bypass', 'registration renew with a datetime for '
                'a date went through')
        except RPCError as error:
            if error.kind == 'server':
                self.report('server', 'registration renew with a datetime '
                    'for a date: %s' % short(error.text, 300))
        try:
            self.session('warehouse').wizard('qms.udi.scan',
                {'start': {'code': '(01)06901234567892(10)SYR-2501',
                        'shipment': None}}, 'scan')
        except RPCError as error:
            if error.kind == 'server':
                self.report('server', 'qms.udi.scan without active_model: '
                    '%s' % short(error.text, 300))
        for model, info in sorted(self.models.items()):
            if not info['table_query']:
                continue
            record = [info['first']] if info['first'] else []
            self.refused('SQL view', 'admin', model, 'write', record, {},
                kinds=('access',), context=info['context'])
            self.refused('SQL view', 'admin', model, 'create', [{}],
                kinds=('access',), context=info['context'])
            self.refused('SQL view', 'admin', model, 'delete', record,
                kinds=('access',), context=info['context'])
        self.finish('bypasses')

    # b) the access matrix

    def test_2_matrix(self):
        "Test create, write, delete and export of every model by every role"
        missing = sorted(set(self.models) - set(ACCESS))
        for model in missing:
            self.report('table', '%s has no row in ACCESS: add the access '
                'each role should have' % model)
        for model, info in sorted(self.models.items()):
            if model in missing:
                continue
            for login in ROLES:
                self.check_access(model, info, login)
        self.finish('matrix')

    def check_access(self, model, info, login):
        context = info['context']
        record = self.visible(login, model) if allowed(
            model, login, 'r') else None
        target = record or info['first']
        may = {perm: allowed(model, login, perm) for perm in 'rwcd'}
        if record is None:
            # a record the role cannot find is one it may not touch
            may.update(r=False, w=False, d=False)
        if not info['rpc']:
            # not exposed over RPC: edited through its parent only
            may = dict.fromkeys('rwcd', False)
        label = '%s %s' % (login, model)

        def expect(perm, method, outcome, value):
            if outcome == 'server':
                self.report('server', '%s.%s: server error %s' % (
                        label, method, short(text(value), 300)))
            elif may[perm] and outcome == 'access':
                self.report('denied', '%s.%s refused, expected allowed: %s'
                    % (label, method, short(text(value), 200)))
            elif not may[perm] and outcome == 'ok':
                self.report('bypass', '%s.%s went through, expected an '
                    'access error' % (label, method))
            elif not may[perm] and outcome not in {'access', 'other'}:
                self.report('wrong-error', '%s.%s refused with a %s error, '
                    'expected an access error: %s' % (label, method,
                        outcome, short(text(value), 200)))

        if target is not None and not self.exists(model, target, context):
            # deleted by a bypass of test_1_bypasses, reported there
            target = None
        if target is not None:
            outcome, value = self.attempt(login, model, 'export_data',
                [target], ['rec_name'], context=context)
            expect('r', 'export_data([%s])' % target, outcome, value)
            values = self.same_values(model, info, target)
            if may['w']:
                def write(pool):
                    with Transaction().set_context(context):
                        Model_ = pool.get(model)
                        Model_.write(Model_.browse([target]), values)
                outcome, value = self.allowed_outcome(login, write)
                if outcome in {'user', 'other'}:
                    # a state rule of the record, not an access refusal
                    outcome = 'ok'
            else:
                columns = [] if info['table_query'] else list(values)
                stored = self.raw(model, target, *columns) if columns else {}
                outcome, value = self.attempt(login, model, 'write',
                    [target], values, context=context)
                if outcome == 'ok' and stored:
                    self.restore(model, target, stored)
            expect('w', 'write([%s], %s)' % (target, short(values)),
                outcome, value)
            if may['d']:
                def delete(pool):
                    with Transaction().set_context(context):
                        Model_ = pool.get(model)
                        Model_.delete(Model_.browse([target]))
                outcome, value = self.allowed_outcome(login, delete)
                if outcome in {'user', 'other'}:
                    outcome = 'ok'
            else:
                outcome, value = self.attempt(login, model, 'delete',
                    [target], context=context)
                if outcome == 'ok' or not self.exists(
                        model, target, context):
                    outcome = 'ok'
                    self.report('changed', '%s.delete removed %s,%s' % (
                            label, model, target))
            expect('d', 'delete([%s])' % target, outcome, value)
        if may['c']:
            def create(pool):
                with Transaction().set_context(context):
                    pool.get(model).create([{}])
            outcome, value = self.allowed_outcome(
                login, create, rules=False)
            if outcome in {'user', 'other'}:
                outcome = 'ok'
        else:
            outcome, value = self.attempt(login, model, 'create', [{}],
                context=context)
        expect('c', 'create([{}])', outcome, value)

    def allowed_outcome(self, login, func, rules=True):
        """The outcome of func as login; an access error raised elsewhere
        than by Tryton's access checks (model access, and record rules
        unless rules is False: an empty record fails the rules on its
        values) is a rule of the record's state (e.g. a done record)"""
        outcome, value = self.as_user(login, func)
        if outcome == 'access':
            frame = traceback.extract_tb(value.__traceback__)[-1]
            if not ('/trytond/ir/' in frame.filename
                    or (rules and 'check_domain_rule' in frame.name)):
                outcome = 'user'
        return outcome, value

    def same_values(self, model, info, record_id):
        "A write of the record's own value of its first writable field"
        for name, type_, _ in info['writable']:
            if type_ in {'char', 'text', 'selection', 'boolean', 'integer',
                    'float', 'numeric', 'date'}:
                value, = self.read(model, [record_id], [name],
                    context=info['context'])
                return {name: value[name]}
        return {}

    # c) workflow fields written directly

    def test_3_workflow_fields(self):
        "Test no role writes a workflow field directly"
        admin = self.session('admin')
        for model, info in sorted(self.models.items()):
            if not info['workflow'] or info['table_query']:
                continue
            logins = [l for l in ROLES if l == 'admin' or (
                    model in ACCESS and allowed(model, l, 'w'))]
            for login in logins:
                record = self.visible(login, model)
                if record is None:
                    continue
                for name, type_, relation in info['workflow']:
                    current, = self.read(model, [record], [name])
                    value = self.other_value(
                        model, name, type_, relation, current[name])
                    if value is None:
                        continue
                    before = self.raw(model, record, name)
                    outcome, error = self.attempt(login, model, 'write',
                        [record], {name: value})
                    call = '%s %s.write([%s], {%r: %s})' % (
                        login, model, record, name, short(value))
                    if outcome == 'ok':
                        after, = admin(model, 'read', [record], [name])
                        self.report('bypass', '%s went through (%s -> %s)'
                            % (call, short(current[name]),
                                short(after[name])))
                        self.restore(model, record, before)
                    elif outcome == 'server':
                        self.report('server', '%s: server error %s' % (
                                call, short(error.text, 300)))
                    elif outcome != 'access':
                        self.report('wrong-error', '%s refused with a %s '
                            'error, expected an access error: %s' % (
                                call, outcome, short(error.text, 200)))
        self.finish('workflow fields')

    def other_value(self, model, name, type_, relation, current):
        "A valid-looking value different from current"
        if type_ == 'selection':
            selection = self.session('admin')(model, 'fields_get',
                [name])[name].get('selection')
            if isinstance(selection, list):
                for key, _ in reversed(selection):
                    if key and key != current:
                        return key
            return None
        if type_ == 'many2one':
            ids = self.session('admin')(relation, 'search', [], 0, 3, None)
            return next((i for i in ids if i != current), None)
        if type_ == 'date':
            return dt.date(2020, 2, 29)
        if type_ in {'datetime', 'timestamp'}:
            return dt.datetime(2020, 2, 29, 8, 0)
        if type_ == 'boolean':
            return not current
        if type_ in {'char', 'text'}:
            return 'forged'
        if type_ == 'integer':
            return (current or 0) + 7
        if type_ == 'float':
            return (current or 0) + 7.0
        if type_ == 'numeric':
            return (current or Decimal(0)) + 7
        return None

    # d) malformed values

    def test_4_malformed_values(self):
        "Test malformed values give a message, never a server error"
        for model, info in sorted(self.models.items()):
            record = info['first']
            if record is None or info['table_query'] or not info['rpc']:
                continue
            for name, type_, _ in info['writable']:
                self.write_malformed(model, record, name, type_)
        self.finish('malformed values')

    def write_malformed(self, model, record, name, type_):
        "Write each malformed value of type_ into the field as admin"
        before = self.raw(model, record, name)
        found = {}
        for value in MALFORMED.get(type_, []):
            start = time.monotonic()
            outcome, error = self.attempt('admin', model, 'write', [record],
                {name: value})
            duration = time.monotonic() - start
            if duration > SLOW:
                found.setdefault('slow', []).append(
                    (value, '%.1f s' % duration))
            if outcome == 'server':
                found.setdefault('server', []).append((value, error.text))
            elif outcome == 'ok':
                stored = self.raw(model, record, name)
                if isinstance(stored[name], (float, Decimal)) and (
                        not math.isfinite(stored[name])):
                    found.setdefault('insane', []).append(
                        (value, 'stored %r' % stored[name]))
                if stored != before:
                    self.restore(model, record, before)
        for kind, cases in found.items():
            self.report(kind, 'admin %s.write([%s], {%r: value}) (%s) with '
                'value %s: %s' % (model, record, name, type_,
                    ', '.join(short(v, 40) for v, _ in cases),
                    '; '.join(sorted({short(t, 120) for _, t in cases}))))

    # e) regulatory tables unchanged

    def test_9_regulatory_checksums(self):
        "Test the regulatory tables are as they were before the suite"
        after = checksums()
        for table, rows in sorted(self.checksums.items()):
            now = after.get(table, {})
            for id_, (digest, row) in sorted(rows.items()):
                if id_ not in now:
                    self.report('changed', 'table %s: row %s was deleted: %s'
                        % (table, id_, short(row, 300)))
                elif now[id_][0] != digest:
                    changes = {k: (v, now[id_][1][k])
                        for k, v in row.items() if now[id_][1][k] != v}
                    self.report('changed', 'table %s: row %s changed '
                        '(before, after): %s' % (table, id_, short(
                                changes, 300)))
            for id_, (_, row) in sorted(now.items()):
                if id_ in rows:
                    continue
                # a refused operation keeps the proof of its gate check
                if (table == 'qms_gate_check'
                        and row.get('result') in {'blocked', 'failed'}):
                    continue
                self.report('changed', 'table %s: row %s was added: %s' % (
                        table, id_, short(row, 300)))
        self.finish('regulatory checksums')
