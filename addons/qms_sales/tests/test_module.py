# This file is part of the QMS modules for Tryton.
import datetime as dt

from trytond.model.exceptions import AccessError
from trytond.model.modelview import AccessButtonError
from trytond.modules.company.tests import (
    CompanyTestMixin,
    create_company,
    set_company,
)
from trytond.modules.qms_sales.exceptions import (
    CategoryCodeError,
    LegacyRegistrationNumberWarning,
    QualificationNumberError,
    RegistrationNumberError,
    RegistrationPeriodError,
    RegistrationRenewError,
)
from trytond.modules.qms_sales.registration import validity_state
from trytond.pool import Pool
from trytond.tests.test_tryton import ModuleTestCase, with_transaction
from trytond.transaction import Transaction

USCC = '91110105MA01ABCD26'


def category(code):
    Category = Pool().get('qms.device.category')
    category, = Category.search([('code', '=', code)])
    return category


def create_registration(**values):
    pool = Pool()
    Party = pool.get('party.party')
    Registration = pool.get('product.registration')
    Date = pool.get('ir.date')
    party, = Party.create([{'name': "Registrant"}])
    today = Date.today()
    values.setdefault('category', category('14').id)
    values.setdefault('number', '国械注准20163140001')
    values.setdefault('device_class', '3')
    values.setdefault('issue_date', today - dt.timedelta(days=365))
    values.setdefault('expiration_date', today + dt.timedelta(days=365))
    values.update({
            'name': "Syringe",
            'registrant': party.id,
            'manufacturer': party.id,
            })
    registration, = Registration.create([values])
    return registration


def create_qualification(**values):
    pool = Pool()
    Party = pool.get('party.party')
    Qualification = pool.get('party.qualification')
    if 'party' not in values:
        party, = Party.create([{'name': "Hospital"}])
        values['party'] = party.id
    values.setdefault('kind', 'operating')
    values.setdefault('number', '沪食药监械经营许20180045号')
    values.setdefault('device_classes', ['2', '3'])
    qualification, = Qualification.create([values])
    return qualification


def backdate(record, days):
    "Move the creation of record days in the past, history included"
    Model = record.__class__
    table = Model.__table__()
    history = Model.__table_history__()
    cursor = Transaction().connection.cursor()
    date = record.create_date - dt.timedelta(days=days)
    for t in [table, history]:
        cursor.execute(*t.update(
                [t.create_date], [date], where=t.id == record.id))
    return date


def create_user(login, group):
    pool = Pool()
    User = pool.get('res.user')
    ModelData = pool.get('ir.model.data')
    user, = User.create([{
                'name': login,
                'login': login,
                'groups': [('add', [ModelData.get_id('qms_sales', group)])],
                }])
    return user


