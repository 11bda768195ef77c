# This file is part of the QMS modules for Tryton.
import datetime as dt
import json
import logging
from collections import defaultdict, namedtuple
from decimal import Decimal
from functools import wraps

from sql import Column, Literal, Union

from trytond import backend
from trytond.exceptions import TrytonException
from trytond.i18n import gettext
from trytond.model import Model, ModelSQL, ModelView, fields
from trytond.model.exceptions import AccessError
from trytond.model.fields import SQL_OPERATORS
from trytond.pool import Pool
from trytond.pyson import Eval
from trytond.transaction import Transaction, without_check_access
from trytond.wizard import Button, StateView, Wizard

from .exceptions import GateError
from .model import ModelMixin, WizardMixin
from .registration import valid_on

logger = logging.getLogger(__name__)

Failure = namedtuple('Failure', ['code', 'record', 'message'])


class Text(str):
    """A message with its values: reads as the text in the current
    language, and is stored as the message and the values to render it
    again in the language of each reader"""

    def __new__(cls, message, **values):
        text = super().__new__(cls, gettext(message, **{
                    k: ', '.join(v) if isinstance(v, list) else v
                    for k, v in values.items()}))
        text.message, text.values = message, values
        return text

    def dump(self):
        return {'message': self.message,
            'values': {k: _dump(v) for k, v in self.values.items()}}


class Words(str):
    "Selection values shown by their names in the current language"

    def __new__(cls, model, field, values, separator=' / '):
        names = dict(Pool().get(model).fields_get(
                [field])[field]['selection'])
        word = super().__new__(
            cls, separator.join(names.get(v, v) for v in values))
        word.args = [model, field, list(values), separator]
        return word

    def dump(self):
        return {'words': self.args}


def _dump(value):
    if isinstance(value, (Text, Words)):
        return value.dump()
    elif isinstance(value, (dt.date, Decimal)):
        return str(value)
    elif isinstance(value, (list, tuple)):
        return [_dump(v) for v in value]
    return value


def load_text(data):
    "Return the text of data dumped by Text or Words in the current language"
    if isinstance(data, dict) and 'message' in data:
        return Text(data['message'],
            **{k: load_text(v) for k, v in data['values'].items()})
    elif isinstance(data, dict) and 'words' in data:
        return Words(*data['words'])
    elif isinstance(data, list):
        return ', '.join(load_text(v) for v in data)
    return data
# One good (or service) a document moves: the unit the rules look at
Item = namedtuple('Item', ['document', 'party', 'product', 'lot', 'date'])
# What the rules need to know of a product, read with its template
Device = namedtuple('Device', [
        'template', 'device_class', 'filing_exempt', 'registration'])
Lot = namedtuple('Lot', ['number', 'production_date'])
RegistrationData = namedtuple('RegistrationData', [
        'number', 'revoked', 'revoked_date', 'issue_date', 'expiration_date',
        'category', 'device_class', 'periods'])

# The licence kinds that let an enterprise buy a device of each class
CLASS_KINDS = {
    '3': ['operating'],
    '2': ['filing', 'operating'],
    '1': ['business'],
    }
SALE_OPERATIONS = {'sale.sale:quote', 'sale.sale:confirm'}
# a customer move done without a customer shipment is checked on its own
DELIVERY_OPERATIONS = {
    'stock.shipment.out:pack', 'stock.shipment.out:do', 'stock.move:do'}
RECEIPT_OPERATIONS = {'stock.shipment.in:receive', 'stock.shipment.in:do'}
OPERATIONS = [
    ('quote', "Quote"),
    ('confirm', "Confirm"),
    ('pack', "Pack"),
    ('do', "Done"),
    ('receive', "Receive"),
    ('check', "Check Only"),
    ]
CHECK_RESULTS = [
    ('passed', "Passed"),
    ('blocked', "Blocked"),
    ('failed', "Failed"),
    ]
DOCUMENTS = [
    ('sale.sale', "Sale"),
    ('stock.shipment.out', "Customer Shipment"),
    ('stock.shipment.in', "Supplier Shipment"),
    ('stock.move', "Stock Move"),
    ]


