# This file is part of the QMS modules for Tryton.
import datetime as dt

from trytond.i18n import gettext
from trytond.model import (
    MatchMixin,
    ModelSQL,
    ModelView,
    fields,
    sequence_ordered,
)
from trytond.model.exceptions import AccessError
from trytond.modules.qms_sales.model import ModelMixin
from trytond.pool import Pool, PoolMeta
from trytond.pyson import Eval
from trytond.transaction import Transaction, without_check_access

from .exceptions import TicketError
from .ticket import OPEN_STATES, SEVERITIES, TYPES


class SLAPolicy(
        ModelMixin, sequence_ordered(), MatchMixin, ModelSQL, ModelView):
    __string__ = "Ticket SLA Policy"
    __name__ = 'qms.ticket.sla'

    type = fields.Selection([(None, "")] + TYPES, "Type",
        help="Leave empty for all types.", sort=False)
    severity = fields.Selection([(None, "")] + SEVERITIES, "Severity",
        help="Leave empty for all severities.", sort=False)
    response_hours = fields.Integer(
        "Response Hours", required=True,
        domain=[('response_hours', '>=', 0)])
    resolution_hours = fields.Integer(
        "Resolution Hours", required=True,
        domain=[('resolution_hours', '>=', 0)])

    @classmethod
    def get_policy(cls, pattern):
        for policy in cls.search([]):
            if policy.match(pattern):
                return policy


