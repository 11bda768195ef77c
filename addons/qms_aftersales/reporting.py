# This file is part of the QMS modules for Tryton.
import datetime as dt
from io import BytesIO

import xlsxwriter
from sql import Cast, Literal, Null, Union
from sql.aggregate import Avg, Count, Min, Sum
from sql.conditionals import Case
from sql.functions import DateTrunc, Extract

from trytond.model import ModelSQL, ModelView, fields
from trytond.modules.qms_sales.model import ModelMixin
from trytond.pool import Pool
from trytond.report import Report

from .provider import on_time_response, satisfaction_value
from .ticket import COMPLAINT_TYPES


def month_of(field, column):
    "SQL: the first day of the month of column as a date"
    return field.sql_cast(DateTrunc('month', column))


def rate(numerator, denominator):
    return numerator / denominator if denominator else None


class Figure(ModelMixin, ModelSQL, ModelView):
    "Base of the management figures"
    # the fields exported to xlsx, in order
    _xlsx_fields = []

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [('month', 'DESC'), ('id', 'ASC')]


class SLACompliance(Figure):
    __name__ = 'qms.figure.sla'
    __string__ = "SLA Compliance"
    _xlsx_fields = [
        'month', 'handling_unit', 'type', 'tickets', 'responded_on_time',
        'response_rate', 'resolved_on_time', 'resolution_rate']

    month = fields.Date("Month")
    handling_unit = fields.Many2One('qms.service.unit', "Handling Unit")
    type = fields.Selection('get_types', "Type")
    tickets = fields.Integer("Tickets")
    responded_on_time = fields.Integer("Responded on Time")
    response_rate = fields.Function(
        fields.Float("On-Time Response", digits=(1, 4)), 'get_rate')
    resolved_on_time = fields.Integer("Resolved on Time")
    resolution_rate = fields.Function(
        fields.Float("On-Time Resolution", digits=(1, 4)), 'get_rate')

    @classmethod
    def get_types(cls):
        Ticket = Pool().get('qms.ticket')
        return Ticket.fields_get(['type'])['type']['selection']

    @classmethod
    def table_query(cls):
        Ticket = Pool().get('qms.ticket')
        ticket = Ticket.__table__()
        month = month_of(cls.month, ticket.date)
        resolved_on_time = Case(
            ((ticket.resolved_at != Null)
                & ((ticket.resolution_deadline == Null)
                    | (ticket.resolved_at <= ticket.resolution_deadline)),
                1), else_=0)
        # group in an outer query: PostgreSQL does not see the month
        # expressions with their own parameters as the same
        rows = ticket.select(
            ticket.id.as_('id'),
            month.as_('month'),
            ticket.handling_unit.as_('handling_unit'),
            ticket.type.as_('type'),
            on_time_response(ticket).as_('on_time'),
            resolved_on_time.as_('resolved_on_time'),
            where=ticket.state != 'cancelled')
        return rows.select(
            Min(rows.id).as_('id'),
            rows.month.as_('month'),
            rows.handling_unit.as_('handling_unit'),
            rows.type.as_('type'),
            Count(rows.id).as_('tickets'),
            Sum(rows.on_time).as_('responded_on_time'),
            Sum(rows.resolved_on_time).as_('resolved_on_time'),
            group_by=[rows.month, rows.handling_unit, rows.type])

    def get_rate(self, name):
        if name == 'response_rate':
            return rate(self.responded_on_time, self.tickets)
        return rate(self.resolved_on_time, self.tickets)


class Complaints(Figure):
    __name__ = 'qms.figure.complaint'
    __string__ = "Complaints"
    _xlsx_fields = ['month', 'product', 'lot', 'provider', 'complaints']

    month = fields.Date("Month")
    product = fields.Many2One('product.product', "Product")
    lot = fields.Many2One('stock.lot', "Lot")
    provider = fields.Many2One('party.party', "Provider")
    complaints = fields.Integer("Complaints")

    @classmethod
    def table_query(cls):
        Ticket = Pool().get('qms.ticket')
        ticket = Ticket.__table__()
        month = month_of(cls.month, ticket.date)
        rows = ticket.select(
            ticket.id.as_('id'),
            month.as_('month'),
            ticket.product.as_('product'),
            ticket.lot.as_('lot'),
            ticket.provider.as_('provider'),
            where=(ticket.type.in_(COMPLAINT_TYPES)
                & (ticket.state != 'cancelled')))
        return rows.select(
            Min(rows.id).as_('id'),
            rows.month.as_('month'),
            rows.product.as_('product'),
            rows.lot.as_('lot'),
            rows.provider.as_('provider'),
            Count(rows.id).as_('complaints'),
            group_by=[rows.month, rows.product, rows.lot, rows.provider])


