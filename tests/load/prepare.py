"""Data for the multi-worker load test, on a database that has the demo:
a user allowed to sell and ship, lots of one device in stock.

    python tests/load/prepare.py DATABASE LOTS QUANTITY
"""
import datetime as dt
import sys

from proteus import Model
from proteus import config as pconfig

LOGIN, PASSWORD = 'loadtest', 'qms-load-2026'


def main(database, lots, quantity):
    pconfig.set_trytond(database)
    User = Model.get('res.user')
    Group = Model.get('res.group')
    ModelData = Model.get('ir.model.data')
    Company = Model.get('company.company')
    company, = Company.find([])
    Employee = Model.get('company.employee')
    Party = Model.get('party.party')
    if not User.find([('login', '=', LOGIN)]):
        party = Party(name="Load Test")
        party.save()
        employee = Employee(party=party, company=company)
        employee.save()
        user = User(login=LOGIN, name="Load Test", password=PASSWORD)
        user.companies.append(Company(company.id))
        user.company = Company(company.id)
        user.employees.append(employee)
        user.employee = employee
        for group in ['sale.group_sale', 'sale.group_sale_admin',
                'stock.group_stock', 'qms_sales.group_qms_sales_manager',
                'qms_sales.group_qms_warehouse']:
            user.groups.append(Group(ModelData.get_id(group, {})))
        user.save()
        Authorization = Model.get('qms.sales.authorization')
        Template = Model.get('product.template')
        authorization = Authorization(number='LOAD-001',
            employee=employee, id_number='11010519491231002X',
            valid_from=dt.date.today() - dt.timedelta(days=30),
            valid_to=dt.date.today() + dt.timedelta(days=365))
        authorization.parties.extend(Party.find([]))
        authorization.products.extend(Template.find([]))
        authorization.save()

    Product = Model.get('product.product')
    product, = Product.find([('code', '=', 'BPM-E10')])
    Lot = Model.get('stock.lot')
    Location = Model.get('stock.location')
    Inventory = Model.get('stock.inventory')
    storage, = Location.find([('code', '=', 'STO')])
    today = dt.date.today()
    inventory = Inventory(location=storage)
    for i in range(lots):
        lot = Lot(number=f'LOAD{i:04d}', product=product,
            production_date=today - dt.timedelta(days=30),
            expiration_date=today + dt.timedelta(days=900))
        lot.save()
        line = inventory.lines.new(product=product)
        line.lot = lot
        line.quantity = quantity
    inventory.click('confirm')
    print(product.id)


if __name__ == '__main__':
    main(sys.argv[1], int(sys.argv[2]), int(sys.argv[3]))
