# This file is part of the QMS modules for Tryton.
from trytond.i18n import gettext
from trytond.model import ModelSQL, ModelView, Workflow, fields
from trytond.modules.qms_sales.model import ModelMixin, WorkflowGuardMixin
from trytond.pool import Pool
from trytond.pyson import Eval, If
from trytond.transaction import Transaction

from .exceptions import NonconformityError

STATES = [
    ('open', "Open"),
    ('analysed', "Analysed"),
    ('action', "Action"),
    ('verification', "Verification"),
    ('closed', "Closed"),
    ]
# the due date that applies in each state
DUE_DATES = {
    'open': 'analysis_due',
    'analysed': 'action_due',
    'action': 'action_due',
    'verification': 'verification_due',
    }


class Nonconformity(
        ModelMixin, WorkflowGuardMixin, Workflow, ModelSQL, ModelView):
    __name__ = 'qms.nonconformity'
    __string__ = "Nonconformity"
    _workflow_fields = {'closed_date'}
    _workflow_locked = True
    _rec_name = 'title'
    _states = {
        'readonly': Eval('state') == 'closed',
        }

    title = fields.Char("Title", required=True, states=_states)
    source = fields.Selection([
            ('ticket', "Ticket"),
            ('inspection', "Inspection"),
            ('recall', "Recall"),
            ('audit', "Audit"),
            ], "Source", required=True, states=_states, sort=False)
    origin = fields.Reference(
        "Origin", selection='get_origins', states=_states,
        help="The record the nonconformity was found in.")
    date = fields.Date("Date", required=True, states=_states)
    product = fields.Many2One('product.product', "Product", states=_states)
    lot = fields.Many2One(
        'stock.lot', "Lot", states=_states,
        domain=[
            If(Eval('product'),
                ('product', '=', Eval('product', -1)),
                ()),
            ])
    responsible = fields.Many2One('res.user', "Responsible", states=_states)
    description = fields.Text("Description", required=True, states=_states)
    analysis_due = fields.Date("Analysis Due", states=_states)
    root_cause = fields.Text(
        "Root Cause",
        states={
            'readonly': ~Eval('state').in_(['open', 'analysed']),
            'required': Eval('state').in_(
                ['analysed', 'action', 'verification', 'closed']),
            })
    correction = fields.Text(
        "Correction", states=_states,
        help="What was done at once to contain the nonconformity.")
    corrective_action = fields.Text(
        "Corrective Action",
        states={
            'readonly': ~Eval('state').in_(['open', 'analysed']),
            'required': Eval('state').in_(
                ['action', 'verification', 'closed']),
            },
        help="What removes the root cause.")
    action_due = fields.Date(
        "Action Due",
        states={
            'readonly': Eval('state') == 'closed',
            'required': Eval('state').in_(['action', 'verification']),
            })
    verification_due = fields.Date("Verification Due", states=_states)
    effectiveness_date = fields.Date(
        "Effectiveness Check Date",
        states={
            'readonly': Eval('state') != 'verification',
            'required': Eval('state') == 'closed',
            })
    effectiveness_result = fields.Selection([
            (None, ""),
            ('effective', "Effective"),
            ('not_effective', "Not Effective"),
            ], "Effectiveness Result",
        states={
            'readonly': Eval('state') != 'verification',
            'required': Eval('state') == 'closed',
            }, sort=False)
    effectiveness_by = fields.Many2One(
        'res.user', "Effectiveness Checked by",
        states={
            'readonly': Eval('state') != 'verification',
            'required': Eval('state') == 'closed',
            })
    effectiveness_remarks = fields.Text(
        "Effectiveness Remarks",
        states={
            'readonly': Eval('state') != 'verification',
            })
    closed_date = fields.Date("Closed Date", readonly=True)
    due_date = fields.Function(
        fields.Date("Due Date"), 'get_due_date')
    overdue = fields.Function(
        fields.Boolean("Overdue"), 'get_overdue', searcher='search_overdue')
    state = fields.Selection(
        STATES, "State", required=True, readonly=True, sort=False)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [('date', 'DESC'), ('id', 'DESC')]
        cls._transitions |= {
            ('open', 'analysed'),
            ('analysed', 'action'),
            ('action', 'verification'),
            ('verification', 'action'),
            ('verification', 'closed'),
            }
        cls._buttons.update({
                'analyse': {
                    'invisible': Eval('state') != 'open',
                    'depends': ['state'],
                    },
                'act': {
                    'invisible': Eval('state') != 'analysed',
                    'depends': ['state'],
                    },
                'verify': {
                    'invisible': Eval('state') != 'action',
                    'depends': ['state'],
                    },
                'close': {
                    'invisible': Eval('state') != 'verification',
                    'depends': ['state'],
                    },
                'reopen_action': {
                    'invisible': Eval('state') != 'verification',
                    'depends': ['state'],
                    },
                })

    @classmethod
    def default_date(cls):
        return Pool().get('ir.date').today()

    @classmethod
    def default_state(cls):
        return 'open'

    @classmethod
    def default_responsible(cls):
        return Transaction().user

    @classmethod
    def _get_origins(cls):
        "Return the models a nonconformity may come from"
        return ['qms.ticket', 'quality.inspection', 'qms.recall']

    @classmethod
    def get_origins(cls):
        IrModel = Pool().get('ir.model')
        origins = cls._get_origins()
        return [(None, '')] + [
            (m, n) for m, n in IrModel.get_name_items() if m in origins]

    def get_due_date(self, name):
        field = DUE_DATES.get(self.state)
        return getattr(self, field) if field else None

    def get_overdue(self, name):
        Date = Pool().get('ir.date')
        return bool(self.due_date and self.due_date < Date.today())

    @classmethod
    def search_overdue(cls, name, clause):
        Date = Pool().get('ir.date')
        today = Date.today()
        _, operator, value = clause
        overdue = ['OR'] + [
            [('state', '=', state), (field, '<', today)]
            for state, field in DUE_DATES.items()]
        if (operator == '=') == bool(value):
            return overdue
        return ['NOT', overdue]

    @classmethod
    @ModelView.button
    @Workflow.transition('analysed')
    def analyse(cls, nonconformities):
        pass

    @classmethod
    @ModelView.button
    @Workflow.transition('action')
    def act(cls, nonconformities):
        pass

    @classmethod
    @ModelView.button
    @Workflow.transition('verification')
    def verify(cls, nonconformities):
        pass

    @classmethod
    @ModelView.button
    @Workflow.transition('action')
    def reopen_action(cls, nonconformities):
        cls.write(nonconformities, {
                'effectiveness_result': None,
                })

    @classmethod
    @ModelView.button
    @Workflow.transition('closed')
    def close(cls, nonconformities):
        Date = Pool().get('ir.date')
        for nonconformity in nonconformities:
            if nonconformity.effectiveness_result != 'effective':
                raise NonconformityError(gettext(
                        'qms_aftersales.msg_nonconformity_not_effective',
                        nonconformity=nonconformity.rec_name))
        cls.write(nonconformities, {
                'closed_date': Date.today(),
                })