class ProviderRanking(Figure):
    __name__ = 'qms.figure.provider'
    __string__ = "Provider Ranking"
    _xlsx_fields = [
        'month', 'provider', 'tickets', 'on_time_rate', 'satisfaction',
        'violations']

    month = fields.Date("Month")
    provider = fields.Many2One('party.party', "Provider")
    tickets = fields.Integer("Tickets")
    responded_on_time = fields.Integer("Responded on Time")
    on_time_rate = fields.Function(
        fields.Float("On-Time Response", digits=(1, 4)), 'get_on_time_rate')
    satisfaction = fields.Float("Average Satisfaction", digits=(1, 2))
    violations = fields.Integer("Violations")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [
            ('month', 'DESC'), ('violations', 'ASC'),
            ('satisfaction', 'DESC NULLS LAST'), ('id', 'ASC')]

    @classmethod
    def table_query(cls):
        pool = Pool()
        Ticket = pool.get('qms.ticket')
        Violation = pool.get('qms.provider.violation')
        ticket = Ticket.__table__()
        violation = Violation.__table__()
        tickets = ticket.select(
            (ticket.id * 2).as_('id'),
            ticket.provider.as_('provider'),
            month_of(cls.month, ticket.date).as_('month'),
            Literal(1).as_('ticket'),
            on_time_response(ticket).as_('on_time'),
            satisfaction_value(ticket).as_('satisfaction'),
            Literal(0).as_('violation'),
            where=(ticket.provider != Null) & (ticket.state != 'cancelled'))
        violations = violation.select(
            (violation.id * 2 + 1).as_('id'),
            violation.provider.as_('provider'),
            month_of(cls.month, violation.date).as_('month'),
            Literal(0).as_('ticket'),
            Literal(0).as_('on_time'),
            Cast(Null, 'INTEGER').as_('satisfaction'),
            Literal(1).as_('violation'),
            where=violation.state == 'confirmed')
        rows = Union(tickets, violations, all_=True)
        return rows.select(
            Min(rows.id).as_('id'),
            rows.provider.as_('provider'),
            rows.month.as_('month'),
            Sum(rows.ticket).as_('tickets'),
            Sum(rows.on_time).as_('responded_on_time'),
            cls.satisfaction.sql_cast(
                Avg(rows.satisfaction)).as_('satisfaction'),
            Sum(rows.violation).as_('violations'),
            group_by=[rows.provider, rows.month])

    def get_on_time_rate(self, name):
        return rate(self.responded_on_time, self.tickets)


class StaffAppraisal(Figure):
    __name__ = 'qms.figure.staff'
    __string__ = "Monthly Staff Appraisal"
    _xlsx_fields = [
        'month', 'user', 'tickets', 'complaints', 'response_hours',
        'resolved', 'resolution_rate', 'satisfaction']

    month = fields.Date("Month")
    user = fields.Many2One('res.user', "User")
    tickets = fields.Integer("Tickets")
    complaints = fields.Integer("Complaints")
    response_hours = fields.Float(
        "Average Response Hours", digits=(16, 1))
    resolved = fields.Integer("Resolved")
    resolution_rate = fields.Function(
        fields.Float("Resolution Rate", digits=(1, 4)),
        'get_resolution_rate')
    satisfaction = fields.Float("Average Satisfaction", digits=(1, 2))

    @classmethod
    def table_query(cls):
        Ticket = Pool().get('qms.ticket')
        ticket = Ticket.__table__()
        month = month_of(cls.month, ticket.date)
        response = Case(
            (ticket.responded_at != Null,
                (Extract('EPOCH', ticket.responded_at)
                    - Extract('EPOCH', ticket.date)) / 3600),
            else_=Null)
        rows = ticket.select(
            ticket.id.as_('id'),
            month.as_('month'),
            ticket.handler.as_('user'),
            Case((ticket.type.in_(COMPLAINT_TYPES), 1), else_=0).as_(
                'complaint'),
            response.as_('response'),
            Case((ticket.resolved_at != Null, 1), else_=0).as_('resolved'),
            satisfaction_value(ticket).as_('satisfaction'),
            where=(ticket.handler != Null) & (ticket.state != 'cancelled'))
        return rows.select(
            Min(rows.id).as_('id'),
            rows.month.as_('month'),
            rows.user.as_('user'),
            Count(rows.id).as_('tickets'),
            Sum(rows.complaint).as_('complaints'),
            cls.response_hours.sql_cast(Avg(rows.response)).as_(
                'response_hours'),
            Sum(rows.resolved).as_('resolved'),
            cls.satisfaction.sql_cast(Avg(rows.satisfaction)).as_(
                'satisfaction'),
            group_by=[rows.month, rows.user])

    def get_resolution_rate(self, name):
        return rate(self.resolved, self.tickets)


