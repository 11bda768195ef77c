# This file is part of the QMS modules for Tryton.
from trytond.model import ModelSQL, ModelView, fields
from trytond.pool import Pool
from trytond.pyson import Eval

DEVICE_CLASSES = [
    ('1', "Class I"),
    ('2', "Class II"),
    ('3', "Class III"),
    ]
VALIDITY_STATES = [
    ('valid', "Valid"),
    ('expiring', "Expiring"),
    ('expired', "Expired"),
    ('revoked', "Revoked"),
    ]


class Registration(ModelSQL, ModelView):
    "Device Registration"
    __name__ = 'product.registration'
    _rec_name = 'number'

    number = fields.Char("Number", required=True)
    kind = fields.Selection([
            ('registration', "Registration Certificate"),
            ('filing', "Filing"),
            ], "Kind", required=True)
    device_class = fields.Selection(DEVICE_CLASSES, "Device Class",
        required=True)
    category = fields.Many2One('qms.device.category', "Category",
        required=True)
    name = fields.Char("Device Name", required=True)
    registrant = fields.Many2One('party.party', "Registrant", required=True,
        help="The registrant or filer (注册人/备案人).")
    manufacturer = fields.Many2One('party.party', "Manufacturer",
        required=True,
        help="The (contract) manufacturer (受托生产企业).")
    manufacturer_license = fields.Char("Manufacturer License",
        help="Production licence or filing number of the manufacturer.")
    issue_date = fields.Date("Issue Date", required=True)
    expiration_date = fields.Date("Expiration Date",
        states={
            'required': Eval('kind') == 'registration',
            'invisible': Eval('kind') == 'filing',
            })
    periods = fields.One2Many('product.registration.period', 'registration',
        "Validity Periods")
    models = fields.Text("Models and Specifications")
    templates = fields.Many2Many('product.registration-product.template',
        'registration', 'template', "Products")
    revoked = fields.Boolean("Revoked")
    revoked_date = fields.Date("Revoked Date",
        states={'invisible': ~Eval('revoked')})
    state = fields.Function(fields.Selection(VALIDITY_STATES, "State"),
        'get_state')

    @classmethod
    def default_kind(cls):
        return 'registration'

    @classmethod
    def default_revoked(cls):
        return False

    def get_state(self, name):
        pool = Pool()
        Date = pool.get('ir.date')
        Configuration = pool.get('qms.configuration')
        return validity_state(
            Date.today(), self.expiration_date, self.revoked,
            Configuration(1).expiry_warning_days)

    def valid_on(self, date):
        "Return True if a device produced or sold on date is approved"
        if self.revoked and (
                not self.revoked_date or self.revoked_date <= date):
            return False
        if self.periods:
            return any(p.covers(date) for p in self.periods)
        return (self.issue_date <= date
            and (self.expiration_date is None
                or date <= self.expiration_date))


def validity_state(today, expiration_date, revoked, warning_days):
    "Return the validity state of a dated document on today"
    if revoked:
        return 'revoked'
    if expiration_date is None:
        return 'valid'
    if expiration_date < today:
        return 'expired'
    if (expiration_date - today).days <= (warning_days or 0):
        return 'expiring'
    return 'valid'


class RegistrationPeriod(ModelSQL, ModelView):
    "Device Registration Validity Period"
    __name__ = 'product.registration.period'

    registration = fields.Many2One('product.registration', "Registration",
        required=True, ondelete='CASCADE')
    start_date = fields.Date("Start Date", required=True)
    end_date = fields.Date("End Date")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order.insert(0, ('start_date', 'ASC'))

    def covers(self, date):
        return (self.start_date <= date
            and (self.end_date is None or date <= self.end_date))


class RegistrationTemplate(ModelSQL):
    "Device Registration - Product Template"
    __name__ = 'product.registration-product.template'

    registration = fields.Many2One('product.registration', "Registration",
        required=True, ondelete='CASCADE')
    template = fields.Many2One('product.template', "Template",
        required=True, ondelete='CASCADE')

