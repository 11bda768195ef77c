# This file is part of the QMS modules for Tryton.
from sql import Cast, Null
from sql.aggregate import Avg, Count, Sum
from sql.conditionals import Case, NullIf

from trytond import backend
from trytond.i18n import gettext
from trytond.model import DeactivableMixin, ModelSQL, ModelView, fields
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
        for parties, values in zip(actions, actions, strict=False):
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
