"""Demo data of qms_aftersales: the store, region and HQ service tree with
its members, SLA policies, service tickets in every state and advance
compensation claims from the after-sales fund."""
import datetime as dt
from contextlib import contextmanager
from decimal import Decimal

from proteus import Model

from .tools import get_or_create, xml_id

# name, code, kind, parent code, compensation limit, member logins
UNITS = [
    ("服务管理处", 'HQ', 'hq', None, None, ['hq', 'aftersales']),
    ("长沙区部", 'R-CS', 'region', 'HQ', '5000', ['region']),
    ("株洲区部", 'R-ZZ', 'region', 'HQ', '5000', []),
    ("五一广场店", 'S-WY', 'store', 'R-CS', '500', ['store']),
    ("河西店", 'S-HX', 'store', 'R-CS', '500', []),
    ("株洲中心店", 'S-ZZ', 'store', 'R-ZZ', '500', []),
    ]
UNIT_GROUPS = {
    'store': 'qms_aftersales.group_store',
    'region': 'qms_aftersales.group_region',
    }
# type, severity, response hours, resolution hours
SLA_POLICIES = [
    ('adverse_event', None, 2, 24),
    ('complaint', 'severe', 2, 24),
    (None, 'high', 4, 48),
    ('consultation', None, 8, 24),
    ('installation', None, 24, 72),
    ]


@contextmanager
def _as_user(config, login):
    User = Model.get('res.user')
    user, = User.find([('login', '=', login)])
    previous, config.user = config.user, user.id
    try:
        yield
    finally:
        config.user = previous


def load(config):
    units = _units()
    _configuration()
    if not Model.get('qms.ticket').find([], limit=1):
        tickets = _tickets(units)
        _claims(config, tickets)
    load_providers(config)
    _weekly_reports()


def _weekly_reports():
    "The weekly service quality reports of last week, as the cron makes them"
    Report = Model.get('qms.service.report.weekly')
    Cron = Model.get('ir.cron')
    if not Report.find([], limit=1):
        Cron(xml_id('qms_aftersales.cron_weekly_report')).click('run_once')


def _units():
    Unit = Model.get('qms.service.unit')
    User = Model.get('res.user')
    Group = Model.get('res.group')
    units = {}
    for name, code, kind, parent, limit, logins in UNITS:
        found = Unit.find([('code', '=', code)])
        if found:
            units[code], = found
            continue
        unit = Unit(name=name, code=code, kind=kind)
        if parent:
            unit.parent = units[parent]
        if limit:
            unit.compensation_limit = Decimal(limit)
        for user in User.find([('login', 'in', logins)]):
            unit.members.append(user)
        unit.save()
        units[code] = unit
    for login, group in UNIT_GROUPS.items():
        user, = User.find([('login', '=', login)])
        group = Group(xml_id(group))
        if group not in user.groups:
            user.groups.append(group)
            user.save()
    return units


def _configuration():
    Configuration = Model.get('qms.aftersales.configuration')
    IrModel = Model.get('ir.model')
    SLAPolicy = Model.get('qms.ticket.sla')
    configuration = Configuration(1)
    if not configuration.complaint_type:
        sale_model, = IrModel.find([('name', '=', 'sale.sale')])
        configuration.complaint_type = get_or_create(
            'sale.complaint.type', {'name': "退换货"}, origin=sale_model)
        configuration.save()
    if not SLAPolicy.find([], limit=1):
        for i, (type_, severity, response, resolution) in enumerate(
                SLA_POLICIES):
            SLAPolicy(sequence=i * 10, type=type_, severity=severity,
                response_hours=response,
                resolution_hours=resolution).save()


