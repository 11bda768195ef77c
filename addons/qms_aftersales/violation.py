# This file is part of the QMS modules for Tryton.
import datetime as dt
from collections import defaultdict

from dateutil.relativedelta import relativedelta
from sql import Literal, Null
from sql.aggregate import Avg, Count, Max, Sum
from sql.conditionals import Case

from trytond import backend
from trytond.i18n import gettext
from trytond.model import ModelSQL, ModelView, Workflow, fields
from trytond.model.exceptions import AccessError
from trytond.modules.qms_sales.model import (
    ModelMixin,
    WizardMixin,
    WorkflowGuardMixin,
)
from trytond.pool import Pool
from trytond.pyson import Eval
from trytond.tools import grouped_slice
from trytond.transaction import Transaction, without_check_access
from trytond.wizard import Button, StateTransition, StateView, Wizard

from .provider import STATUS_RANKS, on_time_response, satisfaction_value
from .ticket import COMPLAINT_TYPES

SOURCES = [
    ('store', "Store Report"),
    ('callback', "Callback"),
    ('hotline', "Hotline"),
    ('inspection', "Inspection"),
    ]
SEVERITIES = [
    ('minor', "Minor"),
    ('major', "Major"),
    ('serious', "Serious"),
    ]
LEVELS = [
    ('warning', "Warning Letter"),
    ('rectification', "Rectification Deadline"),
    ('stop_dispatch', "Stop Dispatch"),
    ('removal', "Removal"),
    ]
LEVEL_STATUSES = {
    'warning': 'warned',
    'rectification': 'rectification',
    'stop_dispatch': 'suspended',
    'removal': 'removed',
    }
LEVEL_RANKS = {l: STATUS_RANKS[s] for l, s in LEVEL_STATUSES.items()}


def month_period(date):
    start = date.replace(day=1)
    return start, start + relativedelta(months=1, days=-1)


