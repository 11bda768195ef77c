# This file is part of the QMS modules for Tryton.
"Service inspections (暗查/互查) and customer satisfaction surveys"
from trytond.i18n import gettext
from trytond.model import (
    DeactivableMixin,
    ModelSQL,
    ModelView,
    Workflow,
    fields,
    sequence_ordered,
)
from trytond.model.exceptions import AccessError
from trytond.modules.qms_sales.model import ModelMixin, WorkflowGuardMixin
from trytond.pool import Pool
from trytond.pyson import Eval
from trytond.transaction import Transaction

from .exceptions import InspectionError
from .ticket import SATISFACTIONS

STATES = [
    ('draft', "Draft"),
    ('done', "Done"),
    ('cancelled', "Cancelled"),
    ]


class Checklist(ModelMixin, DeactivableMixin, ModelSQL, ModelView):
    __name__ = 'qms.service.checklist'
    __string__ = "Service Checklist"

    name = fields.Char("Name", required=True, translate=True)
    kind = fields.Selection([
            ('inspection', "Inspection"),
            ('survey', "Satisfaction Survey"),
            ], "Kind", required=True, sort=False)
    items = fields.One2Many(
        'qms.service.checklist.item', 'checklist', "Items")

    @classmethod
    def default_kind(cls):
        return 'inspection'


class ChecklistItem(ModelMixin, sequence_ordered(), ModelSQL, ModelView):
    __name__ = 'qms.service.checklist.item'
    __string__ = "Service Checklist Item"

    checklist = fields.Many2One(
        'qms.service.checklist', "Checklist", required=True,
        ondelete='CASCADE')
    name = fields.Char("Item", required=True, translate=True)


class _ChecklistMixin(WorkflowGuardMixin, Workflow):
    "A record filled from a checklist, done once complete"
    _states = {
        'readonly': Eval('state') != 'draft',
        }
    _workflow_locked = True

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [('date', 'DESC'), ('id', 'DESC')]
        cls._transitions |= {
            ('draft', 'done'),
            ('draft', 'cancelled'),
            ('cancelled', 'draft'),
            }
        cls._buttons.update({
                'cancel': {
                    'invisible': Eval('state') != 'draft',
                    'depends': ['state'],
                    },
                'draft': {
                    'invisible': Eval('state') != 'cancelled',
                    'icon': 'tryton-undo',
                    'depends': ['state'],
                    },
                'do': {
                    'invisible': Eval('state') != 'draft',
                    'icon': 'tryton-ok',
                    'depends': ['state'],
                    },
                })

    @classmethod
    def default_date(cls):
        return Pool().get('ir.date').today()

    @classmethod
    def default_state(cls):
        return 'draft'

    @fields.depends('checklist', 'lines')
    def on_change_checklist(self):
        if self.checklist and not self.lines:
            self.lines = [
                self._line_from_item(i) for i in self.checklist.items]

    def get_rec_name(self, name):
        return '%s @ %s' % (self.unit.rec_name, self.date)

    @classmethod
    def check_modification(cls, mode, records, values=None, external=False):
        super().check_modification(
            mode, records, values=values, external=external)
        if mode == 'delete':
            for record in records:
                if record.state == 'done':
                    raise AccessError(gettext(
                            'qms_aftersales.msg_checklist_record_delete',
                            record=record.rec_name))

    @classmethod
    @ModelView.button
    @Workflow.transition('cancelled')
    def cancel(cls, records):
        pass

    @classmethod
    @ModelView.button
    @Workflow.transition('draft')
    def draft(cls, records):
        pass


class Inspection(ModelMixin, _ChecklistMixin, ModelSQL, ModelView):
    "Service inspection: mystery check (暗查) or mutual check (互查)"
    __name__ = 'qms.service.inspection'
    __string__ = "Service Inspection"
    _states = _ChecklistMixin._states

    date = fields.Date("Date", required=True, states=_states)
    method = fields.Selection([
            ('mystery', "Mystery Check"),
            ('mutual', "Mutual Check"),
            ('routine', "Routine Check"),
            ], "Method", required=True, states=_states,
        help="Mystery check (暗查): unannounced, by a mystery shopper.\n"
        "Mutual check (互查): by another store or region.", sort=False)
    method_string = method.translated('method')
    unit = fields.Many2One(
        'qms.service.unit', "Inspected Unit", required=True, states=_states)
    inspecting_unit = fields.Many2One(
        'qms.service.unit', "Inspecting Unit", states={
            'readonly': _states['readonly'],
            'required': Eval('method') == 'mutual',
            },
        domain=[('id', '!=', Eval('unit', -1))])
    inspector = fields.Many2One(
        'res.user', "Inspector", required=True, states=_states)
    provider = fields.Many2One(
        'party.party', "Provider", states=_states,
        domain=[('service_provider', '=', True)],
        help="The service provider whose work was inspected: "
        "failed items propose a violation.")
    checklist = fields.Many2One(
        'qms.service.checklist', "Checklist", states=_states,
        domain=[('kind', '=', 'inspection')])
    lines = fields.One2Many(
        'qms.service.inspection.line', 'inspection', "Items",
        states=_states)
    score = fields.Function(
        fields.Float("Score", digits=(1, 4),
            help="The share of the items passed."),
        'get_score')
    remarks = fields.Text("Remarks", states=_states)
    violation = fields.Many2One(
        'qms.provider.violation', "Violation", readonly=True)
    state = fields.Selection(
        STATES, "State", required=True, readonly=True, sort=False)
    _workflow_fields = {'violation'}

    @classmethod
    def default_method(cls):
        return 'mystery'

    @classmethod
    def default_inspector(cls):
        return Transaction().user

    @classmethod
    def _line_from_item(cls, item):
        Line = Pool().get('qms.service.inspection.line')
        return Line(item=item.name, passed=True)

    def get_score(self, name):
        if self.lines:
            return round(
                sum(1 for l in self.lines if l.passed) / len(self.lines), 4)

    @classmethod
    @ModelView.button
    @Workflow.transition('done')
    def do(cls, inspections):
        pool = Pool()
        Violation = pool.get('qms.provider.violation')
        for inspection in inspections:
            if not inspection.lines:
                raise InspectionError(gettext(
                        'qms_aftersales.msg_checklist_record_no_lines',
                        record=inspection.rec_name))
            if not inspection.violation:
                inspection.violation = inspection._get_violation()
        Violation.save([i.violation for i in inspections if i.violation])
        cls.save(inspections)

    def _get_violation(self):
        "Return the violation proposed for the failed items or None"
        Violation = Pool().get('qms.provider.violation')
        failed = [l.item for l in self.lines if not l.passed]
        if not self.provider or not failed:
            return
        return Violation(
            provider=self.provider,
            date=self.date,
            source='inspection',
            store=self.unit if self.unit.kind == 'store' else None)