def document_names(documents):
    "Return the documents named by their type and number"
    IrModel = Pool().get('ir.model')
    types = {m.name: m.string for m in IrModel.search([
                ('name', 'in', list({d.__name__ for d in documents})),
                ])}
    return ', '.join(
        f'{types[d.__name__]} {d.rec_name}' for d in documents)


class GateMixin:
    """A document the qualification gate checks: its transitions decorated
    with gate(operation) run the rules of the operation first"""
    __slots__ = ()
    # The operation whose rules the "Check Qualifications" button evaluates:
    # the last gated one, so the user sees everything still ahead
    _gate_check_operation = None

    @staticmethod
    def gate(operation):
        "Decorate a transition to refuse the records the rules block"
        def decorator(func):
            @wraps(func)
            def wrapper(cls, records, *args, **kwargs):
                cls.check_gate(records, operation)
                return func(cls, records, *args, **kwargs)
            return wrapper
        return decorator

    @classmethod
    def check_gate(cls, records, operation):
        "Raise one error listing every failure of the records"
        pool = Pool()
        Checker = pool.get('qms.checker')
        Checker.enforce(records, operation)

    @property
    def gate_party(self):
        "The party the gate checks the document for"
        raise NotImplementedError

    def gate_date(self, today):
        "Return the date on which the gate judges the document"
        return self.effective_date or today

    @classmethod
    def gate_items(cls, data):
        "Return the items of data's documents, read by data"
        raise NotImplementedError