class Violation(ModelMixin, WorkflowGuardMixin, Workflow, ModelSQL, ModelView):
    __name__ = 'qms.provider.violation'
    __string__ = "Provider Violation"
    _workflow_locked = True
    _states = {
        'readonly': Eval('state') != 'draft',
        }

    provider = fields.Many2One(
        'party.party', "Provider", required=True, ondelete='RESTRICT',
        domain=[('service_provider', '=', True)], states=_states)
    date = fields.Date("Date", required=True, states=_states)
    source = fields.Selection(SOURCES, "Source", required=True,
        states=_states, sort=False)
    store = fields.Many2One(
        'qms.service.unit', "Store", ondelete='RESTRICT', states=_states,
        help="The store that reported the violation.")
    ticket = fields.Many2One(
        'qms.ticket', "Ticket", ondelete='RESTRICT', states=_states)
    description = fields.Text(
        "Description",
        states={
            'readonly': _states['readonly'],
            'required': ~Eval('source').in_(['inspection', 'callback']),
            },
        help="What happened, in your words.")
    summary = fields.Function(fields.Text("Summary"), 'get_summary')
    severity = fields.Selection(SEVERITIES, "Severity", required=True,
        states=_states, sort=False)
    points = fields.Integer("Points", required=True, states=_states,
        domain=[('points', '>=', 0)])
    reported_by = fields.Many2One('res.user', "Reported by", states=_states)
    state = fields.Selection([
            ('draft', "Proposal"),
            ('confirmed', "Confirmed"),
            ('cancelled', "Cancelled"),
            ], "State", required=True, readonly=True, sort=False)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [('date', 'DESC'), ('id', 'DESC')]
        cls._transitions |= {
            ('draft', 'confirmed'),
            ('draft', 'cancelled'),
            }
        cls._buttons.update({
                'confirm': {
                    'invisible': Eval('state') != 'draft',
                    'depends': ['state'],
                    },
                'cancel': {
                    'invisible': Eval('state') != 'draft',
                    'depends': ['state'],
                    },
                })

    @classmethod
    def default_date(cls):
        return Pool().get('ir.date').today()

    @classmethod
    def default_severity(cls):
        return 'minor'

    @classmethod
    def default_points(cls):
        return 1

    @classmethod
    def default_reported_by(cls):
        return Transaction().user

    @classmethod
    def default_state(cls):
        return 'draft'

    @fields.depends('ticket', 'provider', 'store')
    def on_change_ticket(self):
        if self.ticket:
            self.provider = self.ticket.provider
            self.store = self.ticket.store

    def get_rec_name(self, name):
        return '%s @ %s' % (self.provider.rec_name, self.date)

    @classmethod
    def get_summary(cls, violations, name):
        "Render the facts the violation was proposed from and its description"
        pool = Pool()
        Inspection = pool.get('qms.service.inspection')
        summaries = {}
        with without_check_access():
            inspections = {i.violation.id: i for i in Inspection.search([
                        ('violation', 'in', [v.id for v in violations]),
                        ])}
            for violation in cls.browse(violations):
                texts = []
                inspection = inspections.get(violation.id)
                ticket = violation.ticket
                if inspection:
                    texts.append(gettext(
                            'qms_aftersales.msg_violation_inspection',
                            inspection=inspection.rec_name,
                            method=inspection.method_string,
                            items='; '.join(
                                l.item for l in inspection.lines
                                if not l.passed)))
                elif (violation.source == 'callback' and ticket
                        and ticket.satisfaction):
                    texts.append(gettext(
                            'qms_aftersales.msg_violation_callback',
                            ticket=ticket.rec_name,
                            satisfaction=ticket.satisfaction,
                            remarks=ticket.callback_remarks or ''))
                if violation.description:
                    texts.append(violation.description)
                summaries[violation.id] = '\n'.join(texts)
        return summaries

    @classmethod
    def check_modification(cls, mode, violations, values=None,
            external=False):
        super().check_modification(
            mode, violations, values=values, external=external)
        if mode == 'delete':
            for violation in violations:
                if violation.state == 'confirmed':
                    raise AccessError(gettext(
                            'qms_aftersales.msg_violation_delete_confirmed',
                            violation=violation.rec_name))

    @classmethod
    @ModelView.button
    @Workflow.transition('confirmed')
    def confirm(cls, violations):
        pool = Pool()
        Sanction = pool.get('qms.provider.sanction')
        # the ladder counts confirmed violations, these included
        cls.write(violations, {'state': 'confirmed'})
        by_month = defaultdict(set)
        for violation in violations:
            by_month[violation.date.replace(day=1)].add(violation.provider)
        for month, providers in sorted(by_month.items()):
            Sanction.apply_ladder(month, providers=list(providers))

    @classmethod
    @ModelView.button
    @Workflow.transition('cancelled')
    def cancel(cls, violations):
        pass

    @classmethod
    def count_by_provider(cls, start, end, providers=None):
        "Return the number of confirmed violations per provider id"
        table = cls.__table__()
        cursor = Transaction().connection.cursor()
        where = ((table.state == 'confirmed')
            & (table.date >= start) & (table.date <= end))
        counts = {}
        in_max = backend.MAX_QUERY_PARAMS
        if providers is None:
            cursor.execute(*table.select(
                    table.provider, Count(table.id),
                    where=where, group_by=[table.provider]))
            counts.update(cursor)
        else:
            for sub in grouped_slice(
                    [int(p) for p in providers], in_max):
                cursor.execute(*table.select(
                        table.provider, Count(table.id),
                        where=where & table.provider.in_(list(sub)),
                        group_by=[table.provider]))
                counts.update(cursor)
        return counts


