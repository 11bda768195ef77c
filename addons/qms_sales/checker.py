# This file is part of the QMS modules for Tryton.
from collections import defaultdict, namedtuple

from trytond.i18n import gettext
from trytond.model import Model
from trytond.pool import Pool
from trytond.transaction import Transaction

from .exceptions import GateError

Failure = namedtuple('Failure', ['code', 'record', 'message'])
# One good (or service) a document moves: the unit the rules look at
Item = namedtuple('Item', ['document', 'party', 'product', 'lot', 'date'])

# The licence kinds that let an enterprise buy a device of each class
CLASS_KINDS = {
    '3': ['operating'],
    '2': ['filing', 'operating'],
    '1': ['business'],
    }
SALE_OPERATIONS = {'sale.sale:quote', 'sale.sale:confirm'}
DELIVERY_OPERATIONS = {'stock.shipment.out:pack', 'stock.shipment.out:do'}
RECEIPT_OPERATIONS = {'stock.shipment.in:receive', 'stock.shipment.in:do'}


class Checker(Model):
    "Qualification Gate Checker"
    __name__ = 'qms.checker'

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
        failures = cls.check(documents, operation)
        cls.record(documents, operation, failures)
        if failures:
            raise GateError(gettext('qms_sales.msg_gate_blocked',
                    documents=', '.join(d.rec_name for d in documents),
                    failures='\n'.join(
                        f'[{f.code}] {f.message}' for f in failures)))

    @classmethod
    def record(cls, documents, operation, failures):
        "Record the result of the check in the buyer file"
        pool = Pool()
        Party = pool.get('party.party')
        if not hasattr(Party, 'record_check'):
            return
        by_document = defaultdict(list)
        for failure in failures:
            by_document[failure.record].append(failure)
        for document in documents:
            if document.__name__ == 'sale.sale':
                party = document.party
            elif document.__name__ == 'stock.shipment.out':
                party = document.customer
            else:
                continue
            lines = [f'[{f.code}] {f.message}' for f in failures
                if f.record == document
                or getattr(f.record, 'document', None) == document]
            text = gettext('qms_sales.msg_gate_check_result',
                document=document.rec_name, operation=operation,
                result='\n'.join(lines) if lines else gettext(
                    'qms_sales.msg_gate_check_passed'))
            party.record_check(text)

    @classmethod
    def check_customer(cls, code, data):
        "Q01: the customer holds a licence for the device"
        failures = []
        seen = set()
        for item in data.devices:
            key = (item.document, item.product)
            if key in seen:
                continue
            seen.add(key)
            failure = data.customer_failure(item)
            if failure:
                failures.append(Failure(code, item.document, failure))
        return failures

    @classmethod
    def check_product(cls, code, data):
        "Q02: the device is legally on the market"
        failures = []
        seen = set()
        for item in data.devices:
            key = (item.document, item.product, item.lot)
            if key in seen:
                continue
            seen.add(key)
            for message in data.product_failures(item):
                failures.append(Failure(code, item.document, message))
        return failures

    @classmethod
    def check_supplier(cls, code, data):
        "Q03: the supplier is qualified and the device on the market"
        failures = []
        for document in data.documents:
            for message in data.supplier_failures(document):
                failures.append(Failure(code, document, message))
        seen = set()
        for item in data.devices:
            key = (item.document, item.product, item.lot)
            if key in seen:
                continue
            seen.add(key)
            for message in data.product_failures(item):
                failures.append(Failure(code, item.document, message))
        return failures

    @classmethod
    def check_salesperson(cls, code, data):
        "Q04: the salesperson is authorised for customer and devices"
        failures = []
        overridden = data.overridden(code)
        for sale in data.documents:
            if sale in overridden:
                continue
            for message in data.salesperson_failures(sale):
                failures.append(Failure(code, sale, message))
        return failures

    @classmethod
    def check_review(cls, code, data):
        "Q05: the contract review is done when required"
        failures = []
        for sale in data.documents:
            reasons = sale.review_reasons()
            if reasons and not sale.reviewed_by:
                failures.append(Failure(code, sale, gettext(
                            'qms_sales.msg_q05_review',
                            sale=sale.rec_name,
                            reasons=', '.join(reasons))))
        return failures

    @classmethod
    def check_inspection(cls, code, data):
        "Q06: the pre-shipment inspection passed"
        pool = Pool()
        Inspection = pool.get('quality.inspection')
        states = dict(
            Inspection.fields_get(['state'])['state']['selection'])
        failures = []
        conceded = data.conceded()
        missing = data.missing_inspections()
        for shipment in data.documents:
            if shipment in conceded:
                continue
            for inspection in shipment.quality_inspections:
                if inspection.state != 'passed':
                    failures.append(Failure(code, shipment, gettext(
                                'qms_sales.msg_q06_inspection',
                                shipment=shipment.rec_name,
                                inspection=inspection.rec_name,
                                state=states[inspection.state])))
            for control in missing.get(shipment, []):
                failures.append(Failure(code, shipment, gettext(
                            'qms_sales.msg_q06_missing',
                            shipment=shipment.rec_name,
                            control=control.rec_name)))
        return failures