class QmsSalesTestCase(CompanyTestMixin, ModuleTestCase):
    "Test QMS Sales module"
    module = 'qms_sales'

    def test_validity_state(self):
        "Test validity state around the warning window"
        today = dt.date(2026, 1, 1)
        for expiration, revoked, state in [
                (None, False, 'valid'),
                (today + dt.timedelta(days=91), False, 'valid'),
                (today + dt.timedelta(days=90), False, 'expiring'),
                (today, False, 'expiring'),
                (today - dt.timedelta(days=1), False, 'expired'),
                (today + dt.timedelta(days=365), True, 'revoked'),
                ]:
            with self.subTest(expiration=expiration, revoked=revoked):
                self.assertEqual(
                    validity_state(today, expiration, revoked, 90), state)

    @with_transaction()
    def test_category_catalogue(self):
        "Test the catalogue has the 22 categories and IVD reagents"
        pool = Pool()
        Category = pool.get('qms.device.category')
        codes = [c.code for c in Category.search([('parent', '=', None)])]
        self.assertEqual(
            codes, ['%02d' % i for i in range(1, 23)] + ['40'])

    @with_transaction()
    def test_category_sub_category(self):
        "Test sub-category codes start with the parent code"
        pool = Pool()
        Category = pool.get('qms.device.category')
        parent = category('01')
        child, = Category.create([{
                    'code': '01-01', 'name': "Ultrasonic",
                    'parent': parent.id}])
        self.assertTrue(parent.covers(child))
        self.assertFalse(category('02').covers(child))
        self.assertEqual(child.top_code, '01')
        with self.assertRaises(CategoryCodeError):
            Category.create([{
                        'code': '02-01', 'name': "Wrong",
                        'parent': parent.id}])
        with self.assertRaises(CategoryCodeError):
            Category.write([parent], {'code': '99'})

    @with_transaction()
    def test_registration_number_valid(self):
        "Test valid registration and filing numbers"
        for number, kind, class_, code in [
                ('国械注准20163140001', 'registration', '3', '14'),
                ('粤械注准20182140012', 'registration', '2', '14'),
                ('国械注进20172120001', 'registration', '2', '12'),
                ('国械注许20183400001', 'registration', '3', '40'),
                ('国械备20151134号', 'filing', '1', '14'),
                # 2002 catalogue code 46 (6846) before the 2017 catalogue
                ('国械注准20163460001', 'registration', '3', '13'),
                ('浙温械备20140027号', 'filing', '1', '14'),
                ('鲁威械备20150012', 'filing', '1', '14'),
                ]:
            with self.subTest(number=number):
                registration = create_registration(
                    number=number, kind=kind, device_class=class_,
                    category=category(code).id,
                    expiration_date=None if kind == 'filing' else (
                        dt.date.today() + dt.timedelta(days=10)))
                self.assertEqual(registration.number, number)

    @with_transaction()
    def test_registration_number_invalid(self):
        "Test invalid registration numbers say what is wrong"
        for number, kind, class_, code, message in [
                ('ABC123', 'registration', '3', '14', "no known format"),
                ('粤械注准20183140012', 'registration', '3', '14',
                    "provincial prefix implies 准 and class 2"),
                ('粤械注进20182140012', 'registration', '2', '14',
                    "provincial prefix implies 准 and class 2"),
                ('国械注准20162140001', 'registration', '2', '14',
                    "domestic class III"),
                ('国械注进20163140001', 'registration', '2', '14',
                    "class digit 3 in number"),
                ('国械注准20193130001', 'registration', '3', '14',
                    "category code 13"),
                ('国械注准20163140001', 'filing', '3', '14',
                    "Set the kind to \"Registration Certificate\""),
                ('国械备20151134号', 'registration', '1', '14',
                    "Set the kind to \"Filing\""),
                ('国械注谁20163140001', 'registration', '3', '14',
                    "must be 准"),
                ('哈械注准20162140001', 'registration', '2', '14',
                    "known province"),
                ('浙沪械备20140027号', 'filing', '1', '14',
                    "one of its cities"),
                ('浙温械备20140027号', 'filing', '2', '14',
                    "Filings are for class I"),
                ]:
            with self.subTest(number=number, kind=kind):
                with self.assertRaisesRegex(
                        RegistrationNumberError, message):
                    create_registration(
                        number=number, kind=kind, device_class=class_,
                        category=category(code).id)

    @with_transaction()
    def test_registration_number_extendable(self):
        "Test a new city abbreviation makes its filings valid"
        pool = Pool()
        Abbreviation = pool.get('qms.region.abbreviation')
        values = {
            'number': '浙衢械备20140027号', 'kind': 'filing',
            'device_class': '1', 'expiration_date': None}
        with self.assertRaises(RegistrationNumberError):
            create_registration(**values)
        province, = Abbreviation.search([
                ('code', '=', '浙'), ('kind', '=', 'province')])
        Abbreviation.create([{
                    'code': '衢', 'name': "Quzhou", 'kind': 'city',
                    'parent': province.id}])
        create_registration(**values)

    @with_transaction()
    def test_registration_number_legacy(self):
        "Test legacy numbers are accepted after a warning"
        values = {'number': '国食药监械(准)字2004第3150001号'}
        with self.assertRaises(LegacyRegistrationNumberWarning):
            create_registration(**values)
        with Transaction().set_context(_skip_warnings=True):
            registration = create_registration(**values)
        self.assertEqual(registration.number, values['number'])

    @with_transaction()
    def test_registration_periods(self):
        "Test the first period follows the dates and renewals add periods"
        pool = Pool()
        Registration = pool.get('product.registration')
        registration = create_registration(
            issue_date=dt.date(2015, 1, 1),
            expiration_date=dt.date(2019, 12, 31))
        period, = registration.periods
        self.assertEqual(
            (period.start_date, period.end_date),
            (dt.date(2015, 1, 1), dt.date(2019, 12, 31)))

        Registration.write([registration], {
                'issue_date': dt.date(2015, 2, 1),
                'expiration_date': dt.date(2020, 1, 31),
                })
        period, = registration.periods
        self.assertEqual(
            (period.start_date, period.end_date),
            (dt.date(2015, 2, 1), dt.date(2020, 1, 31)))

        registration.add_period(dt.date(2025, 1, 31))
        registration = Registration(registration.id)
        self.assertEqual(registration.number, '国械注准20163140001')
        self.assertEqual(registration.expiration_date, dt.date(2025, 1, 31))
        self.assertEqual(
            [(p.start_date, p.end_date) for p in registration.periods], [
                (dt.date(2015, 2, 1), dt.date(2020, 1, 31)),
                (dt.date(2020, 2, 1), dt.date(2025, 1, 31)),
                ])
        self.assertTrue(registration.valid_on(dt.date(2016, 6, 1)))
        self.assertTrue(registration.valid_on(dt.date(2020, 2, 1)))
        self.assertFalse(registration.valid_on(dt.date(2025, 2, 1)))

        # A late renewal leaves a gap
        registration.add_period(
            dt.date(2031, 1, 31), issue_date=dt.date(2026, 3, 1))
        registration = Registration(registration.id)
        self.assertEqual(registration.issue_date, dt.date(2026, 3, 1))
        self.assertEqual(registration.periods[-1].start_date,
            dt.date(2026, 3, 1))
        self.assertFalse(registration.valid_on(dt.date(2026, 2, 1)))
        self.assertTrue(registration.valid_on(dt.date(2026, 3, 1)))

        with self.assertRaises(RegistrationRenewError):
            registration.add_period(dt.date(2030, 1, 1))

    @with_transaction()
    def test_registration_period_overlap(self):
        "Test periods may not overlap"
        pool = Pool()
        Period = pool.get('product.registration.period')
        registration = create_registration(
            issue_date=dt.date(2015, 1, 1),
            expiration_date=dt.date(2019, 12, 31))
        Period.create([{
                    'registration': registration.id,
                    'start_date': dt.date(2020, 1, 1),
                    'end_date': dt.date(2024, 12, 31),
                    }])
        with self.assertRaisesRegex(RegistrationPeriodError, "overlap"):
            Period.create([{
                        'registration': registration.id,
                        'start_date': dt.date(2019, 6, 1),
                        'end_date': dt.date(2019, 7, 1),
                        }])

    @with_transaction()
    def test_filing_not_renewed(self):
        "Test filings have no expiration and cannot be renewed"
        registration = create_registration(
            number='国械备20151134号', kind='filing', device_class='1',
            expiration_date=None)
        self.assertEqual(registration.state, 'valid')
        self.assertTrue(registration.valid_on(dt.date.today()))
        with self.assertRaises(RegistrationRenewError):
            registration.add_period(dt.date(2040, 1, 1))

    @with_transaction()
    def test_state_search(self):
        "Test searching registrations and qualifications by state"
        pool = Pool()
        Registration = pool.get('product.registration')
        Qualification = pool.get('party.qualification')
        Date = pool.get('ir.date')
        today = Date.today()
        for Model, create in [
                (Registration, create_registration),
                (Qualification, create_qualification),
                ]:
            records = {
                'valid': create(
                    expiration_date=today + dt.timedelta(days=91)),
                'expiring': create(
                    expiration_date=today + dt.timedelta(days=90)),
                'expired': create(
                    expiration_date=today - dt.timedelta(days=1)),
                'revoked': create(
                    expiration_date=today + dt.timedelta(days=900),
                    revoked=True),
                }
            for state, record in records.items():
                with self.subTest(model=Model.__name__, state=state):
                    self.assertEqual(record.state, state)
                    self.assertEqual(
                        Model.search([('state', '=', state)]), [record])
                    self.assertEqual(
                        set(Model.search([('state', '!=', state)])),
                        set(records.values()) - {record})
            self.assertEqual(
                set(Model.search([('state', 'in', ['expired', 'revoked'])])),
                {records['expired'], records['revoked']})

    @with_transaction()
    def test_expiry_warning_days(self):
        "Test the warning window is taken from the configuration"
        pool = Pool()
        Configuration = pool.get('qms.configuration')
        Qualification = pool.get('party.qualification')
        qualification = create_qualification(
            expiration_date=dt.date.today() + dt.timedelta(days=30))
        self.assertEqual(qualification.state, 'expiring')
        Configuration.write([Configuration(1)], {'expiry_warning_days': 10})
        qualification = Qualification(qualification.id)
        self.assertEqual(qualification.state, 'valid')
        self.assertEqual(
            Qualification.search([('state', '=', 'valid')]), [qualification])

    @with_transaction()
    def test_qualification_verify(self):
        "Test verification is recorded and voided by an edit"
        pool = Pool()
        Qualification = pool.get('party.qualification')
        qualification = create_qualification()
        Qualification.verify([qualification])
        self.assertEqual(qualification.verified_by.id, Transaction().user)
        self.assertEqual(qualification.verified_date, dt.date.today())

        Qualification.write([qualification], {'issuer': "Shanghai MPA"})
        self.assertTrue(qualification.verified_by)
        Qualification.write([qualification], {'number': '沪械经营许2'})
        self.assertIsNone(qualification.verified_by)
        self.assertIsNone(qualification.verified_date)

    @with_transaction()
    def test_qualification_verification_by_button(self):
        "Test the client verifies a qualification only with the button"
        pool = Pool()
        Qualification = pool.get('party.qualification')
        qualification = create_qualification()
        quality = create_user('quality', 'group_qms_quality')
        today = dt.date.today()
        with Transaction().set_user(quality.id), \
                Transaction().set_context(_check_access=True):
            qualification = Qualification(qualification.id)
            for values in [
                    {'verified_by': quality.id},
                    {'number': '沪械经营许2', 'verified_date': today},
                    ]:
                with self.subTest(values=values), \
                        self.assertRaises(AccessError):
                    Qualification.write([qualification], values)
            with self.assertRaises(AccessError):
                Qualification.create([{
                            'party': qualification.party.id,
                            'kind': 'filing', 'number': '沪械备3',
                            'verified_by': quality.id,
                            }])
            Qualification.verify([qualification])
            self.assertEqual(qualification.verified_by, quality)
            Qualification.write([qualification], {'number': '沪械经营许2'})
            self.assertIsNone(qualification.verified_by)

    @with_transaction()
    def test_workflow_guard(self):
        "Test external calls change no field only the workflow sets"
        pool = Pool()
        Concession = pool.get('qms.concession')
        Party = pool.get('party.party')
        Shipment = pool.get('stock.shipment.in')
        Location = pool.get('stock.location')
        party, = Party.create([{'name': "Hospital"}])
        company = create_company()
        warehouse, = Location.search([('type', '=', 'warehouse')])
        with set_company(company):
            shipment, = Shipment.create([{
                        'supplier': party.id,
                        'warehouse': warehouse.id,
                        'warehouse_input': warehouse.input_location.id,
                        'warehouse_storage': warehouse.storage_location.id,
                        }])
        values = {
            'number': 'C1', 'shipment': str(shipment),
            'customer': party.id, 'reason': "Late inspection",
            'customer_approval': "By phone",
            }
        quality = create_user('quality', 'group_qms_quality')
        with Transaction().set_user(quality.id), \
                Transaction().set_context(_check_access=True):
            for forged in [{'state': 'approved'}, {'approved_by': 1}]:
                with self.subTest(forged=forged), \
                        self.assertRaises(AccessError):
                    Concession.create([{**values, **forged}])
            concession, = Concession.create([{**values, 'state': 'draft'}])
        concession = Concession(concession.id)
        check = Concession.check_modification
        check('write', [concession], {'reason': "Later"}, external=True)
        for values in [{'state': 'approved'}, {'approved_by': 1}]:
            with self.subTest(values=values), self.assertRaises(AccessError):
                check('write', [concession], values, external=True)

        Concession.approve([concession])
        check('write', [concession], {'reason': "Later"})
        for values in [
                {'reason': "Later"},
                {'customer_document_name': "approval.pdf"},
                ]:
            with self.subTest(values=values), self.assertRaises(AccessError):
                check('write', [concession], values, external=True)

    @with_transaction()
    def test_qualification_business_licence(self):
        "Test a business licence carries a unified social credit code"
        qualification = create_qualification(kind='business', number=USCC)
        self.assertEqual(qualification.number, USCC)
        with self.assertRaisesRegex(
                QualificationNumberError, "unified social credit code"):
            create_qualification(kind='business', number=USCC[:-1] + 'X')
        create_qualification(kind='other', number='ANY-1')

    @with_transaction()
    def test_buyer_file(self):
        "Test the first-sale check of the buyer file"
        pool = Pool()
        Party = pool.get('party.party')
        Qualification = pool.get('party.qualification')
        qualification = create_qualification(
            expiration_date=dt.date.today() + dt.timedelta(days=300))
        party = qualification.party
        self.assertFalse(party.first_sale_checked)
        Qualification.verify([qualification])
        party = Party(party.id)
        self.assertTrue(party.first_sale_checked)
        Qualification.write([qualification], {
                'expiration_date': dt.date.today() - dt.timedelta(days=1),
                'verified_by': Transaction().user,
                })
        party = Party(party.id)
        self.assertFalse(party.first_sale_checked)

        self.assertIsNone(party.last_check_result)
        self.assertEqual(party.qualification_checks, ())

    @with_transaction()
    def test_qualification_history(self):
        "Test an edit creates a revision telling who changed what"
        pool = Pool()
        Qualification = pool.get('party.qualification')
        Party = pool.get('party.party')
        user = create_user('quality', 'group_qms_quality')
        qualification = create_qualification()
        created = backdate(qualification, 1)
        with Transaction().set_user(user.id):
            Qualification.write(
                [Qualification(qualification.id)], {'number': 'NEW-1'})
        qualification = Qualification(qualification.id)
        self.assertEqual(qualification.write_uid, user)
        with Transaction().set_context(_datetime=created):
            old = Qualification(qualification.id)
            self.assertEqual(old.number, '沪食药监械经营许20180045号')
        party = Party(qualification.party.id)
        revisions = party.qualification_revisions
        self.assertEqual(
            [(r.number, r.user) for r in revisions], [
                ('NEW-1', user),
                ('沪食药监械经营许20180045号', revisions[1].user),
                ])
        self.assertEqual(list(qualification.revisions), list(revisions))

    @with_transaction()
    def test_registration_history(self):
        "Test registrations keep their revisions"
        pool = Pool()
        Registration = pool.get('product.registration')
        registration = create_registration()
        created = backdate(registration, 1)
        Registration.write([registration], {'name': "Syringe 10 ml"})
        with Transaction().set_context(_datetime=created):
            self.assertEqual(Registration(registration.id).name, "Syringe")
        registration = Registration(registration.id)
        self.assertEqual(registration.name, "Syringe 10 ml")
        self.assertEqual(
            [(r.name, r.user.id) for r in registration.revisions], [
                ("Syringe 10 ml", Transaction().user),
                ("Syringe", Transaction().user),
                ])

    @with_transaction()
    def test_qualification_valid_on(self):
        "Test a qualification is valid from its issue to its expiration"
        today = dt.date.today()
        day = dt.timedelta(days=1)
        qualification = create_qualification(
            issue_date=today - day, expiration_date=today + day)
        self.assertFalse(qualification.valid_on(today - 2 * day))
        self.assertTrue(qualification.valid_on(today - day))
        self.assertTrue(qualification.valid_on(today + day))
        self.assertFalse(qualification.valid_on(today + 2 * day))
        qualification.revoked = True
        self.assertFalse(qualification.valid_on(today))

    @with_transaction()
    def test_qualification_number(self):
        "Test the number of the best valid licence for a device class"
        pool = Pool()
        Party = pool.get('party.party')
        today = dt.date.today()
        business = create_qualification(
            kind='business', number='91310000MA1FL4CT3U')
        party = business.party
        operating = create_qualification(party=party.id,
            number='沪食药监械经营许20180045号',
            expiration_date=today + dt.timedelta(days=10))
        create_qualification(party=party.id, kind='filing',
            number='沪食药监械经营备20180046号', revoked=True)
        party = Party(party.id)
        self.assertEqual(
            party.qualification_number('1', today), business.number)
        self.assertEqual(
            party.qualification_number('2', today), operating.number)
        self.assertEqual(
            party.qualification_number('3', today), operating.number)
        self.assertEqual(
            Party.qualification_number(party, None, today), operating.number)
        self.assertIsNone(party.qualification_number(
                '3', today + dt.timedelta(days=11)))

    @with_transaction()
    def test_registration_history_changes_only(self):
        "Test the change log shows no version that changes no shown field"
        pool = Pool()
        Registration = pool.get('product.registration')
        Revision = pool.get('product.registration.revision')
        registration = create_registration()
        Registration.write([registration], {'models': "10 ml"})
        Registration.write([registration], {'name': "Syringe"})
        Registration.write([registration], {'name': "Syringe 10 ml"})
        Registration.write([registration], {'models': "10 ml, 20 ml"})
        registration = Registration(registration.id)
        names = Revision._revision_columns()
        rows = [tuple(getattr(r, n) for n in names)
            for r in registration.revisions]
        self.assertEqual([r.name for r in registration.revisions],
            ["Syringe 10 ml", "Syringe"])
        for newer, older in zip(rows, rows[1:], strict=False):
            self.assertNotEqual(newer, older)

    @with_transaction()
    def test_expiry_reminder(self):
        "Test the daily reminder lists expiring and expired documents"
        pool = Pool()
        Reminder = pool.get('qms.expiry.reminder')
        Notification = pool.get('res.notification')
        Cron = pool.get('ir.cron')
        today = dt.date.today()
        user = create_user('quality', 'group_qms_quality')
        expired = create_qualification(
            expiration_date=today - dt.timedelta(days=5))
        create_qualification(expiration_date=today + dt.timedelta(days=500))
        expiring = create_registration(
            expiration_date=today + dt.timedelta(days=30))
        create_registration(expiration_date=today + dt.timedelta(days=500))

        cron = Cron(method='qms.expiry.reminder|generate', companies=[])
        cron.run_once()
        reminders = Reminder.search([])
        self.assertEqual(
            [(r.document, r.state, r.date) for r in reminders], [
                (expired, 'expired', today),
                (expiring, 'expiring', today),
                ])
        self.assertEqual(reminders[0].party, expired.party)
        self.assertEqual(reminders[1].party, expiring.registrant)
        notification, = Notification.search([('user', '=', user.id)])
        self.assertIn("1 expiring and 1 expired", notification.description)

        # Regenerated each day, not accumulated
        Reminder.generate()
        self.assertEqual(len(Reminder.search([])), 2)

    @with_transaction()
    def test_access(self):
        "Test sales users read but do not write qualifications"
        pool = Pool()
        ModelAccess = pool.get('ir.model.access')
        Qualification = pool.get('party.qualification')
        Registration = pool.get('product.registration')
        Category = pool.get('qms.device.category')
        qualification = create_qualification()
        registration = create_registration()
        sales = create_user('sales', 'group_qms_sales')
        quality = create_user('quality', 'group_qms_quality')
        manager = create_user('manager', 'group_qms_sales_manager')
        warehouse = create_user('warehouse', 'group_qms_warehouse')
        with Transaction().set_user(sales.id), \
                Transaction().set_context(_check_access=True):
            self.assertEqual(Qualification(qualification.id).number,
                qualification.number)
            for Model, record in [
                    (Qualification, qualification),
                    (Registration, registration),
                    (Category, category('01')),
                    ]:
                with self.subTest(model=Model.__name__), \
                        self.assertRaises(AccessError):
                    Model.write([Model(record.id)], {})
            with self.assertRaises(AccessButtonError):
                Qualification.verify([Qualification(qualification.id)])
            for model in ['qms.sales.authorization', 'qms.device.category',
                    'product.registration.period']:
                with self.subTest(model=model), \
                        self.assertRaises(AccessError):
                    ModelAccess.check(model, 'write')
        with Transaction().set_user(manager.id), \
                Transaction().set_context(_check_access=True):
            self.assertTrue(
                ModelAccess.check('qms.sales.authorization', 'write'))
        with Transaction().set_user(warehouse.id), \
                Transaction().set_context(_check_access=True):
            self.assertTrue(
                ModelAccess.check('qms.sales.authorization', 'read'))
            with self.assertRaises(AccessError):
                ModelAccess.check('party.qualification', 'write')
        with Transaction().set_user(quality.id), \
                Transaction().set_context(_check_access=True):
            for model in ['qms.device.category', 'qms.region.abbreviation',
                    'product.registration.period']:
                self.assertTrue(ModelAccess.check(model, 'write'))
            Qualification.write([Qualification(qualification.id)], {
                    'issuer': "MPA"})
            Registration.write([Registration(registration.id)], {
                    'models': "5 ml"})


del ModuleTestCase