def _tickets(units):
    Ticket = Model.get('qms.ticket')
    Party = Model.get('party.party')
    Product = Model.get('product.product')
    Lot = Model.get('stock.lot')
    now = dt.datetime.now().replace(microsecond=0)
    hospital, = Party.find([('name', '=', "北京协和样例医院")])
    pharmacy, = Party.find([('name', '=', "仁和大药房连锁有限公司")])
    monitor, = Product.find([('code', '=', 'MON-P12')])
    meter, = Product.find([('code', '=', 'BPM-E10')])
    strips, = Product.find([('code', '=', 'GLU-STRIP')])

    def ticket(unit, customer, product, hours_ago, **values):
        record = Ticket(handling_unit=units[unit], customer=customer,
            product=product, date=now - dt.timedelta(hours=hours_ago))
        lots = Lot.find([('product', '=', product.id)], limit=1)
        if lots:
            record.lot, = lots
        record.contact = "李女士 138 0000 1234"
        for name, value in values.items():
            setattr(record, name, value)
        record.save()
        return record

    tickets = {}
    tickets['new'] = ticket('S-WY', pharmacy, meter, 1,
        channel='store', type='repair',
        description="血压计开机后显示 E3 错误。")
    tickets['overdue'] = ticket('S-HX', pharmacy, meter, 30,
        channel='hotline', type='repair',
        description="维修预约两天无人联系。")
    tickets['assigned'] = ticket('S-WY', hospital, monitor, 5,
        channel='hotline', type='installation',
        description="新购监护仪需上门安装调试。")
    tickets['assigned'].click('assign')
    tickets['in_progress'] = ticket('S-ZZ', hospital, monitor, 20,
        channel='email', type='repair', severity='high',
        description="监护仪血氧读数漂移。")
    tickets['in_progress'].click('start')
    # started but not resolved within the 72 hours: the escalation task
    # hands it to the region for its resolution
    tickets['late'] = ticket('S-WY', pharmacy, meter, 80,
        channel='store', type='repair',
        description="血压计送修三天仍未修好。")
    tickets['late'].click('start')
    tickets['resolved'] = ticket('S-WY', pharmacy, strips, 50,
        channel='portal', type='return',
        description="整盒试纸受潮，顾客要求退货。")
    tickets['resolved'].click('start')
    tickets['resolved'].resolution = "已更换同批次合格试纸。"
    tickets['resolved'].click('resolve')
    tickets['closed'] = ticket('S-WY', pharmacy, meter, 120,
        channel='store', type='consultation',
        description="咨询血压计使用方法。")
    tickets['closed'].click('start')
    tickets['closed'].resolution = "电话指导使用方法。"
    tickets['closed'].click('resolve')
    tickets['closed'].satisfaction = '5'
    tickets['closed'].callback_remarks = "顾客很满意。"
    tickets['closed'].click('record_callback')
    tickets['closed'].click('close')
    tickets['cancelled'] = ticket('S-HX', pharmacy, meter, 70,
        channel='hotline', type='consultation',
        description="重复来电登记。")
    tickets['cancelled'].click('cancel')
    tickets['severe'] = ticket('S-WY', hospital, monitor, 2,
        channel='hotline', type='complaint', severity='severe',
        description="监护仪报警失灵，医院要求赔偿并投诉。")
    tickets['adverse'] = ticket('S-WY', hospital, monitor, 14,
        channel='hotline', type='adverse_event', severity='high',
        adverse_seriousness='cluster',
        description="同一病区三台监护仪同时断电，疑似群体不良事件。")
    # the store forwards it to the registrant
    tickets['adverse'].click('forward')
    return tickets


def _claims(config, tickets):
    Claim = Model.get('qms.fund.claim')

    def claim(ticket, amount, reason):
        record = Claim(ticket=ticket, unit=ticket.handling_unit,
            amount=Decimal(amount), reason=reason)
        record.save()
        return record

    small = claim(tickets['resolved'], '300', "先行赔付受潮试纸货款。")
    big = claim(tickets['in_progress'], '1800', "维修超期，先行补偿顾客。")
    paid = claim(tickets['closed'], '200', "上门服务迟到补偿。")
    recovered = claim(tickets['resolved'], '450', "厂家服务不到位先行垫付。")
    claim(tickets['severe'], '20000', "重大投诉先行理赔，待服管处审批。")
    with _as_user(config, 'store'):
        for record in [small, paid, recovered]:
            record.click('approve')
    with _as_user(config, 'hq'):
        big.click('approve')
    for record in [paid, recovered]:
        record.click('pay')
    recovered.responsibility = 'manufacturer'
    recovered.responsible_party = (
        tickets['resolved'].product.template.registration.registrant)
    recovered.save()
    recovered.click('recover')


