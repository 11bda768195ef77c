# This file is part of the QMS modules for Tryton.
"Records built by the unit tests"
import datetime as dt
import os
import subprocess
from decimal import Decimal

from trytond.pool import Pool
from trytond.transaction import Transaction

today = dt.date.today  # called each time: a run may cross midnight


def create_party(name, phone=True, qualification=True):
    pool = Pool()
    Party = pool.get('party.party')
    Category = pool.get('qms.device.category')
    categories = Category.search([('parent', '=', None)])
    party, = Party.create([{
                'name': name,
                'addresses': [('create', [{
                                'street': f"1 {name} Road",
                                'city': "Hangzhou",
                                }])],
                'contact_mechanisms': [('create', [{
                                'type': 'phone',
                                'value': '+8657188880000',
                                }])] if phone else [],
                'qualifications': [('create', [{
                                'kind': 'operating',
                                'number': f"LIC-{name}",
                                'device_classes': ['1', '2', '3'],
                                'expiration_date': (
                                    today() + dt.timedelta(days=3650)),
                                'categories': [
                                    ('add', [c.id for c in categories])],
                                'verified_by': Transaction().user,
                                'verified_date': today(),
                                }])] if qualification else [],
                }])
    return party


def create_product(name="Stent", registration=True, implantable=False):
    pool = Pool()
    Category = pool.get('qms.device.category')
    Registration = pool.get('product.registration')
    Template = pool.get('product.template')
    Uom = pool.get('product.uom')
    unit, = Uom.search([('name', '=', 'Unit')])
    values = {
        'name': name,
        'type': 'goods',
        'default_uom': unit.id,
        'list_price': Decimal(10),
        'device_class': '3',
        'implantable': implantable,
        'storage_conditions': "2-8 °C",
        'products': [('create', [{
                        'device_model': 'ST-10',
                        'device_specification': '10 mm',
                        }])],
        }
    if registration:
        category, = Category.search([('code', '=', '13')], limit=1)
        registrant = create_party(f"{name} Registrant", qualification=False)
        manufacturer = create_party(
            f"{name} Manufacturer", qualification=False)
        registration, = Registration.create([{
                    'number': '国械注准20163460001',
                    'kind': 'registration',
                    'device_class': '3',
                    'category': category.id,
                    'name': name,
                    'registrant': registrant.id,
                    'manufacturer': manufacturer.id,
                    'manufacturer_license': '浙食药监械生产许20150001号',
                    'issue_date': today() - dt.timedelta(days=1000),
                    'expiration_date': today() + dt.timedelta(days=1000),
                    }])
        values['registration'] = registration.id
    template, = Template.create([values])
    product, = template.products
    return product


def create_lot(product, number='L1', expiration_date=True):
    pool = Pool()
    Lot = pool.get('stock.lot')
    lot, = Lot.create([{
                'number': number,
                'product': product.id,
                'production_date': today() - dt.timedelta(days=100),
                'expiration_date': (
                    today() + dt.timedelta(days=700)
                    if expiration_date else None),
                }])
    return lot


def locations():
    pool = Pool()
    ModelData = pool.get('ir.model.data')
    Location = pool.get('stock.location')
    result = {n: Location(ModelData.get_id('stock', f'location_{n}'))
        for n in ['warehouse', 'storage', 'supplier', 'customer', 'input',
            'output']}
    result['stock'] = result['storage']
    return result


def move(company, product, lot, from_, to, quantity, shipment=None,
        date=None, price=Decimal(100), do=True):
    pool = Pool()
    Move = pool.get('stock.move')
    if date is None:
        date = today()
    move, = Move.create([{
                'company': company.id,
                'product': product.id,
                'unit': product.default_uom.id,
                'quantity': quantity,
                'from_location': from_.id,
                'to_location': to.id,
                'lot': lot.id if lot else None,
                'unit_price': price,
                'currency': company.currency.id,
                'planned_date': date,
                'effective_date': date,
                'shipment': str(shipment) if shipment else None,
                }])
    if do:
        with Transaction().set_context(_skip_warnings=True):
            Move.do([move])
    return move


def shipment_in(company, supplier):
    pool = Pool()
    ShipmentIn = pool.get('stock.shipment.in')
    shipment, = ShipmentIn.create([{
                'company': company.id,
                'supplier': supplier.id,
                'warehouse': locations()['warehouse'].id,
                'warehouse_input': locations()['input'].id,
                'warehouse_storage': locations()['storage'].id,
                }])
    return shipment


def shipment_out(company, customer):
    pool = Pool()
    ShipmentOut = pool.get('stock.shipment.out')
    shipment, = ShipmentOut.create([{
                'company': company.id,
                'customer': customer.id,
                'delivery_address': customer.addresses[0].id,
                'warehouse': locations()['warehouse'].id,
                'warehouse_storage': locations()['storage'].id,
                'warehouse_output': locations()['output'].id,
                }])
    return shipment


def shipment_out_return(company, customer):
    pool = Pool()
    ShipmentOutReturn = pool.get('stock.shipment.out.return')
    shipment, = ShipmentOutReturn.create([{
                'company': company.id,
                'customer': customer.id,
                'warehouse': locations()['warehouse'].id,
                'warehouse_storage': locations()['storage'].id,
                'warehouse_input': locations()['input'].id,
                }])
    return shipment


def create_history(company):
    """Lot L1 of a stent: supplier -> warehouse -> customer A (3),
    customer B (2) -> return from B (2) -> customer C (4)"""
    product = create_product()
    lot = create_lot(product)
    loc = locations()
    supplier = create_party("Supplier")
    customers = {n: create_party(f"Customer {n}") for n in 'ABC'}
    day = dt.timedelta(days=1)
    receipt = shipment_in(company, supplier)
    move(company, product, lot, loc['supplier'], loc['stock'], 10,
        shipment=receipt, date=today() - 10 * day)
    shipments = {}
    for name, quantity, days in [('A', 3, 8), ('B', 2, 7)]:
        shipments[name] = shipment = shipment_out(company, customers[name])
        move(company, product, lot, loc['stock'], loc['customer'],
            quantity, shipment=shipment, date=today() - days * day)
    shipments['B-return'] = return_ = shipment_out_return(
        company, customers['B'])
    move(company, product, lot, loc['customer'], loc['stock'], 2,
        shipment=return_, date=today() - 5 * day)
    shipments['C'] = shipment = shipment_out(company, customers['C'])
    move(company, product, lot, loc['stock'], loc['customer'], 4,
        shipment=shipment, date=today() - 3 * day)
    return {
        'product': product,
        'lot': lot,
        'supplier': supplier,
        'receipt': receipt,
        'customers': customers,
        'shipments': shipments,
        }


def pdf_text(content, name=None):
    """Return the text of the PDF content as pdftotext lays it out; with
    QMS_REPORT_DIR set, keep the PDF there as name for review"""
    content = bytes(content)
    assert content.startswith(b'%PDF-'), content[:20]
    if name and os.environ.get('QMS_REPORT_DIR'):
        path = os.path.join(os.environ['QMS_REPORT_DIR'], name + '.pdf')
        with open(path, 'wb') as file:
            file.write(content)
    return subprocess.run(['pdftotext', '-layout', '-', '-'],
        input=content, capture_output=True, check=True).stdout.decode()
