# This file is part of the QMS modules for Tryton.
from sql import Cast, Null
from sql.aggregate import Avg, Count, Sum
from sql.conditionals import Case, NullIf

from trytond import backend
from trytond.i18n import gettext
from trytond.model import (
    DeactivableMixin, ModelSingleton, ModelSQL, ModelView, fields)
from trytond.modules.qms_sales.model import ModelMixin, WorkflowGuardMixin
from trytond.pool import Pool, PoolMeta
from trytond.pyson import Eval
from trytond.tools import grouped_slice
from trytond.transaction import Transaction, without_check_access

from .exceptions import DispatchError

PROVIDER_STATUSES = [
    (None, ""),
    ('active', "Active"),
    ('warned', "Warned"),
    ('rectification', "Under Rectification"),
    ('suspended', "Dispatch Stopped"),
    ('removed', "Removed"),
    ]
# the order in which the statuses get worse
STATUS_RANKS = {
    None: 0,
    'active': 0,
    'warned': 1,
    'rectification': 2,
    'suspended': 3,
    'removed': 4,
    }
NOT_DISPATCHABLE = {'suspended', 'removed'}


def _cumulative_field(name, string, action):
    return fields.Integer(
        string,
        domain=['OR',
            (name, '=', None),
            (name, '>', 0),
            ],
        help="Violations since the start of the year that %s.\n"
        "Leave empty to count only the violations of the month." % action)


class Configuration(ModelMixin, ModelSingleton, ModelSQL, ModelView):
    __name__ = 'qms.provider.configuration'
    __string__ = "Service Provider Configuration"

    warning_violations = fields.Integer(
        "Violations for Warning Letter", required=True,
        domain=[('warning_violations', '>', 0)],
        help="Violations in a month that send a warning letter.")
    rectification_violations = fields.Integer(
        "Violations for Rectification", required=True,
        domain=[('rectification_violations', '>', 0)],
        help="Violations in a month that impose a rectification deadline.")
    stop_dispatch_violations = fields.Integer(
        "Violations for Stop Dispatch", required=True,
        domain=[('stop_dispatch_violations', '>', 0)],
        help="Violations in a month that stop dispatching to the provider.")
    removal_violations = fields.Integer(
        "Violations for Removal", required=True,
        domain=[('removal_violations', '>', 0)],
        help="Violations in a month that remove the provider.")
    cumulative_warning_violations = _cumulative_field(
        'cumulative_warning_violations',
        "Cumulative Violations for Warning Letter", "send a warning letter")
    cumulative_rectification_violations = _cumulative_field(
        'cumulative_rectification_violations',
        "Cumulative Violations for Rectification",
        "impose a rectification deadline")
    cumulative_stop_dispatch_violations = _cumulative_field(
        'cumulative_stop_dispatch_violations',
        "Cumulative Violations for Stop Dispatch",
        "stop dispatching to the provider")
    cumulative_removal_violations = _cumulative_field(
        'cumulative_removal_violations',
        "Cumulative Violations for Removal", "remove the provider")
    rectification_days = fields.Integer(
        "Rectification Days", required=True,
        domain=[('rectification_days', '>', 0)],
        help="Days given to rectify after a rectification sanction.")
    callback_violation_satisfaction = fields.Integer(
        "Callback Violation Satisfaction", required=True,
        domain=[
            ('callback_violation_satisfaction', '>=', 1),
            ('callback_violation_satisfaction', '<=', 5),
            ],
        help="A callback with this satisfaction or lower proposes "
        "a violation of the ticket's provider.")
    training_pass_rate = fields.Float(
        "Training Pass Rate", required=True, digits=(16, 4),
        domain=[
            ('training_pass_rate', '>', 0),
            ('training_pass_rate', '<=', 1),
            ],
        help="The quarterly share of technicians who must pass "
        "their assessment.")
    training_failed_quarters = fields.Integer(
        "Failed Training Quarters", required=True,
        domain=[('training_failed_quarters', '>', 0)],
        help="Consecutive quarters below the pass rate "
        "that suspend the provider.")

    # The seed gives the steps of the ladder and says that both the
    # violations of each month and their running count apply, but no
    # numbers: one more violation a month for each step, and twice that
    # over the year, are ours.
    @classmethod
    def default_warning_violations(cls):
        return 1

    @classmethod
    def default_rectification_violations(cls):
        return 2

    @classmethod
    def default_stop_dispatch_violations(cls):
        return 3

    @classmethod
    def default_removal_violations(cls):
        return 4

    @classmethod
    def default_cumulative_warning_violations(cls):
        return 2

    @classmethod
    def default_cumulative_rectification_violations(cls):
        return 4

    @classmethod
    def default_cumulative_stop_dispatch_violations(cls):
        return 6

    @classmethod
    def default_cumulative_removal_violations(cls):
        return 8

    @classmethod
    def default_rectification_days(cls):
        return 30

    @classmethod
    def default_callback_violation_satisfaction(cls):
        return 2

    @classmethod
    def default_training_pass_rate(cls):
        # 售后网点每季度员工培训考核合格率不得低于80%
        return 0.8

    @classmethod
    def default_training_failed_quarters(cls):
        # 连续三次达不到培训合格标准, 将对售后网点予以停工整顿
        return 3

    def sanction_ladder(self):
        "Return the ladder as (level, monthly, cumulative) from the lowest"
        return [
            ('warning', self.warning_violations,
                self.cumulative_warning_violations),
            ('rectification', self.rectification_violations,
                self.cumulative_rectification_violations),
            ('stop_dispatch', self.stop_dispatch_violations,
                self.cumulative_stop_dispatch_violations),
            ('removal', self.removal_violations,
                self.cumulative_removal_violations),
            ]


