"""Base demo data: a medical-device distributor in CNY with its warehouse,
customers, suppliers, devices, lots in stock and one user per role."""
import datetime as dt
from decimal import Decimal

from proteus import Model, Wizard
from stdnum.cn import uscc

from .tools import get_or_create, sealed_copy_pdf, xml_id

PASSWORD = 'qms-demo-2026'
COMPANY = "华康医疗器械有限公司"

# login, name, language, groups (module.fs_id)
USERS = [
    ('sales', "销售员 张伟", 'zh_CN', [
            'sale.group_sale', 'qms_sales.group_qms_sales']),
    ('sales_manager', "销售经理 李娜", 'zh_CN', [
            'sale.group_sale', 'sale.group_sale_admin',
            'qms_sales.group_qms_sales_manager']),
    ('quality', "质量负责人 王芳", 'zh_CN', [
            'qms_sales.group_qms_quality', 'product.group_product_admin',
            'party.group_party_admin', 'stock.group_stock']),
    ('warehouse', "仓管员 刘洋", 'zh_CN', [
            'stock.group_stock', 'qms_sales.group_qms_warehouse']),
    ('aftersales', "售后专员 陈静", 'zh_CN', [
            'qms_aftersales.group_aftersales', 'sale.group_sale']),
    ('store', "门店服务员 杨磊", 'zh_CN', [
            'qms_aftersales.group_aftersales']),
    ('region', "区部服务主管 赵敏", 'zh_CN', [
            'qms_aftersales.group_aftersales']),
    ('hq', "服管处 周强", 'zh_CN', [
            'qms_aftersales.group_service_management']),
    ('management', "总经理 吴刚", 'zh_CN', [
            'qms_sales.group_qms_sales_manager',
            'qms_aftersales.group_service_management',
            'sale.group_sale', 'stock.group_stock']),
    ]

CUSTOMERS = [
    # name, buyer type, qualifications (kind, number, days to expiry,
    # classes, category codes or None for all)
    ("北京协和样例医院", 'user', [
            ('medical', 'PDY00001211010115A1001', 900, ['1', '2', '3'],
                None)]),
    ("仁和大药房连锁有限公司", 'distributor', [
            ('business', '91110105MA01ABCD26', None, ['1', '2', '3'], None),
            ('filing', '京朝食药监械经营备20190123号', None, ['2'],
                ['07', '14', '22', '40'])]),
    ("国药样例医疗器械经销有限公司", 'distributor', [
            ('business', '91310000MA1FL3XY4C', None, ['1', '2', '3'], None),
            ('operating', '沪食药监械经营许20180045号', 700, ['2', '3'],
                None)]),
    ("过期许可医疗器械有限公司", 'distributor', [
            ('business', '91440300MA5EXP001E', None, ['1', '2', '3'], None),
            ('operating', '粤深食药监械经营许20150077号', -30, ['2', '3'],
                None)]),
    ("范围不全医疗科技有限公司", 'distributor', [
            ('business', '91330100MA2TCP034E', None, ['1', '2', '3'], None),
            ('operating', '浙杭食药监械经营许20200011号', 800, ['2', '3'],
                ['06', '07'])]),
    ]

SUPPLIERS = [
    ("深圳迈康医疗电子股份有限公司", '粤食药监械生产许20010001号'),
    ("山东威洁医用高分子制品股份有限公司", '鲁食药监械生产许20000002号'),
    ("美邦医疗器材（上海）有限公司", '沪食药监械经营许20120033号'),
    ]

