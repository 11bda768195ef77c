# This file is part of the QMS modules for Tryton.
import base64
import datetime as dt
import json
from io import BytesIO
from zipfile import ZipFile

from trytond import backend
from trytond.model.exceptions import AccessError
from trytond.modules.company.tests import create_company, set_company
from trytond.modules.qms_aftersales.exceptions import (
    DispatchError,
    InspectionError,
    NonconformityError,
)
from trytond.modules.qms_sales.tests.tools import load_translations
from trytond.pool import Pool
from trytond.tests.test_tryton import (
    DB_NAME,
    RouteTestCase,
    _DBTestCase,
    with_transaction,
)
from trytond.transaction import Transaction

from .tools import (
    count_queries,
    create_providers,
    create_results,
    create_ticket,
    create_units,
    create_violations,
)

LEVELS = ['warning', 'rectification', 'stop_dispatch', 'removal']
STATUSES = ['warned', 'rectification', 'suspended', 'removed']


class ProviderTestCase(_DBTestCase):
    "Test service providers, sanctions, training and CAPA"
    module = 'qms_aftersales'

    @with_transaction()
    def test_sanction_ladder(self):
        "Each monthly threshold gives its sanction and provider status"
        pool = Pool()
        Sanction = pool.get('qms.provider.sanction')
        company = create_company()
        with set_company(company):
            _, _, store = create_units()
            provider, = create_providers(["Fix-It"])
            self.assertEqual(provider.provider_status, 'active')
            day = dt.date(2026, 3, 2)
            for i, (level, status) in enumerate(
                    zip(LEVELS, STATUSES, strict=True)):
                create_violations(provider, [day + dt.timedelta(days=i)])
                sanctions = Sanction.search(
                    [('provider', '=', provider.id)], order=[('id', 'ASC')])
                self.assertEqual([s.level for s in sanctions], LEVELS[:i + 1])
                self.assertEqual(sanctions[-1].violation_count, i + 1)
                self.assertEqual(len(sanctions[-1].violations), i + 1)
                self.assertEqual(provider.provider_status, status)
                if level == 'rectification':
                    self.assertTrue(sanctions[-1].deadline)
                if level == 'stop_dispatch':
                    with self.assertRaisesRegex(
                            DispatchError, 'Fix-It.*Dispatch Stopped'):
                        create_ticket(store, day, provider=provider.id)

            # the monthly job does not sanction the same month twice
            self.assertEqual(Sanction.apply_ladder(day), 0)

    @with_transaction()
    def test_sanction_ladder_new_month(self):
        "A violation in a new month gives a new warning letter"
        pool = Pool()
        Sanction = pool.get('qms.provider.sanction')
        company = create_company()
        with set_company(company):
            provider, = create_providers(["Fix-It"])
            create_violations(provider, [dt.date(2026, 1, 5)])
            create_violations(provider, [dt.date(2026, 2, 5)])
            self.assertEqual(
                [s.level for s in Sanction.search([])],
                ['warning', 'warning'])

    @with_transaction()
    def test_sanction_ladder_cumulative(self):
        "Cumulative violations in the year remove the provider"
        pool = Pool()
        Configuration = pool.get('qms.aftersales.configuration')
        company = create_company()
        with set_company(company):
            Configuration(1).save()
            config = Configuration(1)
            config.cumulative_removal_violations = 3
            config.save()
            provider, = create_providers(["Fix-It"])
            for month in [1, 2]:
                create_violations(provider, [dt.date(2026, month, 5)])
            self.assertEqual(provider.provider_status, 'warned')
            create_violations(provider, [dt.date(2026, 3, 5)])
            self.assertEqual(provider.provider_status, 'removed')

    @with_transaction()
    def test_sanction_ladder_running_count(self):
        "The year's running count climbs the ladder once per level"
        pool = Pool()
        Sanction = pool.get('qms.provider.sanction')
        company = create_company()
        with set_company(company):
            provider, = create_providers(["Fix-It"])
            statuses = []
            for month in range(1, 10):
                create_violations(provider, [dt.date(2026, month, 5)])
                statuses.append(provider.provider_status)
            sanctions = Sanction.search(
                [('provider', '=', provider.id)], order=[('id', 'ASC')])
            # one violation a month: a warning letter each month, and at
            # 4, 6 and 8 violations in the year the next steps
            self.assertEqual([s.level for s in sanctions], [
                    'warning', 'warning', 'warning', 'rectification',
                    'warning', 'stop_dispatch', 'warning', 'removal'])
            self.assertEqual(
                [s.cumulative_count for s in sanctions], list(range(1, 9)))
            self.assertEqual(statuses, [
                    'warned', 'warned', 'warned', 'rectification',
                    'rectification', 'suspended', 'suspended', 'removed',
                    'removed'])
            # a new year starts counting again
            other, = create_providers(["Other"])
            create_violations(other, [
                    dt.date(2025, 12, d) for d in [1, 2, 3]])
            self.assertEqual(other.provider_status, 'suspended')
            Sanction.apply_ladder(dt.date(2026, 1, 31))
            create_violations(other, [dt.date(2026, 1, 5)])
            self.assertEqual(
                [s.level for s in Sanction.search(
                        [('provider', '=', other.id)],
                        order=[('id', 'ASC')])],
                ['stop_dispatch', 'warning'])

    @with_transaction()
    def test_dispatch(self):
        "Suspended and removed providers cannot be dispatched"
        pool = Pool()
        Party = pool.get('party.party')
        Ticket = pool.get('qms.ticket')
        company = create_company()
        with set_company(company):
            _, _, store = create_units()
            provider, other = create_providers(["Fix-It", "Other"])
            ticket = create_ticket(
                store, dt.date.today(), provider=provider.id)
            Ticket.assign([ticket])
            self.assertEqual(ticket.state, 'assigned')

            for status in ['suspended', 'removed']:
                Party.write([other], {'provider_status': status})
                with self.assertRaises(DispatchError):
                    Ticket.write([ticket], {'provider': other.id})
            # tickets already dispatched stay editable
            Party.write([provider], {'provider_status': 'suspended'})
            Ticket.write([ticket], {'description': "Noisy"})
            with self.assertRaises(DispatchError):
                create_ticket(store, dt.date.today(), provider=provider.id)

            Party.reinstate_provider([provider])
            self.assertEqual(provider.provider_status, 'active')
            create_ticket(store, dt.date.today(), provider=provider.id)

    @with_transaction()
    def test_sanction_immutable(self):
        "Sanctions can be neither written nor deleted"
        pool = Pool()
        Sanction = pool.get('qms.provider.sanction')
        company = create_company()
        with set_company(company):
            provider, = create_providers(["Fix-It"])
            create_violations(provider, [dt.date(2026, 3, 2)])
            sanction, = Sanction.search([])
            with self.assertRaises(AccessError):
                Sanction.write([sanction], {'reason': "Forget it"})
            with self.assertRaises(AccessError):
                Sanction.delete([sanction])

    @with_transaction()
    def test_callback_violation(self):
        "A low satisfaction callback proposes a violation"
        pool = Pool()
        Ticket = pool.get('qms.ticket')
        Violation = pool.get('qms.provider.violation')
        company = create_company()
        with set_company(company):
            _, _, store = create_units()
            provider, = create_providers(["Fix-It"])
            tickets = []
            for satisfaction in ['2', '3']:
                ticket = create_ticket(
                    store, dt.date.today(), provider=provider.id,
                    resolution="Fixed")
                Ticket.start([ticket])
                Ticket.resolve([ticket])
                ticket.satisfaction = satisfaction
                ticket.save()
                tickets.append(ticket)
            Ticket.record_callback(tickets)
            violation, = Violation.search([])
            self.assertEqual(violation.ticket, tickets[0])
            self.assertEqual(violation.source, 'callback')
            self.assertEqual(violation.state, 'draft')
            self.assertEqual(violation.store, store)
            self.assertFalse(violation.description)
            load_translations('zh_CN', 'qms_aftersales')
            for language, text in [
                    ('en', "with satisfaction 2"),
                    ('zh_CN', "回访满意度为 2"),
                    ]:
                with Transaction().set_context(language=language):
                    self.assertIn(text, Violation(violation.id).summary)

    @with_transaction()
    def test_sanction_reason_in_reader_language(self):
        "The reason of a computed sanction reads in its reader's language"
        pool = Pool()
        Sanction = pool.get('qms.provider.sanction')
        company = create_company()
        with set_company(company):
            provider, = create_providers(["Fix-It"])
            create_violations(provider, [dt.date(2026, 3, 2)])
            sanction, = Sanction.search([('provider', '=', provider.id)])
            self.assertFalse(sanction.reason)
            load_translations('zh_CN', 'qms_aftersales')
            for language, text in [
                    ('en', "1 confirmed violations from 2026-03-01 to "
                        "2026-03-31 (1 since the start of the year)."),
                    ('zh_CN', "2026-03-01 至 2026-03-31 期间已确认违规 1 次"
                        "（年初至今累计 1 次）。"),
                    ]:
                with Transaction().set_context(language=language):
                    self.assertEqual(
                        Sanction(sanction.id).description, text)

    @with_transaction()
    def test_training_three_quarters(self):
        "Three quarters below 80 % suspend, one more removes"
        pool = Pool()
        PassRate = pool.get('qms.training.pass_rate')
        Sanction = pool.get('qms.provider.sanction')
        company = create_company()
        with set_company(company):
            provider, good = create_providers(["Fix-It", "Good"])
            quarters = [
                dt.date(2025, 2, 1), dt.date(2025, 5, 1),
                dt.date(2025, 8, 1), dt.date(2025, 11, 1)]
            for date in quarters:
                create_results(provider, date, passed=3, failed=2)
                create_results(good, date, passed=4, failed=1)
            rate, = PassRate.search([
                    ('provider', '=', good.id),
                    ('year', '=', 2025), ('quarter', '=', 1)])
            self.assertEqual(rate.rate, 0.8)
            self.assertFalse(rate.below)

            for date in quarters[:2]:
                PassRate.assess(date)
                self.assertEqual(provider.provider_status, 'active')
            PassRate.assess(quarters[2])
            self.assertEqual(provider.provider_status, 'suspended')
            sanction, = Sanction.search([('provider', '=', provider.id)])
            self.assertEqual(sanction.origin, 'training')
            self.assertEqual(sanction.level, 'stop_dispatch')
            load_translations('zh_CN', 'qms_aftersales')
            for language, text in [
                    ('en', "Training pass rate below 80% for 3 consecutive "
                        "quarters, the last from 2025-07-01 to 2025-09-30"),
                    ('zh_CN', "培训合格率连续 3 个季度低于 80%（最近一季为 "
                        "2025-07-01 至 2025-09-30）"),
                    ]:
                with Transaction().set_context(language=language):
                    self.assertIn(text, Sanction(sanction.id).description)
            PassRate.assess(quarters[2])
            self.assertEqual(
                Sanction.search_count([('provider', '=', provider.id)]), 1)

            PassRate.assess(quarters[3])
            self.assertEqual(provider.provider_status, 'removed')
            self.assertEqual(good.provider_status, 'active')

    @with_transaction()
    def test_weekly_report(self):
        "The weekly report counts the store's tickets and violations"
        pool = Pool()
        Ticket = pool.get('qms.ticket')
        Report = pool.get('qms.service.report.weekly')
        company = create_company()
        with set_company(company):
            _, _, store = create_units()
            provider, = create_providers(["Fix-It"])
            monday = dt.date(2026, 3, 2)
            wednesday = monday + dt.timedelta(days=2)
            on_time = create_ticket(store, wednesday, provider=provider.id)
            late = create_ticket(store, wednesday)
            escalated = create_ticket(store, wednesday, type='complaint')
            Ticket.escalate([escalated])
            create_ticket(store, monday + dt.timedelta(days=7))
            Ticket.write([on_time], {
                    'responded_at': on_time.response_deadline
                    - dt.timedelta(hours=1),
                    'resolved_at': on_time.response_deadline,
                    'satisfaction': '4',
                    'callback_done': True,
                    })
            Ticket.write([late], {
                    'responded_at': late.response_deadline
                    + dt.timedelta(hours=1),
                    })
            create_violations(provider, [wednesday], store=store)

            report, = Report.generate(monday + dt.timedelta(days=9))
            self.assertEqual(report.store, store)
            self.assertEqual(report.week_start, monday)
            self.assertEqual(report.week_end, monday + dt.timedelta(days=6))
            # the escalated complaint stays in the store's report
            self.assertEqual(report.tickets, 3)
            self.assertEqual(report.complaints, 1)
            self.assertEqual(report.escalated, 1)
            self.assertEqual(report.responded_on_time, 1)
            self.assertEqual(report.response_rate, 0.3333)
            self.assertEqual(report.resolution_rate, 0.3333)
            self.assertEqual(report.callbacks, 1)
            self.assertEqual(report.satisfaction, 4)
            self.assertEqual(report.violations, 1)
            # generating again replaces the week's reports
            Report.generate(monday + dt.timedelta(days=7))
            self.assertEqual(Report.search_count([]), 1)

            self.assertEqual(provider.provider_tickets, 1)
            self.assertEqual(provider.provider_on_time_rate, 1)
            self.assertEqual(provider.provider_satisfaction, 4)

    @with_transaction()
    def test_report_queries_constant(self):
        "The report generation runs as many queries for 2 as 5 providers"
        pool = Pool()
        Report = pool.get('qms.service.report.weekly')
        Sanction = pool.get('qms.provider.sanction')
        PassRate = pool.get('qms.training.pass_rate')
        Violation = pool.get('qms.provider.violation')
        company = create_company()
        with set_company(company):
            _, _, store = create_units()

            def generate(year, count):
                date = dt.date(year, 3, 4)
                for provider in create_providers(
                        ['P%s-%s' % (year, i) for i in range(count)]):
                    create_ticket(store, date, provider=provider.id)
                    Violation.write(create_violations(
                            provider, [date, date], store=store,
                            confirm=False), {'state': 'confirmed'})
                    create_results(provider, date, passed=1, failed=1)
                with count_queries() as counter:
                    Report.generate(date + dt.timedelta(days=7))
                    Sanction.apply_ladder(date)
                    PassRate.assess(date)
                self.assertEqual(
                    Sanction.search_count([
                            ('period_start', '=', date.replace(day=1))]),
                    count)
                return counter

            generate(2023, 1)  # fill the caches
            two, five = generate(2024, 2), generate(2025, 5)
            if backend.name == 'sqlite':
                # without a sequence to take the ids from, the ORM inserts
                # the new sanctions one row at a time on SQLite (in one
                # query on PostgreSQL)
                for counter in [two, five]:
                    counter[1] = [q for q in counter[1]
                        if not str(q).startswith(
                            'INSERT INTO "qms_provider_sanction"')]
                    counter[0] = len(counter[1])
            self.assertEqual(two[0], five[0], msg='\n'.join(
                    str(q) for q in five[1]))

    @with_transaction()
    def test_nonconformity(self):
        "A nonconformity goes through CAPA and is overdue after its due date"
        pool = Pool()
        Nonconformity = pool.get('qms.nonconformity')
        Date = pool.get('ir.date')
        today = Date.today()
        company = create_company()
        with set_company(company):
            _, _, store = create_units()
            ticket = create_ticket(store, today)
            nc, = Nonconformity.create([{
                        'title': "Leaking pump",
                        'source': 'ticket',
                        'origin': str(ticket),
                        'description': "Pump leaks after installation",
                        'analysis_due': today - dt.timedelta(days=1),
                        }])
            self.assertTrue(nc.overdue)
            self.assertEqual(
                Nonconformity.search([('overdue', '=', True)]), [nc])
            nc.root_cause = "Worn seal"
            nc.save()
            Nonconformity.analyse([nc])
            self.assertFalse(Nonconformity.search([('overdue', '=', True)]))
            nc.corrective_action = "Change the seal supplier"
            nc.action_due = today + dt.timedelta(days=30)
            nc.save()
            Nonconformity.act([nc])
            Nonconformity.verify([nc])
            with self.assertRaises(NonconformityError):
                Nonconformity.close([nc])
            nc.effectiveness_date = today
            nc.effectiveness_result = 'effective'
            nc.effectiveness_by = Transaction().user
            nc.save()
            Nonconformity.close([nc])
            self.assertEqual(nc.state, 'closed')
            self.assertEqual(nc.closed_date, today)

    @with_transaction()
    def test_inspection(self):
        "A mystery check from a checklist proposes a provider violation"
        pool = Pool()
        Checklist = pool.get('qms.service.checklist')
        Violation = pool.get('qms.provider.violation')
        Inspection = pool.get('qms.service.inspection')
        company = create_company()
        with set_company(company):
            _, region, store = create_units()
            provider, = create_providers(["Fix-It"])
            checklist, = Checklist.create([{
                        'name': "Installation visit",
                        'items': [('create', [
                                    {'name': "Arrives on time"},
                                    {'name': "Wears the uniform"},
                                    {'name': "Cleans up"},
                                    ])],
                        }])
            inspection = Inspection(
                unit=store, provider=provider, date=dt.date(2026, 3, 4))
            inspection.checklist = checklist
            inspection.on_change_checklist()
            self.assertEqual(
                [l.item for l in inspection.lines],
                ["Arrives on time", "Wears the uniform", "Cleans up"])
            inspection.lines[1].passed = False
            inspection.save()
            self.assertEqual(inspection.score, 0.6667)

            Inspection.do([inspection])
            self.assertEqual(inspection.state, 'done')
            violation = inspection.violation
            self.assertEqual(violation.provider, provider)
            self.assertEqual(violation.source, 'inspection')
            self.assertEqual(violation.store, store)
            self.assertEqual(violation.state, 'draft')
            self.assertIn("Wears the uniform", violation.summary)
            self.assertNotIn("Cleans up", violation.summary)
            load_translations('zh_CN', 'qms_aftersales')
            with Transaction().set_context(language='zh_CN'):
                self.assertIn(
                    "不合格项目：Wears the uniform",
                    Violation(violation.id).summary)
            with self.assertRaises(AccessError):
                Inspection.delete([inspection])

            # all passed, or no provider: nothing proposed
            passed, = Inspection.create([{
                        'unit': store.id, 'provider': provider.id,
                        'method': 'mutual', 'inspecting_unit': region.id,
                        'lines': [('create', [{'item': "Clean counter"}])],
                        }])
            Inspection.do([passed])
            self.assertIsNone(passed.violation)
            empty, = Inspection.create([{'unit': store.id}])
            with self.assertRaises(InspectionError):
                Inspection.do([empty])

    @with_transaction()
    def test_inspection_locked(self):
        "The client changes no item of a done inspection"
        pool = Pool()
        Inspection = pool.get('qms.service.inspection')
        Line = pool.get('qms.service.inspection.line')
        company = create_company()
        with set_company(company):
            _, _, store = create_units()
            inspection, = Inspection.create([{
                        'unit': store.id,
                        'lines': [('create', [{'item': "Clean counter"}])],
                        }])
            lines = list(inspection.lines)
            for mode, values in [
                    ('create', None),
                    ('write', {'passed': False}),
                    ('delete', None),
                    ]:
                Line.check_modification(mode, lines, values, external=True)
            Inspection.do([inspection])
            for mode, values in [
                    ('create', None),
                    ('write', {'passed': False}),
                    ('delete', None),
                    ]:
                with self.subTest(mode=mode), self.assertRaises(AccessError):
                    Line.check_modification(
                        mode, lines, values, external=True)
                Line.check_modification(mode, lines, values)
            for values in [{'remarks': "Fine"}, {'state': 'draft'}]:
                with self.subTest(values=values), \
                        self.assertRaises(AccessError):
                    Inspection.check_modification(
                        'write', [inspection], values, external=True)

    @with_transaction()
    def test_satisfaction_survey(self):
        "A survey needs every score and feeds the satisfaction figure"
        pool = Pool()
        Survey = pool.get('qms.satisfaction.survey')
        Figure = pool.get('qms.figure.satisfaction')
        company = create_company()
        with set_company(company):
            _, _, store = create_units()
            ticket = create_ticket(store, dt.date(2026, 3, 2))
            survey = Survey(ticket=ticket, date=dt.date(2026, 3, 5))
            survey.on_change_ticket()
            self.assertEqual(survey.unit, store)
            survey.lines = [
                {'question': q, 'score': s}
                for q, s in [("Friendly", '5'), ("On time", None)]]
            survey.save()
            with self.assertRaises(InspectionError):
                Survey.do([survey])
            survey.lines[1].score = '3'
            survey.lines = survey.lines
            survey.save()
            other, = Survey.create([{
                        'unit': store.id, 'date': dt.date(2026, 3, 20),
                        'lines': [('create', [
                                    {'question': "Friendly", 'score': '2'},
                                    ])],
                        }])
            Survey.do([survey, other])
            self.assertEqual(survey.satisfaction, 4)

            figure, = Figure.search([])
            self.assertEqual(figure.month, dt.date(2026, 3, 1))
            self.assertEqual(figure.unit, store)
            self.assertEqual(figure.surveys, 2)
            self.assertEqual(figure.satisfaction, 3)

    @with_transaction()
    def test_figures(self):
        "The figures read the tickets and export to xlsx"
        pool = Pool()
        Ticket = pool.get('qms.ticket')
        FigureXlsx = pool.get('qms.figure.xlsx', type='report')
        ActionReport = pool.get('ir.action.report')
        company = create_company()
        with set_company(company):
            _, _, store = create_units()
            provider, = create_providers(["Fix-It"])
            date = dt.date(2026, 3, 4)
            for type_ in ['complaint', 'repair']:
                ticket = create_ticket(
                    store, date, provider=provider.id, type=type_)
                Ticket.write([ticket], {
                        'responded_at': ticket.date + dt.timedelta(hours=2),
                        'satisfaction': '5',
                        })
            create_violations(provider, [date])
            create_results(provider, date, passed=1, failed=0)
            Survey = pool.get('qms.satisfaction.survey')
            survey, = Survey.create([{
                        'unit': store.id, 'date': date,
                        'lines': [('create', [
                                    {'question': "Friendly", 'score': '4'},
                                    ])],
                        }])
            Survey.do([survey])
            expected = {
                'qms.figure.sla': ('tickets', 1),
                'qms.figure.complaint': ('complaints', 1),
                'qms.figure.provider': ('violations', 1),
                'qms.figure.staff': ('response_hours', 2),
                'qms.training.pass_rate': ('rate', 1),
                'qms.figure.satisfaction': ('satisfaction', 4),
                }
            for model, (name, value) in expected.items():
                Model = pool.get(model)
                records = Model.search([])
                self.assertTrue(records, msg=model)
                self.assertEqual(getattr(records[0], name), value, msg=model)
                action, = ActionReport.search([
                        ('model', '=', model),
                        ('report_name', '=', 'qms.figure.xlsx'),
                        ])
                oext, content, _, _ = FigureXlsx.execute(
                    [r.id for r in records], {'action_id': action.id})
                self.assertEqual(oext, 'xlsx')
                with ZipFile(BytesIO(content)) as xlsx:
                    self.assertIn('xl/worksheets/sheet1.xml', xlsx.namelist())
            ranking, = pool.get('qms.figure.provider').search([])
            self.assertEqual(ranking.tickets, 2)
            self.assertEqual(ranking.satisfaction, 5)