class Checker(Model):
    __name__ = 'qms.checker'
    __string__ = "Gate Checker"

    @classmethod
    def rules(cls):
        "Return the rule table: code -> (method, operations)"
        return {
            'Q01': ('check_customer', SALE_OPERATIONS | DELIVERY_OPERATIONS),
            'Q02': ('check_product', SALE_OPERATIONS | DELIVERY_OPERATIONS),
            'Q03': ('check_supplier', RECEIPT_OPERATIONS),
            'Q04': ('check_salesperson', {'sale.sale:confirm'}),
            'Q05': ('check_review', {'sale.sale:confirm'}),
            'Q06': ('check_inspection', {'stock.shipment.out:do'}),
            }

    @classmethod
    def check(cls, documents, operation):
        "Return every failure of the documents for the operation"
        if not documents:
            return []
        key = f'{documents[0].__name__}:{operation}'
        data = GateData(documents)
        failures = []
        for code, (method, operations) in sorted(cls.rules().items()):
            if key in operations:
                failures.extend(getattr(cls, method)(code, data))
        return failures

    @classmethod
    def enforce(cls, documents, operation):
        "Raise one error listing every failure of the documents"
        pool = Pool()
        Check = pool.get('qms.gate.check')
        failures = cls.check(documents, operation)
        Check.record(documents, operation, failures)
        if failures:
            raise GateError(gettext('qms_sales.msg_gate_blocked',
                    documents=document_names(documents),
                    failures=cls.format(failures)))

    @staticmethod
    def format(failures):
        return '\n'.join(f'[{f.code}] {f.message}' for f in failures)

    @staticmethod
    def kinds_name(kinds):
        return Words('party.qualification', 'kind', kinds)

    @classmethod
    def check_customer(cls, code, data):
        "Q01: the customer holds a licence for the device"
        failures = []
        for item in data.unique_devices('document', 'product'):
            failure = cls.customer_failure(data, item)
            if failure:
                failures.append(Failure(code, item.document, failure))
        return failures

    @classmethod
    def customer_failure(cls, data, item):
        "Return why the customer may not buy the device of item or None"
        party, product, date = item.party, item.product, item.date
        kinds = cls.required_kinds(data, party, product)
        device_class = data.device_class(product)
        category = data.category(product)
        candidates, valid, verified = cls.qualifications(
            data, party, kinds, date)
        if any(cls.in_scope(data, q, device_class, category)
                for q in verified):
            return
        values = {
            'party': party.rec_name,
            'product': data.product_name(product),
            'kinds': cls.kinds_name(kinds),
            'device_class': device_class,
            'date': date,
            }
        if not candidates:
            return Text('qms_sales.msg_q01_missing', **values)
        elif not valid:
            return Text('qms_sales.msg_q01_invalid',
                qualification=candidates[0]['number'], **values)
        elif not verified:
            return Text('qms_sales.msg_q01_unverified',
                qualification=valid[0]['number'], **values)
        return Text('qms_sales.msg_q01_scope',
            qualification=verified[0]['number'],
            category=data.category_name(category) if category else '',
            **values)

    @classmethod
    def required_kinds(cls, data, party, product):
        "Return the licence kinds that let party buy product"
        buyer_type = data.buyer_types[party]
        if buyer_type == 'user':
            return ['medical']
        elif buyer_type == 'need':
            return ['intended_use']
        device_class = data.device_class(product)
        if device_class == '2' and data.products[product].filing_exempt:
            return ['business']
        return CLASS_KINDS[device_class]

    @classmethod
    def qualifications(cls, data, party, kinds, date):
        """Return the qualifications of party of kinds: all of them, the
        valid ones on date and the valid and verified ones"""
        pool = Pool()
        Qualification = pool.get('party.qualification')

        def compute():
            candidates = [q for q in data.qualifications[party.id]
                if q['kind'] in kinds]
            valid = [q for q in candidates
                if Qualification.in_force(date, q['revoked'],
                    q['issue_date'], q['expiration_date'])]
            verified = [q for q in valid if q['verified_by']]
            return candidates, valid, verified
        return data.cached(
            ('qualifications', party, tuple(kinds), date), compute)

    @classmethod
    def in_scope(cls, data, qualification, device_class, category):
        "Tell if the scope of qualification covers the class and category"
        return (device_class in qualification['device_classes']
            and (category is None
                or any(data.covers(c, category)
                    for c in qualification['categories'])))

    @classmethod
    def check_product(cls, code, data):
        "Q02: the device is legally on the market"
        failures = []
        for item in data.unique_devices('document', 'product', 'lot'):
            for message in cls.product_failures(data, item):
                failures.append(Failure(code, item.document, message))
        return failures

    @classmethod
    def product_failures(cls, data, item):
        "Yield why the device of item may not be sold"
        product, lot, date = item.product, item.lot, item.date
        registration = data.registrations.get(
            data.products[product].registration)
        production_date = data.lots[lot].production_date if lot else None

        def values(**extra):
            values = {'product': data.product_name(product), 'date': date}
            if registration:
                values['registration'] = registration.number
            if lot:
                values['lot'] = data.lots[lot].number
            return {**values, **extra}
        if not registration:
            yield Text('qms_sales.msg_q02_no_registration', **values())
        elif registration.revoked:
            yield Text('qms_sales.msg_q02_revoked', **values())
        elif production_date:
            if not cls.registration_valid(registration, production_date):
                yield Text('qms_sales.msg_q02_lot_produced',
                    **values(production_date=production_date))
        elif not cls.registration_valid(registration, date):
            yield Text('qms_sales.msg_q02_invalid', **values())
        if product in data.stopped_products(date):
            yield Text('qms_sales.msg_q02_product_stopped', **values())
        if lot and lot in data.stopped_lots(date):
            yield Text('qms_sales.msg_q02_lot_stopped', **values())

    @staticmethod
    def registration_valid(registration, date):
        "Tell if a device produced or sold on date is approved"
        return valid_on(date, registration.revoked,
            registration.revoked_date, registration.issue_date,
            registration.expiration_date, registration.periods)

    @classmethod
    def check_supplier(cls, code, data):
        "Q03: the supplier is qualified and the device on the market"
        failures = []
        for document in data.documents:
            for message in cls.supplier_failures(data, document):
                failures.append(Failure(code, document, message))
        return failures + cls.check_product(code, data)

    @classmethod
    def supplier_failures(cls, data, shipment):
        "Yield the licences the supplier of shipment misses"
        party = data.parties[shipment]
        date = data.dates[shipment]
        for kinds in [
                ['business'],
                ['production', 'operating', 'filing'],
                ]:
            _, _, verified = cls.qualifications(data, party, kinds, date)
            if not verified:
                yield Text('qms_sales.msg_q03_supplier',
                    party=party.rec_name, shipment=shipment.rec_name,
                    kinds=cls.kinds_name(kinds),
                    date=date)

    @classmethod
    def check_salesperson(cls, code, data):
        "Q04: the salesperson is authorised for customer and devices"
        failures = []
        overridden = data.overridden(code)
        for sale in data.documents:
            if sale in overridden:
                continue
            for message in cls.salesperson_failures(data, sale):
                failures.append(Failure(code, sale, message))
        return failures

    @classmethod
    def sale_authorizations(cls, data, sale):
        """Return the authorisation letters of the salesperson valid on the
        date of sale for its customer or the territory of its addresses"""
        date = data.dates[sale]
        subdivisions = set()
        for address in [sale.shipment_address, sale.invoice_address]:
            subdivision = address.subdivision if address else None
            while subdivision:
                subdivisions.add(subdivision.id)
                subdivision = subdivision.parent
        return [a
            for a in data.authorizations()[sale.salesperson.id]
            if a['company'] == sale.company.id
            and a['valid_from'] <= date <= a['valid_to']
            and (sale.party.id in a['parties']
                or subdivisions & a['territory'])]

    @classmethod
    def salesperson_failures(cls, data, sale):
        "Yield what the salesperson of sale is not authorised for"
        if not sale.salesperson:
            yield Text('qms_sales.msg_q04_no_salesperson',
                sale=sale.rec_name)
            return
        authorizations = cls.sale_authorizations(data, sale)

        def values():
            return {
                'sale': sale.rec_name,
                'employee': sale.salesperson.rec_name,
                'party': sale.party.rec_name,
                'date': data.dates[sale],
                }
        if not authorizations:
            yield Text('qms_sales.msg_q04_customer', **values())
            return
        for item in data.unique_devices('document', 'product'):
            if item.document != sale:
                continue
            product = item.product
            template = data.products[product].template
            category = data.category(product)
            if not any(template in a['products']
                    or (category and any(data.covers(c, category)
                            for c in a['categories']))
                    for a in authorizations):
                yield Text('qms_sales.msg_q04_product',
                    product=data.product_name(product), **values())

    @classmethod
    def check_review(cls, code, data):
        "Q05: the contract review is done when required"
        failures = []
        for sale in data.documents:
            reasons = sale.review_reasons(data.amounts.get(sale, Decimal(0)))
            if reasons and not sale.reviewed_by:
                failures.append(Failure(code, sale, Text(
                            'qms_sales.msg_q05_review',
                            sale=sale.rec_name,
                            reasons=reasons)))
        return failures

    @classmethod
    def check_inspection(cls, code, data):
        "Q06: the pre-shipment inspection passed"
        return [Failure(code, shipment, message)
            for shipment, (_, messages) in cls.inspection_states(
                data.documents).items()
            for message in messages]

    @classmethod
    def inspection_states(cls, shipments):
        """Return for each shipment the state of its pre-shipment inspection
        and the messages of what is missing"""
        pool = Pool()
        Control = pool.get('quality.control')
        Concession = pool.get('qms.concession')
        conceded = {c.shipment for c in Concession.search([
                    ('shipment', 'in', [str(s) for s in shipments]),
                    ('state', '=', 'approved'),
                    ])
            if c.customer == c.shipment.gate_party}
        missing = defaultdict(list)
        for inspection in Control.get_inspections(list(shipments), 'pack'):
            missing[inspection.origin].append(inspection.control)
        result = {}
        for shipment in shipments:
            messages = []
            states = set()
            for inspection in shipment.quality_inspections:
                states.add(inspection.state)
                if inspection.state != 'passed':
                    messages.append(Text('qms_sales.msg_q06_inspection',
                            shipment=shipment.rec_name,
                            inspection=inspection.rec_name,
                            state=Words('quality.inspection', 'state',
                                [inspection.state])))
            for control in missing[shipment]:
                states.add('pending')
                messages.append(Text('qms_sales.msg_q06_missing',
                        shipment=shipment.rec_name,
                        control=control.rec_name))
            if shipment in conceded:
                result[shipment] = ('conceded', [])
            elif 'failed' in states:
                result[shipment] = ('failed', messages)
            elif 'pending' in states:
                result[shipment] = ('pending', messages)
            elif states:
                result[shipment] = ('passed', [])
            else:
                result[shipment] = ('none', [])
        return result


