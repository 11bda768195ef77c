# This file is part of the QMS modules for Tryton.
import datetime as dt

from sql import Cast, Literal, Null
from sql.aggregate import Min, Sum
from sql.conditionals import Case
from sql.functions import Extract

from trytond.i18n import gettext
from trytond.model import ModelSQL, ModelView, Workflow, fields
from trytond.model.exceptions import AccessError
from trytond.modules.currency.fields import Monetary
from trytond.modules.qms_sales.model import ModelMixin, WorkflowGuardMixin
from trytond.pool import Pool
from trytond.pyson import Eval, If
from trytond.transaction import Transaction

from .exceptions import FundClaimError

RESPONSIBILITIES = [
    (None, ""),
    ('manufacturer', "Manufacturer"),
    ('provider', "Service Provider"),
    ('employee', "Employee"),
    ]


class FundClaim(ModelMixin, WorkflowGuardMixin, Workflow, ModelSQL, ModelView):
    __string__ = "After-Sales Fund Claim"
    __name__ = 'qms.fund.claim'
    _workflow_fields = {
        'approved_by', 'approved_at', 'approval_unit', 'settled_date'}
    _workflow_locked = True

    _states = {
        'readonly': Eval('state') != 'draft',
        }

    company = fields.Many2One(
        'company.company', "Company", required=True, states=_states)
    ticket = fields.Many2One(
        'qms.ticket', "Ticket", required=True, states=_states,
        domain=[
            ('company', '=', Eval('company', -1)),
            ])
    unit = fields.Many2One(
        'qms.service.unit', "Unit", required=True, states=_states,
        help="The unit that requests the advance compensation.")
    date = fields.Date("Date", required=True, states=_states)
    amount = Monetary(
        "Amount", currency='currency', digits='currency', required=True,
        states=_states,
        domain=[('amount', '>', 0)])
    currency = fields.Many2One(
        'currency.currency', "Currency", required=True, states=_states)
    reason = fields.Text("Reason", required=True, states=_states)
    approved_by = fields.Many2One('res.user', "Approved by", readonly=True)
    approved_at = fields.DateTime("Approved at", readonly=True)
    approval_unit = fields.Many2One(
        'qms.service.unit', "Approval Unit", readonly=True,
        help="The unit whose limit covered the amount.")
    paid_date = fields.Date(
        "Paid Date",
        states={
            'readonly': Eval('state') != 'approved',
            'required': Eval('state').in_(
                ['paid', 'recovered', 'written_off']),
            })
    responsibility = fields.Selection(
        RESPONSIBILITIES, "Responsibility",
        states={
            'readonly': ~Eval('state').in_(['draft', 'approved', 'paid']),
            'required': Eval('state').in_(['recovered', 'written_off']),
            },
        help="Who bears the cost: the manufacturer, the service provider "
        "or an employee.", sort=False)
    responsible_party = fields.Many2One(
        'party.party', "Responsible Party",
        context={
            'company': Eval('company', -1),
            },
        depends={'company'},
        states={
            'invisible': ~Eval('responsibility').in_(
                ['manufacturer', 'provider']),
            'readonly': ~Eval('state').in_(['draft', 'approved', 'paid']),
            })
    responsible_employee = fields.Many2One(
        'company.employee', "Responsible Employee",
        domain=[
            ('company', '=', Eval('company', -1)),
            ],
        states={
            'invisible': Eval('responsibility') != 'employee',
            'readonly': ~Eval('state').in_(['draft', 'approved', 'paid']),
            })
    settled_date = fields.Date("Settled Date", readonly=True,
        help="When the claim was recovered or written off.")
    state = fields.Selection([
            ('draft', "Draft"),
            ('approved', "Approved"),
            ('paid', "Paid"),
            ('recovered', "Recovered"),
            ('written_off', "Written Off"),
            ('cancelled', "Cancelled"),
            ], "State", required=True, readonly=True, sort=False)
    state_string = state.translated('state')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.__access__.add('ticket')
        cls._order.insert(0, ('date', 'DESC'))
        cls._transitions |= {
            ('draft', 'approved'),
            ('draft', 'cancelled'),
            ('approved', 'draft'),
            ('approved', 'paid'),
            ('approved', 'cancelled'),
            ('cancelled', 'draft'),
            ('paid', 'recovered'),
            ('paid', 'written_off'),
            }
        cls._buttons.update({
                'cancel': {
                    'invisible': ~Eval('state').in_(['draft', 'approved']),
                    'depends': ['state'],
                    },
                'draft': {
                    'invisible': ~Eval('state').in_(
                        ['approved', 'cancelled']),
                    'icon': If(Eval('state') == 'cancelled',
                        'tryton-undo', 'tryton-back'),
                    'depends': ['state'],
                    },
                'approve': {
                    'invisible': Eval('state') != 'draft',
                    'icon': 'tryton-ok',
                    'depends': ['state'],
                    },
                'pay': {
                    'invisible': Eval('state') != 'approved',
                    'icon': 'tryton-ok',
                    'depends': ['state'],
                    },
                'recover': {
                    'invisible': Eval('state') != 'paid',
                    'depends': ['state'],
                    },
                'write_off': {
                    'invisible': Eval('state') != 'paid',
                    'depends': ['state'],
                    },
                })

    @classmethod
    def default_company(cls):
        return Transaction().context.get('company')

    @classmethod
    def default_date(cls):
        return Pool().get('ir.date').today()

    @classmethod
    def default_currency(cls):
        pool = Pool()
        Company = pool.get('company.company')
        company = Transaction().context.get('company')
        if company is not None and company >= 0:
            return Company(company).currency.id

    @classmethod
    def default_state(cls):
        return 'draft'

    @fields.depends('ticket', 'unit')
    def on_change_ticket(self):
        if self.ticket and not self.unit:
            self.unit = self.ticket.handling_unit

    def get_rec_name(self, name):
        if self.ticket:
            return '%s (%s)' % (self.ticket.rec_name, self.id)
        return str(self.id)

    @classmethod
    def search_rec_name(cls, name, clause):
        return [('ticket.rec_name', *clause[1:])]

    @classmethod
    def check_modification(cls, mode, claims, values=None, external=False):
        super().check_modification(
            mode, claims, values=values, external=external)
        if mode == 'delete':
            for claim in claims:
                if claim.state not in {'draft', 'cancelled'}:
                    raise AccessError(gettext(
                            'qms_aftersales.msg_claim_delete',
                            claim=claim.rec_name))

    @classmethod
    def validate_fields(cls, claims, field_names):
        super().validate_fields(claims, field_names)
        cls.check_unit(claims, field_names)

    @classmethod
    def check_unit(cls, claims, field_names=None):
        if field_names and not (field_names & {'unit', 'ticket'}):
            return
        for claim in claims:
            if claim.state == 'draft':
                claim._check_unit()

    def get_ticket_units(self):
        "Return the units that handle, handled or received the ticket"
        units = {self.ticket.handling_unit}
        if self.ticket.store:
            units.add(self.ticket.store)
        for escalation in self.ticket.escalations:
            units.update([escalation.from_unit, escalation.to_unit])
        return units

    def _check_unit(self):
        if self.unit not in self.get_ticket_units():
            raise FundClaimError(gettext(
                    'qms_aftersales.msg_claim_unit',
                    claim=self.rec_name,
                    unit=self.unit.rec_name,
                    ticket=self.ticket.rec_name,
                    units=', '.join(sorted(
                            u.rec_name for u in self.get_ticket_units()))))

    def _unit_amount(self, unit):
        "Return the amount in the currency of the unit"
        pool = Pool()
        Currency = pool.get('currency.currency')
        if unit.currency == self.currency:
            return self.amount
        with Transaction().set_context(date=self.date):
            return Currency.compute(self.currency, self.amount, unit.currency)

    def get_approval_unit(self):
        "Return the lowest unit whose limit covers the amount"
        unit = None
        for unit in self.unit.ancestors:
            if (unit.compensation_limit is None
                    or self._unit_amount(unit) <= unit.compensation_limit):
                break
        return unit

    def check_approval(self):
        pool = Pool()
        User = pool.get('res.user')
        Lang = pool.get('ir.lang')
        self._check_unit()
        if Transaction().user == 0:
            return
        unit = self.get_approval_unit()
        user_units = set(User.get_qms_units())
        if not any(u.id in user_units for u in unit.ancestors):
            raise FundClaimError(gettext(
                    'qms_aftersales.msg_claim_approval_limit',
                    claim=self.rec_name,
                    amount=Lang.get().currency(self.amount, self.currency),
                    unit=unit.rec_name))

    @classmethod
    @ModelView.button
    @Workflow.transition('cancelled')
    def cancel(cls, claims):
        pass

    @classmethod
    @ModelView.button
    @Workflow.transition('draft')
    def draft(cls, claims):
        cls.write(claims, {
                'approved_by': None,
                'approved_at': None,
                'approval_unit': None,
                })

    @classmethod
    @ModelView.button
    @Workflow.transition('approved')
    def approve(cls, claims):
        now = dt.datetime.now()
        for claim in claims:
            claim.check_approval()
            claim.approved_by = Transaction().user
            claim.approved_at = now
            claim.approval_unit = claim.get_approval_unit()
        cls.save(claims)

    @classmethod
    @ModelView.button
    @Workflow.transition('paid')
    def pay(cls, claims):
        pool = Pool()
        Date = pool.get('ir.date')
        cls.write([c for c in claims if not c.paid_date], {
                'paid_date': Date.today(),
                })

    @classmethod
    def check_responsibility(cls, claims):
        for claim in claims:
            if not claim.responsibility:
                raise FundClaimError(gettext(
                        'qms_aftersales.msg_claim_responsibility',
                        claim=claim.rec_name))

    @classmethod
    @ModelView.button
    @Workflow.transition('recovered')
    def recover(cls, claims):
        pool = Pool()
        Date = pool.get('ir.date')
        cls.check_responsibility(claims)
        cls.write(claims, {'settled_date': Date.today()})

    @classmethod
    @ModelView.button
    @Workflow.transition('written_off')
    def write_off(cls, claims):
        pool = Pool()
        Date = pool.get('ir.date')
        cls.check_responsibility(claims)
        cls.write(claims, {'settled_date': Date.today()})


