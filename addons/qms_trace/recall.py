# This file is part of the QMS modules for Tryton.
import datetime as dt

from trytond.i18n import gettext
from trytond.model import Index, ModelSQL, ModelView, Workflow, fields
from trytond.modules.qms_sales.model import (
    ModelMixin,
    WizardMixin,
    WorkflowGuardMixin,
)
from trytond.pool import Pool
from trytond.pyson import Bool, Eval, PYSONEncoder
from trytond.transaction import Transaction
from trytond.wizard import (
    Button,
    StateAction,
    StateTransition,
    StateView,
    Wizard,
)

from .exceptions import RecallError, RecallRecordError
from .export import to_bytes

# The context key under which the recall creates its lines; RPC strips
# private (_) keys so that no client can create a line.
RECALL_CONTEXT = '_qms_recall_lines'
# The context key with the lots a new recall proposes
LOTS_CONTEXT = 'qms_recall_lots'

LEVELS = [
    ('1', "Level I"),
    ('2', "Level II"),
    ('3', "Level III"),
    ]


class Recall(ModelMixin, WorkflowGuardMixin, Workflow, ModelSQL, ModelView):
    __name__ = 'qms.recall'
    __string__ = "Recall"
    _workflow_fields = {'open_date', 'close_date', 'stops'}
    _workflow_locked = True

    _states = {
        'readonly': Eval('state') != 'draft',
        }

    reference = fields.Char("Reference", required=True, states=_states)
    company = fields.Many2One(
        'company.company', "Company", required=True, states=_states)
    level = fields.Selection(LEVELS, "Level", required=True, states=_states,
        help="I: may cause or has caused serious harm; "
        "II: may cause temporary or reversible harm; "
        "III: unlikely to cause harm but must be recalled.", sort=False)
    level_string = level.translated('level')
    reason = fields.Text("Reason", required=True, states=_states)
    lots = fields.Many2Many(
        'qms.recall-stock.lot', 'recall', 'lot', "Lots", states=_states)
    notice = fields.Text("Manufacturer's Notice", states=_states)
    notice_file = fields.Binary(
        "Notice File", filename='notice_filename', states=_states)
    notice_filename = fields.Char("Notice Filename", states=_states)
    open_date = fields.Date("Opened on", readonly=True)
    close_date = fields.Date("Closed on", readonly=True)
    lines = fields.One2Many(
        'qms.recall.line', 'recall', "Lines",
        states={
            'readonly': Eval('state') != 'open',
            })
    stops = fields.One2Many(
        'qms.sales.stop', 'origin', "Sales Stops", readonly=True)
    notified_rate = fields.Function(
        fields.Float("Notified", digits=(1, 4)), 'get_progress')
    returned_rate = fields.Function(
        fields.Float("Returned", digits=(1, 4)), 'get_progress')
    state = fields.Selection([
            ('draft', "Draft"),
            ('open', "Open"),
            ('closed', "Closed"),
            ('cancelled', "Cancelled"),
            ], "State", readonly=True, required=True, sort=False)
    state_string = state.translated('state')

    del _states

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [('open_date', 'DESC NULLS FIRST'), ('id', 'DESC')]
        cls._transitions |= {
            ('draft', 'open'),
            ('open', 'closed'),
            ('draft', 'cancelled'),
            ('open', 'cancelled'),
            }
        cls._buttons.update({
                'open': {
                    'invisible': Eval('state') != 'draft',
                    'depends': ['state'],
                    },
                'close': {
                    'invisible': Eval('state') != 'open',
                    'depends': ['state'],
                    },
                'cancel': {
                    'invisible': ~Eval('state').in_(['draft', 'open']),
                    'depends': ['state'],
                    },
                })

    @classmethod
    def default_state(cls):
        return 'draft'

    @classmethod
    def default_company(cls):
        return Transaction().context.get('company')

    @classmethod
    def default_level(cls):
        return '2'

    @classmethod
    def default_lots(cls):
        return Transaction().context.get(LOTS_CONTEXT, [])

    def get_rec_name(self, name):
        return self.reference

    @classmethod
    def get_progress(cls, recalls, names):
        result = {n: {} for n in names}
        for recall in recalls:
            lines = recall.lines
            notified = sum(1 for l in lines if l.notified)
            delivered = sum(l.delivered_quantity or 0 for l in lines)
            returned = sum(l.returned_quantity or 0 for l in lines)
            if 'notified_rate' in names:
                result['notified_rate'][recall.id] = (
                    notified / len(lines) if lines else None)
            if 'returned_rate' in names:
                result['returned_rate'][recall.id] = (
                    returned / delivered if delivered else None)
        return result

    @classmethod
    def check_modification(cls, mode, recalls, values=None, external=False):
        super().check_modification(
            mode, recalls, values=values, external=external)
        if mode == 'delete':
            for recall in recalls:
                if recall.state != 'draft':
                    raise RecallError(gettext(
                            'qms_trace.msg_recall_delete_draft',
                            recall=recall.rec_name))

    @classmethod
    def validate_fields(cls, recalls, field_names):
        super().validate_fields(recalls, field_names)
        if 'state' in field_names:
            cls.check_stops_released(recalls)

    @classmethod
    def check_stops_released(cls, recalls):
        "Check no cancelled recall leaves its sales stop active"
        for recall in recalls:
            if recall.state != 'cancelled':
                continue
            for stop in recall.stops:
                if stop.state == 'active':
                    raise RecallError(gettext(
                            'qms_trace.msg_recall_cancel_stop',
                            recall=recall.rec_name, stop=stop.rec_name))

    @classmethod
    def copy(cls, recalls, default=None):
        default = default.copy() if default is not None else {}
        default.setdefault('lines')
        default.setdefault('stops')
        default.setdefault('open_date')
        default.setdefault('close_date')
        return super().copy(recalls, default=default)

    @classmethod
    @ModelView.button
    @Workflow.transition('open')
    def open(cls, recalls):
        pool = Pool()
        Date = pool.get('ir.date')
        Line = pool.get('qms.recall.line')
        Stop = pool.get('qms.sales.stop')
        for recall in recalls:
            if not recall.lots:
                raise RecallError(gettext(
                        'qms_trace.msg_recall_no_lots',
                        recall=recall.rec_name))
        today = Date.today()
        cls.write(recalls, {'open_date': today})
        stops = [s for r in recalls for s in r._get_stops()]
        Stop.save(stops)
        Stop.stop(stops)
        # the lines keep the context they are instantiated in to be saved
        with Transaction().set_context(**{RECALL_CONTEXT: True}):
            Line.save([l for r in recalls for l in r._get_lines()])

    def _get_stops(self):
        Stop = Pool().get('qms.sales.stop')
        products = {}
        for lot in self.lots:
            products.setdefault(lot.product, []).append(lot)
        return [Stop(product=p, lots=l, origin=self)
            for p, l in products.items()]

    def _get_lines(self):
        pool = Pool()
        Configuration = pool.get('qms.configuration')
        Line = pool.get('qms.recall.line')
        Trace = pool.get('qms.trace')
        deadline = self.open_date + dt.timedelta(
            days=Configuration(1).recall_days(self.level))
        return Line.from_trace(
            self, Trace.downstream(list(self.lots)), deadline)

    @classmethod
    @ModelView.button
    @Workflow.transition('closed')
    def close(cls, recalls):
        Date = Pool().get('ir.date')
        cls.write(recalls, {'close_date': Date.today()})

    @classmethod
    @ModelView.button
    @Workflow.transition('cancelled')
    def cancel(cls, recalls):
        Stop = Pool().get('qms.sales.stop')
        Stop.release_by_origin([s for r in recalls for s in r.stops])