def load_providers(config):
    "Outsourced service providers with technicians, violations and training"
    Violation = Model.get('qms.provider.violation')
    Session = Model.get('qms.training.session')
    Nonconformity = Model.get('qms.nonconformity')
    Unit = Model.get('qms.service.unit')
    today = dt.date.today()
    stores = Unit.find([('kind', '=', 'store')], limit=1)
    store = stores[0] if stores else None

    providers = []
    for name, area, technicians in [
            ("长沙芙蓉家电维修服务部", "长沙市芙蓉区", ["张伟", "李强"]),
            ("株洲天元安装服务中心", "株洲市天元区", ["王磊", "刘洋", "陈杰"]),
            ("湘潭雨湖售后网点", "湘潭市雨湖区", ["赵敏", "孙浩"]),
            ]:
        provider = get_or_create(
            'party.party', {'name': name}, service_provider=True)
        if not provider.service_areas:
            provider.service_areas.new(description=area)
            for technician in technicians:
                provider.technicians.new(
                    name=technician, qualification="家电安装维修")
            provider.save()
        providers.append(provider)

    if not Violation.find([]):
        for provider, count in zip(providers, [0, 1, 2], strict=False):
            for day in range(count):
                violation = Violation(
                    provider=provider, source='store', store=store,
                    date=today.replace(day=1) + dt.timedelta(days=day),
                    description="上门服务超时,未提前告知顾客")
                violation.save()
                violation.click('confirm')

    if not Session.find([]):
        session = Session(
            date=today, topic="空调安装规范与安全操作", kind='both',
            trainer="服务管理部")
        for provider in providers:
            session.providers.append(provider)
            for i, technician in enumerate(provider.technicians):
                session.results.new(
                    technician=technician, score=90 - 15 * i,
                    passed=i < 2)
        session.save()

    # dispatch the assigned installation to the first provider
    Ticket = Model.get('qms.ticket')
    for record in Ticket.find([
                ('state', '=', 'assigned'), ('provider', '=', None)],
            limit=1):
        record.provider = providers[0]
        record.technician = providers[0].technicians[0]
        record.save()

    _inspections(store, providers)

    if not Nonconformity.find([]):
        Nonconformity(
            title="安装后冷凝水渗漏", source='audit', date=today,
            description="回访发现多起安装后冷凝水渗漏",
            analysis_due=today + dt.timedelta(days=7)).save()


def _inspections(store, providers):
    "A mystery check of a store and a customer satisfaction survey"
    Checklist = Model.get('qms.service.checklist')
    Inspection = Model.get('qms.service.inspection')
    Survey = Model.get('qms.satisfaction.survey')
    if Checklist.find([]) or not store:
        return
    visit = Checklist(name="上门安装服务暗查表", kind='inspection')
    for item in ["预约时间内到达", "着工装、佩戴工牌", "安装符合规范",
            "完工清理现场", "收费明码标价"]:
        visit.items.new(name=item)
    visit.save()
    questionnaire = Checklist(name="顾客满意度调查问卷", kind='survey')
    for item in ["服务态度", "响应及时性", "维修质量", "总体评价"]:
        questionnaire.items.new(name=item)
    questionnaire.save()

    inspection = Inspection(
        unit=store, method='mystery', provider=providers[1],
        checklist=visit)
    inspection.lines[0].passed = False
    inspection.lines[0].remarks = "迟到40分钟"
    inspection.save()
    inspection.click('do')

    survey = Survey(unit=store, channel='phone', checklist=questionnaire)
    for line, score in zip(survey.lines, ['5', '4', '4', '5'], strict=False):
        line.score = score
    survey.save()
    survey.click('do')
