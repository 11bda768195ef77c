# This file is part of the QMS modules for Tryton.
"""Registers of complaints, nonconforming devices and recalls that a
manufacturer or distributor keeps (EU MDR Art. 14(5))."""
from trytond.pool import Pool
from trytond.report import Report


class ComplaintRegister(Report):
    __name__ = 'qms.register.complaint'


class NonconformingRegister(Report):
    __name__ = 'qms.register.nonconforming'

    @classmethod
    def get_context(cls, records, header, data):
        Stop = Pool().get('qms.sales.stop')
        context = super().get_context(records, header, data)
        context['stops'] = Stop.search(Stop.stopping_domain())
        return context


class RecallRegister(Report):
    __name__ = 'qms.register.recall'