class RecallStart(Wizard):
    __name__ = 'qms.recall.start'

    start = StateAction('qms_trace.act_recall_new')

    def do_start(self, action):
        lots = sorted({r.lot.id for r in self.records if r.lot})
        action['pyson_context'] = PYSONEncoder().encode({
                LOTS_CONTEXT: lots,
                })
        return action, {}


class RecallLot(ModelMixin, WorkflowGuardMixin, ModelSQL):
    __name__ = 'qms.recall-stock.lot'
    __string__ = "Recall - Lot"
    _workflow_parent = 'recall'

    recall = fields.Many2One(
        'qms.recall', "Recall", required=True, ondelete='CASCADE')
    lot = fields.Many2One(
        'stock.lot', "Lot", required=True, ondelete='RESTRICT')


class RecallRecordMixin:
    """A recall line or one of its lot rows, a record of the recall:
    created only by opening the recall, never deleted, written only while
    the recall is open and, by the client, only in _recall_editable (the
    buttons also set the notification and acknowledgement)"""
    __slots__ = ()
    _recall_editable = frozenset()
    _recall_progress = frozenset({
            'notified', 'notified_date', 'notified_by',
            'acknowledged', 'acknowledged_date', 'acknowledged_by',
            })

    @property
    def recall_line(self):
        raise NotImplementedError

    @classmethod
    def get_recall_states(cls):
        Recall = Pool().get('qms.recall')
        return Recall.fields_get(['state'])['state']['selection']

    @classmethod
    def check_modification(cls, mode, records, values=None, external=False):
        super().check_modification(
            mode, records, values=values, external=external)
        if not records:
            return
        if mode == 'delete':
            raise RecallRecordError(gettext(
                    'qms_trace.msg_recall_line_delete',
                    line=records[0].rec_name))
        elif mode == 'create':
            if not Transaction().context.get(RECALL_CONTEXT):
                raise RecallRecordError(gettext(
                        'qms_trace.msg_recall_line_create',
                        recall=records[0].recall_line.recall.rec_name))
        else:
            cls.check_recall_write(records, values, external)

    @classmethod
    def check_recall_write(cls, records, values, external):
        allowed = set(cls._recall_editable)
        if not external:
            allowed |= cls._recall_progress
        fixed = sorted(set(values) - allowed)
        if fixed:
            raise RecallRecordError(gettext(
                    'qms_trace.msg_recall_line_fixed',
                    line=records[0].rec_name,
                    fields=', '.join(
                        cls.__names__(f)['field'] if f in cls._fields else f
                        for f in fixed)))
        for line in dict.fromkeys(r.recall_line for r in records):
            if line.recall.state != 'open':
                raise RecallRecordError(gettext(
                        'qms_trace.msg_recall_line_not_open',
                        line=line.rec_name, recall=line.recall.rec_name))