class Party(WorkflowGuardMixin, metaclass=PoolMeta):
    __name__ = 'party.party'
    _workflow_fields = {'provider_status'}

    service_provider = fields.Boolean(
        "Service Provider",
        help="An outsourced service point (外协网点) "
        "to which tickets are dispatched.")
    provider_status = fields.Selection(
        PROVIDER_STATUSES, "Provider Status", readonly=True, sort=False,
        states={
            'invisible': ~Eval('service_provider'),
            'required': Eval('service_provider', False),
            },
        help="Follows the sanction ladder and the training assessment.")
    technicians = fields.One2Many(
        'qms.technician', 'provider', "Technicians",
        states={
            'invisible': ~Eval('service_provider'),
            })
    service_areas = fields.One2Many(
        'qms.provider.service_area', 'provider', "Service Areas",
        states={
            'invisible': ~Eval('service_provider'),
            })
    provider_violations = fields.One2Many(
        'qms.provider.violation', 'provider', "Violations", readonly=True,
        states={
            'invisible': ~Eval('service_provider'),
            })
    provider_sanctions = fields.One2Many(
        'qms.provider.sanction', 'provider', "Sanctions", readonly=True,
        states={
            'invisible': ~Eval('service_provider'),
            })
    training_results = fields.One2Many(
        'qms.training.result', 'provider', "Training Results",
        readonly=True,
        states={
            'invisible': ~Eval('service_provider'),
            })
    provider_tickets = fields.Function(fields.Integer(
            "Tickets",
            states={
                'invisible': ~Eval('service_provider'),
                }),
        'get_provider_figures')
    provider_on_time_rate = fields.Function(fields.Float(
            "On-Time Response", digits=(1, 4),
            states={
                'invisible': ~Eval('service_provider'),
                }),
        'get_provider_figures')
    provider_satisfaction = fields.Function(fields.Float(
            "Average Satisfaction", digits=(1, 2),
            states={
                'invisible': ~Eval('service_provider'),
                }),
        'get_provider_figures')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._buttons.update({
                'reinstate_provider': {
                    'invisible': (~Eval('service_provider')
                        | Eval('provider_status').in_(
                            [None, 'active', 'removed'])),
                    'depends': ['service_provider', 'provider_status'],
                    },
                })

    @classmethod
    def view_attributes(cls):
        # a provider's form opens on its provider page
        return super().view_attributes() + [
            ('/form/notebook/page[@id="service_provider"]', 'states', {
                    'invisible': ~Eval('service_provider'),
                    }),
            ]

    @classmethod
    def default_service_provider(cls):
        return False

    @fields.depends('service_provider', 'provider_status')
    def on_change_service_provider(self):
        if self.service_provider and not self.provider_status:
            self.provider_status = 'active'

    @classmethod
    def preprocess_values(cls, mode, values):
        values = super().preprocess_values(mode, values)
        if values.get('service_provider') and mode == 'create':
            values.setdefault('provider_status', 'active')
        return values

    @classmethod
    def write(cls, *args):
        super().write(*args)
        actions = iter(args)
        to_activate = []
        for parties, values in zip(actions, actions):
            if values.get('service_provider'):
                to_activate.extend(
                    p for p in parties if not p.provider_status)
        if to_activate:
            with without_check_access():
                super().write(cls.browse(to_activate), {
                        'provider_status': 'active',
                        })

    @classmethod
    def get_provider_figures(cls, parties, names):
        pool = Pool()
        Ticket = pool.get('qms.ticket')
        ticket = Ticket.__table__()
        cursor = Transaction().connection.cursor()
        result = {n: {p.id: None for p in parties} for n in names}
        in_max = backend.MAX_QUERY_PARAMS
        for sub in grouped_slice(parties, in_max):
            cursor.execute(*ticket.select(
                    ticket.provider,
                    Count(ticket.id),
                    Sum(on_time_response(ticket)),
                    Avg(satisfaction_value(ticket)),
                    where=(ticket.provider.in_([p.id for p in sub])
                        & (ticket.state != 'cancelled')),
                    group_by=[ticket.provider]))
            for provider, count, on_time, satisfaction in cursor:
                figures = {
                    'provider_tickets': count,
                    'provider_on_time_rate': (
                        on_time / count if count else None),
                    'provider_satisfaction': (
                        float(satisfaction)
                        if satisfaction is not None else None),
                    }
                for name in names:
                    result[name][provider] = figures[name]
        return result

    @classmethod
    @ModelView.button
    def reinstate_provider(cls, parties):
        "Reinstate providers that have completed their rectification"
        cls.write([p for p in parties if p.provider_status != 'removed'], {
                'provider_status': 'active',
                })

    def check_dispatch(self):
        "Raise if tickets may not be dispatched to the provider"
        pool = Pool()
        Party = pool.get('party.party')
        if not self.service_provider:
            raise DispatchError(gettext(
                    'qms_aftersales.msg_dispatch_not_provider',
                    provider=self.rec_name))
        if self.provider_status in NOT_DISPATCHABLE:
            status = dict(Party.fields_get(['provider_status'])
                ['provider_status']['selection'])[self.provider_status]
            raise DispatchError(gettext(
                    'qms_aftersales.msg_dispatch_provider_status',
                    provider=self.rec_name, status=status))


