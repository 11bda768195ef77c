# This file is part of the QMS modules for Tryton.
"""Registers of complaints, nonconforming devices and recalls that a
manufacturer or distributor keeps (EU MDR Art. 14(5))."""
from trytond.pool import Pool
from trytond.report import Report


class RegisterMixin:
    __slots__ = ()

    @classmethod
    def get_context(cls, records, header, data):
        context = super().get_context(records, header, data)
        context['selection'] = cls.selection
        return context

    @staticmethod
    def selection(model, field, value):
        "Return the translated label of the selection value"
        Model = Pool().get(model)
        labels = dict(Model.fields_get([field])[field]['selection'])
        return labels.get(value, value or '')


class ComplaintRegister(RegisterMixin, Report):
    __name__ = 'qms.register.complaint'


class NonconformingRegister(RegisterMixin, Report):
    __name__ = 'qms.register.nonconforming'

    @classmethod
    def get_context(cls, records, header, data):
        Stop = Pool().get('qms.sales.stop')
        context = super().get_context(records, header, data)
        context['stops'] = Stop.search(Stop.stopping_domain())
        return context


class RecallRegister(RegisterMixin, Report):
    __name__ = 'qms.register.recall'
