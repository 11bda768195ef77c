"""Demo data of qms_sales: the salesperson's authorisation letter, verified
buyer licences, one confirmed sale to the hospital and one draft sale to the
distributor whose operating licence has expired, which the qualification
gate refuses to quote."""
import datetime as dt
from decimal import Decimal

from proteus import Model

from .base import COMPANY
from .tools import xml_id

GOOD_SALE = "演示：合格的医院订单"
BLOCKED_SALE = "演示：许可证过期，资质闸门拦截"


def load(config):
    today = dt.date.today()
    _configuration()
    _verify_qualifications(config)
    employee = _salesperson()
    _authorization(employee, today)
    _good_sale(employee)
    _blocked_sale(employee)
    _expiry_reminders()


def _expiry_reminders():
    "The list of expiring and expired documents, as the daily cron makes it"
    Reminder = Model.get('qms.expiry.reminder')
    Cron = Model.get('ir.cron')
    if not Reminder.find([], limit=1):
        Cron(xml_id('qms_sales.cron_expiry_reminder')).click('run_once')


def _configuration():
    Configuration = Model.get('qms.configuration')
    configuration = Configuration(1)
    if configuration.review_amount is None:
        configuration.review_amount = Decimal('50000')
        configuration.save()


def _verify_qualifications(config):
    """Quality checked the sealed copies of the customers' and suppliers'
    licences in force, with the "Verify" button"""
    Qualification = Model.get('party.qualification')
    User = Model.get('res.user')
    quality, = User.find([('login', '=', 'quality')])
    qualifications = Qualification.find([
            ('verified_by', '=', None),
            ('state', 'not in', ['expired', 'revoked']),
            ('party.buyer_type', 'in',
                ['user', 'distributor', 'manufacturer']),
            ])
    if qualifications:
        previous, config.user = config.user, quality.id
        try:
            Qualification.click(qualifications, 'verify')
        finally:
            config.user = previous


def _salesperson():
    Employee = Model.get('company.employee')
    employee, = Employee.find([('party.name', '=', "销售员 张伟")])
    return employee


def _authorization(employee, today):
    Authorization = Model.get('qms.sales.authorization')
    Party = Model.get('party.party')
    Category = Model.get('qms.device.category')
    if Authorization.find([('number', '=', 'SQ-2026-001')]):
        return
    authorization = Authorization(number='SQ-2026-001', employee=employee)
    authorization.id_number = '110101199001011234'
    for party in Party.find([('buyer_type', 'in', ['user', 'distributor'])]):
        authorization.parties.append(party)
    for category in Category.find([('parent', '=', None)]):
        authorization.categories.append(category)
    authorization.valid_from = dt.date(today.year, 1, 1)
    authorization.valid_to = dt.date(today.year, 12, 31)
    authorization.save()


def _sale(employee, customer_name, description, lines):
    Sale = Model.get('sale.sale')
    Party = Model.get('party.party')
    Product = Model.get('product.product')
    sales = Sale.find([('description', '=', description)])
    if sales:
        return sales[0], False
    customer, = Party.find([('name', '=', customer_name)])
    sale = Sale(party=customer, salesperson=employee)
    sale.description = description
    for code, quantity in lines:
        product, = Product.find([('code', '=', code)])
        line = sale.lines.new(product=product)
        line.quantity = quantity
    sale.save()
    return sale, True


def _good_sale(employee):
    sale, created = _sale(employee, "北京协和样例医院", GOOD_SALE, [
            ('BPM-E10', 10), ('GLOVE-EX', 200)])
    if created:
        sale.click('quote')
        sale.click('confirm')


def _blocked_sale(employee):
    from trytond.modules.qms_sales.exceptions import GateError
    sale, created = _sale(employee, "过期许可医疗器械有限公司", BLOCKED_SALE, [
            ('SYR-5ML', 1000), ('MON-P12', 1)])
    if sale.state != 'draft':
        return
    try:
        sale.click('quote')
    except GateError:
        return
    raise RuntimeError("the qualification gate let the blocked demo sale "
        f"{COMPANY} → 过期许可医疗器械有限公司 through")
