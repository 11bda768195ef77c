# This file is part of the QMS modules for Tryton.
import datetime as dt

from dateutil.relativedelta import relativedelta
from sql import Literal
from sql.aggregate import Count, Min, Sum
from sql.conditionals import Case
from sql.functions import Extract

from trytond.model import ModelSQL, ModelView, fields
from trytond.modules.qms_sales.model import ModelMixin
from trytond.pool import Pool
from trytond.transaction import without_check_access


def quarter_period(date):
    "Return the first and last day of the quarter of date"
    start = dt.date(date.year, 3 * ((date.month - 1) // 3) + 1, 1)
    return start, start + relativedelta(months=3, days=-1)


class Session(ModelMixin, ModelSQL, ModelView):
    __name__ = 'qms.training.session'
    __string__ = "Training Session"

    date = fields.Date("Date", required=True)
    topic = fields.Char("Topic", required=True)
    kind = fields.Selection([
            ('theory', "Theory"),
            ('practice', "Practice"),
            ('both', "Theory and Practice"),
            ], "Kind", required=True, sort=False)
    retraining = fields.Boolean(
        "Retraining", help="A session for providers that failed before.")
    trainer = fields.Char("Trainer")
    providers = fields.Many2Many(
        'qms.training.session-party.party', 'session', 'provider',
        "Providers", domain=[('service_provider', '=', True)])
    results = fields.One2Many('qms.training.result', 'session', "Results")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [('date', 'DESC'), ('id', 'DESC')]

    @classmethod
    def default_date(cls):
        return Pool().get('ir.date').today()

    @classmethod
    def default_kind(cls):
        return 'both'

    @classmethod
    def default_retraining(cls):
        return False

    def get_rec_name(self, name):
        return '%s %s' % (self.date, self.topic)


class SessionProvider(ModelMixin, ModelSQL):
    __name__ = 'qms.training.session-party.party'
    __string__ = "Training Session - Provider"

    session = fields.Many2One(
        'qms.training.session', "Session", required=True, ondelete='CASCADE')
    provider = fields.Many2One(
        'party.party', "Provider", required=True, ondelete='CASCADE')


class Result(ModelMixin, ModelSQL, ModelView):
    __name__ = 'qms.training.result'
    __string__ = "Training Result"

    session = fields.Many2One(
        'qms.training.session', "Session", required=True, ondelete='CASCADE')
    technician = fields.Many2One(
        'qms.technician', "Technician", required=True, ondelete='RESTRICT')
    provider = fields.Many2One(
        'party.party', "Provider", readonly=True,
        help="The technician's provider when assessed.")
    date = fields.Function(fields.Date("Date"), 'on_change_with_date')
    score = fields.Float("Score", digits=(3, 1),
        domain=['OR',
            ('score', '=', None),
            [('score', '>=', 0), ('score', '<=', 100)],
            ])
    passed = fields.Boolean("Passed")
    remarks = fields.Text("Remarks")

    @classmethod
    def default_passed(cls):
        return False

    @fields.depends('session', '_parent_session.date')
    def on_change_with_date(self, name=None):
        return self.session.date if self.session else None

    @fields.depends('technician')
    def on_change_technician(self):
        if self.technician:
            self.provider = self.technician.provider

    @classmethod
    def preprocess_values(cls, mode, values):
        pool = Pool()
        Technician = pool.get('qms.technician')
        values = super().preprocess_values(mode, values)
        if values.get('technician'):
            values['provider'] = Technician(
                values['technician']).provider.id
        return values

    def get_rec_name(self, name):
        return '%s: %s' % (self.session.rec_name, self.technician.rec_name)


class PassRate(ModelMixin, ModelSQL, ModelView):
    __name__ = 'qms.training.pass_rate'
    __string__ = "Training Pass Rate"
    _xlsx_fields = ['year', 'quarter', 'provider', 'tested', 'passed', 'rate']

    provider = fields.Many2One('party.party', "Provider")
    year = fields.Integer("Year")
    quarter = fields.Integer("Quarter")
    period = fields.Function(fields.Char("Period"), 'get_period')
    tested = fields.Integer("Tested")
    passed = fields.Integer("Passed")
    rate = fields.Float("Pass Rate", digits=(1, 4))
    below = fields.Function(fields.Boolean("Below Pass Line"), 'get_below')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [
            ('year', 'DESC'), ('quarter', 'DESC'), ('provider', 'ASC'),
            ('id', 'ASC')]

    @classmethod
    def table_query(cls):
        pool = Pool()
        Result = pool.get('qms.training.result')
        Session = pool.get('qms.training.session')
        result = Result.__table__()
        session = Session.__table__()
        year = cls.year.sql_cast(Extract('YEAR', session.date))
        month = cls.year.sql_cast(Extract('MONTH', session.date))
        quarter = Case(
            (month <= 3, 1), (month <= 6, 2), (month <= 9, 3), else_=4)
        # group in an outer query: PostgreSQL does not see the quarter
        # expressions with their own parameters as the same
        rows = (result
            .join(session, condition=result.session == session.id)
            .select(
                result.id.as_('id'),
                result.provider.as_('provider'),
                year.as_('year'),
                quarter.as_('quarter'),
                Case((result.passed == Literal(True), 1), else_=0).as_(
                    'passed')))
        return rows.select(
            Min(rows.id).as_('id'),
            rows.provider.as_('provider'),
            rows.year.as_('year'),
            rows.quarter.as_('quarter'),
            Count(rows.id).as_('tested'),
            Sum(rows.passed).as_('passed'),
            (cls.rate.sql_cast(Sum(rows.passed))
                / cls.rate.sql_cast(Count(rows.id))).as_('rate'),
            group_by=[rows.provider, rows.year, rows.quarter])

    def get_period(self, name):
        return '%s-Q%s' % (self.year, self.quarter)

    @classmethod
    def get_below(cls, rates, name):
        Configuration = Pool().get('qms.aftersales.configuration')
        line = Configuration(1).training_pass_rate
        return {r.id: r.rate < line for r in rates}

    @classmethod
    def assess_last_quarter(cls):
        "Assess the providers on the quarter before today's"
        Date = Pool().get('ir.date')
        start, _ = quarter_period(Date.today())
        cls.assess(start - dt.timedelta(days=1))

    @classmethod
    def assess(cls, date=None):
        """Sanction the providers below the pass line in the quarter of date:
        suspend those below it for the configured consecutive quarters,
        remove those below it again after a suspension"""
        pool = Pool()
        Configuration = pool.get('qms.aftersales.configuration')
        Sanction = pool.get('qms.provider.sanction')
        Date = pool.get('ir.date')
        config = Configuration(1)
        if date is None:
            date = Date.today()
        start, end = quarter_period(date)
        quarters = [quarter_period(start - relativedelta(months=3 * i))[0]
            for i in range(config.training_failed_quarters)]
        below = cls._below_pass_rate(quarters, config.training_pass_rate)
        failing = [p for p, q in below.items() if q.get(start)]
        if not failing:
            return 0
        vlist = [{
                'provider': provider.id,
                'level': level,
                'date': Date.today(),
                'origin': 'training',
                'pass_rate': config.training_pass_rate,
                'quarter_count': len(quarters),
                'period_start': start,
                'period_end': end,
                } for provider, level in cls._training_levels(
                failing, below, quarters)]
        with without_check_access():
            Sanction.create(vlist)
        return len(vlist)

    @classmethod
    def _below_pass_rate(cls, quarters, pass_rate):
        """Return for each provider id whether it was below pass_rate
        in each of the quarters (given by their first day)"""
        below = {}
        for rate in cls.search(['OR'] + [
                    [('year', '=', q.year),
                        ('quarter', '=', (q.month - 1) // 3 + 1)]
                    for q in quarters]):
            quarter = dt.date(rate.year, 3 * rate.quarter - 2, 1)
            below.setdefault(rate.provider.id, {})[quarter] = (
                rate.rate < pass_rate)
        return below

    @classmethod
    def _training_levels(cls, provider_ids, below, quarters):
        """Yield the providers to sanction for the first of quarters
        and the level of their sanction"""
        pool = Pool()
        Sanction = pool.get('qms.provider.sanction')
        Party = pool.get('party.party')
        start = quarters[0]
        suspended, assessed = set(), set()
        for sanction in Sanction.search([
                    ('provider', 'in', provider_ids),
                    ('origin', '=', 'training'),
                    ]):
            if sanction.period_start == start:
                assessed.add(sanction.provider.id)
            elif (sanction.level == 'stop_dispatch'
                    and sanction.period_start < start):
                suspended.add(sanction.provider.id)
        for provider in Party.browse(provider_ids):
            if (provider.id in assessed
                    or provider.provider_status == 'removed'):
                continue
            if provider.id in suspended:
                yield provider, 'removal'
            elif all(below[provider.id].get(q) for q in quarters):
                yield provider, 'stop_dispatch'
