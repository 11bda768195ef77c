# This file is part of the QMS modules for Tryton.
"Helpers for the tests and the benchmark of the provider reports"
import datetime as dt

from trytond.modules.qms_sales.tests.tools import count_queries
from trytond.pool import Pool

__all__ = ['count_queries']


def create_units(name='Store'):
    "Create HQ → region → store and return them"
    pool = Pool()
    Unit = pool.get('qms.service.unit')
    hq, = Unit.create([{'name': 'HQ', 'kind': 'hq'}])
    region, = Unit.create([{
                'name': 'Region', 'kind': 'region', 'parent': hq.id}])
    store, = Unit.create([{
                'name': name, 'kind': 'store', 'parent': region.id}])
    return hq, region, store


def create_providers(names):
    Party = Pool().get('party.party')
    return Party.create([
            {'name': n, 'service_provider': True} for n in names])


def create_violations(provider, dates, store=None, confirm=True):
    Violation = Pool().get('qms.provider.violation')
    violations = Violation.create([{
                'provider': provider.id,
                'date': date,
                'source': 'store',
                'store': store.id if store else None,
                'description': "Late arrival",
                } for date in dates])
    if confirm:
        Violation.confirm(violations)
    return violations


def create_results(provider, date, passed, failed):
    "Create a training session on date with passed and failed technicians"
    pool = Pool()
    Technician = pool.get('qms.technician')
    Session = pool.get('qms.training.session')
    technicians = Technician.search([('provider', '=', provider.id)])
    missing = passed + failed - len(technicians)
    if missing > 0:
        technicians += Technician.create([{
                    'provider': provider.id,
                    'name': 'Technician %s' % i,
                    } for i in range(missing)])
    results = [{'technician': t.id, 'passed': True}
        for t in technicians[:passed]]
    results += [{'technician': t.id, 'passed': False}
        for t in technicians[passed:passed + failed]]
    session, = Session.create([{
                'date': date,
                'topic': "Installation",
                'providers': [('add', [provider.id])],
                'results': [('create', results)],
                }])
    return session


def create_ticket(store, date, **values):
    Ticket = Pool().get('qms.ticket')
    values.setdefault('type', 'repair')
    values.setdefault('contact', "Caller 138 0000 0000")
    values.setdefault('description', "Does not start")
    ticket, = Ticket.create([{
                'handling_unit': store.id,
                'date': dt.datetime.combine(date, dt.time(10)),
                **values,
                }])
    return ticket
