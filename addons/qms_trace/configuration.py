# This file is part of the QMS modules for Tryton.
from trytond.model import fields
from trytond.pool import PoolMeta


def add_years(date, years):
    try:
        return date.replace(year=date.year + years)
    except ValueError:
        return date.replace(year=date.year + years, day=28)


class Configuration(metaclass=PoolMeta):
    __name__ = 'qms.configuration'

    recall_level1_days = fields.Integer(
        "Recall Level I Days", required=True,
        domain=[('recall_level1_days', '>=', 0)],
        help="Days after opening a level I recall to notify the customers.")
    recall_level2_days = fields.Integer(
        "Recall Level II Days", required=True,
        domain=[('recall_level2_days', '>=', 0)],
        help="Days after opening a level II recall to notify the customers.")
    recall_level3_days = fields.Integer(
        "Recall Level III Days", required=True,
        domain=[('recall_level3_days', '>=', 0)],
        help="Days after opening a level III recall to notify the "
        "customers.")

    @classmethod
    def default_recall_level1_days(cls):
        return 1

    @classmethod
    def default_recall_level2_days(cls):
        return 3

    @classmethod
    def default_recall_level3_days(cls):
        return 7

    record_retention_expiry_years = fields.Integer(
        "Record Retention after Expiry", required=True,
        domain=[('record_retention_expiry_years', '>=', 0)],
        help="Years a sales or purchase record is kept after the expiry "
        "date of its lot; the records of implantable devices are kept for "
        "ever.")
    record_retention_years = fields.Integer(
        "Record Retention", required=True,
        domain=[('record_retention_years', '>=', 0)],
        help="Years a sales or purchase record is kept after its date when "
        "its lot has no expiry date.")

    @classmethod
    def default_record_retention_expiry_years(cls):
        return 2

    @classmethod
    def default_record_retention_years(cls):
        return 5

    def recall_days(self, level):
        return getattr(self, 'recall_level%s_days' % level)

    def retain_until(self, date, expiration_date, implantable):
        "Return the date until when a record must be kept, None for ever"
        if implantable:
            return None
        if expiration_date:
            return add_years(
                expiration_date, self.record_retention_expiry_years)
        return add_years(date, self.record_retention_years)
