# This file is part of the QMS modules for Tryton.
import datetime as dt
from decimal import Decimal

from trytond.model import fields
from trytond.model.exceptions import (
    AccessError,
    RequiredValidationError,
    ValidationError,
)
from trytond.modules.company.tests import (
    CompanyTestMixin,
    create_company,
    set_company,
)
from trytond.modules.qms_aftersales.exceptions import (
    FundClaimError,
    ServiceUnitError,
    TicketError,
)
from trytond.modules.qms_trace.tests.tools import create_party, create_product
from trytond.pool import Pool
from trytond.tests.test_tryton import ModuleTestCase, with_transaction
from trytond.transaction import Transaction


def create_units(company):
    "Create HQ, one region and two stores with their members"
    pool = Pool()
    Unit = pool.get('qms.service.unit')
    User = pool.get('res.user')
    users = {}
    for login in ['hq', 'region', 'store', 'store2', 'region2']:
        users[login], = User.create([{
                    'login': login,
                    'name': login,
                    'password': 'secret-%s-pw' % login,
                    'companies': [('add', [company.id])],
                    'company': company.id,
                    }])
    hq, = Unit.create([{
                'name': "HQ", 'kind': 'hq', 'currency': company.currency.id,
                'members': [('add', [users['hq'].id])],
                }])
    region, = Unit.create([{
                'name': "Region", 'kind': 'region', 'parent': hq.id,
                'compensation_limit': Decimal('5000'),
                'currency': company.currency.id,
                'members': [('add', [users['region'].id])],
                }])
    store, store2 = Unit.create([{
                'name': "Store", 'kind': 'store', 'parent': region.id,
                'compensation_limit': Decimal('500'),
                'currency': company.currency.id,
                'members': [('add', [users['store'].id])],
                }, {
                'name': "Store 2", 'kind': 'store', 'parent': region.id,
                'compensation_limit': Decimal('500'),
                'currency': company.currency.id,
                'members': [('add', [users['store2'].id])],
                }])
    region2, = Unit.create([{
                'name': "Region 2", 'kind': 'region', 'parent': hq.id,
                'compensation_limit': Decimal('5000'),
                'currency': company.currency.id,
                'members': [('add', [users['region2'].id])],
                }])
    return {
        'hq': hq, 'region': region, 'store': store, 'store2': store2,
        'region2': region2,
        }, users


def create_ticket(unit, **values):
    pool = Pool()
    Ticket = pool.get('qms.ticket')
    values.setdefault('handling_unit', unit.id)
    values.setdefault('contact', "Caller 138 0000 0000")
    values.setdefault('description', "Does not start")
    ticket, = Ticket.create([values])
    return ticket


