# This file is part of the QMS modules for Tryton.
"""Documents printed as PDF from HTML templates (weasyprint): the
registers of complaints, nonconforming devices and recalls that a
manufacturer or distributor keeps (EU MDR Art. 14(5)) and the recall
notice."""
import os
import re

from genshi.core import Markup

from trytond.i18n import gettext
from trytond.pool import Pool
from trytond.report import Report

with open(os.path.join(os.path.dirname(__file__), 'report.css')) as file:
    CSS = file.read()


def css_string(text):
    "Return text as a quoted CSS string"
    return '"%s"' % text.replace('\\', '\\\\').replace('"', '\\"')


class PDFReportMixin:
    "Style, page numbers and ISO dates of the documents printed as PDF"
    __slots__ = ()

    @classmethod
    def get_context(cls, records, header, data):
        context = super().get_context(records, header, data)
        context['style'] = cls.style
        context['iso'] = cls.iso
        context['today'] = Pool().get('ir.date').today()
        return context

    @classmethod
    def style(cls):
        "Return the style sheet with the translated page x of y"
        text = gettext(
            'qms_trace.msg_report_page', page='{page}', pages='{pages}')
        content = []
        for part in re.split(r'(\{page\}|\{pages\})', text):
            if part in {'{page}', '{pages}'}:
                content.append('counter(%s)' % part[1:-1])
            elif part:
                content.append(css_string(part))
        return Markup(CSS + '@page { @bottom-center { content: %s; } }\n'
            % ' '.join(content))

    @staticmethod
    def iso(date):
        "Return the date as 2026-12-31"
        return date.isoformat() if date else ''


class RegisterMixin(PDFReportMixin):
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


class RecallNotice(PDFReportMixin, Report):
    "Recall notice to each customer (召回通知)"
    __name__ = 'qms.recall.notice'

    @classmethod
    def get_context(cls, records, header, data):
        context = super().get_context(records, header, data)
        context['recall_lots'] = cls.recall_lots
        return context

    @classmethod
    def recall_lots(cls, recall, line=None):
        """Return lot, quantity and shipments of what line's customer
        received, or of every recalled lot without line"""
        if line:
            return [(l.lot, l.delivered_quantity, l.shipments)
                for l in line.lots]
        return [(lot, None, None) for lot in recall.lots]