# code, name, class, category, registration number, kind, supplier index,
# registration days to expiry, list price, implantable, min shelf life
PRODUCTS = [
    ('SYR-5ML', "一次性使用无菌注射器 5ml", '3', '14', '国械注准20163140001',
        'registration', 1, 1200, '0.80', False, 180),
    ('MASK-SURG', "医用外科口罩", '2', '14', '鲁械注准20192140123',
        'registration', 1, 900, '1.20', False, 90),
    ('GLOVE-EX', "医用检查手套", '1', '14', '鲁威械备20150012号',
        'filing', 1, None, '0.50', False, 90),
    ('BPM-E10', "电子血压计", '2', '07', '粤械注准20172070045',
        'registration', 0, 600, '268.00', False, None),
    ('MON-P12', "多参数监护仪", '2', '07', '粤械注准20182070012',
        'registration', 0, 1000, '18800.00', False, None),
    ('PACE-DR', "植入式心脏起搏器", '3', '12', '国械注进20173120001',
        'registration', 2, 800, '32000.00', True, None),
    ('HIP-PRO', "髋关节假体", '3', '13', '国械注准20153130099',
        'registration', 2, -200, '15600.00', True, None),
    ('GLU-STRIP', "血糖试纸", '2', '40', '粤械注准20182400321',
        'registration', 0, 1500, '2.50', False, 60),
    ]

# the unit each device is counted in, as the GSP records print it
UNITS = {
    'SYR-5ML': "支", 'MASK-SURG': "只", 'GLOVE-EX': "副", 'BPM-E10': "台",
    'MON-P12': "台", 'PACE-DR': "个", 'HIP-PRO': "套", 'GLU-STRIP': "盒",
    }

# code: model and specification as registered (型号, 规格)
MODELS = {
    'SYR-5ML': ("5ml", "0.6×25 TWLB 带针"),
    'MASK-SURG': ("平面耳挂式", "17.5 cm×9.5 cm"),
    'GLOVE-EX': ("无粉型", "M"),
    'BPM-E10': ("E10", "上臂式"),
    'MON-P12': ("P12", "12.1 英寸"),
    'PACE-DR': ("DR", "双腔"),
    'HIP-PRO': ("PRO", "股骨柄 12 号"),
    'GLU-STRIP': ("GS-50", "50 片/盒"),
    }

# code: storage and transport conditions printed on the delivery note
CONDITIONS = {
    'SYR-5ML': ("常温，干燥、通风、无腐蚀性气体的清洁环境",
        "常温运输，防潮、防重压"),
    'MASK-SURG': ("相对湿度不超过 80%、无腐蚀性气体、通风良好的室内",
        "常温运输，防雨防潮"),
    'GLOVE-EX': ("阴凉干燥处，避免阳光直射", "常温运输，避免挤压"),
    'BPM-E10': ("-20 °C～55 °C，相对湿度不超过 95%", "防震、防雨，避免碰撞"),
    'MON-P12': ("-20 °C～60 °C，相对湿度不超过 95%，无腐蚀性气体",
        "防震、防潮，轻拿轻放"),
    'PACE-DR': ("0 °C～40 °C，干燥，无菌包装完好", "专人专车配送，防震"),
    'HIP-PRO': ("常温，干燥，无菌包装完好", "防震、防挤压"),
    'GLU-STRIP': ("2 °C～30 °C，密封干燥，避光", "2 °C～30 °C 运输，避免高温"),
    }


def load(config):
    today = dt.date.today()
    company = _company(config)
    _sequences()
    _company_details(company, today)
    _accounts(company)
    _users(config)
    customers = [_customer(*c, today=today) for c in CUSTOMERS]
    suppliers = [_supplier(*s) for s in SUPPLIERS]
    products = [_product(p, suppliers, today) for p in PRODUCTS]
    _stock(products, today)
    _config_wizard_done()
    return customers, suppliers, products


# the numbers of the documents, with the prefix that says their type
SEQUENCES = [
    ('sale.sequence_sale', 'S'),
    ('stock.sequence_shipment_out', 'CS'),
    ('stock.sequence_shipment_in', 'SS'),
    ('stock.sequence_shipment_out_return', 'CR'),
    ('stock.sequence_shipment_in_return', 'SR'),
    ('stock.sequence_shipment_internal', 'IS'),
    ('sale_complaint.sequence_complaint', 'CP'),
    ('quality.sequence_quality_inspection', 'QI'),
    ('quality.sequence_quality_alert', 'QA'),
    ]