class RecallLine(RecallRecordMixin, ModelMixin, ModelSQL, ModelView):
    __name__ = 'qms.recall.line'
    __string__ = "Recall Line"
    _history = True
    _recall_editable = frozenset({'lots'})

    _states = {
        'readonly': Eval('recall_state') != 'open',
        }

    recall = fields.Many2One(
        'qms.recall', "Recall", required=True, ondelete='RESTRICT',
        readonly=True)
    recall_state = fields.Function(
        fields.Selection('get_recall_states', "Recall State"),
        'on_change_with_recall_state')
    customer = fields.Many2One(
        'party.party', "Customer", required=True, readonly=True,
        ondelete='RESTRICT')
    contact = fields.Char("Contact", states=_states)
    phone = fields.Char("Phone", states=_states)
    email = fields.Char("Email", states=_states)
    address = fields.Char("Address", states=_states)
    lots = fields.One2Many(
        'qms.recall.line.lot', 'line', "Lots", states=_states,
        help="What the customer received of each recalled lot.")
    shipments = fields.Char("Shipments", readonly=True)
    delivered_quantity = fields.Float("Delivered Quantity", readonly=True,
        help="Net quantity the customer held when the recall was opened.")
    deadline = fields.Date("Notification Deadline", readonly=True)
    notified = fields.Boolean("Notified", readonly=True)
    notified_date = fields.Date("Notified on", readonly=True)
    notified_by = fields.Many2One('res.user', "Notified by", readonly=True)
    acknowledged = fields.Boolean("Acknowledged", readonly=True)
    acknowledged_date = fields.Date("Acknowledged on", readonly=True)
    acknowledged_by = fields.Many2One(
        'res.user', "Acknowledged by", readonly=True)
    returned_quantity = fields.Function(
        fields.Float("Returned Quantity"), 'get_returned_quantity')
    overdue = fields.Function(
        fields.Boolean("Overdue"), 'get_overdue', searcher='search_overdue')

    del _states

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [('deadline', 'ASC'), ('id', 'ASC')]
        cls.__access__.add('recall')
        t = cls.__table__()
        cls._sql_indexes.add(Index(t, (t.recall, Index.Range())))
        cls._buttons.update({
                'notify': {
                    'invisible': (Bool(Eval('notified'))
                        | (Eval('recall_state') != 'open')),
                    'depends': ['notified', 'recall_state'],
                    },
                'acknowledge': {
                    'invisible': (Bool(Eval('acknowledged'))
                        | (Eval('recall_state') != 'open')),
                    'depends': ['acknowledged', 'recall_state'],
                    },
                })

    @fields.depends('recall', '_parent_recall.state')
    def on_change_with_recall_state(self, name=None):
        return self.recall.state if self.recall else None

    @classmethod
    def from_trace(cls, recall, rows, deadline):
        """Return the lines of recall, one per customer, from the rows of
        qms.trace downstream"""
        pool = Pool()
        LineLot = pool.get('qms.recall.line.lot')
        customers = {}
        for row in rows:
            if row['quantity'] <= 0:
                continue
            customers.setdefault(row['customer'], []).append(row)
        lines = []
        for customer, rows in customers.items():
            line = cls(recall=recall, customer=customer, deadline=deadline)
            line.lots = [LineLot.from_trace(r) for r in rows]
            line.delivered_quantity = sum(r['quantity'] for r in rows)
            last = max(rows, key=lambda r: r['last_date'])
            address = last.get('address')
            line.contact = (
                address.party_name if address and address.party_name
                else cls._contact_person(customer))
            line.address = (last.get('contact') or '').replace('\n', ', ')
            line.phone = last.get('phone')
            line.email = last.get('email')
            line.shipments = ', '.join(dict.fromkeys(
                    s.rec_name for r in rows for s in r['shipments'] if s))
            lines.append(line)
        return lines

    @staticmethod
    def _contact_person(party):
        "Return the person named on the party's phone or e-mail"
        for mechanism in party.contact_mechanisms:
            if (mechanism.type in {'phone', 'mobile', 'email'}
                    and mechanism.name):
                return mechanism.name

    @property
    def recall_line(self):
        return self

    def get_rec_name(self, name):
        return '%s - %s' % (self.recall.rec_name, self.customer.rec_name)

    @classmethod
    def search_rec_name(cls, name, clause):
        _, operator, operand, *extra = clause
        if operator.startswith('!') or operator.startswith('not '):
            bool_op = 'AND'
        else:
            bool_op = 'OR'
        return [bool_op,
            ('recall.rec_name', operator, operand, *extra),
            ('customer.rec_name', operator, operand, *extra),
            ]

    @classmethod
    def get_returned_quantity(cls, lines, name):
        return {l.id: sum(r.returned_quantity or 0 for r in l.lots)
            for l in lines}

    def get_overdue(self, name):
        Date = Pool().get('ir.date')
        return bool(not self.notified and self.recall.state == 'open'
            and self.deadline and self.deadline < Date.today())

    @classmethod
    def search_overdue(cls, name, clause):
        Date = Pool().get('ir.date')
        _, operator, value = clause
        domain = [
            ('notified', '=', False),
            ('recall.state', '=', 'open'),
            ('deadline', '<', Date.today()),
            ]
        if (operator == '=') != bool(value):
            domain = ['OR',
                ('notified', '=', True),
                ('recall.state', '!=', 'open'),
                ('deadline', '>=', Date.today()),
                ('deadline', '=', None),
                ]
        return domain

    @classmethod
    def check_modification(cls, mode, lines, values=None, external=False):
        super().check_modification(
            mode, lines, values=values, external=external)
        if mode == 'write':
            for name in ['notified', 'acknowledged']:
                if name in values and not values[name]:
                    for line in lines:
                        if getattr(line, name):
                            raise RecallError(gettext(
                                    'qms_trace.msg_recall_line_undo',
                                    line=line.rec_name,
                                    field=cls.__names__(name)['field']))

    @classmethod
    def create(cls, vlist):
        # only opening the recall creates lines: refused before the insert
        transaction = Transaction()
        if (transaction.user and transaction.check_access
                and not transaction.context.get(RECALL_CONTEXT)):
            raise RecallRecordError(gettext(
                    'qms_trace.msg_recall_line_create', recall=''))
        return super().create(vlist)

    @classmethod
    @ModelView.button
    def notify(cls, lines):
        Date = Pool().get('ir.date')
        cls.write([l for l in lines if not l.notified], {
                'notified': True,
                'notified_date': Date.today(),
                'notified_by': Transaction().user,
                })

    @classmethod
    @ModelView.button
    def acknowledge(cls, lines):
        Date = Pool().get('ir.date')
        cls.write([l for l in lines if not l.acknowledged], {
                'acknowledged': True,
                'acknowledged_date': Date.today(),
                'acknowledged_by': Transaction().user,
                })

    @classmethod
    def export_xlsx(cls, lines):
        "Return the lines and their lots as xlsx bytes"
        pool = Pool()
        LineLot = pool.get('qms.recall.line.lot')
        Result = pool.get('qms.export.result')
        columns = cls._xlsx_columns()
        lot_columns = LineLot._xlsx_columns()

        def value(record, name):
            value = getattr(record, name)
            if isinstance(value, ModelSQL):
                value = value.rec_name
            return value

        content, _ = to_bytes([
                (cls.__names__()['model'],
                    Result.header(cls, columns),
                    ([value(l, n) for n in columns] for l in lines)),
                (LineLot.__names__()['model'],
                    Result.header(LineLot, lot_columns),
                    ([value(r, n) for n in lot_columns]
                        for l in lines for r in l.lots)),
                ])
        return content

    @classmethod
    def _xlsx_columns(cls):
        return ['recall', 'customer', 'contact', 'phone', 'email',
            'address', 'delivered_quantity', 'shipments', 'deadline',
            'notified', 'notified_date', 'notified_by', 'acknowledged',
            'acknowledged_date', 'returned_quantity']


