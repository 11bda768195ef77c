# This file is part of the QMS modules for Tryton.
from trytond.i18n import gettext
from trytond.model import ModelSQL, ModelView, fields
from trytond.pool import Pool

from .model import ModelMixin
from .registration import VALIDITY_STATES


class ExpiryReminder(ModelMixin, ModelSQL, ModelView):
    __name__ = 'qms.expiry.reminder'
    __string__ = "Expiry Reminder"

    kind = fields.Selection([
            ('qualification', "Qualification"),
            ('registration', "Registration"),
            ], "Kind", readonly=True, sort=False)
    document = fields.Reference("Document", selection=[
            ('party.qualification', "Qualification"),
            ('product.registration', "Registration"),
            ], readonly=True)
    number = fields.Char("Number", readonly=True)
    party = fields.Many2One('party.party', "Party", readonly=True,
        help="The holder of the qualification or the registrant.")
    description = fields.Char("Description", readonly=True)
    expiration_date = fields.Date("Expiration Date", readonly=True)
    state = fields.Selection(VALIDITY_STATES, "State",
        readonly=True, sort=False)
    date = fields.Date("Generated", readonly=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [('expiration_date', 'ASC'), ('id', 'ASC')]

    @classmethod
    def generate(cls):
        "Replace the list by the documents expiring or expired today"
        pool = Pool()
        Date = pool.get('ir.date')
        Qualification = pool.get('party.qualification')
        Registration = pool.get('product.registration')
        today = Date.today()
        states = ['expiring', 'expired']

        cls.delete(cls.search([]))
        reminders = []
        for qualification in Qualification.search([
                    ('state', 'in', states),
                    ]):
            reminders.append(cls(
                    kind='qualification',
                    document=qualification,
                    number=qualification.number,
                    party=qualification.party,
                    description=qualification.kind_string,
                    expiration_date=qualification.expiration_date,
                    state=qualification.state,
                    date=today))
        for registration in Registration.search([
                    ('state', 'in', states),
                    ]):
            reminders.append(cls(
                    kind='registration',
                    document=registration,
                    number=registration.number,
                    party=registration.registrant,
                    description=registration.name,
                    expiration_date=registration.expiration_date,
                    state=registration.state,
                    date=today))
        cls.save(reminders)
        if reminders:
            cls.notify(reminders)
        return reminders

    @classmethod
    def notify(cls, reminders):
        "Notify the users of the quality group"
        pool = Pool()
        ModelData = pool.get('ir.model.data')
        User = pool.get('res.user')
        Notification = pool.get('res.notification')
        ActWindow = pool.get('ir.action.act_window')
        group_id = ModelData.get_id('qms_sales', 'group_qms_quality')
        action = ActWindow(
            ModelData.get_id('qms_sales', 'act_expiry_reminder_form'))
        expired = sum(r.state == 'expired' for r in reminders)
        label = gettext('qms_sales.msg_expiry_reminder_label')
        description = gettext('qms_sales.msg_expiry_reminder_description',
            expiring=len(reminders) - expired, expired=expired)
        Notification.save([Notification(
                    user=user, label=label, description=description,
                    icon='tryton-warning', action=action.action)
                for user in User.search([('groups', '=', group_id)])])