class Sanction(ModelMixin, ModelSQL, ModelView):
    __name__ = 'qms.provider.sanction'
    __string__ = "Provider Sanction"

    provider = fields.Many2One(
        'party.party', "Provider", required=True, ondelete='RESTRICT',
        domain=[('service_provider', '=', True)])
    level = fields.Selection(LEVELS, "Level", required=True, sort=False)
    level_string = level.translated('level')
    date = fields.Date("Date", required=True)
    origin = fields.Selection([
            ('violations', "Violations"),
            ('training', "Training Assessment"),
            ('manual', "Manual"),
            ], "Origin", required=True, sort=False)
    reason = fields.Text(
        "Reason",
        states={
            'required': Eval('origin') == 'manual',
            'invisible': Eval('origin') != 'manual',
            },
        help="Why the sanction is given.")
    description = fields.Function(fields.Text(
            "Reason",
            states={
                'invisible': Eval('origin') == 'manual',
                }),
        'get_description')
    period_start = fields.Date("Period Start")
    period_end = fields.Date("Period End")
    violation_count = fields.Integer("Violations Counted")
    cumulative_count = fields.Integer("Cumulative Violations")
    pass_rate = fields.Float(
        "Required Pass Rate", digits=(1, 4),
        states={
            'invisible': Eval('origin') != 'training',
            })
    quarter_count = fields.Integer(
        "Quarters Below",
        states={
            'invisible': Eval('origin') != 'training',
            })
    deadline = fields.Date(
        "Rectification Deadline",
        states={
            'invisible': Eval('level') != 'rectification',
            })
    violations = fields.Function(fields.Many2Many(
            'qms.provider.violation', None, None, "Violations"),
        'get_violations')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [('date', 'DESC'), ('id', 'DESC')]

    @classmethod
    def default_date(cls):
        return Pool().get('ir.date').today()

    @classmethod
    def default_origin(cls):
        return 'manual'

    def get_rec_name(self, name):
        return '%s: %s @ %s' % (
            self.provider.rec_name, self.level_string, self.date)

    def get_description(self, name):
        "Render the facts of a computed sanction in the reader's language"
        if self.origin == 'violations':
            return gettext(
                'qms_aftersales.msg_sanction_reason_violations',
                count=self.violation_count, total=self.cumulative_count,
                start=self.period_start, end=self.period_end)
        elif self.origin == 'training':
            return gettext(
                'qms_aftersales.msg_sanction_reason_training_%s' % self.level,
                quarters=self.quarter_count,
                rate='%g' % ((self.pass_rate or 0) * 100),
                start=self.period_start, end=self.period_end)
        return self.reason

    def get_violations(self, name):
        pool = Pool()
        Violation = pool.get('qms.provider.violation')
        if not self.period_start or not self.period_end:
            return []
        return [v.id for v in Violation.search([
                    ('provider', '=', self.provider.id),
                    ('state', '=', 'confirmed'),
                    ('date', '>=', self.period_start),
                    ('date', '<=', self.period_end),
                    ])]

    @classmethod
    def check_modification(cls, mode, sanctions, values=None,
            external=False):
        super().check_modification(
            mode, sanctions, values=values, external=external)
        if mode in {'write', 'delete'}:
            raise AccessError(gettext(
                    'qms_aftersales.msg_sanction_immutable',
                    sanction=sanctions[0].rec_name if sanctions else ''))

    @classmethod
    def create(cls, vlist):
        sanctions = super().create(vlist)
        cls._apply_status(sanctions)
        return sanctions

    @classmethod
    def _apply_status(cls, sanctions):
        "Worsen the status of the providers to match their new sanctions"
        pool = Pool()
        Party = pool.get('party.party')
        by_status = defaultdict(list)
        for sanction in sanctions:
            provider = sanction.provider
            status = LEVEL_STATUSES[sanction.level]
            if STATUS_RANKS[status] > STATUS_RANKS[provider.provider_status]:
                by_status[status].append(provider)
        to_write = []
        for status, providers in by_status.items():
            to_write.extend([providers, {'provider_status': status}])
        if to_write:
            Party.write(*to_write)

    @classmethod
    def apply_ladder(cls, date=None, providers=None):
        """Sanction the providers whose confirmed violations in the month
        of date reach a new level of the ladder"""
        pool = Pool()
        Configuration = pool.get('qms.aftersales.configuration')
        Violation = pool.get('qms.provider.violation')
        Party = pool.get('party.party')
        Date = pool.get('ir.date')
        if date is None:
            date = Date.today()
        start, end = month_period(date)
        config = Configuration(1)
        ladder = config.sanction_ladder()
        year_start = start.replace(month=1)
        monthly = Violation.count_by_provider(start, end, providers)
        cumulative = Violation.count_by_provider(year_start, end, providers)
        given_month = cls._given_levels(start, end, list(cumulative))
        given_year = cls._given_levels(year_start, end, list(cumulative))
        sanctions = []
        for provider in Party.browse(list(cumulative)):
            if provider.provider_status == 'removed':
                continue
            count = monthly.get(provider.id, 0)
            total = cumulative[provider.id]
            level = cls._ladder_level(ladder, count, total,
                given_month.get(provider.id, -1),
                given_year.get(provider.id, -1))
            if not level:
                continue
            sanctions.append({
                    'provider': provider.id,
                    'level': level,
                    'date': Date.today(),
                    'origin': 'violations',
                    'period_start': start,
                    'period_end': end,
                    'violation_count': count,
                    'cumulative_count': total,
                    'deadline': (
                        Date.today() + dt.timedelta(
                            days=config.rectification_days)
                        if level == 'rectification' else None),
                    })
        # the ladder is the system's act: the user confirming a violation
        # may not create sanctions
        with without_check_access():
            cls.create(sanctions)
        return len(sanctions)

    @staticmethod
    def _ladder_level(ladder, count, total, month_rank, year_rank):
        """Return the highest level of the ladder reached by count
        violations in the month and total in the year, above the ranks
        already given: the month's count gives its level once per month,
        the running count once per year"""
        levels = []
        for name, threshold, cumulative_threshold in ladder:
            rank = LEVEL_RANKS[name]
            if count >= threshold and rank > month_rank:
                levels.append(name)
            if (cumulative_threshold and total >= cumulative_threshold
                    and rank > year_rank):
                levels.append(name)
        if levels:
            return max(levels, key=LEVEL_RANKS.get)

    @classmethod
    def _given_levels(cls, start, end, provider_ids):
        """Return the highest rank already given per provider for the
        violations of the months from start to end"""
        table = cls.__table__()
        cursor = Transaction().connection.cursor()
        rank = Case(
            *((table.level == l, r) for l, r in LEVEL_RANKS.items()),
            else_=-1)
        given = {}
        in_max = backend.MAX_QUERY_PARAMS
        for sub in grouped_slice(provider_ids, in_max):
            cursor.execute(*table.select(
                    table.provider, Max(rank),
                    where=((table.origin == 'violations')
                        & (table.period_start >= start)
                        & (table.period_end <= end)
                        & table.provider.in_(list(sub))),
                    group_by=[table.provider]))
            given.update(cursor)
        return given

    @classmethod
    def apply_ladder_last_month(cls):
        "Apply the ladder to the violations of the previous month"
        Date = Pool().get('ir.date')
        cls.apply_ladder(Date.today().replace(day=1) - dt.timedelta(days=1))


