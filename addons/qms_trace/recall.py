# This file is part of the QMS modules for Tryton.
import datetime as dt
import io

from trytond.i18n import gettext
from trytond.model import ModelSQL, ModelView, Workflow, fields
from trytond.pool import Pool, PoolMeta
from trytond.pyson import Bool, Eval
from trytond.transaction import Transaction
from trytond.wizard import Button, StateTransition, StateView, Wizard

from .exceptions import RecallError

LEVELS = [
    ('1', "Level I"),
    ('2', "Level II"),
    ('3', "Level III"),
    ]


class Configuration(metaclass=PoolMeta):
    __name__ = 'qms.configuration'

    recall_level1_days = fields.Integer(
        "Recall Level I Days", required=True,
        domain=[('recall_level1_days', '>=', 0)],
        help="Days after opening a level I recall to notify the customers.")
    recall_level2_days = fields.Integer(
        "Recall Level II Days", required=True,
        domain=[('recall_level2_days', '>=', 0)],
        help="Days after opening a level II recall to notify the customers.")
    recall_level3_days = fields.Integer(
        "Recall Level III Days", required=True,
        domain=[('recall_level3_days', '>=', 0)],
        help="Days after opening a level III recall to notify the "
        "customers.")

    @classmethod
    def default_recall_level1_days(cls):
        return 1

    @classmethod
    def default_recall_level2_days(cls):
        return 3

    @classmethod
    def default_recall_level3_days(cls):
        return 7

    def recall_days(self, level):
        return getattr(self, 'recall_level%s_days' % level)


class Recall(Workflow, ModelSQL, ModelView):
    "Recall"
    __name__ = 'qms.recall'

    _states = {
        'readonly': Eval('state') != 'draft',
        }

    reference = fields.Char("Reference", required=True, states=_states)
    company = fields.Many2One(
        'company.company', "Company", required=True, states=_states)
    level = fields.Selection(LEVELS, "Level", required=True, states=_states,
        help="I: may cause or has caused serious harm; "
        "II: may cause temporary or reversible harm; "
        "III: unlikely to cause harm but must be recalled.")
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
            ], "State", readonly=True, required=True)
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
        stops, lines = [], []
        for recall in recalls:
            stops.extend(recall._get_stops())
            lines.extend(recall._get_lines())
        Stop.save(stops)
        Stop.stop(stops)
        Line.save(lines)

    def _get_stops(self):
        Stop = Pool().get('qms.sales.stop')
        products = {}
        for lot in self.lots:
            products.setdefault(lot.product, []).append(lot)
        reason = gettext('qms_trace.msg_stop_recall_reason',
            recall=self.rec_name, reason=self.reason)
        return [Stop(product=p, lots=l, reason=reason, origin=self)
            for p, l in products.items()]

    def _get_lines(self):
        pool = Pool()
        Configuration = pool.get('qms.configuration')
        Line = pool.get('qms.recall.line')
        Trace = pool.get('qms.trace')
        deadline = self.open_date + dt.timedelta(
            days=Configuration(1).recall_days(self.level))
        lines = []
        for row in Trace.downstream(list(self.lots)):
            line = Line(recall=self, deadline=deadline)
            line.set_trace(row)
            if line.delivered_quantity:
                lines.append(line)
        return lines

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
        for recall in recalls:
            stops = [s for s in recall.stops if s.state == 'active']
            Stop.write(stops, {
                    'release_reason': gettext(
                        'qms_trace.msg_stop_recall_cancelled',
                        recall=recall.rec_name),
                    })
            Stop.release(stops)


class RecallLot(ModelSQL):
    "Recall - Lot"
    __name__ = 'qms.recall-stock.lot'

    recall = fields.Many2One(
        'qms.recall', "Recall", required=True, ondelete='CASCADE')
    lot = fields.Many2One(
        'stock.lot', "Lot", required=True, ondelete='RESTRICT')