class RecallLineLot(
        RecallRecordMixin, ModelMixin, ModelSQL, ModelView):
    __name__ = 'qms.recall.line.lot'
    __string__ = "Recall Line Lot"
    _history = True
    _recall_editable = frozenset({'returned_quantity'})

    line = fields.Many2One(
        'qms.recall.line', "Line", required=True, ondelete='RESTRICT',
        readonly=True)
    recall_state = fields.Function(
        fields.Selection('get_recall_states', "Recall State"),
        'on_change_with_recall_state')
    lot = fields.Many2One(
        'stock.lot', "Lot", required=True, readonly=True,
        ondelete='RESTRICT')
    product = fields.Many2One(
        'product.product', "Product", required=True, readonly=True,
        ondelete='RESTRICT')
    unit = fields.Many2One('product.uom', "Unit", readonly=True,
        ondelete='RESTRICT')
    delivered_quantity = fields.Float(
        "Delivered Quantity", digits='unit', readonly=True,
        help="Net quantity of the lot the customer held when the recall "
        "was opened.")
    first_date = fields.Date("First Delivery", readonly=True)
    last_date = fields.Date("Last Delivery", readonly=True)
    shipments = fields.Char("Shipments", readonly=True)
    returned_quantity = fields.Float(
        "Returned Quantity", digits='unit',
        states={
            'readonly': Eval('recall_state') != 'open',
            },
        domain=['OR',
            ('returned_quantity', '=', None),
            ('returned_quantity', '>=', 0),
            ],
        help="Quantity of the lot the customer sent back for the recall.")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [('line', 'ASC'), ('lot', 'ASC'), ('id', 'ASC')]
        cls.__access__.add('line')
        t = cls.__table__()
        cls._sql_indexes.add(Index(t, (t.line, Index.Range())))

    @fields.depends('line', '_parent_line.recall_state')
    def on_change_with_recall_state(self, name=None):
        return self.line.recall_state if self.line else None

    @classmethod
    def from_trace(cls, row):
        "Return a lot row from a row of qms.trace downstream"
        return cls(
            lot=row['lot'], product=row['product'], unit=row['unit'],
            delivered_quantity=row['quantity'],
            first_date=row['first_date'], last_date=row['last_date'],
            shipments=', '.join(
                s.rec_name for s in row['shipments'] if s))

    @property
    def recall_line(self):
        return self.line

    def get_rec_name(self, name):
        return '%s - %s' % (self.line.rec_name, self.lot.rec_name)

    @classmethod
    def check_modification(cls, mode, rows, values=None, external=False):
        super().check_modification(
            mode, rows, values=values, external=external)
        if mode == 'write' and 'returned_quantity' in values:
            returned = values['returned_quantity'] or 0
            for row in rows:
                # not "<": a NaN is never at least what was recorded
                if not returned >= (row.returned_quantity or 0):
                    raise RecallError(gettext(
                            'qms_trace.msg_recall_line_returned_decrease',
                            line=row.rec_name,
                            recorded=row.returned_quantity,
                            returned=returned))

    @classmethod
    def validate_fields(cls, rows, field_names):
        super().validate_fields(rows, field_names)
        if field_names & {'returned_quantity', 'delivered_quantity'}:
            for row in rows:
                if ((row.returned_quantity or 0)
                        > (row.delivered_quantity or 0)):
                    raise RecallError(gettext(
                            'qms_trace.msg_recall_line_returned',
                            recall=row.line.recall.rec_name,
                            customer=row.line.customer.rec_name,
                            lot=row.lot.rec_name,
                            returned=row.returned_quantity,
                            delivered=row.delivered_quantity))

    @classmethod
    def _xlsx_columns(cls):
        return ['line', 'lot', 'product', 'delivered_quantity', 'unit',
            'first_date', 'last_date', 'shipments', 'returned_quantity']


class RecallExport(WizardMixin, Wizard):
    __name__ = 'qms.recall.export'

    start = StateTransition()
    result = StateView('qms.recall.export.result',
        'qms_trace.recall_export_result_view_form', [
            Button("Close", 'end', 'tryton-close', default=True),
            ])

    def transition_start(self):
        return 'result'

    def default_result(self, fields):
        Line = Pool().get('qms.recall.line')
        lines = Line.search([('recall', 'in', [r.id for r in self.records])])
        name = '-'.join(r.reference for r in self.records)[:100]
        return {
            'file': Line.export_xlsx(lines),
            'filename': 'recall-%s.xlsx' % name,
            }


class RecallExportResult(ModelView):
    __name__ = 'qms.recall.export.result'
    __string__ = "Recall Export Result"

    file = fields.Binary("File", filename='filename', readonly=True)
    filename = fields.Char("Filename", readonly=True)
