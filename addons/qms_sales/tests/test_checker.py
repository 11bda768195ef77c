# This file is part of the QMS modules for Tryton.
import base64
import datetime as dt
import json
import unittest
from contextlib import contextmanager
from decimal import Decimal
from itertools import count
from unittest.mock import patch
from urllib.parse import quote

from stdnum import ean
from stdnum.cn import uscc

from trytond.exceptions import UserError
from trytond.model.exceptions import AccessError
from trytond.modules.company.tests import (
    create_company,
    create_employee,
    set_company,
)
from trytond.modules.qms_sales.exceptions import (
    FieldValueError,
    GateError,
    ImplantableLotError,
    ImplantSerialError,
    OverrideError,
    RegistrationDeleteError,
    SaleLineValueError,
)
from trytond.modules.qms_sales.tests.tools import (
    count_queries,
    load_translations,
)
from trytond.pool import Pool
from trytond.tests.test_tryton import (
    RouteTestCase,
    activate_module,
    drop_db,
    with_transaction,
)
from trytond.transaction import Transaction

today = dt.date.today  # called each time: a run may cross midnight
YEAR = dt.timedelta(days=365)
SERIAL = count(1)


def business_number():
    "Return a new valid unified social credit code"
    number = '91110105MA01%05d' % next(SERIAL)
    return number + uscc.calc_check_digit(number)


def registration_number(device_class, code):
    "Return a new valid registration or filing number"
    serial = next(SERIAL) % 10000
    if device_class == '1':
        return f'国械备2015{serial:04d}号'
    prefix = '国' if device_class == '3' else '粤'
    return f'{prefix}械注准2016{device_class}{code[:2]}{serial:04d}'


def category(code):
    pool = Pool()
    Category = pool.get('qms.device.category')
    category, = Category.search([('code', '=', code)])
    return category


def create_customer(name="Customer", buyer_type='distributor',
        qualifications=None):
    "Create a customer with qualifications as a list of dict"
    pool = Pool()
    Party = pool.get('party.party')
    Qualification = pool.get('party.qualification')
    User = pool.get('res.user')
    party = Party(name=name, buyer_type=buyer_type)
    party.addresses = [{}]
    party.save()
    for values in qualifications or []:
        values = values.copy()
        if values['kind'] == 'business':
            values.setdefault('number', business_number())
        values.setdefault('number', f"{name}-{values['kind']}")
        values.setdefault('issue_date', today() - 2 * YEAR)
        values.setdefault('expiration_date', today() + 2 * YEAR)
        values.setdefault('device_classes', ['1', '2', '3'])
        values.setdefault('categories', [category('14')])
        values.setdefault('verified', True)
        if values.pop('verified'):
            values['verified_by'] = User(1)
            values['verified_date'] = today()
        Qualification(party=party, **values).save()
    return party


def qualified_customer(name="Customer", kind='operating'):
    return create_customer(name, qualifications=[
            {'kind': 'business'}, {'kind': kind}])


def create_registration(device_class='3', code='14', periods=None,
        number=None, **values):
    pool = Pool()
    Party = pool.get('party.party')
    Registration = pool.get('product.registration')
    manufacturer, = Party.create([{'name': "Manufacturer"}])
    if device_class != '1':
        values.setdefault('expiration_date', today() + 2 * YEAR)
    registration = Registration(
        number=number or registration_number(device_class, code),
        kind='registration' if device_class != '1' else 'filing',
        device_class=device_class,
        category=category(code), name="Device",
        registrant=manufacturer, manufacturer=manufacturer,
        issue_date=today() - 3 * YEAR, **values)
    if periods:
        registration.periods = [
            {'start_date': s, 'end_date': e} for s, e in periods]
    registration.save()
    return registration


def create_product(name="Syringe", device_class='3', registration=True,
        **values):
    pool = Pool()
    Template = pool.get('product.template')
    Uom = pool.get('product.uom')
    unit, = Uom.search([('name', '=', 'Unit')])
    if registration is True:
        registration = create_registration(device_class)
    template, = Template.create([{
                'name': name,
                'type': 'goods',
                'default_uom': unit.id,
                'purchase_uom': unit.id,
                'sale_uom': unit.id,
                'salable': True,
                'purchasable': True,
                'list_price': Decimal('10'),
                'device_class': device_class,
                'registration': registration.id if registration else None,
                'products': [('create', [{}])],
                **values,
                }])
    product, = template.products
    return product


def create_sale(customer, products, quantity=1, **values):
    pool = Pool()
    Sale = pool.get('sale.sale')
    address, = customer.addresses
    sale = Sale(party=customer, invoice_address=address,
        shipment_address=address, invoice_method='manual', **values)
    sale.lines = [{
            'product': p,
            'quantity': quantity,
            'unit': p.default_uom,
            'unit_price': Decimal('10'),
            } for p in products]
    sale.save()
    return sale


def authorize(employee, parties=(), territory=(), templates=(),
        categories=(), valid_from=None, valid_to=None):
    pool = Pool()
    Authorization = pool.get('qms.sales.authorization')
    authorization = Authorization(
        number=f'AUTH-{employee.id}', employee=employee,
        company=employee.company, id_number='110101199001011234',
        parties=list(parties), territory=list(territory),
        products=list(templates), categories=list(categories),
        valid_from=valid_from or today() - YEAR,
        valid_to=valid_to or today() + YEAR)
    authorization.save()
    return authorization


def codes(failures):
    return sorted({f.code for f in failures})