class Satisfaction(Figure):
    __name__ = 'qms.figure.satisfaction'
    __string__ = "Customer Satisfaction"
    _xlsx_fields = ['month', 'unit', 'surveys', 'satisfaction']

    month = fields.Date("Month")
    unit = fields.Many2One('qms.service.unit', "Unit")
    surveys = fields.Integer("Surveys")
    satisfaction = fields.Float("Average Satisfaction", digits=(1, 2))

    @classmethod
    def table_query(cls):
        Survey = Pool().get('qms.satisfaction.survey')
        survey = Survey.__table__()
        rows = survey.select(
            survey.id.as_('id'),
            month_of(cls.month, survey.date).as_('month'),
            survey.unit.as_('unit'),
            survey.satisfaction.as_('satisfaction'),
            where=survey.state == 'done')
        return rows.select(
            Min(rows.id).as_('id'),
            rows.month.as_('month'),
            rows.unit.as_('unit'),
            Count(rows.id).as_('surveys'),
            cls.satisfaction.sql_cast(Avg(rows.satisfaction)).as_(
                'satisfaction'),
            group_by=[rows.month, rows.unit])


class FigureXlsx(Report):
    "Management Figures as a Spreadsheet"
    __name__ = 'qms.figure.xlsx'

    @classmethod
    def execute(cls, ids, data):
        pool = Pool()
        ActionReport = pool.get('ir.action.report')
        if data.get('action_id'):
            action = ActionReport(data['action_id'])
        else:
            action, = ActionReport.search([
                    ('report_name', '=', cls.__name__),
                    ('model', '=', data['model']),
                    ], limit=1)
        Model = pool.get(action.model)
        cls.check_access(action, action.model, ids)
        records = Model.browse(ids)
        return ('xlsx', cls.render_xlsx(Model, records), False, action.name)

    @classmethod
    def render_xlsx(cls, Model, records):
        names = Model._xlsx_fields
        definitions = Model.fields_get(names)
        output = BytesIO()
        workbook = xlsxwriter.Workbook(output, {'in_memory': True})
        sheet = workbook.add_worksheet()
        bold = workbook.add_format({'bold': True})
        date_format = workbook.add_format({'num_format': 'yyyy-mm-dd'})
        percent = workbook.add_format({'num_format': '0.0%'})
        for col, name in enumerate(names):
            sheet.write(0, col, definitions[name]['string'], bold)
            sheet.set_column(col, col, 16)
        for row, record in enumerate(records, 1):
            for col, name in enumerate(names):
                value = getattr(record, name)
                definition = definitions[name]
                style = None
                if value is None:
                    continue
                if definition['type'] == 'many2one':
                    value = value.rec_name
                elif definition['type'] == 'selection':
                    selection = definition['selection']
                    if isinstance(selection, str):
                        selection = getattr(Model, selection)()
                    value = dict(selection).get(value, value)
                elif isinstance(value, dt.date):
                    style = date_format
                elif name.endswith('rate'):
                    style = percent
                sheet.write(row, col, value, style)
        workbook.close()
        return output.getvalue()