class GateData:
    """The records the rules need, read with python-sql in a few queries for
    all the documents: their number does not depend on the number of lines,
    and no record is instantiated per line"""

    def __init__(self, documents):
        pool = Pool()
        Date = pool.get('ir.date')
        Document = documents[0].__class__
        self.documents = documents
        with Transaction().set_context(company=documents[0].company.id):
            self.today = Date.today()
        self.cursor = Transaction().connection.cursor()
        self._cache = {}
        self.parties = {d: d.gate_party for d in documents}
        self.dates = {d: d.gate_date(self.today) for d in documents}
        self.buyer_types = {p: p.buyer_type for p in self.parties.values()
            if p}
        self.amounts = {}
        self.lots = {}
        self.items = Document.gate_items(self)
        self.products = self._read_products({i.product for i in self.items})
        self.devices = [i for i in self.items if self.is_device(i.product)]
        self.registrations = self._read_registrations({
                d.registration for d in self.products.values()
                if d.registration})
        self.parents = self._read_category_parents()
        self.qualifications = self._read_qualifications({
                p.id for p in self.parties.values() if p})

    def cached(self, key, compute):
        "Return the value of key, computed once"
        if key not in self._cache:
            self._cache[key] = compute()
        return self._cache[key]

    def read_sale_lines(self):
        "Read the items and the amounts of the documents that are sales"
        pool = Pool()
        Line = pool.get('sale.line')
        line = Line.__table__()
        sales = {d.id: d for d in self.documents}
        currencies = {s: s.currency for s in self.documents}
        items = []
        self.cursor.execute(*line.select(
                line.sale, line.product, line.quantity, line.unit_price,
                where=SQL_OPERATORS['in'](line.sale, list(sales))
                & (line.type == 'line'),
                order_by=[line.sale, line.sequence, line.id]))
        for sale_id, product, quantity, unit_price in self.cursor:
            sale = sales[sale_id]
            # as Tryton's sale.line amount: each line rounded
            self.amounts[sale] = self.amounts.get(sale, 0) + (
                currencies[sale].round(
                    Decimal(str(quantity or 0)) * (unit_price or 0)))
            if product:
                items.append(Item(sale, self.parties[sale], product, None,
                        self.dates[sale]))
        return items

    def read_shipment_moves(self, partner_location, partner_type):
        """Read the items of the documents that are shipments: their moves
        whose partner_location (a column name) is of partner_type"""
        pool = Pool()
        Move = pool.get('stock.move')
        Location = pool.get('stock.location')
        StockLot = pool.get('stock.lot')
        move = Move.__table__()
        location = Location.__table__()
        lot = StockLot.__table__()
        documents = {str(d): d for d in self.documents}
        self.cursor.execute(*move
            .join(location, condition=(
                    Column(move, partner_location) == location.id))
            .join(lot, 'LEFT', condition=move.lot == lot.id)
            .select(
                move.shipment, move.product, move.lot,
                lot.number, lot.production_date,
                where=SQL_OPERATORS['in'](move.shipment, list(documents))
                & (location.type == partner_type)
                & (move.state != 'cancelled')
                & (move.quantity != 0),
                order_by=[move.shipment, move.id]))
        items = []
        for shipment, product, lot_id, number, production_date in (
                self.cursor):
            document = documents[shipment]
            if lot_id:
                self.lots[lot_id] = Lot(number, production_date)
            items.append(Item(document, self.parties[document], product,
                    lot_id, self.dates[document]))
        return items

    def move_items(self):
        "Return the items of the documents that are moves"
        items = []
        for move in self.documents:
            lot = move.lot
            if lot:
                self.lots[lot.id] = Lot(lot.number, lot.production_date)
            items.append(Item(move, self.parties[move], move.product.id,
                    lot.id if lot else None, self.dates[move]))
        return items

    def _read_products(self, product_ids):
        pool = Pool()
        Product = pool.get('product.product')
        Template = pool.get('product.template')
        product = Product.__table__()
        template = Template.__table__()
        self.cursor.execute(*product
            .join(template, condition=product.template == template.id)
            .select(
                product.id, template.id, template.device_class,
                template.filing_exempt, template.registration,
                where=SQL_OPERATORS['in'](product.id, list(product_ids))))
        return {id_: Device(template, device_class, bool(exempt), registration)
            for id_, template, device_class, exempt, registration
            in self.cursor}

    def _read_registrations(self, registration_ids):
        "Return the registrations with their validity periods"
        pool = Pool()
        Registration = pool.get('product.registration')
        Period = pool.get('product.registration.period')
        registration = Registration.__table__()
        period = Period.__table__()
        ids = list(registration_ids)
        periods = defaultdict(list)
        self.cursor.execute(*period.select(
                period.registration, period.start_date, period.end_date,
                where=SQL_OPERATORS['in'](period.registration, ids),
                order_by=[period.registration, period.start_date]))
        for registration_id, start_date, end_date in self.cursor:
            periods[registration_id].append((start_date, end_date))
        self.cursor.execute(*registration.select(
                registration.id, registration.number,
                registration.revoked, registration.revoked_date,
                registration.issue_date, registration.expiration_date,
                registration.category, registration.device_class,
                where=SQL_OPERATORS['in'](registration.id, ids)))
        return {id_: RegistrationData(number, bool(revoked), revoked_date,
                issue_date, expiration_date, category, device_class,
                periods[id_])
            for (id_, number, revoked, revoked_date, issue_date,
                expiration_date, category, device_class) in self.cursor}

    def _read_category_parents(self):
        "Return the parent of every category (the catalogue is small)"
        pool = Pool()
        Category = pool.get('qms.device.category')
        category = Category.__table__()
        self.cursor.execute(*category.select(category.id, category.parent))
        return dict(self.cursor)

    def _read_qualifications(self, party_ids):
        "Return the active qualifications by party, latest expiry first"
        pool = Pool()
        Qualification = pool.get('party.qualification')
        Relation = pool.get('party.qualification-qms.device.category')
        qualification = Qualification.__table__()
        relation = Relation.__table__()
        self.cursor.execute(*qualification
            .join(relation, 'LEFT',
                condition=relation.qualification == qualification.id)
            .select(
                qualification.id, qualification.party, qualification.kind,
                qualification.number, qualification.revoked,
                qualification.issue_date, qualification.expiration_date,
                qualification.verified_by, qualification.device_classes,
                relation.category,
                where=SQL_OPERATORS['in'](
                    qualification.party, list(party_ids))
                & (qualification.active == Literal(True))))
        qualifications = {}
        for (id_, party, kind, number, revoked, issue_date, expiration_date,
                verified_by, device_classes, category) in self.cursor:
            if id_ not in qualifications:
                if isinstance(device_classes, str):
                    device_classes = json.loads(device_classes)
                qualifications[id_] = {
                    'party': party, 'kind': kind, 'number': number,
                    'revoked': bool(revoked), 'issue_date': issue_date,
                    'expiration_date': expiration_date,
                    'verified_by': verified_by,
                    'device_classes': device_classes or [],
                    'categories': [],
                    }
            if category:
                qualifications[id_]['categories'].append(category)
        by_party = defaultdict(list)
        for values in sorted(qualifications.values(),
                key=lambda q: (q['expiration_date'] is None,
                    q['expiration_date'] or dt.date.min),
                reverse=True):
            by_party[values['party']].append(values)
        return by_party

    def unique_devices(self, *fields):
        "Yield the device items, once for each combination of fields"
        seen = set()
        for item in self.devices:
            key = tuple(getattr(item, f) for f in fields)
            if key not in seen:
                seen.add(key)
                yield item

    def is_device(self, product):
        device = self.products[product]
        return bool(device.device_class or device.registration)

    def device_class(self, product):
        device = self.products[product]
        if device.device_class:
            return device.device_class
        return self.registrations[device.registration].device_class

    def category(self, product):
        "Return the id of the device category of the product"
        registration = self.products[product].registration
        if registration:
            return self.registrations[registration].category

    def covers(self, category, other):
        "Return True if category is other or one of its ancestors"
        while other:
            if other == category:
                return True
            other = self.parents.get(other)
        return False

    def product_name(self, product):
        pool = Pool()
        Product = pool.get('product.product')
        return self.cached(('product', product),
            lambda: Product(product).rec_name)

    def category_name(self, category):
        pool = Pool()
        Category = pool.get('qms.device.category')
        return self.cached(('category', category),
            lambda: Category(category).rec_name)

    def stopped_products(self, date):
        pool = Pool()
        Product = pool.get('product.product')
        return self.cached(('stopped products', date), lambda: {
                p.id for p in Product.get_sales_stopped(
                    Product.browse(list({i.product for i in self.devices})),
                    date)})

    def stopped_lots(self, date):
        pool = Pool()
        StockLot = pool.get('stock.lot')
        return self.cached(('stopped lots', date), lambda: {
                l.id for l in StockLot.get_sales_stopped(
                    StockLot.browse(
                        list({i.lot for i in self.devices if i.lot})),
                    date)})

    def overridden(self, code):
        pool = Pool()
        Override = pool.get('qms.sales.override')
        return {o.sale for o in Override.search([
                    ('sale', 'in', [d.id for d in self.documents]),
                    ('rule', '=', code),
                    ])}

    def authorizations(self):
        "Return the authorisation letters of the salespeople"
        pool = Pool()
        Authorization = pool.get('qms.sales.authorization')
        authorization = Authorization.__table__()
        relations = [
            ('parties', 'qms.sales.authorization-party.party', 'party'),
            ('territory', 'qms.sales.authorization-country.subdivision',
                'subdivision'),
            ('products', 'qms.sales.authorization-product.template',
                'template'),
            ('categories', 'qms.sales.authorization-qms.device.category',
                'category'),
            ]

        def compute():
            employees = {d.salesperson.id for d in self.documents
                if d.salesperson}
            self.cursor.execute(*authorization.select(
                    authorization.id, authorization.employee,
                    authorization.company, authorization.valid_from,
                    authorization.valid_to,
                    where=SQL_OPERATORS['in'](
                        authorization.employee, list(employees))))
            letters = {}
            for id_, employee, company, valid_from, valid_to in self.cursor:
                letters[id_] = {
                    'employee': employee, 'company': company,
                    'valid_from': valid_from, 'valid_to': valid_to,
                    **{name: set() for name, _, _ in relations},
                    }
            if letters:
                queries = []
                for name, model, field in relations:
                    table = pool.get(model).__table__()
                    queries.append(table.select(
                            table.authorization, Literal(name).as_('name'),
                            getattr(table, field).as_('target'),
                            where=SQL_OPERATORS['in'](
                                table.authorization, list(letters))))
                self.cursor.execute(*Union(*queries, all_=True))
                for id_, name, target in self.cursor:
                    letters[id_][name].add(target)
            by_employee = defaultdict(list)
            for letter in letters.values():
                by_employee[letter['employee']].append(letter)
            return by_employee
        return self.cached('authorizations', compute)