def _sequences():
    "Number the documents as S0001, CS0001… before the first is made"
    Sequence = Model.get('ir.sequence')
    for reference, prefix in SEQUENCES:
        sequence = Sequence(xml_id(reference))
        if not sequence.prefix:
            sequence.prefix = prefix
            sequence.padding = 4
            sequence.save()


def _unit(name):
    "Return the unit named name, counted as Tryton's Unit is"
    Uom = Model.get('product.uom')
    unit, = Uom.find([('name', '=', 'Unit')])
    return get_or_create('product.uom', {'name': name}, symbol=name,
        category=unit.category, rate=1, factor=1, rounding=1, digits=0)


def _config_wizard_done():
    "The demo is configured: don't greet the administrator with the wizard"
    Item = Model.get('ir.module.config_wizard.item')
    items = Item.find([('state', '!=', 'done')])
    for item in items:
        item.state = 'done'
    Item.save(items)


def _company(config):
    Company = Model.get('company.company')
    companies = Company.find([('party.name', '=', COMPANY)])
    if companies:
        return companies[0]
    Currency = Model.get('currency.currency')
    currency = get_or_create('currency.currency', {'code': 'CNY'},
        name="人民币", symbol='¥', numeric_code='156',
        rounding=Decimal('0.01'), digits=2)
    if not currency.rates:
        rate = currency.rates.new()
        rate.date = dt.date(2000, 1, 1)
        rate.rate = Decimal(1)
        currency.save()
    Party = Model.get('party.party')
    party = Party(name=COMPANY)
    party.save()
    company_config = Wizard('company.company.config')
    company_config.execute('company')
    company_config.form.party = party
    company_config.form.currency = Currency(currency.id)
    company_config.form.timezone = 'Asia/Shanghai'
    company_config.execute('add')
    User = Model.get('res.user')
    config._context = User.get_preferences(True, {})
    Location = Model.get('stock.location')
    warehouse, = Location.find([('code', '=', 'WH')])
    warehouse.name = "主仓库"
    warehouse.save()
    company, = Company.find([('party.name', '=', COMPANY)])
    return company


# what the delivery note prints of the supplier (供货者): address, phone
# and licences (classes II-III operating licence, class II filing)
COMPANY_ADDRESS = ("北京市朝阳区酒仙桥路 10 号 3 号楼", "100015", "北京")
COMPANY_PHONE = '010-6438 8899'
COMPANY_LICENCES = [
    ('business', '91110105MA00RK8P12', ['1', '2', '3']),
    ('operating', '京朝食药监械经营许20190088号', ['2', '3']),
    ('filing', '京朝食药监械经营备20190156号', ['2']),
    ]


def _company_details(company, today):
    Party = Model.get('party.party')
    Qualification = Model.get('party.qualification')
    Category = Model.get('qms.device.category')
    party = Party(company.party.id)
    address, = party.addresses[:1] or [party.addresses.new()]
    if not address.street:
        address.street, address.postal_code, address.city = COMPANY_ADDRESS
        party.save()
    if not party.contact_mechanisms:
        party.contact_mechanisms.new(type='phone', value=COMPANY_PHONE)
        party.save()
    for kind, number, classes in COMPANY_LICENCES:
        if Qualification.find([('party', '=', party.id), ('kind', '=', kind)]):
            continue
        qualification = Qualification(party=party, kind=kind, number=number,
            issuer="北京市朝阳区市场监督管理局",
            issue_date=today - dt.timedelta(days=3 * 365))
        if kind == 'operating':
            qualification.expiration_date = today + dt.timedelta(days=700)
        qualification.device_classes = classes
        qualification.categories.extend(
            Category.find([('parent', '=', None)]))
        _attach_sealed_copy(qualification, party.name)
        qualification.save()


