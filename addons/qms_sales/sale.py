# This file is part of the QMS modules for Tryton.
import datetime as dt

from trytond.i18n import gettext
from trytond.model import ModelSQL, ModelView, Workflow, fields
from trytond.model.exceptions import AccessError
from trytond.pool import Pool, PoolMeta
from trytond.pyson import Eval
from trytond.transaction import Transaction
from trytond.wizard import Button, StateTransition, StateView, Wizard

from .checker import GateMixin, Text
from .exceptions import OverrideError, SaleLineValueError
from .model import ModelMixin, WizardMixin, WorkflowGuardMixin

# Writing one of these fields after the review re-opens it
REVIEW_FIELDS = {
    'lines', 'party', 'invoice_party', 'currency', 'payment_term',
    'tender', 'non_standard_terms',
    }


class Sale(ModelMixin, WorkflowGuardMixin, GateMixin, metaclass=PoolMeta):
    __name__ = 'sale.sale'
    _gate_check_operation = 'confirm'
    _workflow_fields = {
        'reviewed_by', 'reviewed_at', 'invoice_state', 'shipment_state'}

    salesperson = fields.Many2One(
        'company.employee', "Salesperson",
        domain=[('company', '=', Eval('company', -1))],
        states={
            'readonly': ~Eval('state').in_(['draft', 'quotation']),
            },
        help="The employee who sells and holds the authorisation letter.")
    tender = fields.Boolean("Tender",
        states={'readonly': Eval('state') != 'draft'},
        help="The sale answers a tender: a contract review is required.")
    non_standard_terms = fields.Boolean("Non-Standard Terms",
        states={'readonly': Eval('state') != 'draft'},
        help="The contract departs from the standard terms: "
        "a contract review is required.")
    review_required = fields.Function(
        fields.Boolean("Review Required"), 'get_review_required')
    reviewed_by = fields.Many2One('res.user', "Reviewed by", readonly=True)
    reviewed_at = fields.DateTime("Reviewed at", readonly=True)
    review_note = fields.Text("Review Note",
        states={
            'readonly': ~Eval('state').in_(['draft', 'quotation']),
            })
    overrides = fields.One2Many('qms.sales.override', 'sale', "Overrides",
        readonly=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._buttons.update({
                'review': {
                    'invisible': (
                        ~Eval('state').in_(['draft', 'quotation'])
                        | Eval('reviewed_by')),
                    'depends': ['state', 'reviewed_by'],
                    },
                'override': {
                    'invisible': Eval('state') != 'quotation',
                    'depends': ['state'],
                    },
                'check_qualifications': {
                    'invisible': ~Eval('state').in_(['draft', 'quotation']),
                    'depends': ['state'],
                    },
                })

    @classmethod
    def default_salesperson(cls):
        return Transaction().context.get('employee')

    def get_rec_name(self, name):
        if not self.full_number and not self.reference:
            # a draft sale has no number yet
            return gettext('qms_sales.msg_sale_draft_name', id=self.id)
        return super().get_rec_name(name)

    def review_reasons(self, untaxed_amount=None):
        "Return why the sale needs a contract review"
        pool = Pool()
        Configuration = pool.get('qms.configuration')
        reasons = []
        threshold = Configuration(1).review_amount
        if threshold is not None:
            if untaxed_amount is None:
                untaxed_amount = self.untaxed_amount or 0
            if untaxed_amount > threshold:
                reasons.append(Text('qms_sales.msg_review_amount',
                        amount=untaxed_amount, threshold=threshold))
        if self.tender:
            reasons.append(Text('qms_sales.msg_review_tender'))
        if self.non_standard_terms:
            reasons.append(Text('qms_sales.msg_review_terms'))
        return reasons

    def get_review_required(self, name):
        return bool(self.review_reasons())

    @classmethod
    def copy(cls, sales, default=None):
        default = default.copy() if default is not None else {}
        default.setdefault('reviewed_by')
        default.setdefault('reviewed_at')
        default.setdefault('review_note')
        default.setdefault('overrides')
        return super().copy(sales, default=default)

    @classmethod
    def on_modification(cls, mode, sales, field_names=None):
        super().on_modification(mode, sales, field_names=field_names)
        if mode == 'write' and REVIEW_FIELDS.intersection(field_names):
            cls.reopen_review(sales)

    @classmethod
    def reopen_review(cls, sales):
        "Clear the contract review of sales still being negotiated"
        sales = [s for s in sales
            if s.state in {'draft', 'quotation'}
            and (s.reviewed_by or s.reviewed_at)]
        if sales:
            cls.write(sales, {
                    'reviewed_by': None,
                    'reviewed_at': None,
                    })

    @classmethod
    @ModelView.button
    def review(cls, sales):
        cls.write(sales, {
                'reviewed_by': Transaction().user,
                'reviewed_at': dt.datetime.now(),
                })

    @classmethod
    @ModelView.button_action('qms_sales.wizard_sale_override')
    def override(cls, sales):
        pass

    @classmethod
    @ModelView.button_action('qms_sales.wizard_gate_check')
    def check_qualifications(cls, sales):
        pass

    @property
    def gate_party(self):
        return self.party

    def gate_date(self, today):
        # a back-dated sale does not revive an expired licence
        return max(self.sale_date or today, today)

    @classmethod
    def gate_items(cls, data):
        return data.read_sale_lines()

    @classmethod
    @ModelView.button
    @Workflow.transition('draft')
    def draft(cls, sales):
        super().draft(sales)
        cls.reopen_review(sales)

    @classmethod
    @ModelView.button
    @Workflow.transition('quotation')
    @GateMixin.gate('quote')
    def quote(cls, sales):
        super().quote(sales)

    @classmethod
    @ModelView.button
    @Workflow.transition('confirmed')
    @GateMixin.gate('confirm')
    def confirm(cls, sales):
        super().confirm(sales)


class Line(ModelMixin, metaclass=PoolMeta):
    __name__ = 'sale.line'

    @classmethod
    def validate_fields(cls, lines, field_names):
        super().validate_fields(lines, field_names)
        if field_names & {'type', 'product', 'quantity', 'unit_price'}:
            for line in lines:
                line.check_device_values()

    def check_device_values(self):
        "Check a device line counts in the amount the review compares"
        template = self.product.template if self.product else None
        if (self.type == 'line' and template
                and (template.device_class or template.registration)
                and ((self.quantity or 0) <= 0
                    or (self.unit_price or 0) < 0)):
            raise SaleLineValueError(gettext(
                    'qms_sales.msg_sale_line_device_values',
                    line=self.rec_name, sale=self.sale.rec_name,
                    quantity=self.quantity, unit_price=self.unit_price))

    @classmethod
    def on_modification(cls, mode, lines, field_names=None):
        pool = Pool()
        Sale = pool.get('sale.sale')
        super().on_modification(mode, lines, field_names=field_names)
        Sale.reopen_review(list({l.sale for l in lines if l.sale}))


class Override(ModelMixin, ModelSQL, ModelView):
    __name__ = 'qms.sales.override'
    __string__ = "Gate Override"

    sale = fields.Many2One('sale.sale', "Sale", required=True,
        readonly=True, ondelete='RESTRICT')
    rule = fields.Selection([
            ('Q04', "Q04 Salesperson Authorisation"),
            ], "Rule", required=True, readonly=True, sort=False)
    reason = fields.Text("Reason", required=True, readonly=True)
    user = fields.Many2One('res.user', "User", required=True, readonly=True)
    date = fields.DateTime("Date", required=True, readonly=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order.insert(0, ('date', 'DESC'))
        cls.__access__.add('sale')

    @classmethod
    def default_user(cls):
        return Transaction().user

    @classmethod
    def default_date(cls):
        return dt.datetime.now()

    @classmethod
    def default_rule(cls):
        return 'Q04'

    def get_rec_name(self, name):
        return f'{self.rule} {self.sale.rec_name}'

    @classmethod
    def create(cls, vlist):
        # only the Override button records one (its wizard runs without
        # access checks): refused before the insert, whatever values miss
        transaction = Transaction()
        if transaction.user and transaction.check_access:
            raise OverrideError(gettext('qms_sales.msg_override_button'))
        return super().create(vlist)

    @classmethod
    def check_modification(cls, mode, overrides, values=None,
            external=False):
        pool = Pool()
        User = pool.get('res.user')
        ModelData = pool.get('ir.model.data')
        super().check_modification(
            mode, overrides, values=values, external=external)
        if mode in {'write', 'delete'}:
            raise AccessError(gettext('qms_sales.msg_override_immutable'))
        group = ModelData.get_id('qms_sales', 'group_qms_sales_manager')
        if Transaction().user and group not in User.get_groups():
            raise OverrideError(gettext('qms_sales.msg_override_group'))


class OverrideStart(ModelView):
    __name__ = 'qms.sales.override.start'
    __string__ = "Override Gate Rule"

    rule = fields.Selection([
            ('Q04', "Q04 Salesperson Authorisation"),
            ], "Rule", required=True, readonly=True, sort=False)
    reason = fields.Text("Reason", required=True,
        help="Why the sale may be confirmed without the authorisation.")

    @classmethod
    def default_rule(cls):
        return 'Q04'


class OverrideWizard(WizardMixin, Wizard):
    __name__ = 'qms.sales.override.wizard'
    start = StateView('qms.sales.override.start',
        'qms_sales.sale_override_start_view_form', [
            Button("Cancel", 'end', 'tryton-cancel'),
            Button("Override", 'override', 'tryton-ok', default=True),
            ])
    override = StateTransition()

    def transition_override(self):
        pool = Pool()
        Override = pool.get('qms.sales.override')
        Override.create([{
                    'sale': self.record.id,
                    'rule': self.start.rule,
                    'reason': self.start.reason,
                    }])
        return 'end'
