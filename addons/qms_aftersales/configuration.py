# This file is part of the QMS modules for Tryton.
from trytond.model import ModelSingleton, ModelSQL, ModelView, fields
from trytond.pool import Pool
from trytond.pyson import Id


def _positive(name):
    return [(name, '>=', 0)]


class Configuration(ModelSingleton, ModelSQL, ModelView):
    "After-Sales Configuration"
    __string__ = "After-Sales Configuration"
    __name__ = 'qms.aftersales.configuration'

    ticket_sequence = fields.Many2One(
        'ir.sequence', "Ticket Sequence", required=True,
        domain=[
            ('sequence_type', '=',
                Id('qms_aftersales', 'sequence_type_ticket')),
            ])
    response_hours = fields.Integer(
        "Response Hours", required=True, domain=_positive('response_hours'),
        help="Hours to respond to a ticket when no SLA policy matches.")
    resolution_hours = fields.Integer(
        "Resolution Hours", required=True,
        domain=_positive('resolution_hours'),
        help="Hours to resolve a ticket when no SLA policy matches.")
    escalation_hours = fields.Integer(
        "Escalation Hours", required=True,
        domain=_positive('escalation_hours'),
        help="Hours the next tier has to respond to an escalated ticket "
        "before it is escalated again.")
    escalate_severe = fields.Boolean(
        "Severe to HQ",
        help="Send severe tickets straight to HQ service management.")
    adverse_death_days = fields.Integer(
        "Adverse Event Death Days", required=True,
        domain=_positive('adverse_death_days'),
        help="Days to forward and report a suspected adverse event "
        "that led to death.")
    adverse_serious_days = fields.Integer(
        "Adverse Event Serious Injury Days", required=True,
        domain=_positive('adverse_serious_days'),
        help="Days to forward and report a suspected adverse event "
        "that led to a serious injury.")
    adverse_cluster_hours = fields.Integer(
        "Adverse Event Cluster Hours", required=True,
        domain=_positive('adverse_cluster_hours'),
        help="Hours to forward and report a cluster of suspected "
        "adverse events.")
    adverse_other_days = fields.Integer(
        "Adverse Event Other Days", required=True,
        domain=_positive('adverse_other_days'),
        help="Days to forward and report other suspected adverse events.")
    complaint_type = fields.Many2One(
        'sale.complaint.type', "Complaint Type",
        help="The type of the sale complaints created from tickets.")

    @classmethod
    def default_ticket_sequence(cls):
        pool = Pool()
        ModelData = pool.get('ir.model.data')
        try:
            return ModelData.get_id('qms_aftersales', 'sequence_ticket')
        except KeyError:
            return None

    @classmethod
    def default_response_hours(cls):
        return 24

    @classmethod
    def default_resolution_hours(cls):
        return 72

    @classmethod
    def default_escalation_hours(cls):
        return 24

    @classmethod
    def default_escalate_severe(cls):
        return True

    @classmethod
    def default_adverse_death_days(cls):
        return 7

    @classmethod
    def default_adverse_serious_days(cls):
        return 20

    @classmethod
    def default_adverse_cluster_hours(cls):
        return 12

    @classmethod
    def default_adverse_other_days(cls):
        return 30