class FundSummary(ModelMixin, ModelSQL, ModelView):
    __string__ = "After-Sales Fund Monthly Summary"
    __name__ = 'qms.fund.summary'

    company = fields.Many2One('company.company', "Company")
    unit = fields.Many2One('qms.service.unit', "Unit")
    year = fields.Integer("Year")
    month = fields.Integer("Month")
    currency = fields.Many2One('currency.currency', "Currency")
    claims = fields.Integer("Claims")
    paid = Monetary("Paid", currency='currency', digits='currency')
    recovered = Monetary("Recovered", currency='currency', digits='currency')
    written_off = Monetary(
        "Written Off", currency='currency', digits='currency')
    outstanding = Monetary(
        "Outstanding", currency='currency', digits='currency',
        help="Paid and neither recovered nor written off yet.")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [
            ('year', 'DESC'),
            ('month', 'DESC'),
            ('unit', 'ASC'),
            ('id', 'ASC'),
            ]

    @classmethod
    def table_query(cls):
        pool = Pool()
        Claim = pool.get('qms.fund.claim')
        claim = Claim.__table__()
        year = Cast(Extract('YEAR', claim.paid_date), 'INTEGER')
        month = Cast(Extract('MONTH', claim.paid_date), 'INTEGER')

        def amount(state):
            return Sum(Case(
                    (claim.state == state, claim.amount), else_=Literal(0)))
        return claim.select(
            Min(claim.id).as_('id'),
            claim.company.as_('company'),
            claim.unit.as_('unit'),
            claim.currency.as_('currency'),
            year.as_('year'),
            month.as_('month'),
            Sum(Literal(1)).as_('claims'),
            Sum(claim.amount).as_('paid'),
            amount('recovered').as_('recovered'),
            amount('written_off').as_('written_off'),
            amount('paid').as_('outstanding'),
            where=claim.paid_date != Null,
            group_by=[
                claim.company, claim.unit, claim.currency, year, month],
            )