class Ticket(metaclass=PoolMeta):
    __name__ = 'qms.ticket'

    response_deadline = fields.DateTime(
        "Response Deadline", readonly=True,
        help="The response deadline of the SLA.")
    resolution_deadline = fields.DateTime(
        "Resolution Deadline", readonly=True,
        help="The resolution deadline of the SLA.")
    tier_response_deadline = fields.DateTime(
        "Tier Response Deadline", readonly=True,
        help="When the ticket escalates to the next tier "
        "if the handling unit has not responded.")
    tier_resolution_deadline = fields.DateTime(
        "Tier Resolution Deadline", readonly=True,
        help="When the ticket escalates to the next tier "
        "if the handling unit has not resolved it.")
    escalations = fields.One2Many(
        'qms.ticket.escalation', 'ticket', "Escalations", readonly=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        # escalating is the system's act or the button's
        cls._workflow_fields = cls._workflow_fields | {'escalations'}
        cls._buttons.update({
                'escalate': {
                    'invisible': ~Eval('state').in_(OPEN_STATES),
                    'icon': 'tryton-launch',
                    'depends': ['state'],
                    },
                })

    @classmethod
    def copy(cls, tickets, default=None):
        default = default.copy() if default is not None else {}
        for name in [
                'escalations', 'response_deadline', 'resolution_deadline',
                'tier_response_deadline', 'tier_resolution_deadline']:
            default.setdefault(name)
        return super().copy(tickets, default=default)

    def _get_sla_pattern(self):
        return {
            'type': self.type,
            'severity': self.severity,
            }

    def get_sla_hours(self):
        "Return the response and resolution hours of the SLA of the ticket"
        pool = Pool()
        SLAPolicy = pool.get('qms.ticket.sla')
        Configuration = pool.get('qms.aftersales.configuration')
        policy = SLAPolicy.get_policy(self._get_sla_pattern())
        if policy:
            return policy.response_hours, policy.resolution_hours
        config = Configuration(1)
        return config.response_hours, config.resolution_hours

    def get_deadlines(self):
        pool = Pool()
        Configuration = pool.get('qms.aftersales.configuration')
        config = Configuration(1)
        deadlines = super().get_deadlines()
        response, resolution = (
            config.add_service_hours(self.date, hours, self.company)
            for hours in self.get_sla_hours())
        deadlines['response_deadline'] = response
        deadlines['resolution_deadline'] = resolution
        if not self.escalations:
            deadlines['tier_response_deadline'] = response
            deadlines['tier_resolution_deadline'] = resolution
        return deadlines

    @classmethod
    def set_deadlines(cls, tickets):
        super().set_deadlines(tickets)
        # the hours of HQ then run for the severe ones
        cls.escalate_severe(tickets)

    @classmethod
    def escalate_severe(cls, tickets):
        "Send severe tickets straight to HQ service management"
        pool = Pool()
        Configuration = pool.get('qms.aftersales.configuration')
        if not Configuration(1).escalate_severe:
            return
        for ticket in tickets:
            if (ticket.severity == 'severe'
                    and ticket.state in OPEN_STATES
                    and ticket.handling_unit.kind != 'hq'):
                ticket._escalate(ticket.handling_unit.hq, 'severe')

    def _escalate(self, unit, cause, deadline=None, now=None):
        """Hand the ticket over to unit, giving it the configured hours
        to respond and to resolve before the next escalation; deadline is
        the one the handling unit missed"""
        pool = Pool()
        Escalation = pool.get('qms.ticket.escalation')
        Configuration = pool.get('qms.aftersales.configuration')
        if now is None:
            now = dt.datetime.now()
        config = Configuration(1)
        window = config.add_service_hours(
            now, config.escalation_hours, self.company)
        resolution = self.tier_resolution_deadline
        # escalating is the system's act: the unit handing the ticket over
        # may no longer write it
        with without_check_access():
            Escalation.create([{
                        'ticket': self.id,
                        'from_unit': self.handling_unit.id,
                        'to_unit': unit.id,
                        'cause': cause,
                        'deadline': deadline,
                        'date': now,
                        }])
            self.__class__.write([self], {
                    'handling_unit': unit.id,
                    'tier_response_deadline': window,
                    'tier_resolution_deadline': (
                        max(resolution, window) if resolution else window),
                    })

    @classmethod
    def escalate_overdue(cls, now=None):
        """Escalate one tier up the open tickets whose handling unit missed
        its response or resolution deadline"""
        if now is None:
            now = dt.datetime.now()
        tickets = cls.search([
                ('state', 'in', OPEN_STATES),
                ('handling_unit.parent', '!=', None),
                ['OR', [
                        ('responded_at', '=', None),
                        ('tier_response_deadline', '<', now),
                        ], [
                        ('resolved_at', '=', None),
                        ('tier_resolution_deadline', '<', now),
                        ]],
                ])
        for ticket in tickets:
            ticket._escalate(
                ticket.handling_unit.parent, *ticket._missed_deadline(now),
                now=now)
        return tickets

    def _missed_deadline(self, now):
        "Return the cause and the deadline of an overdue escalation"
        if (not self.responded_at
                and self.tier_response_deadline
                and self.tier_response_deadline < now):
            return 'response', self.tier_response_deadline
        return 'resolution', self.tier_resolution_deadline

    @classmethod
    @ModelView.button
    def escalate(cls, tickets):
        cls.check_handling(tickets)
        for ticket in tickets:
            if not ticket.handling_unit.parent:
                raise TicketError(gettext(
                        'qms_aftersales.msg_ticket_escalate_top',
                        ticket=ticket.rec_name,
                        unit=ticket.handling_unit.rec_name))
            ticket._escalate(ticket.handling_unit.parent, 'manual')


class Escalation(ModelMixin, ModelSQL, ModelView):
    __string__ = "Ticket Escalation"
    __name__ = 'qms.ticket.escalation'

    ticket = fields.Many2One(
        'qms.ticket', "Ticket", required=True, ondelete='CASCADE')
    date = fields.DateTime("Date", required=True)
    from_unit = fields.Many2One(
        'qms.service.unit', "From Unit", required=True, ondelete='RESTRICT')
    to_unit = fields.Many2One(
        'qms.service.unit', "To Unit", required=True, ondelete='RESTRICT')
    cause = fields.Selection([
            ('response', "Response Deadline Missed"),
            ('resolution', "Resolution Deadline Missed"),
            ('severe', "Severe"),
            ('manual', "By Hand"),
            ], "Cause", required=True, sort=False)
    deadline = fields.DateTime(
        "Missed Deadline",
        help="The deadline the unit handing the ticket over missed.")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.__access__.add('ticket')
        cls._order.insert(0, ('date', 'DESC'))

    @classmethod
    def default_date(cls):
        return dt.datetime.now()

    @classmethod
    def create(cls, vlist):
        # refused before the insert, whatever the values miss
        transaction = Transaction()
        if transaction.user and transaction.check_access:
            raise AccessError(gettext(
                    'qms_aftersales.msg_escalation_system', ticket=''))
        return super().create(vlist)

    @classmethod
    def check_modification(
            cls, mode, escalations, values=None, external=False):
        super().check_modification(
            mode, escalations, values=values, external=external)
        if external and escalations:
            raise AccessError(gettext(
                    'qms_aftersales.msg_escalation_system',
                    ticket=escalations[0].ticket.rec_name))