class QmsAftersalesTestCase(CompanyTestMixin, ModuleTestCase):
    "Test QmsAftersales module"
    module = 'qms_aftersales'

    @with_transaction()
    def test_selections_in_their_order(self):
        "Every selection of the QMS modules lists its values as defined"
        pool = Pool()
        checked = 0
        for _, model in pool.iterobject():
            for name, field in model._fields.items():
                # the class that defines it, under the one the pool built
                owner = next(
                    (c for c in model.__mro__[1:] if name in vars(c)), model)
                if not owner.__module__.startswith('trytond.modules.qms_'):
                    continue
                field = getattr(field, '_field', field)
                if (isinstance(
                            field, (fields.Selection, fields.MultiSelection))
                        and not isinstance(field.selection, str)):
                    checked += 1
                    with self.subTest(model=model.__name__, field=name):
                        self.assertFalse(field.sort)
        self.assertGreater(checked, 40)

    @with_transaction()
    def test_unit_parent_kind(self):
        "A store must be under a region"
        pool = Pool()
        Unit = pool.get('qms.service.unit')
        company = create_company()
        with set_company(company):
            units, _ = create_units(company)
            with self.assertRaises(ServiceUnitError):
                Unit.create([{
                            'name': "Bad", 'kind': 'store',
                            'parent': units['hq'].id,
                            'currency': company.currency.id,
                            }])

    @with_transaction()
    def test_ticket_number_and_deadlines(self):
        "A ticket gets a number and deadlines from the SLA policy"
        pool = Pool()
        SLAPolicy = pool.get('qms.ticket.sla')
        company = create_company()
        with set_company(company):
            units, _ = create_units(company)
            SLAPolicy.create([{
                        'type': 'repair', 'severity': 'high',
                        'response_hours': 4, 'resolution_hours': 24,
                        }])
            date = dt.datetime(2026, 3, 2, 9, 0)
            high = create_ticket(
                units['store'], type='repair', severity='high', date=date)
            normal = create_ticket(
                units['store'], type='repair', severity='normal', date=date)

            self.assertTrue(high.number)
            self.assertNotEqual(high.number, normal.number)
            self.assertEqual(
                high.response_deadline, date + dt.timedelta(hours=4))
            self.assertEqual(
                high.resolution_deadline, date + dt.timedelta(hours=24))
            # configuration defaults
            self.assertEqual(
                normal.response_deadline, date + dt.timedelta(hours=24))
            self.assertEqual(
                normal.resolution_deadline, date + dt.timedelta(hours=72))

    @with_transaction()
    def test_ticket_says_whom_and_what(self):
        "A ticket needs a customer or a contact, a product or a description"
        pool = Pool()
        Ticket = pool.get('qms.ticket')
        Party = pool.get('party.party')
        company = create_company()
        with set_company(company):
            units, _ = create_units(company)
            customer, = Party.create([{'name': "Customer"}])
            product = create_product("Monitor")
            for values in [
                    {'contact': "Ms Li"}, {'customer': customer.id},
                    {'description': "Broken"}, {'product': product.id}]:
                with self.subTest(values=values):
                    with self.assertRaises(TicketError):
                        create_ticket(units['store'], **{
                                'contact': None, 'description': None,
                                **values})
            for values in [
                    {'contact': "Ms Li", 'description': "Broken"},
                    {'customer': customer.id, 'product': product.id}]:
                with self.subTest(values=values):
                    create_ticket(units['store'], **{
                            'contact': None, 'description': None, **values})
            ticket = create_ticket(units['store'])
            with self.assertRaises(TicketError):
                Ticket.write([ticket], {'description': None})

    @with_transaction()
    def test_ticket_default_date_to_the_second(self):
        "A new ticket's date is what the client shows and sends back"
        Ticket = Pool().get('qms.ticket')
        self.assertEqual(Ticket.default_date().microsecond, 0)

    @with_transaction()
    def test_escalate_overdue(self):
        "A breached response deadline escalates store, region, then HQ"
        pool = Pool()
        Ticket = pool.get('qms.ticket')
        company = create_company()
        with set_company(company):
            units, _ = create_units(company)
            now = dt.datetime.now().replace(microsecond=0)
            ticket = create_ticket(
                units['store'], date=now - dt.timedelta(hours=30))
            other = create_ticket(units['store'], date=now)
            self.assertLess(ticket.response_deadline, now)

            sla_deadline = ticket.response_deadline
            Ticket.escalate_overdue(now)
            self.assertEqual(ticket.handling_unit, units['region'])
            self.assertEqual(other.handling_unit, units['store'])
            escalation, = ticket.escalations
            self.assertEqual(escalation.from_unit, units['store'])
            self.assertEqual(escalation.to_unit, units['region'])
            self.assertEqual(escalation.cause, 'response')
            self.assertEqual(escalation.deadline, sla_deadline)
            self.assertEqual(ticket.tier_response_deadline,
                now + dt.timedelta(hours=24))
            # the SLA deadline, which the figures measure, stays
            self.assertEqual(ticket.response_deadline, sla_deadline)
            # the store that received it keeps it
            self.assertEqual(ticket.store, units['store'])

            # not overdue yet at the region
            Ticket.escalate_overdue(now + dt.timedelta(hours=23))
            self.assertEqual(ticket.handling_unit, units['region'])

            later = now + dt.timedelta(hours=25)
            Ticket.escalate_overdue(later)
            self.assertEqual(ticket.handling_unit, units['hq'])
            self.assertEqual(len(ticket.escalations), 2)

            # HQ is the top
            Ticket.escalate_overdue(later + dt.timedelta(days=10))
            self.assertEqual(len(ticket.escalations), 2)

    @with_transaction()
    def test_escalate_resolution_overdue(self):
        "A missed resolution deadline escalates once per tier"
        pool = Pool()
        Ticket = pool.get('qms.ticket')
        company = create_company()
        with set_company(company):
            units, _ = create_units(company)
            now = dt.datetime.now().replace(microsecond=0)
            date = now - dt.timedelta(hours=73)
            ticket = create_ticket(units['store'], date=date)
            resolved = create_ticket(
                units['store'], date=date, resolution="Fixed")
            Ticket.start([ticket, resolved])
            Ticket.resolve([resolved])
            self.assertEqual(
                ticket.resolution_deadline, date + dt.timedelta(hours=72))

            Ticket.escalate_overdue(now)
            self.assertEqual(ticket.handling_unit, units['region'])
            escalation, = ticket.escalations
            self.assertEqual(escalation.cause, 'resolution')
            self.assertEqual(
                escalation.deadline, ticket.resolution_deadline)
            self.assertEqual(ticket.tier_resolution_deadline,
                now + dt.timedelta(hours=24))
            self.assertEqual(
                ticket.resolution_deadline, date + dt.timedelta(hours=72))
            self.assertFalse(resolved.escalations)

            # the same breach does not escalate again at the next runs
            for minutes in [15, 30, 60 * 23]:
                Ticket.escalate_overdue(now + dt.timedelta(minutes=minutes))
            self.assertEqual(len(ticket.escalations), 1)
            self.assertEqual(ticket.handling_unit, units['region'])

            # the region misses its own deadline
            Ticket.escalate_overdue(now + dt.timedelta(hours=25))
            self.assertEqual(ticket.handling_unit, units['hq'])
            self.assertEqual(
                [e.cause for e in ticket.escalations],
                ['resolution', 'resolution'])
            Ticket.escalate_overdue(now + dt.timedelta(days=30))
            self.assertEqual(len(ticket.escalations), 2)

    @with_transaction()
    def test_escalate_overdue_responded(self):
        "A ticket in progress is not escalated"
        pool = Pool()
        Ticket = pool.get('qms.ticket')
        company = create_company()
        with set_company(company):
            units, _ = create_units(company)
            now = dt.datetime.now().replace(microsecond=0)
            ticket = create_ticket(
                units['store'], date=now - dt.timedelta(hours=30))
            Ticket.start([ticket])

            Ticket.escalate_overdue(now)
            self.assertEqual(ticket.handling_unit, units['store'])
            self.assertFalse(ticket.escalations)

    @with_transaction()
    def test_escalation_hours_configuration(self):
        "The time the next tier has comes from the configuration"
        pool = Pool()
        Ticket = pool.get('qms.ticket')
        Configuration = pool.get('qms.aftersales.configuration')
        company = create_company()
        with set_company(company):
            units, _ = create_units(company)
            Configuration.write([Configuration(1)], {'escalation_hours': 2})
            now = dt.datetime.now().replace(microsecond=0)
            ticket = create_ticket(
                units['store'], date=now - dt.timedelta(hours=30))
            Ticket.escalate_overdue(now)
            Ticket.escalate_overdue(now + dt.timedelta(hours=3))
            self.assertEqual(ticket.handling_unit, units['hq'])

    @with_transaction()
    def test_working_time(self):
        "SLA and escalation hours count working time in the company's zone"
        pool = Pool()
        Ticket = pool.get('qms.ticket')
        Company = pool.get('company.company')
        Configuration = pool.get('qms.aftersales.configuration')
        SLAPolicy = pool.get('qms.ticket.sla')
        company = create_company()
        Company.write([company], {'timezone': 'Asia/Shanghai'})
        with set_company(company):
            units, _ = create_units(company)
            Configuration.write([Configuration(1)], {'working_time': True})
            SLAPolicy.create([{
                        'type': 'repair', 'response_hours': 4,
                        'resolution_hours': 24,
                        }])
            # Friday 2026-03-06 17:00 in Shanghai, 09:00 UTC
            date = dt.datetime(2026, 3, 6, 9, 0)
            ticket = create_ticket(units['store'], type='repair', date=date)
            # 1 hour on Friday, 3 on Monday until 12:00 (04:00 UTC)
            self.assertEqual(
                ticket.response_deadline, dt.datetime(2026, 3, 9, 4, 0))
            # 1 + 9 + 9 hours to Tuesday, 5 on Wednesday until 14:00
            self.assertEqual(
                ticket.resolution_deadline, dt.datetime(2026, 3, 11, 6, 0))

            # escalated on Monday 12:30, the region has 24 working hours:
            # 5.5 on Monday, 9 on Tuesday and Wednesday, until Thursday 09:30
            Ticket.escalate_overdue(dt.datetime(2026, 3, 9, 4, 30))
            self.assertEqual(ticket.handling_unit, units['region'])
            self.assertEqual(ticket.tier_response_deadline,
                dt.datetime(2026, 3, 12, 1, 30))
            Ticket.escalate_overdue(dt.datetime(2026, 3, 12, 1, 0))
            self.assertEqual(ticket.handling_unit, units['region'])
            Ticket.escalate_overdue(dt.datetime(2026, 3, 12, 2, 0))
            self.assertEqual(ticket.handling_unit, units['hq'])

            # a ticket on Saturday starts counting on Monday 09:00
            saturday = create_ticket(
                units['store'], type='repair',
                date=dt.datetime(2026, 3, 7, 2, 0))
            self.assertEqual(
                saturday.response_deadline, dt.datetime(2026, 3, 9, 5, 0))

            # without working time, calendar hours
            Configuration.write([Configuration(1)], {'working_time': False})
            Ticket.write([saturday], {'date': dt.datetime(2026, 3, 7, 2, 0)})
            self.assertEqual(
                saturday.response_deadline, dt.datetime(2026, 3, 7, 6, 0))

    @with_transaction()
    def test_working_time_validation(self):
        "A working day must start before it ends"
        pool = Pool()
        Configuration = pool.get('qms.aftersales.configuration')
        company = create_company()
        with set_company(company):
            with self.assertRaises(ValidationError):
                Configuration.write([Configuration(1)], {
                        'working_time': True,
                        'working_day_start': dt.time(18),
                        'working_day_end': dt.time(9),
                        })
            with self.assertRaises(RequiredValidationError):
                Configuration.write([Configuration(1)], {
                        'working_time': True,
                        'working_days': [],
                        })

    @with_transaction()
    def test_store_kept(self):
        "A ticket keeps the store that received it or was dispatched to"
        pool = Pool()
        Ticket = pool.get('qms.ticket')
        company = create_company()
        with set_company(company):
            units, _ = create_units(company)
            ticket = create_ticket(units['store'])
            self.assertEqual(ticket.store, units['store'])
            Ticket.escalate([ticket])
            self.assertEqual(ticket.handling_unit, units['region'])
            self.assertEqual(ticket.store, units['store'])

            hotline = create_ticket(units['hq'])
            self.assertIsNone(hotline.store)
            Ticket.write([hotline], {'handling_unit': units['store2'].id})
            self.assertEqual(hotline.store, units['store2'])
            Ticket.write([hotline], {'handling_unit': units['store'].id})
            self.assertEqual(hotline.store, units['store2'])

    @with_transaction()
    def test_severe_to_hq(self):
        "A severe complaint goes to HQ at once"
        company = create_company()
        with set_company(company):
            units, _ = create_units(company)
            ticket = create_ticket(
                units['store'], type='complaint', severity='severe')

            self.assertEqual(ticket.handling_unit, units['hq'])
            escalation, = ticket.escalations
            self.assertEqual(escalation.from_unit, units['store'])
            self.assertEqual(escalation.to_unit, units['hq'])
            self.assertEqual(escalation.cause, 'severe')

    @with_transaction()
    def test_severe_on_write(self):
        "A ticket made severe goes to HQ"
        pool = Pool()
        Ticket = pool.get('qms.ticket')
        company = create_company()
        with set_company(company):
            units, _ = create_units(company)
            ticket = create_ticket(units['store'], type='complaint')
            self.assertEqual(ticket.handling_unit, units['store'])

            Ticket.write([ticket], {'severity': 'severe'})
            self.assertEqual(ticket.handling_unit, units['hq'])

    @with_transaction()
    def test_severe_configuration(self):
        "Severe tickets stay when the configuration says so"
        pool = Pool()
        Configuration = pool.get('qms.aftersales.configuration')
        company = create_company()
        with set_company(company):
            units, _ = create_units(company)
            Configuration.write(
                [Configuration(1)], {'escalate_severe': False})
            ticket = create_ticket(units['store'], severity='severe')
            self.assertEqual(ticket.handling_unit, units['store'])

    @with_transaction()
    def test_manual_escalation(self):
        "A unit escalates by hand, but not above HQ"
        pool = Pool()
        Ticket = pool.get('qms.ticket')
        company = create_company()
        with set_company(company):
            units, _ = create_units(company)
            ticket = create_ticket(units['region'])
            Ticket.escalate([ticket])
            self.assertEqual(ticket.handling_unit, units['hq'])
            self.assertEqual(ticket.escalations[0].cause, 'manual')
            with self.assertRaises(TicketError):
                Ticket.escalate([ticket])

    @with_transaction()
    def test_workflow_callback(self):
        "Closing requires a resolution and a callback with satisfaction"
        pool = Pool()
        Ticket = pool.get('qms.ticket')
        company = create_company()
        with set_company(company):
            units, _ = create_units(company)
            ticket = create_ticket(units['store'])
            Ticket.assign([ticket])
            Ticket.start([ticket])
            self.assertTrue(ticket.responded_at)
            with self.assertRaises(TicketError):
                Ticket.resolve([ticket])
            ticket.resolution = "Replaced the cuff."
            ticket.save()
            Ticket.resolve([ticket])
            self.assertEqual(ticket.state, 'resolved')

            with self.assertRaises(TicketError):
                Ticket.close([ticket])
            with self.assertRaises(TicketError):
                Ticket.record_callback([ticket])
            ticket.satisfaction = '4'
            ticket.save()
            Ticket.record_callback([ticket])
            self.assertTrue(ticket.callback_done)
            self.assertEqual(ticket.callback_by.id, Transaction().user)
            Ticket.close([ticket])
            self.assertEqual(ticket.state, 'closed')
            self.assertTrue(ticket.closed_at)

    @with_transaction()
    def test_adverse_event_deadline(self):
        "An adverse event gets its deadline and is overdue after it"
        pool = Pool()
        Ticket = pool.get('qms.ticket')
        company = create_company()
        with set_company(company):
            units, _ = create_units(company)
            now = dt.datetime.now().replace(microsecond=0)
            product = create_product("Pump")
            registrant = product.template.registration.registrant
            death = create_ticket(
                units['store'], type='adverse_event', product=product.id,
                adverse_seriousness='death', date=now)
            self.assertEqual(death.registrant, registrant)
            serious = create_ticket(
                units['store'], type='adverse_event',
                adverse_seriousness='serious_injury', date=now)
            cluster = create_ticket(
                units['store'], type='adverse_event',
                adverse_seriousness='cluster',
                date=now - dt.timedelta(hours=13))

            self.assertEqual(death.adverse_deadline,
                now + dt.timedelta(days=7))
            self.assertEqual(serious.adverse_deadline,
                now + dt.timedelta(days=20))
            self.assertEqual(cluster.adverse_deadline,
                now - dt.timedelta(hours=1))
            self.assertFalse(death.adverse_overdue)
            self.assertTrue(cluster.adverse_overdue)
            self.assertEqual(
                Ticket.search([('adverse_overdue', '=', True)]), [cluster])
            self.assertEqual(
                set(Ticket.search([('adverse_overdue', '=', False)])),
                {death, serious})

            # the date moves past the deadline
            Ticket.write([death], {'date': now - dt.timedelta(days=8)})
            self.assertTrue(death.adverse_overdue)
            self.assertIn(
                death, Ticket.search([('adverse_overdue', '=', True)]))

            Ticket.forward([death])
            self.assertTrue(death.forwarded_at)
            self.assertEqual(death.forwarded_by.id, Transaction().user)
            self.assertEqual(death.forwarded_to, registrant)
            self.assertNotIn(
                death, Ticket.search([('adverse_overdue', '=', True)]))

    @with_transaction()
    def test_adverse_event_forward_before_close(self):
        "An adverse event cannot be closed before it is forwarded"
        pool = Pool()
        Ticket = pool.get('qms.ticket')
        company = create_company()
        with set_company(company):
            units, _ = create_units(company)
            ticket = create_ticket(
                units['store'], type='adverse_event',
                adverse_seriousness='other', resolution="Done",
                satisfaction='3')
            Ticket.start([ticket])
            Ticket.resolve([ticket])
            Ticket.record_callback([ticket])
            with self.assertRaises(TicketError):
                Ticket.close([ticket])
            Ticket.forward([ticket])
            Ticket.close([ticket])

    @with_transaction()
    def test_claim_approval_limit(self):
        "A claim above the store limit needs the region's approval"
        pool = Pool()
        Ticket = pool.get('qms.ticket')
        Claim = pool.get('qms.fund.claim')
        company = create_company()
        with set_company(company):
            units, users = create_units(company)
            ticket = create_ticket(units['store'])
            small, big, huge = Claim.create([{
                        'ticket': ticket.id, 'unit': units['store'].id,
                        'amount': amount, 'reason': "Late repair",
                        'currency': company.currency.id,
                        } for amount in [
                        Decimal('300'), Decimal('800'), Decimal('8000')]])
            Ticket.write([ticket], {})

            with Transaction().set_user(users['store'].id):
                Claim.approve([small])
                with self.assertRaises(FundClaimError) as cm:
                    Claim.approve([big])
            self.assertIn('Region', cm.exception.message)
            self.assertEqual(small.approval_unit, units['store'])
            self.assertEqual(small.approved_by, users['store'])

            # other branches may not approve, whatever their limit
            for login in ['store2', 'region2']:
                with Transaction().set_user(users[login].id):
                    with self.assertRaises(FundClaimError):
                        Claim.approve([big])
            self.assertEqual(big.state, 'draft')
            with Transaction().set_user(users['region'].id):
                Claim.approve([big])
                with self.assertRaises(FundClaimError):
                    Claim.approve([huge])
            self.assertEqual(big.state, 'approved')
            self.assertEqual(big.approval_unit, units['region'])
            with Transaction().set_user(users['hq'].id):
                Claim.approve([huge])
            self.assertEqual(huge.approval_unit, units['hq'])

    @with_transaction()
    def test_claim_amount_malformed(self):
        "A claim amount that is not a sane number is refused"
        pool = Pool()
        Claim = pool.get('qms.fund.claim')
        from trytond.modules.qms_sales.exceptions import FieldValueError
        company = create_company()
        with set_company(company):
            units, _ = create_units(company)
            ticket = create_ticket(units['store'])
            values = {
                'ticket': ticket.id, 'unit': units['store'].id,
                'reason': "Late repair", 'currency': company.currency.id,
                }
            claim, = Claim.create([{**values, 'amount': Decimal('300')}])
            for amount in [Decimal('1e999999'), Decimal('NaN'),
                    Decimal('-Infinity'), float('inf'), '300', [300]]:
                with self.subTest(amount=amount):
                    with self.assertRaises(FieldValueError):
                        Claim.create([{**values, 'amount': amount}])
                    with self.assertRaises(FieldValueError):
                        Claim.write([claim], {'amount': amount})
            self.assertEqual(Claim(claim.id).amount, Decimal('300'))

    @with_transaction()
    def test_figures_refuse_changes(self):
        "The figures computed by queries refuse create, write and delete"
        pool = Pool()
        for name in ['qms.figure.sla', 'qms.figure.complaint',
                'qms.figure.provider', 'qms.figure.staff',
                'qms.figure.satisfaction', 'qms.fund.summary',
                'qms.training.pass_rate']:
            Model = pool.get(name)
            for method, args in [
                    (Model.create, ([{}],)),
                    (Model.write, (Model.browse([1]), {})),
                    (Model.delete, (Model.browse([1]),)),
                    ]:
                with self.subTest(model=name, method=method.__name__), \
                        self.assertRaises(AccessError):
                    method(*args)

    @with_transaction()
    def test_claim_unit_chain(self):
        "A claim is made by a unit that handles or received the ticket"
        pool = Pool()
        Ticket = pool.get('qms.ticket')
        Claim = pool.get('qms.fund.claim')
        company = create_company()
        with set_company(company):
            units, users = create_units(company)
            ticket = create_ticket(units['store'])

            def claim(unit, amount='300'):
                claim, = Claim.create([{
                            'ticket': ticket.id, 'unit': units[unit].id,
                            'amount': Decimal(amount), 'reason': "Refund",
                            'currency': company.currency.id,
                            }])
                return claim
            for unit in ['store2', 'region2', 'region', 'hq']:
                with self.assertRaises(FundClaimError) as cm:
                    claim(unit)
                self.assertIn(units[unit].rec_name, cm.exception.message)
                self.assertIn(units['store'].rec_name, cm.exception.message)

            Ticket.escalate([ticket])
            Ticket.escalate([ticket])
            self.assertEqual(ticket.handling_unit, units['hq'])
            # the store that received it, the units that handled it
            store, region, hq = claim('store'), claim('region'), claim('hq')
            with self.assertRaises(FundClaimError):
                claim('store2')

            with Transaction().set_user(users['store'].id):
                Claim.approve([store])
                with self.assertRaises(FundClaimError):
                    Claim.approve([region])
            with Transaction().set_user(users['region2'].id):
                with self.assertRaises(FundClaimError):
                    Claim.approve([region])
            with Transaction().set_user(users['hq'].id):
                Claim.approve([region, hq])
            self.assertEqual(
                [c.approval_unit for c in [store, region, hq]],
                [units['store'], units['region'], units['hq']])

    @with_transaction()
    def test_escalated_ticket_handling(self):
        "Only the handling unit and above act on an escalated ticket"
        pool = Pool()
        Ticket = pool.get('qms.ticket')
        User = pool.get('res.user')
        Group = pool.get('res.group')
        ModelData = pool.get('ir.model.data')
        company = create_company()
        with set_company(company):
            units, users = create_units(company)
            group = Group(ModelData.get_id(
                    'qms_aftersales', 'group_aftersales'))
            User.write(list(users.values()), {
                    'groups': [('add', [group.id])],
                    })
            ticket = create_ticket(units['store'])
            with Transaction().set_user(users['store'].id), \
                    Transaction().set_context(_check_access=True):
                Ticket.escalate([Ticket(ticket.id)])
                # still read by the store
                self.assertEqual(
                    Ticket(ticket.id).handling_unit.id, units['region'].id)
                with self.assertRaises(AccessError):
                    Ticket.start([Ticket(ticket.id)])
            with Transaction().set_user(users['region'].id), \
                    Transaction().set_context(_check_access=True):
                Ticket.start([Ticket(ticket.id)])
            self.assertEqual(ticket.state, 'in_progress')

    @with_transaction()
    def test_claim_settlement_and_summary(self):
        "Paid claims are recovered or written off and summed by month"
        pool = Pool()
        Claim = pool.get('qms.fund.claim')
        Summary = pool.get('qms.fund.summary')
        company = create_company()
        with set_company(company):
            units, users = create_units(company)
            ticket = create_ticket(units['store'])
            claims = Claim.create([{
                        'ticket': ticket.id, 'unit': units['store'].id,
                        'amount': Decimal(amount), 'reason': "Refund",
                        'currency': company.currency.id,
                        } for amount in ['100', '200', '300']])
            with Transaction().set_user(users['store'].id):
                Claim.approve(claims)
            Claim.pay(claims)
            Claim.write(claims, {'paid_date': dt.date(2026, 2, 10)})
            recovered, written_off, outstanding = claims
            with self.assertRaises(FundClaimError):
                Claim.recover([recovered])
            Claim.write([recovered, written_off], {
                    'responsibility': 'manufacturer',
                    })
            Claim.recover([recovered])
            Claim.write_off([written_off])

            summary, = Summary.search([])
            self.assertEqual(
                (summary.year, summary.month, summary.unit, summary.claims),
                (2026, 2, units['store'], 3))
            self.assertEqual(summary.paid, Decimal('600'))
            self.assertEqual(summary.recovered, Decimal('100'))
            self.assertEqual(summary.written_off, Decimal('200'))
            self.assertEqual(summary.outstanding, Decimal('300'))

    @staticmethod
    def deliver_lot(company, customer, product, unit, lot):
        "Sell and ship the lot to customer and return the sale and shipment"
        pool = Pool()
        Location = pool.get('stock.location')
        Move = pool.get('stock.move')
        Sale = pool.get('sale.sale')
        Shipment = pool.get('stock.shipment.out')
        sale, = Sale.create([{
                    'party': customer.id,
                    'invoice_address': customer.addresses[0].id,
                    'shipment_address': customer.addresses[0].id,
                    'lines': [('create', [{
                                    'product': product.id,
                                    'quantity': 1,
                                    'unit': unit.id,
                                    'unit_price': Decimal('100'),
                                    }])],
                    }])
        warehouse, = Location.search([('type', '=', 'warehouse')])
        shipment, = Shipment.create([{
                    'customer': customer.id,
                    'delivery_address': customer.addresses[0].id,
                    'warehouse': warehouse.id,
                    'warehouse_storage': warehouse.storage_location.id,
                    'warehouse_output': warehouse.output_location.id,
                    }])
        customer_loc, = Location.search([('type', '=', 'customer')])
        move, = Move.create([{
                    'product': product.id, 'lot': lot.id,
                    'unit': unit.id, 'quantity': 1,
                    'from_location': warehouse.output_location.id,
                    'to_location': customer_loc.id,
                    'unit_price': Decimal('100'),
                    'currency': company.currency.id,
                    'origin': str(sale.lines[0]),
                    'shipment': str(shipment),
                    }])
        Move.do([move])
        return sale, shipment

    @with_transaction()
    def test_lookup_serial(self):
        "A scanned serial fills product, sale, shipment and customer"
        pool = Pool()
        Ticket = pool.get('qms.ticket')
        Uom = pool.get('product.uom')
        Template = pool.get('product.template')
        Product = pool.get('product.product')
        Lot = pool.get('stock.lot')
        company = create_company()
        with set_company(company):
            units, _ = create_units(company)
            # complete master data: the done move writes a sales record
            customer = create_party("Customer")
            unit, = Uom.search([('name', '=', "Unit")])
            product = create_product("Monitor")
            Template.write([product.template], {
                    'salable': True, 'sale_uom': unit.id})
            lot, = Lot.create([{'number': 'SN-0042', 'product': product.id}])
            sale, shipment = self.deliver_lot(
                company, customer, product, unit, lot)

            ticket = Ticket(handling_unit=units['store'])
            ticket.lookup = 'SN-0042'
            ticket.on_change_lookup()
            self.assertEqual(ticket.lot, lot)
            self.assertEqual(ticket.product, product)
            self.assertEqual(ticket.sale, sale)
            self.assertEqual(ticket.shipment, shipment)
            self.assertEqual(ticket.customer, customer)

            # a scanned GS1 UDI: GTIN and serial
            Product.write([product], {
                    'identifiers': [('create', [{
                                    'type': 'ean',
                                    'code': '09506000134352',
                                    }])],
                    })
            ticket = Ticket(handling_unit=units['store'])
            ticket.lookup = ']d2010950600013435221SN-0042'
            ticket.on_change_lookup()
            self.assertEqual(ticket.lot, lot)
            self.assertEqual(ticket.product, product)
            self.assertEqual(ticket.customer, customer)

            ticket = Ticket(handling_unit=units['store'])
            ticket.lookup = 'unknown'
            ticket.on_change_lookup()
            self.assertIsNone(getattr(ticket, 'lot', None))

    @with_transaction()
    def test_create_complaint(self):
        "A ticket creates a sale complaint for a credit or return"
        pool = Pool()
        Ticket = pool.get('qms.ticket')
        Party = pool.get('party.party')
        ComplaintType = pool.get('sale.complaint.type')
        Model = pool.get('ir.model')
        Configuration = pool.get('qms.aftersales.configuration')
        company = create_company()
        with set_company(company):
            units, _ = create_units(company)
            customer, = Party.create([{'name': "Customer"}])
            ticket = create_ticket(
                units['store'], customer=customer.id, type='return',
                description="Broken on arrival")
            with self.assertRaises(TicketError):
                Ticket.create_complaint([ticket])
            sale_model, = Model.search([('name', '=', 'sale.sale')])
            type_, = ComplaintType.create([{
                        'name': "Return", 'origin': sale_model.id}])
            Configuration.write(
                [Configuration(1)], {'complaint_type': type_.id})

            Ticket.create_complaint([ticket])
            complaint = ticket.complaint
            self.assertEqual(complaint.customer, customer)
            self.assertEqual(complaint.reference, ticket.number)
            self.assertEqual(complaint.description, "Broken on arrival")


del ModuleTestCase