class InspectionLine(
        ModelMixin, WorkflowGuardMixin,
        sequence_ordered(), ModelSQL, ModelView):
    __name__ = 'qms.service.inspection.line'
    __string__ = "Service Inspection Item"
    _workflow_parent = 'inspection'

    inspection = fields.Many2One(
        'qms.service.inspection', "Inspection", required=True,
        ondelete='CASCADE')
    item = fields.Char("Item", required=True)
    passed = fields.Boolean("Passed")
    remarks = fields.Char("Remarks")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.__access__.add('inspection')

    @classmethod
    def default_passed(cls):
        return True


class Survey(ModelMixin, _ChecklistMixin, ModelSQL, ModelView):
    "Customer satisfaction survey (顾客满意度调查)"
    __name__ = 'qms.satisfaction.survey'
    __string__ = "Satisfaction Survey"
    _states = _ChecklistMixin._states

    date = fields.Date("Date", required=True, states=_states)
    unit = fields.Many2One(
        'qms.service.unit', "Unit", required=True, states=_states,
        help="The store, region or HQ whose service is rated.")
    customer = fields.Many2One('party.party', "Customer", states=_states)
    ticket = fields.Many2One(
        'qms.ticket', "Ticket", states=_states,
        help="The service ticket the survey is about, if any.")
    channel = fields.Selection([
            ('phone', "Phone"),
            ('visit', "Visit"),
            ('online', "Online"),
            ('form', "Paper Form"),
            ], "Channel", required=True, states=_states, sort=False)
    checklist = fields.Many2One(
        'qms.service.checklist', "Questionnaire", states=_states,
        domain=[('kind', '=', 'survey')])
    lines = fields.One2Many(
        'qms.satisfaction.survey.line', 'survey', "Questions",
        states=_states)
    satisfaction = fields.Float(
        "Satisfaction", digits=(1, 2), readonly=True,
        help="The average score of the questions, set when done.")
    remarks = fields.Text("Remarks", states=_states)
    state = fields.Selection(
        STATES, "State", required=True, readonly=True, sort=False)
    _workflow_fields = {'satisfaction'}

    @classmethod
    def default_channel(cls):
        return 'phone'

    @fields.depends('ticket', 'unit', 'customer')
    def on_change_ticket(self):
        if self.ticket:
            self.unit = self.ticket.store or self.ticket.handling_unit
            self.customer = self.ticket.customer

    @classmethod
    def _line_from_item(cls, item):
        Line = Pool().get('qms.satisfaction.survey.line')
        return Line(question=item.name)

    @classmethod
    @ModelView.button
    @Workflow.transition('done')
    def do(cls, surveys):
        for survey in surveys:
            scores = [l.score for l in survey.lines]
            if not scores or not all(scores):
                raise InspectionError(gettext(
                        'qms_aftersales.msg_survey_scores',
                        record=survey.rec_name))
            survey.satisfaction = round(
                sum(int(s) for s in scores) / len(scores), 2)
        cls.save(surveys)

    @classmethod
    @ModelView.button
    @Workflow.transition('draft')
    def draft(cls, surveys):
        cls.write(surveys, {'satisfaction': None})


class SurveyLine(
        ModelMixin, WorkflowGuardMixin,
        sequence_ordered(), ModelSQL, ModelView):
    __name__ = 'qms.satisfaction.survey.line'
    __string__ = "Satisfaction Survey Question"
    _workflow_parent = 'survey'

    survey = fields.Many2One(
        'qms.satisfaction.survey', "Survey", required=True,
        ondelete='CASCADE')
    question = fields.Char("Question", required=True)
    score = fields.Selection(SATISFACTIONS, "Score", sort=False)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.__access__.add('survey')