class GateData:
    "The records the rules need, read in batches for all the documents"

    def __init__(self, documents):
        pool = Pool()
        Date = pool.get('ir.date')
        Qualification = pool.get('party.qualification')
        self.documents = documents
        self.model = documents[0].__name__
        with Transaction().set_context(company=documents[0].company.id):
            self.today = Date.today()
        self.items = [i for d in documents for i in self._items(d)]
        self.devices = [i for i in self.items if self.is_device(i.product)]
        parties = {i.party for i in self.items} | {
            self._party(d) for d in documents}
        self.qualifications = defaultdict(list)
        for qualification in Qualification.search([
                    ('party', 'in', [p.id for p in parties if p]),
                    ], order=[('expiration_date', 'DESC NULLS FIRST')]):
            self.qualifications[qualification.party].append(qualification)
        kinds = dict(Qualification.fields_get(['kind'])['kind']['selection'])
        self.kind_names = kinds

    def _party(self, document):
        if self.model == 'sale.sale':
            return document.party
        elif self.model == 'stock.shipment.out':
            return document.customer
        elif self.model == 'stock.shipment.in':
            return document.supplier

    def _date(self, document):
        if self.model == 'sale.sale':
            return document.sale_date or self.today
        return document.effective_date or self.today

    def _items(self, document):
        party = self._party(document)
        date = self._date(document)
        if self.model == 'sale.sale':
            for line in document.lines:
                if line.type == 'line' and line.product:
                    yield Item(document, party, line.product, None, date)
        else:
            if self.model == 'stock.shipment.in':
                moves = document.incoming_moves
            else:
                moves = document.outgoing_moves
            for move in moves:
                if move.state != 'cancelled':
                    yield Item(
                        document, party, move.product,
                        getattr(move, 'lot', None), date)

    @staticmethod
    def is_device(product):
        template = product.template
        return bool(template.device_class or template.registration)

    @staticmethod
    def device_class(product):
        template = product.template
        if template.device_class:
            return template.device_class
        return template.registration.device_class

    @staticmethod
    def category(product):
        registration = product.template.registration
        return registration.category if registration else None

    def valid_qualifications(self, party, kinds, date):
        "Return the qualifications of kinds and why they fail"
        candidates = [q for q in self.qualifications[party]
            if q.kind in kinds]
        valid = [q for q in candidates
            if not q.revoked
            and (not q.issue_date or q.issue_date <= date)
            and (not q.expiration_date or date <= q.expiration_date)]
        verified = [q for q in valid if q.verified_by]
        return candidates, valid, verified

    def required_kinds(self, party, product):
        if party.buyer_type == 'user':
            return ['medical']
        elif party.buyer_type == 'need':
            return ['intended_use']
        device_class = self.device_class(product)
        if device_class == '2' and product.template.filing_exempt:
            return ['business']
        return CLASS_KINDS[device_class]

    def customer_failure(self, item):
        party, product, date = item.party, item.product, item.date
        kinds = self.required_kinds(party, product)
        device_class = self.device_class(product)
        category = self.category(product)
        values = {
            'party': party.rec_name,
            'product': product.rec_name,
            'kinds': ' / '.join(self.kind_names[k] for k in kinds),
            'device_class': device_class,
            'date': date,
            }
        candidates, valid, verified = self.valid_qualifications(
            party, kinds, date)
        if not candidates:
            return gettext('qms_sales.msg_q01_missing', **values)
        elif not valid:
            return gettext('qms_sales.msg_q01_invalid',
                qualification=candidates[0].rec_name, **values)
        elif not verified:
            return gettext('qms_sales.msg_q01_unverified',
                qualification=valid[0].rec_name, **values)
        for qualification in verified:
            if (device_class in (qualification.device_classes or [])
                    and (category is None
                        or any(c.covers(category)
                            for c in qualification.categories))):
                return
        return gettext('qms_sales.msg_q01_scope',
            qualification=verified[0].rec_name,
            category=category.rec_name if category else '', **values)

    def product_failures(self, item):
        product, lot, date = item.product, item.lot, item.date
        registration = product.template.registration
        values = {
            'product': product.rec_name,
            'date': date,
            }
        if not registration:
            yield gettext('qms_sales.msg_q02_no_registration', **values)
        elif registration.revoked:
            yield gettext('qms_sales.msg_q02_revoked',
                registration=registration.rec_name, **values)
        elif lot and lot.production_date:
            if not registration.valid_on(lot.production_date):
                yield gettext('qms_sales.msg_q02_lot_produced',
                    registration=registration.rec_name, lot=lot.rec_name,
                    production_date=lot.production_date, **values)
        elif not registration.valid_on(date):
            yield gettext('qms_sales.msg_q02_invalid',
                registration=registration.rec_name, **values)
        if product.is_sales_stopped(date):
            yield gettext('qms_sales.msg_q02_product_stopped', **values)
        if lot and lot.is_sales_stopped(date):
            yield gettext('qms_sales.msg_q02_lot_stopped',
                lot=lot.rec_name, **values)

    def supplier_failures(self, shipment):
        party = shipment.supplier
        date = self._date(shipment)
        for kinds in [
                ['business'],
                ['production', 'operating', 'filing'],
                ]:
            _, _, verified = self.valid_qualifications(party, kinds, date)
            if not verified:
                yield gettext('qms_sales.msg_q03_supplier',
                    party=party.rec_name, shipment=shipment.rec_name,
                    kinds=' / '.join(self.kind_names[k] for k in kinds),
                    date=date)

    def overridden(self, code):
        pool = Pool()
        Override = pool.get('qms.sales.override')
        return {o.sale for o in Override.search([
                    ('sale', 'in', [d.id for d in self.documents]),
                    ('rule', '=', code),
                    ])}

    def authorizations(self):
        pool = Pool()
        Authorization = pool.get('qms.sales.authorization')
        if not hasattr(self, '_authorizations'):
            self._authorizations = defaultdict(list)
            employees = {d.salesperson for d in self.documents}
            for authorization in Authorization.search([
                        ('employee', 'in',
                            [e.id for e in employees if e]),
                        ]):
                self._authorizations[authorization.employee].append(
                    authorization)
        return self._authorizations

    def salesperson_failures(self, sale):
        date = self._date(sale)
        if not sale.salesperson:
            yield gettext('qms_sales.msg_q04_no_salesperson',
                sale=sale.rec_name)
            return
        subdivisions = set()
        for address in [sale.shipment_address, sale.invoice_address]:
            subdivision = address.subdivision if address else None
            while subdivision:
                subdivisions.add(subdivision)
                subdivision = subdivision.parent
        authorizations = [a for a in self.authorizations()[sale.salesperson]
            if a.company == sale.company
            and a.valid_from <= date <= a.valid_to
            and (sale.party in a.parties
                or subdivisions.intersection(a.territory))]
        values = {
            'sale': sale.rec_name,
            'employee': sale.salesperson.rec_name,
            'party': sale.party.rec_name,
            'date': date,
            }
        if not authorizations:
            yield gettext('qms_sales.msg_q04_customer', **values)
            return
        products = []
        for item in self.items:
            if item.document == sale and item.product not in products:
                products.append(item.product)
        for product in products:
            category = self.category(product)
            if not any(product.template in a.products
                    or (category and any(
                            c.covers(category) for c in a.categories))
                    for a in authorizations):
                yield gettext('qms_sales.msg_q04_product',
                    product=product.rec_name, **values)

    def conceded(self):
        pool = Pool()
        Concession = pool.get('qms.concession')
        return {c.shipment for c in Concession.search([
                    ('shipment', 'in', [
                            f'{d.__name__},{d.id}' for d in self.documents]),
                    ('state', '=', 'approved'),
                    ])
            if c.customer == self._party(c.shipment)}

    def missing_inspections(self):
        "Return the controls required on pack that were not inspected"
        pool = Pool()
        Control = pool.get('quality.control')
        missing = defaultdict(list)
        for inspection in Control.get_inspections(
                list(self.documents), 'pack'):
            missing[inspection.origin].append(inspection.control)
        return missing