class QmsSalesGateTestCase(unittest.TestCase):
    "Test the qualification gate of qms_sales"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        drop_db()
        activate_module(['qms_sales'])

    @classmethod
    def tearDownClass(cls):
        super().tearDownClass()
        drop_db()

    @contextmanager
    def company(self):
        company = create_company()
        with set_company(company):
            self.employee = create_employee(company, "Salesperson")
            with Transaction().set_context(employee=self.employee.id):
                yield company

    def check(self, records, operation):
        pool = Pool()
        Checker = pool.get('qms.checker')
        return Checker.check(records, operation)

    @with_transaction()
    def test_q01_customer_qualified(self):
        "Test Q01 passes with a verified licence of the right kind"
        with self.company():
            product = create_product(device_class='3')
            for kind, device_class, buyer_type in [
                    ('operating', '3', 'distributor'),
                    ('operating', '2', 'distributor'),
                    ('filing', '2', 'distributor'),
                    ('business', '1', 'distributor'),
                    ('medical', '3', 'user'),
                    ('intended_use', '2', 'need'),
                    ]:
                with self.subTest(kind=kind, device_class=device_class):
                    product = create_product(device_class=device_class)
                    customer = create_customer(
                        buyer_type=buyer_type, qualifications=[
                            {'kind': kind}])
                    sale = create_sale(customer, [product])
                    self.assertNotIn(
                        'Q01', codes(self.check([sale], 'quote')))

    @with_transaction()
    def test_q01_customer_kind_missing(self):
        "Test Q01 fails without the licence the class needs"
        with self.company():
            for kind, device_class, buyer_type, exempt in [
                    ('filing', '3', 'distributor', False),
                    ('business', '2', 'distributor', False),
                    ('operating', '3', 'user', False),
                    ('operating', '3', 'need', False),
                    ]:
                with self.subTest(kind=kind, device_class=device_class):
                    product = create_product(
                        device_class=device_class, filing_exempt=exempt)
                    customer = create_customer(
                        buyer_type=buyer_type, qualifications=[
                            {'kind': kind}])
                    sale = create_sale(customer, [product])
                    failures = self.check([sale], 'quote')
                    self.assertEqual(codes(failures), ['Q01'])
                    self.assertIn(customer.rec_name, failures[0].message)
                    self.assertIn(product.rec_name, failures[0].message)

    @with_transaction()
    def test_q01_filing_exempt(self):
        "Test Q01 class II exempt device needs only a business licence"
        with self.company():
            product = create_product(device_class='2', filing_exempt=True)
            customer = create_customer(qualifications=[{'kind': 'business'}])
            sale = create_sale(customer, [product])
            self.assertEqual(self.check([sale], 'quote'), [])

    @with_transaction()
    def test_q01_customer_invalid(self):
        "Test Q01 fails with an expired, revoked or unverified licence"
        with self.company():
            product = create_product(device_class='3')
            for values in [
                    {'expiration_date': today() - dt.timedelta(days=1)},
                    {'revoked': True},
                    {'verified': False},
                    {'device_classes': ['1', '2']},
                    {'categories': []},
                    {'categories': [category('07')]},
                    ]:
                with self.subTest(values=values):
                    customer = create_customer(qualifications=[
                            {'kind': 'operating', **values}])
                    sale = create_sale(customer, [product])
                    self.assertEqual(
                        codes(self.check([sale], 'quote')), ['Q01'])

    @with_transaction()
    def test_q01_scope_sub_category(self):
        "Test Q01 a category in scope covers its sub-categories"
        pool = Pool()
        Category = pool.get('qms.device.category')
        with self.company():
            sub, = Category.create([{
                        'code': '14-01', 'name': "Syringes",
                        'parent': category('14').id}])
            registration = create_registration(code='14-01')
            product = create_product(registration=registration)
            sale = create_sale(qualified_customer(), [product])
            self.assertEqual(self.check([sale], 'quote'), [])

            customer = create_customer(qualifications=[
                    {'kind': 'operating', 'categories': [sub]}])
            registration = create_registration(code='14')
            product = create_product(registration=registration)
            sale = create_sale(customer, [product])
            self.assertEqual(codes(self.check([sale], 'quote')), ['Q01'])

    @with_transaction()
    def test_q02_registration(self):
        "Test Q02 on the sale date"
        with self.company():
            customer = qualified_customer()
            good = create_product()
            sale = create_sale(customer, [good])
            self.assertEqual(self.check([sale], 'quote'), [])
            for registration in [
                    None,
                    create_registration(revoked=True),
                    create_registration(
                        expiration_date=today() - dt.timedelta(days=1)),
                    create_registration(
                        expiration_date=today() - YEAR,
                        periods=[(today() - 3 * YEAR, today() - YEAR)]),
                    ]:
                with self.subTest(registration=registration):
                    product = create_product(registration=registration)
                    sale = create_sale(customer, [product])
                    failures = self.check([sale], 'quote')
                    self.assertIn('Q02', codes(failures))

    @with_transaction()
    def test_q02_sales_stop(self):
        "Test Q02 fails for a product under a sales stop"
        pool = Pool()
        Product = pool.get('product.product')
        with self.company():
            sale = create_sale(qualified_customer(), [create_product()])
            with patch.object(Product, 'get_sales_stopped',
                    classmethod(lambda cls, records, date=None: records)):
                self.assertEqual(codes(self.check([sale], 'quote')), ['Q02'])

    @with_transaction()
    def test_non_device(self):
        "Test a product that is no medical device passes the gate"
        with self.company():
            product = create_product(device_class=None, registration=None)
            customer = create_customer()
            sale = create_sale(customer, [product])
            self.assertEqual(self.check([sale], 'quote'), [])

    @with_transaction()
    def test_q04_authorization(self):
        "Test Q04 salesperson authorisation"
        pool = Pool()
        Country = pool.get('country.country')
        Subdivision = pool.get('country.subdivision')
        Sale = pool.get('sale.sale')
        with self.company():
            customer = qualified_customer()
            product = create_product()
            sale = create_sale(customer, [product])
            self.assertEqual(sale.salesperson, self.employee)
            self.assertEqual(codes(self.check([sale], 'confirm')), ['Q04'])

            authorization = authorize(self.employee, parties=[customer],
                templates=[product.template])
            self.assertEqual(self.check([sale], 'confirm'), [])

            other = create_product()
            sale2 = create_sale(customer, [product, other])
            failures = self.check([sale2], 'confirm')
            self.assertEqual(codes(failures), ['Q04'])
            self.assertIn(other.rec_name, failures[0].message)
            authorization.categories = [category('14')]
            authorization.save()
            self.assertEqual(self.check([sale2], 'confirm'), [])

            authorization.valid_to = today() - dt.timedelta(days=1)
            authorization.save()
            self.assertEqual(codes(self.check([sale], 'confirm')), ['Q04'])

            # territory
            country = Country(name="China", code='CN')
            country.save()
            province = Subdivision(
                country=country, name="Beijing", code='CN-BJ',
                type='municipality')
            province.save()
            district = Subdivision(
                country=country, name="Chaoyang", code='CN-BJ-CY',
                type='district', parent=province)
            district.save()
            other_customer = qualified_customer("Other")
            address, = other_customer.addresses
            address.country = country
            address.subdivision = district
            address.save()
            sale3 = create_sale(other_customer, [product])
            authorize(self.employee, territory=[province],
                templates=[product.template])
            self.assertEqual(self.check([sale3], 'confirm'), [])

            Sale.write([sale3], {'salesperson': None})
            self.assertEqual(codes(self.check([sale3], 'confirm')), ['Q04'])

    @with_transaction()
    def test_q04_override(self):
        "Test Q04 override by a sales manager only, recorded forever"
        pool = Pool()
        Override = pool.get('qms.sales.override')
        User = pool.get('res.user')
        ModelData = pool.get('ir.model.data')
        with self.company() as company:
            sale = create_sale(qualified_customer(), [create_product()])
            self.assertEqual(codes(self.check([sale], 'confirm')), ['Q04'])
            values = {'sale': sale.id, 'rule': 'Q04', 'reason': "Urgent"}
            with self.assertRaises(OverrideError):
                Override.create([values])

            manager = User(login='manager', name="Manager",
                companies=[company], company=company, groups=[
                    ModelData.get_id('qms_sales', 'group_qms_sales_manager')])
            manager.save()
            with Transaction().set_user(manager.id):
                override, = Override.create([values])
            self.assertEqual(override.user, manager)
            self.assertEqual(self.check([sale], 'confirm'), [])
            with self.assertRaises(AccessError):
                Override.write([override], {'reason': "Other"})
            with self.assertRaises(AccessError):
                Override.delete([override])

    @with_transaction()
    def test_override_q04_only(self):
        "Test Q01, Q02 and Q05 have no override, not even a manager's"
        pool = Pool()
        Override = pool.get('qms.sales.override')
        User = pool.get('res.user')
        ModelData = pool.get('ir.model.data')
        Configuration = pool.get('qms.configuration')
        with self.company() as company:
            Configuration.write([Configuration(1)],
                {'review_amount': Decimal('1')})
            customer = create_customer(qualifications=[{'kind': 'business'}])
            sale = create_sale(customer,
                [create_product(), create_product(registration=None)],
                quantity=10)
            self.assertEqual(codes(self.check([sale], 'confirm')),
                ['Q01', 'Q02', 'Q04', 'Q05'])
            manager = User(login='manager', name="Manager",
                companies=[company], company=company, groups=[
                    ModelData.get_id('qms_sales', 'group_qms_sales_manager')])
            manager.save()
            with Transaction().set_user(manager.id):
                for rule in ['Q01', 'Q02', 'Q03', 'Q05', 'Q06']:
                    with self.subTest(rule=rule), \
                            self.assertRaises(UserError):
                        Override.create([{
                                    'sale': sale.id, 'rule': rule,
                                    'reason': "Urgent"}])
                Override.create([{
                            'sale': sale.id, 'rule': 'Q04',
                            'reason': "Letter signed, scan pending"}])
            self.assertEqual(codes(self.check([sale], 'confirm')),
                ['Q01', 'Q02', 'Q05'])

    @with_transaction()
    def test_q05_review(self):
        "Test Q05 contract review required, recorded and re-opened"
        pool = Pool()
        Sale = pool.get('sale.sale')
        Line = pool.get('sale.line')
        Configuration = pool.get('qms.configuration')
        with self.company():
            customer = qualified_customer()
            product = create_product()
            authorize(self.employee, parties=[customer],
                categories=[category('14')])
            Configuration.write([Configuration(1)],
                {'review_amount': Decimal('100')})

            sale = create_sale(customer, [product], quantity=5)
            self.assertFalse(sale.review_required)
            self.assertEqual(self.check([sale], 'confirm'), [])

            for values in [{'tender': True}, {'non_standard_terms': True}]:
                with self.subTest(values=values):
                    sale = create_sale(customer, [product], **values)
                    self.assertTrue(sale.review_required)
                    self.assertEqual(
                        codes(self.check([sale], 'confirm')), ['Q05'])

            sale = create_sale(customer, [product], quantity=20)
            self.assertTrue(sale.review_required)
            self.assertEqual(codes(self.check([sale], 'confirm')), ['Q05'])
            Sale.review([sale])
            self.assertEqual(sale.reviewed_by.id, Transaction().user)
            self.assertTrue(sale.reviewed_at)
            self.assertEqual(self.check([sale], 'confirm'), [])

            # amending a line re-opens the review
            Line.write(list(sale.lines), {'quantity': 30})
            self.assertIsNone(sale.reviewed_by)
            self.assertEqual(codes(self.check([sale], 'confirm')), ['Q05'])

            Sale.review([sale])
            Sale.write([sale], {'payment_term': None, 'tender': True})
            self.assertIsNone(sale.reviewed_by)

            Sale.review([sale])
            Sale.quote([sale])
            self.assertTrue(sale.reviewed_by)
            # amending the quotation re-opens the review
            Line.write(list(sale.lines), {'quantity': 25})
            self.assertIsNone(sale.reviewed_by)
            self.assertEqual(codes(self.check([sale], 'confirm')), ['Q05'])
            Sale.review([sale])
            Sale.write([sale], {'non_standard_terms': True})
            self.assertIsNone(sale.reviewed_by)
            Sale.review([sale])
            Sale.draft([sale])
            self.assertIsNone(sale.reviewed_by)

            # the review is recorded only by the button
            with Transaction().set_context(_check_access=True):
                with self.assertRaises(AccessError):
                    Sale.write([sale], {'reviewed_by': 1})

    @with_transaction()
    def test_all_failures_at_once(self):
        "Test a blocked confirmation lists every failure, admin included"
        pool = Pool()
        Sale = pool.get('sale.sale')
        Configuration = pool.get('qms.configuration')
        with self.company():
            Configuration.write([Configuration(1)],
                {'review_amount': Decimal('1')})
            customer = create_customer(qualifications=[
                    {'kind': 'operating',
                        'expiration_date': today() - dt.timedelta(days=1)}])
            good = create_product()
            bad = create_product("Mask", registration=None)
            sale = create_sale(customer, [good, bad], quantity=10)
            self.assertEqual(
                codes(self.check([sale], 'confirm')),
                ['Q01', 'Q02', 'Q04', 'Q05'])
            with self.assertRaises(GateError) as cm:
                Sale.quote([sale])
            message = cm.exception.message
            self.assertIn('[Q01]', message)
            self.assertIn('[Q02]', message)
            self.assertEqual(message.count('[Q01]'), 2)
            self.assertEqual(sale.state, 'draft')

            # not even root
            with Transaction().set_user(0):
                with self.assertRaises(GateError):
                    Sale.quote([sale])

    @with_transaction()
    def test_sale_quote_confirm(self):
        "Test a qualified sale is quoted and confirmed"
        pool = Pool()
        Sale = pool.get('sale.sale')
        with self.company():
            customer = qualified_customer()
            product = create_product()
            authorize(self.employee, parties=[customer],
                templates=[product.template])
            sale = create_sale(customer, [product])
            Sale.quote([sale])
            Sale.confirm([sale])
            self.assertIn(sale.state, {'confirmed', 'processing'})

            # both checks are in the buyer file, the last one first
            confirmed, quoted = customer.qualification_checks
            self.assertEqual(
                [(c.operation, c.result, c.document, c.user.id)
                    for c in [confirmed, quoted]],
                [('confirm', 'passed', sale, Transaction().user),
                    ('quote', 'passed', sale, Transaction().user)])
            self.assertEqual(customer.last_check_result, 'passed')
            self.assertEqual(customer.last_check_date, confirmed.date)
            self.assertEqual(customer.last_check_user.id, Transaction().user)
            self.assertFalse(customer.last_check_failures)

    @with_transaction()
    def test_check_immutable(self):
        "Test a qualification check is neither changed nor deleted"
        pool = Pool()
        Sale = pool.get('sale.sale')
        Check = pool.get('qms.gate.check')
        with self.company():
            customer = qualified_customer()
            sale = create_sale(customer, [create_product()])
            Sale.quote([sale])
            check, = customer.qualification_checks
            for method, args in [
                    (Check.write, ([check], {'result': 'blocked'})),
                    (Check.delete, ([check],)),
                    ]:
                with self.subTest(method=method.__name__), \
                        self.assertRaises(AccessError):
                    method(*args)

    def _check_wizard(self, records):
        "Run the Check Qualifications wizard and return its result"
        pool = Pool()
        Wizard = pool.get('qms.gate.check.wizard', type='wizard')
        with Transaction().set_context(
                active_model=records[0].__name__,
                active_id=records[0].id,
                active_ids=[r.id for r in records]):
            session_id, _, _ = Wizard.create()
            result = Wizard.execute(session_id, {}, 'start')
            Wizard.delete(session_id)
        return result['view']['defaults']

    @with_transaction()
    def test_check_wizard_sale(self):
        "Test Check Qualifications shows every failure and changes nothing"
        pool = Pool()
        Sale = pool.get('sale.sale')
        with self.company():
            customer = create_customer(qualifications=[{'kind': 'business'}])
            sale = create_sale(customer, [create_product()])
            result = self._check_wizard([sale])
            self.assertEqual(result['result'], 'failed')
            self.assertEqual(result['documents'], f"Sale Draft {sale.id}")
            # the rules up to confirmation: Q01 and Q04 (no letter)
            self.assertIn('[Q01]', result['failures'])
            self.assertIn('[Q04]', result['failures'])
            self.assertEqual(Sale(sale.id).state, 'draft')
            check, = customer.qualification_checks
            self.assertEqual(
                (check.operation, check.result, check.codes),
                ('check', 'failed', 'Q01 Q04'))
            self.assertEqual(check.failures, result['failures'])

            customer = qualified_customer("Qualified")
            product = create_product()
            authorize(self.employee, parties=[customer],
                templates=[product.template])
            sale = create_sale(customer, [product])
            result = self._check_wizard([sale])
            self.assertEqual(result['result'], 'passed')
            self.assertFalse(result['failures'])

    @with_transaction()
    def test_check_failures_in_reader_language(self):
        "Test a recorded check reads in the language of its reader"
        pool = Pool()
        Check = pool.get('qms.gate.check')
        load_translations('zh_CN', 'qms_sales')
        with self.company():
            customer = create_customer(qualifications=[{'kind': 'business'}])
            sale = create_sale(
                customer, [create_product(device_class='3')], tender=True)
            self._check_wizard([sale])
            check, = customer.qualification_checks
            with Transaction().set_context(language='en'):
                failures = Check(check.id).failures
                self.assertIn("Class III Operating Licence", failures)
                self.assertIn("(tender)", failures)
            with Transaction().set_context(language='zh_CN'):
                failures = Check(check.id).failures
                self.assertIn("第三类医疗器械经营许可证", failures)
                self.assertIn("（招投标）", failures)
                self.assertIn("[Q01] 客户", failures)
                self.assertNotIn("Operating Licence", failures)

    def _shipment(self, customer, products, lots=None):
        "Create a customer shipment of one unit of each product and lot"
        pool = Pool()
        Shipment = pool.get('stock.shipment.out')
        Location = pool.get('stock.location')
        warehouse, = Location.search([('code', '=', 'WH')])
        company = Transaction().context['company']
        address, = customer.addresses
        shipment = Shipment(
            customer=customer, delivery_address=address,
            warehouse=warehouse, company=company)
        shipment.on_change_warehouse()
        if not isinstance(products, list):
            products, lots = [products], [lots]
        shipment.outgoing_moves = [{
                'product': product,
                'lot': lot,
                'quantity': 1,
                'unit': product.default_uom,
                'from_location': warehouse.output_location,
                'to_location': customer.customer_location,
                'unit_price': Decimal('10'),
                'currency': shipment.company.currency,
                'company': company,
                } for product, lot in zip(products, lots or [None] * len(
                    products), strict=False)]
        shipment.save()
        return shipment

    def _lot(self, product, production_date):
        pool = Pool()
        Lot = pool.get('stock.lot')
        lot = Lot(number=f'L{production_date}', product=product,
            production_date=production_date)
        lot.save()
        return lot

    @with_transaction()
    def test_q02_lot_production_date(self):
        "Test Q02 at delivery uses the lot production date"
        with self.company():
            customer = qualified_customer()
            registration = create_registration(
                expiration_date=today() + YEAR, periods=[
                    (today() - 3 * YEAR, today() - YEAR),
                    (today() - YEAR + dt.timedelta(days=30), today() + YEAR),
                    ])
            product = create_product(registration=registration)
            old = self._lot(product, today() - 2 * YEAR)
            gap = self._lot(product, today() - YEAR + dt.timedelta(days=10))
            new = self._lot(product, today() - dt.timedelta(days=10))
            for lot, result in [
                    (old, []), (new, []), (gap, ['Q02']), (None, [])]:
                with self.subTest(lot=lot):
                    shipment = self._shipment(customer, product, lot)
                    self.assertEqual(
                        codes(self.check([shipment], 'pack')), result)

            # a lot produced under the old period ships after expiry
            registration = create_registration(
                expiration_date=today() - dt.timedelta(days=1), periods=[
                    (today() - 3 * YEAR, today() - dt.timedelta(days=1))])
            product = create_product(registration=registration)
            old = self._lot(product, today() - YEAR)
            shipment = self._shipment(customer, product, old)
            self.assertEqual(self.check([shipment], 'do'), [])
            shipment = self._shipment(customer, product)
            self.assertEqual(codes(self.check([shipment], 'do')), ['Q02'])
            late = self._lot(product, today())
            shipment = self._shipment(customer, product, late)
            failures = self.check([shipment], 'do')
            self.assertEqual(codes(failures), ['Q02'])
            self.assertIn(late.number, failures[0].message)

    @with_transaction()
    def test_q02_lot_sales_stop(self):
        "Test Q02 fails for a lot under a sales stop"
        pool = Pool()
        Lot = pool.get('stock.lot')
        with self.company():
            product = create_product()
            lot = self._lot(product, today() - YEAR)
            shipment = self._shipment(qualified_customer(), product, lot)
            with patch.object(Lot, 'get_sales_stopped',
                    classmethod(lambda cls, records, date=None: records)):
                self.assertEqual(
                    codes(self.check([shipment], 'do')), ['Q02'])

    @with_transaction()
    def test_q01_at_delivery(self):
        "Test Q01 runs again at delivery"
        pool = Pool()
        Qualification = pool.get('party.qualification')
        with self.company():
            customer = qualified_customer()
            product = create_product()
            shipment = self._shipment(customer, product)
            self.assertEqual(self.check([shipment], 'pack'), [])
            Qualification.write(
                [q for q in customer.qualifications
                    if q.kind == 'operating'],
                {'expiration_date': today() - dt.timedelta(days=1)})
            self.assertEqual(codes(self.check([shipment], 'pack')), ['Q01'])

    @with_transaction()
    def test_q06_inspection(self):
        "Test Q06 inspections must pass unless a concession is approved"
        pool = Pool()
        Shipment = pool.get('stock.shipment.out')
        Qualification = pool.get('party.qualification')
        Inspection = pool.get('quality.inspection')
        Control = pool.get('quality.control')
        Concession = pool.get('qms.concession')
        with self.company():
            customer = qualified_customer()
            product = create_product()
            shipment = self._shipment(customer, product)
            self.assertEqual(self.check([shipment], 'do'), [])
            self.assertEqual(shipment.inspection_state, 'none')

            control = Control(name="Pre-shipment", operations=[
                    'stock.shipment.out:pack'],
                points=[{'name': 'ok', 'string': "OK", 'type_': 'boolean'}])
            control.save()
            self.assertEqual(codes(self.check([shipment], 'do')), ['Q06'])
            self.assertEqual(shipment.inspection_state, 'pending')
            result = self._check_wizard([shipment])
            self.assertEqual(result['result'], 'failed')
            self.assertIn('[Q06]', result['failures'])
            self.assertIn(control.rec_name, result['failures'])

            inspection = Inspection(control=control, origin=shipment,
                points={'ok': False})
            inspection.save()
            Inspection.process([inspection])
            self.assertEqual(inspection.state, 'failed')
            failures = self.check([shipment], 'do')
            self.assertEqual(codes(failures), ['Q06'])
            self.assertIn(inspection.rec_name, failures[0].message)
            self.assertEqual(
                Shipment(shipment.id).inspection_state, 'failed')

            concession = Concession(number='C1', shipment=shipment,
                customer=customer, reason="Visual check only",
                customer_approval="Approved by phone, Dr. Li")
            concession.save()
            self.assertEqual(codes(self.check([shipment], 'do')), ['Q06'])
            Concession.approve([concession])
            self.assertEqual(self.check([shipment], 'do'), [])
            shipment = Shipment(shipment.id)
            self.assertEqual(shipment.concessions, (concession,))
            self.assertEqual(shipment.inspection_state, 'conceded')

            # a concession releases Q06 only
            Qualification.write(
                [q for q in customer.qualifications
                    if q.kind == 'operating'],
                {'expiration_date': today() - dt.timedelta(days=1)})
            self.assertEqual(codes(self.check([shipment], 'do')), ['Q01'])
            Qualification.write(
                [q for q in customer.qualifications
                    if q.kind == 'operating'],
                {'expiration_date': today() + YEAR,
                    'verified_by': Transaction().user})

            Inspection.write([inspection], {'points': {'ok': True}})
            Inspection.pass_([inspection])
            Concession.cancel([concession])
            self.assertEqual(self.check([shipment], 'do'), [])
            self.assertEqual(
                Shipment(shipment.id).inspection_state, 'passed')

    @with_transaction()
    def test_concession_customer(self):
        "Test a concession names the customer of its shipment"
        pool = Pool()
        Concession = pool.get('qms.concession')
        with self.company():
            shipment = self._shipment(qualified_customer(), create_product())
            concession = Concession(number='C1', shipment=shipment,
                customer=create_customer("Other"), reason="R",
                customer_approval="A")
            with self.assertRaises(UserError):
                concession.save()

    @with_transaction()
    def test_q03_supplier(self):
        "Test Q03 supplier qualification and registration on receipt"
        pool = Pool()
        Shipment = pool.get('stock.shipment.in')
        Qualification = pool.get('party.qualification')
        Location = pool.get('stock.location')
        with self.company() as company:
            warehouse, = Location.search([('code', '=', 'WH')])
            product = create_product()
            expired = create_product(registration=create_registration(
                    expiration_date=today() - dt.timedelta(days=1)))

            def shipment(supplier, product):
                shipment = Shipment(supplier=supplier, warehouse=warehouse,
                    company=company)
                shipment.on_change_warehouse()
                shipment.incoming_moves = [{
                        'product': product,
                        'quantity': 1,
                        'unit': product.default_uom,
                        'from_location': supplier.supplier_location,
                        'to_location': shipment.warehouse_input,
                        'unit_price': Decimal('5'),
                        'currency': company.currency,
                        'company': company,
                        }]
                shipment.save()
                return shipment

            supplier = create_customer("Supplier", 'manufacturer', [
                    {'kind': 'business'}, {'kind': 'production'}])
            self.assertEqual(
                self.check([shipment(supplier, product)], 'receive'), [])
            self.assertEqual(codes(self.check(
                        [shipment(supplier, expired)], 'receive')), ['Q03'])
            unlicensed = create_customer("Trader", 'distributor', [
                    {'kind': 'business'}])
            failures = self.check([shipment(unlicensed, product)], 'do')
            self.assertEqual(codes(failures), ['Q03'])
            self.assertIn("Trader", failures[0].message)

            blocked = shipment(unlicensed, product)
            with self.assertRaises(GateError) as cm:
                Shipment.receive([blocked])
            self.assertIn('[Q03]', cm.exception.message)
            self.assertEqual(blocked.state, 'draft')
            received = shipment(supplier, product)
            with Transaction().set_context(_skip_warnings=True):
                Shipment.receive([received])
            self.assertEqual(received.state, 'received')

            # the licence lapses before the goods are put away
            Qualification.write(
                [q for q in supplier.qualifications
                    if q.kind == 'production'],
                {'expiration_date': today() - dt.timedelta(days=1)})
            result = self._check_wizard([received])
            self.assertEqual(result['result'], 'failed')
            self.assertIn('[Q03]', result['failures'])
            with self.assertRaises(GateError) as cm:
                Shipment.do([received])
            self.assertIn('[Q03]', cm.exception.message)
            self.assertEqual(received.state, 'received')
            self.assertEqual(
                [(c.operation, c.result) for c in supplier.qualification_checks
                    if c.document == received],
                [('check', 'failed'), ('receive', 'passed')])

    @with_transaction()
    def test_implantable_serial(self):
        "Test an implant is tracked by serial: lots required, one unit each"
        pool = Pool()
        Template = pool.get('product.template')
        Move = pool.get('stock.move')
        Location = pool.get('stock.location')
        Lot = pool.get('stock.lot')
        with self.company() as company, \
                Transaction().set_context(_skip_warnings=True):
            with self.assertRaises(ImplantableLotError):
                create_product("Stent", implantable=True)
            template = Template(implantable=True, lot_required=['customer'])
            template.on_change_implantable()
            self.assertEqual(sorted(template.lot_required),
                ['customer', 'storage', 'supplier'])

            product = create_product("Stent", implantable=True,
                lot_required=['supplier', 'storage', 'customer'])
            supplier, = Location.search([('code', '=', 'SUP')])
            storage, = Location.search([('code', '=', 'STO')])
            serials = Lot.create([
                    {'number': f'SN{i}', 'product': product.id}
                    for i in range(2)])

            def move(quantity, lot):
                move = Move(product=product, lot=lot, quantity=quantity,
                    unit=product.default_uom, from_location=supplier,
                    to_location=storage, company=company,
                    unit_price=Decimal(5), currency=company.currency)
                move.save()
                return move
            two = move(2, serials[0])
            with self.assertRaises(ImplantSerialError) as cm:
                Move.do([two])
            self.assertIn('SN0', cm.exception.message)
            with self.assertRaises(UserError):  # Tryton's lot required
                Move.do([move(1, None)])
            one = move(1, serials[1])
            Move.do([one])
            self.assertEqual(one.state, 'done')

    @with_transaction()
    def test_udi_di(self):
        "Test the UDI-DI is the product's GTIN identifier"
        pool = Pool()
        Product = pool.get('product.product')
        Identifier = pool.get('product.identifier')
        with self.company():
            product = create_product()
            self.assertIsNone(product.udi_di)
            gtin = '0690123456789'
            gtin += ean.calc_check_digit(gtin)
            Identifier.create([
                    {'product': product.id, 'type': 'mpn', 'code': 'X-1'},
                    {'product': product.id, 'type': 'ean', 'code': gtin},
                    ])
            product = Product(product.id)
            self.assertEqual(product.udi_di, gtin)
            self.assertEqual(product.template.udi_di, gtin)
            self.assertEqual(Product.search([('udi_di', '=', gtin)]),
                [product])
            self.assertEqual(Product.search([('udi_di', '=', 'X-1')]), [])

    @with_transaction()
    def test_query_count(self):
        "Test the checker's query count does not grow with the lines"
        pool = Pool()
        Checker = pool.get('qms.checker')
        Sale = pool.get('sale.sale')
        with self.company():
            customer = qualified_customer()
            authorize(self.employee, parties=[customer],
                categories=[category('14')])
            products = [create_product(f"P{i}") for i in range(200)]
            small = create_sale(customer, products[:20])
            large = create_sale(customer, products)
            Checker.check([Sale(small.id)], 'confirm')  # warm the caches

            counts = []
            for sale in [small, large]:
                Transaction().cache.clear()
                with count_queries() as counter:
                    self.assertEqual(
                        Checker.check([Sale(sale.id)], 'confirm'), [])
                counts.append(counter[0])
            self.assertEqual(counts[0], counts[1])

    @with_transaction()
    def test_query_count_shipment(self):
        "Test the delivery check's query count does not grow with the moves"
        pool = Pool()
        Checker = pool.get('qms.checker')
        Shipment = pool.get('stock.shipment.out')
        Control = pool.get('quality.control')
        with self.company():
            customer = qualified_customer()
            products = [create_product(f"P{i}") for i in range(40)]
            lots = [self._lot(p, today() - YEAR) for p in products]
            small = self._shipment(customer, products[:4], lots[:4])
            large = self._shipment(customer, products, lots)
            Control(name="Pre-shipment", operations=[
                    'stock.shipment.out:pack'],
                points=[{'name': 'ok', 'string': "OK", 'type_': 'boolean'}],
                ).save()
            Checker.check([Shipment(small.id)], 'do')  # warm the caches

            counts = []
            for shipment in [small, large]:
                Transaction().cache.clear()
                with count_queries() as counter:
                    self.assertEqual(codes(
                            Checker.check([Shipment(shipment.id)], 'do')),
                        ['Q06'])
                counts.append(counter[0])
            self.assertEqual(counts[0], counts[1])

    @with_transaction()
    def test_q01_backdated_sale(self):
        "Test a back-dated sale is judged on today's licence"
        pool = Pool()
        Sale = pool.get('sale.sale')
        with self.company():
            product = create_product()
            customer = create_customer(qualifications=[{
                        'kind': 'operating',
                        'expiration_date': today() - dt.timedelta(days=30),
                        }])
            sale = create_sale(customer, [product],
                sale_date=today() - dt.timedelta(days=60))
            for operation in ['quote', 'confirm']:
                with self.subTest(operation=operation):
                    self.assertIn('Q01', codes(self.check([sale], operation)))
            with self.assertRaisesRegex(GateError, r'\[Q01\]'):
                Sale.quote([sale])
            self.assertEqual(sale.state, 'draft')

    @with_transaction()
    def test_sale_line_device_values(self):
        "Test a device line has a positive quantity and no negative price"
        pool = Pool()
        Line = pool.get('sale.line')
        with self.company():
            customer = qualified_customer()
            sale = create_sale(customer, [create_product()])
            line, = sale.lines
            for values in [
                    {'quantity': -5},
                    {'quantity': 0},
                    {'unit_price': Decimal('-100')},
                    ]:
                with self.subTest(values=values), \
                        self.assertRaises(SaleLineValueError):
                    Line.write([line], values)
            # goods that are not devices may carry a discount
            sale = create_sale(customer,
                [create_product(device_class=None, registration=None)])
            line, = sale.lines
            Line.write([line], {'unit_price': Decimal('-100')})

    @with_transaction()
    def test_malformed_values_refused(self):
        "Test malformed values give a user error, not a server error"
        pool = Pool()
        Line = pool.get('sale.line')
        Qualification = pool.get('party.qualification')
        Registration = pool.get('product.registration')
        with self.company():
            customer = qualified_customer()
            sale = create_sale(customer, [create_product()])
            line, = sale.lines
            qualification = customer.qualifications[0]
            registration = create_registration()
            for Model, record, values in [
                    (Line, line, {'quantity': float('inf')}),
                    (Line, line, {'quantity': float('nan')}),
                    (Line, line, {'quantity': [1]}),
                    (Line, line, {'unit_price': Decimal('NaN')}),
                    (Line, line, {'unit_price': Decimal('1e999999')}),
                    (Line, line, {'unit_price': 'ten'}),
                    (Qualification, qualification, {
                            'expiration_date': dt.datetime(2030, 1, 1, 8)}),
                    (Qualification, qualification, {
                            'expiration_date': '2030-13-45'}),
                    (Registration, registration, {'models': '\ud800'}),
                    (Registration, registration, {'name': ['a']}),
                    ]:
                with self.subTest(model=Model.__name__, values=values):
                    with self.assertRaises(FieldValueError) as cm:
                        Model.write([record], values)
                    field, = values
                    self.assertIn(
                        Model.__names__(field)['field'], cm.exception.message)
                    with self.assertRaises(FieldValueError):
                        Model.create([{field: values[field]}])

    @with_transaction()
    def test_computed_models_refuse_changes(self):
        "Test models computed by a query refuse create, write and delete"
        pool = Pool()
        Revision = pool.get('product.registration.revision')
        with self.company():
            create_registration()
            revisions = Revision.search([])
            self.assertTrue(revisions)
            for method, args in [
                    (Revision.create, ([{}],)),
                    (Revision.write, (revisions, {'number': "X"})),
                    (Revision.delete, (revisions,)),
                    ]:
                with self.subTest(method=method.__name__), \
                        self.assertRaises(AccessError):
                    method(*args)

    @with_transaction()
    def test_registration_delete_referenced(self):
        "Test a registration a product refers to is not deleted"
        pool = Pool()
        Registration = pool.get('product.registration')
        Template = pool.get('product.template')
        with self.company():
            product = create_product()
            registration = product.template.registration
            with self.assertRaises(RegistrationDeleteError) as cm:
                Registration.delete([registration])
            self.assertIn(product.template.rec_name, cm.exception.message)
            self.assertEqual(
                Template(product.template.id).registration, registration)

            unused = create_registration()
            Registration.delete([unused])

    @with_transaction()
    def test_registration_renew_malformed_date(self):
        "Test the renew wizard refuses a date and time for a date"
        pool = Pool()
        Registration = pool.get('product.registration')
        Renew = pool.get('product.registration.renew', type='wizard')
        with self.company():
            registration = create_registration()
            periods = len(registration.periods)
            with Transaction().set_context(
                    active_model='product.registration',
                    active_id=registration.id,
                    active_ids=[registration.id]):
                session_id, _, _ = Renew.create()
                for value in [dt.datetime(2040, 1, 1, 12), [2040]]:
                    with self.subTest(value=value), \
                            self.assertRaises(FieldValueError):
                        Renew.execute(session_id, {
                                'start': {'expiration_date': value},
                                }, 'renew')
            self.assertEqual(len(Registration(registration.id).periods),
                periods)


