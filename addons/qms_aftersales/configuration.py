# This file is part of the QMS modules for Tryton.
import datetime as dt

from trytond.i18n import gettext
from trytond.model import ModelSingleton, ModelSQL, ModelView, fields
from trytond.model.exceptions import ValidationError
from trytond.modules.qms_sales.model import ModelMixin
from trytond.pool import Pool
from trytond.pyson import Eval, Id
from trytond.tools import timezone as tz

WEEKDAYS = [
    ('0', "Monday"),
    ('1', "Tuesday"),
    ('2', "Wednesday"),
    ('3', "Thursday"),
    ('4', "Friday"),
    ('5', "Saturday"),
    ('6', "Sunday"),
    ]


def _positive(name):
    return [(name, '>=', 0)]


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
    working_time = fields.Boolean(
        "Working Time Only",
        help="Count the SLA and escalation hours in working time only: "
        "on the working days, between the start and the end of the "
        "working day, in the time zone of the ticket's company.\n"
        "Adverse event deadlines always count calendar time.")
    working_days = fields.MultiSelection(
        WEEKDAYS, "Working Days", sort=False,
        states={
            'invisible': ~Eval('working_time'),
            'required': Eval('working_time', False),
            })
    working_day_start = fields.Time(
        "Working Day Start",
        states={
            'invisible': ~Eval('working_time'),
            'required': Eval('working_time', False),
            })
    working_day_end = fields.Time(
        "Working Day End",
        states={
            'invisible': ~Eval('working_time'),
            'required': Eval('working_time', False),
            })
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
    def default_working_time(cls):
        return False

    @classmethod
    def default_working_days(cls):
        return ['0', '1', '2', '3', '4']

    @classmethod
    def default_working_day_start(cls):
        return dt.time(9)

    @classmethod
    def default_working_day_end(cls):
        return dt.time(18)

    @classmethod
    def validate_fields(cls, configurations, field_names):
        super().validate_fields(configurations, field_names)
        cls.check_working_time(configurations, field_names)

    @classmethod
    def check_working_time(cls, configurations, field_names=None):
        if field_names and not (field_names & {
                    'working_time', 'working_days', 'working_day_start',
                    'working_day_end'}):
            return
        for configuration in configurations:
            if (configuration.working_time
                    and configuration.working_day_start
                    and configuration.working_day_end
                    and (configuration.working_day_start
                        >= configuration.working_day_end)):
                raise ValidationError(gettext(
                        'qms_aftersales.msg_working_day_hours',
                        start=configuration.working_day_start,
                        end=configuration.working_day_end))

    def add_service_hours(self, start, hours, company=None):
        """Return the UTC datetime that lies hours after start,
        counting only working time if so configured"""
        if not self.working_time:
            return start + dt.timedelta(hours=hours)
        zone = tz.get_tzinfo(company.timezone) if (
            company and company.timezone) else tz.UTC
        remaining = dt.timedelta(hours=hours)
        start = start.replace(tzinfo=tz.UTC)
        days = {int(d) for d in self.working_days}
        day = start.astimezone(zone).date()
        while True:
            if day.weekday() in days:
                opening = dt.datetime.combine(
                    day, self.working_day_start, zone).astimezone(tz.UTC)
                closing = dt.datetime.combine(
                    day, self.working_day_end, zone).astimezone(tz.UTC)
                begin = max(opening, start)
                if begin < closing:
                    if remaining <= closing - begin:
                        return (begin + remaining).replace(tzinfo=None)
                    remaining -= closing - begin
            day += dt.timedelta(days=1)

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