class RecallLine(ModelSQL, ModelView):
    "Recall Line"
    __name__ = 'qms.recall.line'

    _states = {
        'readonly': Eval('recall_state') != 'open',
        }

    recall = fields.Many2One(
        'qms.recall', "Recall", required=True, ondelete='CASCADE',
        readonly=True)
    recall_state = fields.Function(
        fields.Selection('get_recall_states', "Recall State"),
        'on_change_with_recall_state')
    customer = fields.Many2One(
        'party.party', "Customer", required=True, readonly=True)
    lot = fields.Many2One('stock.lot', "Lot", readonly=True)
    product = fields.Many2One('product.product', "Product", readonly=True)
    contact = fields.Char("Contact", states=_states)
    phone = fields.Char("Phone", states=_states)
    address = fields.Char("Address", states=_states)
    shipments = fields.Char("Shipments", readonly=True)
    delivered_quantity = fields.Float("Delivered Quantity", readonly=True)
    deadline = fields.Date("Notification Deadline", readonly=True)
    notified = fields.Boolean("Notified", readonly=True)
    notified_date = fields.Date("Notified on", readonly=True)
    notified_by = fields.Many2One('res.user', "Notified by", readonly=True)
    acknowledged = fields.Boolean("Acknowledged", states=_states)
    acknowledged_date = fields.Date(
        "Acknowledged on", states={
            'readonly': _states['readonly'],
            'required': Bool(Eval('acknowledged')),
            'invisible': ~Eval('acknowledged'),
            })
    returned_quantity = fields.Float(
        "Returned Quantity", states=_states,
        domain=['OR',
            ('returned_quantity', '=', None),
            ('returned_quantity', '>=', 0),
            ])
    overdue = fields.Function(
        fields.Boolean("Overdue"), 'get_overdue', searcher='search_overdue')

    del _states

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [('deadline', 'ASC'), ('id', 'ASC')]
        cls.__access__.add('recall')
        cls._buttons.update({
                'notify': {
                    'invisible': (Bool(Eval('notified'))
                        | (Eval('recall_state') != 'open')),
                    'depends': ['notified', 'recall_state'],
                    },
                })

    @classmethod
    def get_recall_states(cls):
        Recall = Pool().get('qms.recall')
        return Recall.fields_get(['state'])['state']['selection']

    @fields.depends('recall', '_parent_recall.state')
    def on_change_with_recall_state(self, name=None):
        return self.recall.state if self.recall else None

    @fields.depends('acknowledged', 'acknowledged_date')
    def on_change_acknowledged(self):
        Date = Pool().get('ir.date')
        if self.acknowledged and not self.acknowledged_date:
            self.acknowledged_date = Date.today()

    def set_trace(self, row):
        "Fill the line from a row of qms.trace downstream"
        self.customer = row['customer']
        self.lot = row['lot']
        self.product = row['product']
        self.delivered_quantity = row['quantity']
        address = row.get('address')
        self.contact = (
            address.party_name if address and address.party_name
            else self.customer.rec_name)
        self.address = (row.get('contact') or '').replace('\n', ', ')
        self.phone = row.get('phone')
        self.shipments = ', '.join(
            s.rec_name for s in row.get('shipments') or [] if s)

    def get_rec_name(self, name):
        return '%s - %s' % (self.recall.rec_name, self.customer.rec_name)

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
    def validate_fields(cls, lines, field_names):
        super().validate_fields(lines, field_names)
        if field_names & {'returned_quantity', 'delivered_quantity'}:
            for line in lines:
                if ((line.returned_quantity or 0)
                        > (line.delivered_quantity or 0)):
                    raise RecallError(gettext(
                            'qms_trace.msg_recall_line_returned',
                            recall=line.recall.rec_name,
                            customer=line.customer.rec_name,
                            returned=line.returned_quantity,
                            delivered=line.delivered_quantity))

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
    def export_xlsx(cls, lines):
        "Return the lines as xlsx bytes"
        import xlsxwriter
        output = io.BytesIO()
        workbook = xlsxwriter.Workbook(
            output, {'constant_memory': True, 'in_memory': True})
        sheet = workbook.add_worksheet()
        date_format = workbook.add_format({'num_format': 'yyyy-mm-dd'})
        columns = cls._xlsx_columns()
        names = cls.fields_get([c for c in columns])
        for col, name in enumerate(columns):
            sheet.write(0, col, names[name]['string'])
        for row, line in enumerate(lines, 1):
            for col, name in enumerate(columns):
                value = getattr(line, name)
                if isinstance(value, ModelSQL):
                    value = value.rec_name
                if isinstance(value, dt.date):
                    sheet.write_datetime(
                        row, col, dt.datetime.combine(value, dt.time()),
                        date_format)
                elif value is not None:
                    sheet.write(row, col, value)
        workbook.close()
        return output.getvalue()

    @classmethod
    def _xlsx_columns(cls):
        return ['recall', 'customer', 'contact', 'phone', 'address',
            'product', 'lot', 'delivered_quantity', 'shipments', 'deadline',
            'notified', 'notified_date', 'notified_by', 'acknowledged',
            'acknowledged_date', 'returned_quantity']


class RecallExport(Wizard):
    "Export Recall Lines"
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
    "Export Recall Lines"
    __name__ = 'qms.recall.export.result'

    file = fields.Binary("File", filename='filename', readonly=True)
    filename = fields.Char("Filename", readonly=True)