class WeeklyReport(ModelMixin, WorkflowGuardMixin, ModelSQL, ModelView):
    __name__ = 'qms.service.report.weekly'
    __string__ = "Weekly Service Quality Report"
    # generated each week: the figures are not edited
    _workflow_locked = True

    store = fields.Many2One(
        'qms.service.unit', "Store", required=True, readonly=True,
        ondelete='CASCADE')
    week_start = fields.Date("Week Start", required=True, readonly=True)
    week_end = fields.Date("Week End", required=True, readonly=True)
    tickets = fields.Integer(
        "Tickets", readonly=True,
        help="The tickets the store received or was first responsible for, "
        "wherever they are handled now.")
    complaints = fields.Integer(
        "Complaints", readonly=True,
        help="Complaints and suspected adverse events among the tickets.")
    escalated = fields.Integer(
        "Escalated", readonly=True,
        help="Tickets now handled by the region or HQ.")
    responded_on_time = fields.Integer("Responded on Time", readonly=True)
    response_rate = fields.Float(
        "On-Time Response", digits=(1, 4), readonly=True)
    resolved = fields.Integer("Resolved", readonly=True)
    resolution_rate = fields.Float(
        "Resolution Rate", digits=(1, 4), readonly=True)
    callbacks = fields.Integer("Callbacks", readonly=True)
    satisfaction = fields.Float(
        "Average Satisfaction", digits=(1, 2), readonly=True)
    violations = fields.Integer("Violations", readonly=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [
            ('week_start', 'DESC'), ('store', 'ASC'), ('id', 'ASC')]

    def get_rec_name(self, name):
        return '%s %s' % (self.store.rec_name, self.week_start)

    @classmethod
    def generate(cls, date=None):
        """Generate the reports of the week before the week of date
        for every store, replacing those already generated"""
        pool = Pool()
        Date = pool.get('ir.date')
        Unit = pool.get('qms.service.unit')
        if date is None:
            date = Date.today()
        week_start = (
            date - dt.timedelta(days=date.weekday() + 7))
        week_end = week_start + dt.timedelta(days=6)

        stores = Unit.search([('kind', '=', 'store')])
        figures = cls._ticket_figures(week_start, week_end)
        violations = cls._violation_counts(week_start, week_end)
        cls.delete(cls.search([('week_start', '=', week_start)]))
        vlist = []
        for store in stores:
            (tickets, complaints, escalated, on_time, resolved, callbacks,
                satisfaction) = figures.get(store.id, (0, 0, 0, 0, 0, 0, None))
            vlist.append({
                    'store': store.id,
                    'week_start': week_start,
                    'week_end': week_end,
                    'tickets': tickets,
                    'complaints': complaints,
                    'escalated': escalated,
                    'responded_on_time': on_time,
                    'response_rate': (
                        round(on_time / tickets, 4) if tickets else None),
                    'resolved': resolved,
                    'resolution_rate': (
                        round(resolved / tickets, 4) if tickets else None),
                    'callbacks': callbacks,
                    'satisfaction': (
                        round(float(satisfaction), 2)
                        if satisfaction is not None else None),
                    'violations': violations.get(store.id, 0),
                    })
        return cls.create(vlist)

    @classmethod
    def _ticket_figures(cls, start, end):
        pool = Pool()
        Ticket = pool.get('qms.ticket')
        ticket = Ticket.__table__()
        cursor = Transaction().connection.cursor()
        start = dt.datetime.combine(start, dt.time())
        end = dt.datetime.combine(end + dt.timedelta(days=1), dt.time())
        cursor.execute(*ticket.select(
                ticket.store,
                Count(ticket.id),
                Sum(Case((ticket.type.in_(COMPLAINT_TYPES), 1), else_=0)),
                Sum(Case((ticket.handling_unit != ticket.store, 1), else_=0)),
                Sum(on_time_response(ticket)),
                Sum(Case((ticket.resolved_at != Null, 1), else_=0)),
                Sum(Case((ticket.callback_done == Literal(True), 1),
                        else_=0)),
                Avg(satisfaction_value(ticket)),
                where=((ticket.date >= start) & (ticket.date < end)
                    & (ticket.state != 'cancelled')
                    & (ticket.store != Null)),
                group_by=[ticket.store]))
        return {r[0]: r[1:] for r in cursor}

    @classmethod
    def _violation_counts(cls, start, end):
        pool = Pool()
        Violation = pool.get('qms.provider.violation')
        violation = Violation.__table__()
        cursor = Transaction().connection.cursor()
        cursor.execute(*violation.select(
                violation.store, Count(violation.id),
                where=((violation.date >= start) & (violation.date <= end)
                    & (violation.state != 'cancelled')
                    & (violation.store != Null)),
                group_by=[violation.store]))
        return dict(cursor)


class Evaluate(WizardMixin, Wizard):
    "Evaluate Providers"
    __name__ = 'qms.provider.evaluate'
    start = StateView(
        'qms.provider.evaluate.start',
        'qms_aftersales.evaluate_start_view_form', [
            Button("Cancel", 'end', 'tryton-cancel'),
            Button("Evaluate", 'evaluate', 'tryton-ok', default=True),
            ])
    evaluate = StateTransition()

    def transition_evaluate(self):
        pool = Pool()
        Report = pool.get('qms.service.report.weekly')
        Sanction = pool.get('qms.provider.sanction')
        PassRate = pool.get('qms.training.pass_rate')
        if self.start.weekly_report:
            Report.generate(self.start.date)
        if self.start.sanction_ladder:
            Sanction.apply_ladder(self.start.date)
        if self.start.training:
            PassRate.assess(self.start.date)
        return 'end'


class EvaluateStart(ModelView):
    __name__ = 'qms.provider.evaluate.start'
    __string__ = "Evaluate Providers"

    date = fields.Date(
        "Date", required=True,
        help="The weekly report covers the week before the week of "
        "this date, the ladder its month and the training its quarter.")
    weekly_report = fields.Boolean("Weekly Service Quality Reports")
    sanction_ladder = fields.Boolean("Sanction Ladder")
    training = fields.Boolean("Training Assessment")

    @classmethod
    def default_date(cls):
        return Pool().get('ir.date').today()

    @classmethod
    def default_weekly_report(cls):
        return True

    @classmethod
    def default_sanction_ladder(cls):
        return True

    @classmethod
    def default_training(cls):
        return True
