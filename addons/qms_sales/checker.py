# This file is part of the QMS modules for Tryton.
from collections import defaultdict, namedtuple
from decimal import Decimal

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
            reasons = sale.review_reasons(data.amounts.get(sale))
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
    """The records the rules need, read in batches for all the documents:
    the number of queries does not depend on the number of lines"""

    def __init__(self, documents):
        pool = Pool()
        Date = pool.get('ir.date')
        self.documents = documents
        self.model = documents[0].__name__
        with Transaction().set_context(company=documents[0].company.id):
            self.today = Date.today()
        self._cache = {}
        self.amounts = {}
        self.items = self._read_items()
        self._read_devices()
        self.devices = [i for i in self.items if self.is_device(i.product)]
        self._read_qualifications()

    def _cached(self, key, compute):
        if key not in self._cache:
            self._cache[key] = compute()
        return self._cache[key]

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

    def _read_items(self):
        pool = Pool()
        Line = pool.get('sale.line')
        items = []
        if self.model == 'sale.sale':
            sales = {d.id: d for d in self.documents}
            for line in Line.search_read([
                        ('sale', 'in', list(sales)),
                        ('type', '=', 'line'),
                        ], fields_names=[
                        'sale', 'product', 'quantity', 'unit_price']):
                sale = sales[line['sale']]
                self.amounts[sale] = self.amounts.get(sale, 0) + (
                    Decimal(str(line['quantity'] or 0))
                    * (line['unit_price'] or 0))
                if line['product']:
                    items.append(Item(sale, self._party(sale),
                            line['product'], None, self._date(sale)))
            for sale, amount in self.amounts.items():
                self.amounts[sale] = sale.currency.round(amount)
            return items
        for document in self.documents:
            party, date = self._party(document), self._date(document)
            if self.model == 'stock.shipment.in':
                moves = document.incoming_moves
            else:
                moves = document.outgoing_moves
            for move in moves:
                if move.state != 'cancelled':
                    lot = getattr(move, 'lot', None)
                    items.append(Item(document, party, move.product.id,
                            lot.id if lot else None, date))
        return items

    def _read_devices(self):
        pool = Pool()
        Product = pool.get('product.product')
        Template = pool.get('product.template')
        Registration = pool.get('product.registration')
        Period = pool.get('product.registration.period')
        Lot = pool.get('stock.lot')
        product_ids = list({i.product for i in self.items})
        self.products = {p.id: p for p in Product.browse(product_ids)}
        self.product_templates = {
            p['id']: p['template']
            for p in Product.read(product_ids, ['template'])}
        self.templates = {t['id']: t for t in Template.read(
                list(set(self.product_templates.values())),
                ['device_class', 'registration', 'filing_exempt'])}
        registration_ids = list({
                t['registration'] for t in self.templates.values()
                if t['registration']})
        periods = defaultdict(list)
        for period in Period.search_read([
                    ('registration', 'in', registration_ids),
                    ], fields_names=[
                    'registration', 'start_date', 'end_date']):
            periods[period['registration']].append(Period(period['id'],
                    start_date=period['start_date'],
                    end_date=period['end_date']))
        # Instances filled from one read: valid_on needs no further query
        self.registration_values = {}
        self.registrations = {}
        for values in Registration.read(registration_ids, [
                    'number', 'revoked', 'revoked_date', 'issue_date',
                    'expiration_date', 'category', 'device_class']):
            id_ = values['id']
            self.registration_values[id_] = values
            self.registrations[id_] = Registration(id_,
                number=values['number'], revoked=values['revoked'],
                revoked_date=values['revoked_date'],
                issue_date=values['issue_date'],
                expiration_date=values['expiration_date'],
                periods=sorted(
                    periods[id_], key=lambda p: p.start_date))
        lot_ids = list({i.lot for i in self.items if i.lot})
        self.lots = {l.id: l for l in Lot.browse(lot_ids)}
        self.production_dates = {
            l['id']: l['production_date']
            for l in Lot.read(lot_ids, ['production_date'])}

    def _read_qualifications(self):
        pool = Pool()
        Qualification = pool.get('party.qualification')
        parties = {i.party for i in self.items} | {
            self._party(d) for d in self.documents}
        self.qualifications = defaultdict(list)
        for qualification in Qualification.search_read([
                    ('party', 'in', [p.id for p in parties if p]),
                    ], order=[('expiration_date', 'DESC NULLS FIRST')],
                fields_names=[
                    'party', 'kind', 'number', 'revoked', 'issue_date',
                    'expiration_date', 'verified_by', 'device_classes',
                    'categories']):
            self.qualifications[qualification['party']].append(
                qualification)

    def kinds_name(self, kinds):
        pool = Pool()
        Qualification = pool.get('party.qualification')
        names = self._cached('kind_names', lambda: dict(
                Qualification.fields_get(['kind'])['kind']['selection']))
        return ' / '.join(names[k] for k in kinds)

    def template(self, product):
        return self.templates[self.product_templates[product]]

    def is_device(self, product):
        template = self.template(product)
        return bool(template['device_class'] or template['registration'])

    def device_class(self, product):
        template = self.template(product)
        if template['device_class']:
            return template['device_class']
        return self.registration_values[
            template['registration']]['device_class']

    def category(self, product):
        "Return the id of the device category of the product"
        registration = self.template(product)['registration']
        if registration:
            return self.registration_values[registration]['category']

    def covers(self, category, other):
        "Return True if category covers the other category"
        pool = Pool()
        Category = pool.get('qms.device.category')
        return self._cached(('covers', category, other),
            lambda: Category(category).covers(Category(other)))

    def valid_on(self, registration, date):
        return self._cached(('valid_on', registration, date),
            lambda: self.registrations[registration].valid_on(date))

    def product_name(self, product):
        return self._cached(('product', product),
            lambda: self.products[product].rec_name)

    def category_name(self, category):
        pool = Pool()
        Category = pool.get('qms.device.category')
        return self._cached(('category', category),
            lambda: Category(category).rec_name)

    def valid_qualifications(self, party, kinds, date):
        "Return the qualifications of kinds, the valid and verified ones"
        def compute():
            candidates = [q for q in self.qualifications[party.id]
                if q['kind'] in kinds]
            valid = [q for q in candidates
                if not q['revoked']
                and (not q['issue_date'] or q['issue_date'] <= date)
                and (not q['expiration_date']
                    or date <= q['expiration_date'])]
            verified = [q for q in valid if q['verified_by']]
            return candidates, valid, verified
        return self._cached(
            ('qualifications', party, tuple(kinds), date), compute)

    def required_kinds(self, party, product):
        if party.buyer_type == 'user':
            return ['medical']
        elif party.buyer_type == 'need':
            return ['intended_use']
        device_class = self.device_class(product)
        if device_class == '2' and self.template(product)['filing_exempt']:
            return ['business']
        return CLASS_KINDS[device_class]

    def in_scope(self, qualification, device_class, category):
        return (device_class in (qualification['device_classes'] or [])
            and (category is None
                or any(self.covers(c, category)
                    for c in qualification['categories'])))

    def customer_failure(self, item):
        party, product, date = item.party, item.product, item.date
        kinds = self.required_kinds(party, product)
        device_class = self.device_class(product)
        category = self.category(product)
        candidates, valid, verified = self.valid_qualifications(
            party, kinds, date)
        if any(self.in_scope(q, device_class, category) for q in verified):
            return
        values = {
            'party': party.rec_name,
            'product': self.product_name(product),
            'kinds': self.kinds_name(kinds),
            'device_class': device_class,
            'date': date,
            }
        if not candidates:
            return gettext('qms_sales.msg_q01_missing', **values)
        elif not valid:
            return gettext('qms_sales.msg_q01_invalid',
                qualification=candidates[0]['number'], **values)
        elif not verified:
            return gettext('qms_sales.msg_q01_unverified',
                qualification=valid[0]['number'], **values)
        return gettext('qms_sales.msg_q01_scope',
            qualification=verified[0]['number'],
            category=self.category_name(category) if category else '',
            **values)

    def product_failures(self, item):
        product, lot, date = item.product, item.lot, item.date
        registration = self.template(product)['registration']
        production_date = self.production_dates.get(lot)

        def values(**extra):
            values = {
                'product': self.product_name(product),
                'date': date,
                }
            if registration:
                values['registration'] = (
                    self.registration_values[registration]['number'])
            if lot:
                values['lot'] = self.lots[lot].rec_name
            values.update(extra)
            return values
        if not registration:
            yield gettext('qms_sales.msg_q02_no_registration', **values())
        elif self.registration_values[registration]['revoked']:
            yield gettext('qms_sales.msg_q02_revoked', **values())
        elif production_date:
            if not self.valid_on(registration, production_date):
                yield gettext('qms_sales.msg_q02_lot_produced',
                    **values(production_date=production_date))
        elif not self.valid_on(registration, date):
            yield gettext('qms_sales.msg_q02_invalid', **values())
        if self.products[product].is_sales_stopped(date):
            yield gettext('qms_sales.msg_q02_product_stopped', **values())
        if lot and self.lots[lot].is_sales_stopped(date):
            yield gettext('qms_sales.msg_q02_lot_stopped', **values())

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
                    kinds=self.kinds_name(kinds),
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

        def compute():
            authorizations = defaultdict(list)
            employees = {d.salesperson for d in self.documents}
            for authorization in Authorization.search_read([
                        ('employee', 'in', [e.id for e in employees if e]),
                        ], fields_names=[
                        'employee', 'company', 'valid_from', 'valid_to',
                        'parties', 'territory', 'products', 'categories']):
                authorizations[authorization['employee']].append(
                    authorization)
            return authorizations
        return self._cached('authorizations', compute)

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
                subdivisions.add(subdivision.id)
                subdivision = subdivision.parent
        authorizations = [a
            for a in self.authorizations()[sale.salesperson.id]
            if a['company'] == sale.company.id
            and a['valid_from'] <= date <= a['valid_to']
            and (sale.party.id in a['parties']
                or subdivisions.intersection(a['territory']))]
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
            template = self.product_templates[product]
            category = self.category(product)
            if not any(template in a['products']
                    or (category and any(self.covers(c, category)
                            for c in a['categories']))
                    for a in authorizations):
                yield gettext('qms_sales.msg_q04_product',
                    product=self.product_name(product), **values)

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