class Check(ModelMixin, ModelSQL, ModelView):
    __name__ = 'qms.gate.check'
    __string__ = "Gate Check"

    date = fields.DateTime("Date", required=True, readonly=True)
    user = fields.Many2One('res.user', "User", readonly=True)
    party = fields.Many2One('party.party', "Party", required=True,
        readonly=True, ondelete='RESTRICT')
    document = fields.Reference("Document", selection=DOCUMENTS,
        readonly=True)
    operation = fields.Selection(OPERATIONS, "Operation", required=True,
        readonly=True, sort=False)
    result = fields.Selection(CHECK_RESULTS, "Result", required=True,
        readonly=True,
        help="Blocked: the operation was refused. "
        "Failed: a check without operation found failures.", sort=False)
    codes = fields.Char("Rules", readonly=True,
        help="The codes of the failed rules.")
    failure_data = fields.Text("Failure Data", readonly=True)
    failures = fields.Function(fields.Text("Failures"), 'get_failures')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [('date', 'DESC'), ('id', 'DESC')]
        cls.__access__.add('party')

    def get_failures(self, name):
        "Render the failures in the reader's language"
        if self.failure_data:
            return '\n'.join(f'[{code}] {load_text(text)}'
                for code, text in json.loads(self.failure_data))

    def get_rec_name(self, name):
        return f'{self.party.rec_name} {self.date:%Y-%m-%d %H:%M}'

    @classmethod
    def check_modification(cls, mode, checks, values=None, external=False):
        super().check_modification(
            mode, checks, values=values, external=external)
        if mode in {'write', 'delete'} or external:
            raise AccessError(gettext('qms_sales.msg_gate_check_immutable'))

    @classmethod
    def record(cls, documents, operation, failures):
        """Record the check of each document in its party's file

        A passed check is written with the operation; a blocked one once
        its transaction has ended, so that the rollback of the refused
        operation keeps the proof of the check."""
        transaction = Transaction()
        if operation == 'check':
            result = 'failed' if failures else 'passed'
        else:
            result = 'blocked' if failures else 'passed'
        now = dt.datetime.now()
        vlist = []
        for document in documents:
            party = document.gate_party
            if not party:
                continue
            own = [f for f in failures if f.record == document]
            vlist.append({
                    'date': now,
                    'user': transaction.user,
                    'party': party.id,
                    'document': str(document),
                    'operation': operation,
                    'result': result if own else 'passed',
                    'codes': ' '.join(sorted({f.code for f in own})),
                    'failure_data': json.dumps(
                        [[f.code, _dump(f.message)] for f in own]),
                    })
        if result == 'blocked':
            transaction.atexit(cls._create_after,
                transaction.database.name, transaction.user,
                dict(transaction.context), vlist)
        elif vlist:
            with without_check_access():
                cls.create(vlist)

    @classmethod
    def _create_after(cls, database_name, user, context, vlist):
        "Create the checks in a new transaction, for the records that exist"
        try:
            with Transaction(new=True).start(
                    database_name, user, context=context):
                pool = Pool()
                Check = pool.get(cls.__name__)
                Party = pool.get('party.party')
                with without_check_access():
                    parties = {p.id for p in Party.search([
                                ('id', 'in', [v['party'] for v in vlist]),
                                ], order=[])}
                    vlist = [v for v in vlist if v['party'] in parties]
                    for values in vlist:
                        model, id_ = values['document'].split(',')
                        if not pool.get(model).search(
                                [('id', '=', int(id_))], order=[]):
                            values['document'] = None
                    if vlist:
                        Check.create(vlist)
        except (backend.DatabaseOperationalError,
                backend.DatabaseIntegrityError, backend.DatabaseDataError,
                TrytonException):
            # the user must read the refusal, not the failure of its proof
            logger.exception("could not record the blocked check %s", vlist)


class CheckResult(ModelView):
    __name__ = 'qms.gate.check.result'
    __string__ = "Gate Check Result"

    documents = fields.Char("Documents", readonly=True)
    result = fields.Selection([
            ('passed', "Passed"),
            ('failed', "Failed"),
            ], "Result", readonly=True, sort=False)
    failures = fields.Text("Failures", readonly=True,
        states={'invisible': Eval('result') != 'failed'})


class CheckWizard(WizardMixin, Wizard):
    __name__ = 'qms.gate.check.wizard'
    start = StateView('qms.gate.check.result',
        'qms_sales.gate_check_result_view_form', [
            Button("Close", 'end', 'tryton-close', default=True),
            ])

    def default_start(self, fields):
        "Run the rules of the next gated operations and record the check"
        pool = Pool()
        Checker = pool.get('qms.checker')
        Check = pool.get('qms.gate.check')
        documents = list(self.records)
        failures = Checker.check(
            documents, self.model._gate_check_operation)
        Check.record(documents, 'check', failures)
        return {
            'documents': document_names(documents),
            'result': 'failed' if failures else 'passed',
            'failures': Checker.format(failures),
            }
