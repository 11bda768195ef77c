"Demo data of qms_aftersales (extended by its issue)"
import datetime as dt

from proteus import Model

from .tools import get_or_create


def load(config):
    load_providers(config)


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
        for provider, count in zip(providers, [0, 1, 2]):
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

    if not Nonconformity.find([]):
        Nonconformity(
            title="安装后冷凝水渗漏", source='audit', date=today,
            description="回访发现多起安装后冷凝水渗漏",
            analysis_due=today + dt.timedelta(days=7)).save()