def _accounts(company):
    from trytond.modules.account.tests.tools import (
        create_chart,
        create_fiscalyear,
        get_accounts,
    )
    from trytond.modules.account_invoice.tests.tools import (
        set_fiscalyear_invoice_sequences,
    )
    Account = Model.get('account.account')
    if not Account.find([('company', '=', company.id)], limit=1):
        create_chart(company)
    FiscalYear = Model.get('account.fiscalyear')
    today = dt.date.today()
    if not FiscalYear.find([
                ('start_date', '<=', today), ('end_date', '>=', today)]):
        fiscalyear = set_fiscalyear_invoice_sequences(
            create_fiscalyear(company))
        fiscalyear.click('create_period')
    accounts = get_accounts(company)
    get_or_create('product.category', {'name': "医疗器械"},
        accounting=True, account_expense=accounts['expense'],
        account_revenue=accounts['revenue'])


def _users(config):
    User = Model.get('res.user')
    Group = Model.get('res.group')
    Lang = Model.get('ir.lang')
    Employee = Model.get('company.employee')
    Company = Model.get('company.company')
    company, = Company.find([('party.name', '=', COMPANY)])
    admin, = User.find([('login', '=', 'admin')])
    if company not in admin.companies:
        admin.companies.append(Company(company.id))
        admin.company = Company(company.id)
        admin.save()
    zh, = Lang.find([('code', '=', 'zh_CN')])
    for login, name, lang, groups in USERS:
        if User.find([('login', '=', login)]):
            continue
        party = get_or_create('party.party', {'name': name})
        employee = get_or_create('company.employee',
            {'party': party, 'company': company})
        user = User(login=login, name=name, password=PASSWORD)
        user.language = zh if lang == 'zh_CN' else None
        user.companies.append(Company(company.id))
        user.company = Company(company.id)
        user.employees.append(Employee(employee.id))
        user.employee = Employee(employee.id)
        for group in groups:
            user.groups.append(Group(xml_id(group)))
        user.save()


def _category(code):
    Category = Model.get('qms.device.category')
    category, = Category.find([('code', '=', code)])
    return category


def _customer(name, buyer_type, qualifications, today):
    Party = Model.get('party.party')
    Qualification = Model.get('party.qualification')
    Category = Model.get('qms.device.category')
    parties = Party.find([('name', '=', name)])
    if parties:
        return parties[0]
    party = Party(name=name, buyer_type=buyer_type)
    address, = party.addresses
    address.street = "示例路 88 号"
    address.city = "北京"
    party.contact_mechanisms.new(
        type='phone', value='+86 10 6512 3456', name="采购部 王经理")
    party.save()
    for kind, number, days, classes, codes in qualifications:
        qualification = Qualification(party=party, kind=kind, number=number)
        qualification.issuer = "市场监督管理局"
        qualification.issue_date = today - dt.timedelta(days=3 * 365)
        if days is not None:
            qualification.expiration_date = today + dt.timedelta(days=days)
        qualification.device_classes = classes
        categories = Category.find(
            [('code', 'in', codes)] if codes else [('parent', '=', None)])
        qualification.categories.extend(categories)
        _attach_sealed_copy(qualification, name)
        qualification.save()
    return party


def _supplier(name, licence):
    Party = Model.get('party.party')
    Qualification = Model.get('party.qualification')
    parties = Party.find([('name', '=', name)])
    if parties:
        return parties[0]
    party = Party(name=name, buyer_type='manufacturer')
    party.save()
    licence_kind = 'operating' if '经营' in licence else 'production'
    for kind, number in [
            ('business', _uscc('9144' + str(party.id).zfill(13))),
            (licence_kind, licence)]:
        qualification = Qualification(
            party=party, kind=kind, number=number, issuer="药品监督管理局",
            issue_date=dt.date(2020, 1, 1))
        qualification.device_classes = ['1', '2', '3']
        _attach_sealed_copy(qualification, name)
        qualification.save()
    return party