class QmsSalesGateRPCTestCase(RouteTestCase):
    "Test the administrator cannot bypass the gate over RPC"
    module = 'qms_sales'
    password = 'qms-admin-2026'

    @classmethod
    def setUpDatabase(cls):
        pool = Pool()
        User = pool.get('res.user')
        admin, = User.search([('login', '=', 'admin')])
        admin.password = cls.password
        admin.save()
        company = create_company()
        with set_company(company):
            employee = create_employee(company, "Salesperson")
            User.write([admin], {
                    'employees': [('add', [employee.id])],
                    'employee': employee.id,
                    })
            customer = create_customer("Unlicensed", qualifications=[
                    {'kind': 'business'}])
            product = create_product()
            authorize(employee, parties=[customer],
                templates=[product.template])
            sale = create_sale(customer, [product], salesperson=employee)
            cls.sale_id = sale.id
            cls.customer_id = customer.id
            cls.company_id = company.id

    def call(self, client, method, *params, auth=None):
        headers = {}
        if auth:
            headers['Authorization'] = 'Session ' + base64.b64encode(
                auth.encode()).decode()
        response = client.post(f'/{quote(self.db_name)}/rpc/',
            data=json.dumps({'id': 1, 'method': method, 'params': params}),
            content_type='application/json', headers=headers)
        self.assertEqual(response.status_code, 200, response.data)
        return response.json

    def test_admin_cannot_bypass_q01(self):
        "Test admin over RPC cannot quote, review or override Q01"
        client = self.client()
        result = self.call(client, 'common.db.login',
            'admin', {'password': self.password}, 'en')
        user_id, session = result['result'][:2]
        auth = f'admin:{user_id}:{session}'
        context = self.call(client, 'model.res.user.get_preferences',
            True, {}, auth=auth)['result']

        for method, params in [
                ('model.sale.sale.quote', [[self.sale_id], context]),
                ('model.sale.sale.write', [[self.sale_id],
                        {'reviewed_by': user_id}, context]),
                ('model.qms.sales.override.create', [[{
                                'sale': self.sale_id, 'rule': 'Q04',
                                'reason': "admin"}], context]),
                ]:
            with self.subTest(method=method):
                result = self.call(client, method, *params, auth=auth)
                self.assertIn('error', result)
                self.assertNotIn('result', result)
                if method.endswith('quote'):
                    self.assertIn('[Q01]', str(result['error']))

        result = self.call(client, 'model.sale.sale.read',
            [self.sale_id], ['state'], context, auth=auth)
        self.assertEqual(result['result'][0]['state'], 'draft')

    def login(self, client):
        "Log in as admin, return the session and its context"
        result = self.call(client, 'common.db.login',
            'admin', {'password': self.password}, 'en')
        user_id, session = result['result'][:2]
        auth = f'admin:{user_id}:{session}'
        context = self.call(client, 'model.res.user.get_preferences',
            True, {}, auth=auth)['result']
        return auth, context

    def checks(self):
        "Return the checks of the sale, read in a new transaction"
        with Transaction().start(self.db_name, 0):
            Check = Pool().get('qms.gate.check')
            return [(c.operation, c.result, c.codes, c.party.id)
                for c in Check.search([
                        ('document', '=', f'sale.sale,{self.sale_id}')])]

    def test_blocked_check_recorded_over_rpc(self):
        "Test the check of a blocked quotation survives its rollback (RPC)"
        client = self.client()
        auth, context = self.login(client)
        before = self.checks()
        result = self.call(client, 'model.sale.sale.quote',
            [self.sale_id], context, auth=auth)
        self.assertIn('[Q01]', str(result['error']))

        self.assertEqual(self.checks(), [
                ('quote', 'blocked', 'Q01', self.customer_id)] + before)
        result = self.call(client, 'model.party.party.read',
            [self.customer_id], ['last_check_result', 'last_check_failures'],
            context, auth=auth)['result'][0]
        self.assertEqual(result['last_check_result'], 'blocked')
        self.assertIn('[Q01]', result['last_check_failures'])

        # the proof of the check cannot be forged or removed, even by admin
        check_ids = self.call(client, 'model.qms.gate.check.search',
            [('party', '=', self.customer_id)], 0, None, None, context,
            auth=auth)['result']
        for method, params in [
                ('model.qms.gate.check.create', [[{
                                'party': self.customer_id,
                                'operation': 'quote', 'result': 'passed',
                                'date': {'__class__': 'datetime',
                                    'year': 2026, 'month': 1, 'day': 1,
                                    'hour': 0, 'minute': 0, 'second': 0,
                                    'microsecond': 0}}], context]),
                ('model.qms.gate.check.write', [check_ids,
                        {'result': 'passed'}, context]),
                ('model.qms.gate.check.delete', [check_ids, context]),
                ]:
            with self.subTest(method=method):
                result = self.call(client, method, *params, auth=auth)
                self.assertIn('error', result)
        self.assertEqual(self.checks(), [
                ('quote', 'blocked', 'Q01', self.customer_id)] + before)

    def test_blocked_check_recorded(self):
        "Test the check of a blocked quotation survives its rollback"
        before = self.checks()
        with Transaction().start(self.db_name, 1) as transaction:
            pool = Pool()
            Sale = pool.get('sale.sale')
            User = pool.get('res.user')
            with transaction.set_context(
                    User.get_preferences(context_only=True)):
                with self.assertRaises(GateError):
                    Sale.quote([Sale(self.sale_id)])
            transaction.rollback()
        self.assertEqual(self.checks(), [
                ('quote', 'blocked', 'Q01', self.customer_id)] + before)