class Technician(ModelMixin, DeactivableMixin, ModelSQL, ModelView):
    __name__ = 'qms.technician'
    __string__ = "Service Technician"

    provider = fields.Many2One(
        'party.party', "Provider", required=True, ondelete='CASCADE',
        domain=[('service_provider', '=', True)])
    name = fields.Char("Name", required=True)
    identity = fields.Char("Identity Number")
    phone = fields.Char("Phone")
    qualification = fields.Char(
        "Qualification", help="The trade the technician is qualified for.")
    certificate = fields.Char("Certificate Number")
    certificate_expiration = fields.Date("Certificate Expiration")
    training_results = fields.One2Many(
        'qms.training.result', 'technician', "Training Results",
        readonly=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order.insert(0, ('name', 'ASC'))


class ServiceArea(ModelMixin, ModelSQL, ModelView):
    __name__ = 'qms.provider.service_area'
    __string__ = "Provider Service Area"

    provider = fields.Many2One(
        'party.party', "Provider", required=True, ondelete='CASCADE',
        domain=[('service_provider', '=', True)])
    subdivision = fields.Many2One(
        'country.subdivision', "Subdivision",
        help="The province, city or district served.")
    description = fields.Char(
        "Description", help="The area in free text, e.g. a district.")

    def get_rec_name(self, name):
        names = []
        if self.subdivision:
            names.append(self.subdivision.rec_name)
        if self.description:
            names.append(self.description)
        return ' - '.join(names)


def on_time_response(ticket):
    "SQL: 1 if the ticket was responded before its deadline else 0"
    return Case(
        ((ticket.responded_at != Null)
            & ((ticket.response_deadline == Null)
                | (ticket.responded_at <= ticket.response_deadline)), 1),
        else_=0)


def satisfaction_value(ticket):
    "SQL: the satisfaction as a number or NULL"
    return Cast(NullIf(ticket.satisfaction, ''), 'INTEGER')