class SanctionRPCTestCase(RouteTestCase):
    "Test sanction immutability over RPC"
    module = 'qms_aftersales'

    @classmethod
    def setUpDatabase(cls):
        pool = Pool()
        User = pool.get('res.user')
        ModelData = pool.get('ir.model.data')
        Sanction = pool.get('qms.provider.sanction')
        ModelAccess = pool.get('ir.model.access')
        admin, = User.search([('login', '=', 'admin')])
        group = ModelData.get_id('qms_aftersales', 'group_service_management')
        # even a group allowed to write and delete sanctions may not
        ModelAccess.create([{
                    'model': 'qms.provider.sanction',
                    'group': group,
                    'perm_read': True,
                    'perm_write': True,
                    'perm_create': True,
                    'perm_delete': True,
                    }])
        User.write([admin], {
                'password': 'immutable-sanctions',
                'groups': [('add', [group])],
                })
        provider, = create_providers(["Fix-It"])
        create_violations(provider, [dt.date(2026, 3, 2)])
        cls.sanction_id, = [s.id for s in Sanction.search([])]

    def rpc(self, client, method, params, auth=None):
        headers = {}
        if auth:
            headers['Authorization'] = 'Session ' + auth
        response = client.post(
            '/%s/rpc/' % DB_NAME, headers=headers,
            content_type='application/json',
            data=json.dumps({'id': 1, 'method': method, 'params': params}))
        return json.loads(response.get_data())

    def test_write_delete_refused(self):
        "Admin can neither write nor delete a sanction over RPC"
        client = self.client()
        result = self.rpc(client, 'common.db.login', [
                'admin', {'password': 'immutable-sanctions'}, 'en'])
        user_id, session = result['result'][:2]
        auth = base64.b64encode(
            ('admin:%s:%s' % (user_id, session)).encode()).decode()

        read = self.rpc(client, 'model.qms.provider.sanction.read', [
                [self.sanction_id], ['level'], {}], auth)
        self.assertEqual(read['result'][0]['level'], 'warning')
        write = self.rpc(client, 'model.qms.provider.sanction.write', [
                [self.sanction_id], {'level': 'removal'}, {}], auth)
        self.assertIn('error', write)
        self.assertIn('regulatory record', json.dumps(write['error']))
        delete = self.rpc(client, 'model.qms.provider.sanction.delete', [
                [self.sanction_id], {}], auth)
        self.assertIn('error', delete)
        self.assertIn('regulatory record', json.dumps(delete['error']))

        with Transaction().start(DB_NAME, 0):
            Sanction = Pool().get('qms.provider.sanction')
            sanction = Sanction(self.sanction_id)
            self.assertEqual(sanction.level, 'warning')