def _attach_sealed_copy(qualification, name):
    "Attach the copy of the licence sealed by its holder"
    qualification.document = sealed_copy_pdf([
            "资质证照复印件（加盖公章）", name,
            "证照编号：%s" % qualification.number,
            "Certified true copy: %s" % (
                qualification.number if qualification.number.isascii()
                else qualification.kind)], name[:4])
    qualification.document_name = '%s.pdf' % qualification.number


def _uscc(number):
    "Complete a unified social credit code with its check character"
    return number + uscc.calc_check_digit(number)


def _product(row, suppliers, today):
    (code, name, device_class, category, number, kind, supplier, days,
        price, implantable, shelf_life) = row
    Template = Model.get('product.template')
    Registration = Model.get('product.registration')
    Product = Model.get('product.product')
    products = Product.find([('code', '=', code)])
    if products:
        return products[0]
    manufacturer = suppliers[supplier]
    registration = get_or_create('product.registration', {'number': number},
        kind=kind, device_class=device_class, category=_category(category),
        name=name, registrant=manufacturer, manufacturer=manufacturer,
        manufacturer_license=manufacturer.qualifications[-1].number,
        issue_date=today - dt.timedelta(days=5 * 365 - (days or 0)),
        expiration_date=(
            today + dt.timedelta(days=days) if days is not None else None),
        models="标准型")
    registration = Registration(registration.id)
    unit = _unit(UNITS[code])
    Category = Model.get('product.category')
    account_category, = Category.find([('name', '=', "医疗器械")])
    template = Template(name=name, default_uom=unit, type='goods')
    template.salable = True
    template.purchasable = True
    template.list_price = Decimal(price)
    template.account_category = account_category
    template.device_class = device_class
    template.registration = registration
    template.implantable = implantable
    template.min_shelf_life_days = shelf_life
    template.storage_conditions, template.transport_conditions = (
        CONDITIONS[code])
    template.lot_required = ['supplier', 'storage', 'customer']
    template.code = code
    product, = template.products
    product.cost_price = (Decimal(price) * Decimal('0.6')).quantize(
        Decimal('0.01'))
    product.device_model, product.device_specification = MODELS[code]
    template.save()
    registration.templates.append(template)
    registration.save()
    product, = template.products
    return product


def _stock(products, today):
    Lot = Model.get('stock.lot')
    Location = Model.get('stock.location')
    Inventory = Model.get('stock.inventory')
    if Lot.find([], limit=1):
        return
    storage, = Location.find([('code', '=', 'STO')])
    inventory = Inventory(location=storage)
    for product in products:
        implantable = product.template.implantable
        lots = []
        if implantable:
            for n in range(3):
                lots.append((f'SN{product.code[:4]}{n + 1:05d}', 1,
                        today - dt.timedelta(days=60),
                        today + dt.timedelta(days=1800)))
        else:
            lots.append((f'{product.code[:4]}2401', 200,
                    today - dt.timedelta(days=90),
                    today + dt.timedelta(days=700)))
        if product.code == 'MASK-SURG':
            lots.append(('MASK2201', 100, today - dt.timedelta(days=800),
                    today - dt.timedelta(days=10)))
        if product.code == 'GLU-STRIP':
            lots.append(('GLU-2309', 150, today - dt.timedelta(days=500),
                    today + dt.timedelta(days=30)))
        for number, quantity, produced, expires in lots:
            lot = Lot(number=number, product=product)
            lot.production_date = produced
            lot.expiration_date = expires
            lot.save()
            line = inventory.lines.new(product=product)
            line.lot = lot
            line.quantity = quantity
    inventory.click('confirm')


def logins_text():
    lines = ["Demo logins (password for every user: %s):" % PASSWORD,
        "  admin          administrator (en)"]
    for login, name, lang, _ in USERS:
        lines.append(f"  {login:<14} {name} ({lang})")
    return '\n'.join(lines)
