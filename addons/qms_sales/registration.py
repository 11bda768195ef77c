# This file is part of the QMS modules for Tryton.
import datetime as dt
import re

from trytond.i18n import gettext
from trytond.model import ModelSQL, ModelView, fields
from trytond.pool import Pool
from trytond.pyson import Eval, If
from trytond.transaction import Transaction
from trytond.wizard import Button, StateTransition, StateView, Wizard

from .exceptions import (
    LegacyRegistrationNumberWarning,
    RegistrationDeleteError,
    RegistrationNumberError,
    RegistrationPeriodError,
    RegistrationRenewError,
)
from .model import ModelMixin, RevisionMixin, WizardMixin

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
# Registration measures 2021, Art. 115 and 116
CERTIFICATE_NUMBER = re.compile(
    r'^(?P<prefix>\w)械注(?P<origin>\w)(?P<year>\d{4})'
    r'(?P<device_class>\d)(?P<category>\d{2})(?P<serial>\d{4})$')
FILING_NUMBER = re.compile(
    r'^(?P<prefix>\w{1,2})械备(?P<year>\d{4})(?P<serial>\d{4})号?$')
LEGACY_NUMBER = re.compile(
    r'^\w{1,6}械[(（]\w[)）]字\d{4}第\d{7}号$')
NATIONAL = '国'
CATALOGUE_2017_YEAR = 2019
ORIGINS = {'准', '进', '许'}


class Registration(ModelMixin, ModelSQL, ModelView):
    __name__ = 'product.registration'
    __string__ = "Device Registration"
    _rec_name = 'number'
    _history = True

    number = fields.Char("Number", required=True,
        help="The registration certificate number (注册证编号) "
        "or the filing number (备案编号).")
    kind = fields.Selection([
            ('registration', "Registration Certificate"),
            ('filing', "Filing"),
            ], "Kind", required=True, sort=False)
    device_class = fields.Selection(DEVICE_CLASSES, "Device Class",
        required=True, sort=False)
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
        domain=[
            If(Eval('issue_date') & Eval('expiration_date'),
                ('expiration_date', '>=', Eval('issue_date')),
                ()),
            ],
        states={
            'required': Eval('kind') == 'registration',
            'invisible': Eval('kind') == 'filing',
            })
    periods = fields.One2Many('product.registration.period', 'registration',
        "Validity Periods",
        help="The validity periods of the certificate, "
        "one more at each renewal.")
    models = fields.Text("Models and Specifications")
    templates = fields.Many2Many('product.registration-product.template',
        'registration', 'template', "Products")
    revoked = fields.Boolean("Revoked")
    revoked_date = fields.Date("Revoked Date",
        states={'invisible': ~Eval('revoked')})
    state = fields.Function(fields.Selection(
            VALIDITY_STATES, "State", sort=False),
        'get_state', searcher='search_state')
    revisions = fields.One2Many(
        'product.registration.revision', 'registration', "History",
        readonly=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._buttons.update({
                'renew': {
                    'invisible': ((Eval('kind') != 'registration')
                        | Eval('revoked', False)),
                    'depends': ['kind', 'revoked'],
                    },
                })

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

    @classmethod
    def search_state(cls, name, clause):
        pool = Pool()
        Date = pool.get('ir.date')
        Configuration = pool.get('qms.configuration')
        return validity_domain(
            clause, Date.today(), Configuration(1).expiry_warning_days)

    def valid_on(self, date):
        "Return True if a device produced or sold on date is approved"
        return valid_on(date, self.revoked, self.revoked_date,
            self.issue_date, self.expiration_date,
            [(p.start_date, p.end_date) for p in self.periods])

    @classmethod
    def on_modification(cls, mode, registrations, field_names=None):
        super().on_modification(mode, registrations, field_names=field_names)
        if mode == 'create' or (mode == 'write'
                and field_names & {'issue_date', 'expiration_date'}):
            cls.sync_periods(registrations)

    @classmethod
    def sync_periods(cls, registrations):
        """Keep the periods in line with the issue and expiration dates:
        create the first period, follow both dates while there is only one
        and the expiration date on the last one after a renewal"""
        pool = Pool()
        Period = pool.get('product.registration.period')
        to_save = []
        for registration in registrations:
            periods = list(registration.periods)
            if not periods:
                period = Period(registration=registration)
                periods = [period]
            if len(periods) == 1:
                periods[0].start_date = registration.issue_date
            periods[-1].end_date = registration.expiration_date
            to_save.append(periods[-1])
        Period.save(to_save)

    @classmethod
    def validate_fields(cls, registrations, field_names):
        super().validate_fields(registrations, field_names)
        cls.check_number(registrations, field_names)

    @classmethod
    def check_number(cls, registrations, field_names=None):
        pool = Pool()
        Abbreviation = pool.get('qms.region.abbreviation')
        Warning = pool.get('res.user.warning')
        if field_names and not (field_names & {
                    'number', 'kind', 'device_class', 'category'}):
            return
        provinces, cities = Abbreviation.get_abbreviations()
        legacy = []
        for registration in registrations:
            error = registration.number_error(provinces, cities)
            if error == 'legacy':
                legacy.append(registration)
            elif error:
                msg_id, values = error
                raise RegistrationNumberError(gettext(
                        'qms_sales.' + msg_id,
                        number=registration.number,
                        registration=registration.rec_name_for_message,
                        **values))
        if legacy:
            warning_name = 'qms_sales.legacy_number.' + ','.join(
                sorted(r.number for r in legacy))
            if Warning.check(warning_name):
                raise LegacyRegistrationNumberWarning(warning_name, gettext(
                        'qms_sales.msg_registration_number_legacy',
                        numbers=', '.join(r.number for r in legacy)))

    @property
    def rec_name_for_message(self):
        return self.name or self.number

    @classmethod
    def check_modification(
            cls, mode, registrations, values=None, external=False):
        super().check_modification(
            mode, registrations, values=values, external=external)
        if mode == 'delete':
            for registration in registrations:
                references = registration.get_references()
                if references:
                    raise RegistrationDeleteError(gettext(
                            'qms_sales.msg_registration_delete_referenced',
                            registration=registration.rec_name_for_message,
                            references=', '.join(references[:5])))

    def get_references(self):
        "Return the names of what refers to the registration"
        pool = Pool()
        Template = pool.get('product.template')
        with Transaction().set_context(active_test=False):
            templates = Template.search(['OR',
                    ('registration', '=', self.id),
                    ('id', 'in', [t.id for t in self.templates]),
                    ], limit=5)
        return [t.rec_name for t in templates]

    def number_error(self, provinces, cities):
        """Return None if the number is right, 'legacy' for a number issued
        before October 2014 or the message id and its values"""
        number = (self.number or '').strip()
        certificate = CERTIFICATE_NUMBER.match(number)
        filing = FILING_NUMBER.match(number)
        if certificate:
            if self.kind != 'registration':
                return 'msg_registration_number_not_filing', {}
            return self._certificate_number_error(certificate, provinces)
        elif filing:
            if self.kind != 'filing':
                return 'msg_registration_number_not_certificate', {}
            return self._filing_number_error(filing, provinces, cities)
        elif LEGACY_NUMBER.match(number):
            return 'legacy'
        return 'msg_registration_number_format', {}

    def _certificate_number_error(self, match, provinces):
        prefix, origin = match.group('prefix'), match.group('origin')
        device_class = match.group('device_class')
        if prefix != NATIONAL and prefix not in provinces:
            return 'msg_registration_number_prefix', {'prefix': prefix}
        if origin not in ORIGINS:
            return 'msg_registration_number_origin', {'origin': origin}
        if prefix != NATIONAL and (origin != '准' or device_class != '2'):
            return 'msg_registration_number_province', {}
        if prefix == NATIONAL and origin == '准' and device_class != '3':
            return 'msg_registration_number_national', {}
        if device_class not in {'2', '3'}:
            return 'msg_registration_number_class_digit', {
                'digit': device_class}
        if device_class != self.device_class:
            return 'msg_registration_number_class', {
                'digit': device_class,
                'device_class': self.device_class,
                }
        # numbers first registered before the 2017 catalogue applied
        # (August 2018) carry the 2002 catalogue's code (68NN): only later
        # numbers must match the 2017 category of the record
        if self.category and int(match.group('year')) >= CATALOGUE_2017_YEAR:
            code = self.category.top_code
            if match.group('category') != code:
                return 'msg_registration_number_category', {
                    'code': match.group('category'),
                    'category': self.category.rec_name,
                    }

    def _filing_number_error(self, match, provinces, cities):
        prefix = match.group('prefix')
        if prefix != NATIONAL and not (
                len(prefix) == 2 and prefix[1] in cities.get(prefix[0], ())):
            return 'msg_registration_number_filing_prefix', {
                'prefix': prefix}
        if self.device_class != '1':
            return 'msg_registration_number_filing_class', {
                'device_class': self.device_class,
                }

    @classmethod
    @ModelView.button_action('qms_sales.wizard_registration_renew')
    def renew(cls, registrations):
        pass

    def add_period(self, expiration_date, issue_date=None):
        """Renew the certificate until expiration_date: the number is kept
        and a new validity period starts the day after the last one or on
        the new issue date if later"""
        pool = Pool()
        Period = pool.get('product.registration.period')
        if self.kind != 'registration' or self.revoked:
            raise RegistrationRenewError(gettext(
                    'qms_sales.msg_registration_renew_kind',
                    registration=self.rec_name_for_message))
        last = self.periods[-1] if self.periods else None
        last_end = last.end_date if last else self.expiration_date
        if last_end and expiration_date <= last_end:
            raise RegistrationRenewError(gettext(
                    'qms_sales.msg_registration_renew_date',
                    registration=self.rec_name_for_message,
                    expiration_date=last_end))
        start_date = last_end + dt.timedelta(days=1)
        if issue_date and issue_date > start_date:
            start_date = issue_date
        Period.create([{
                    'registration': self.id,
                    'start_date': start_date,
                    'end_date': expiration_date,
                    }])
        values = {'expiration_date': expiration_date}
        if issue_date:
            values['issue_date'] = issue_date
        self.__class__.write([self], values)


def covers(start_date, end_date, date):
    return start_date <= date and (end_date is None or date <= end_date)


def valid_on(date, revoked, revoked_date, issue_date, expiration_date,
        periods):
    """Return True if a device produced or sold on date is approved by a
    registration: not revoked then, and date within one of the periods,
    given as (start, end), or without periods between issue and expiration
    (registration measures 2021, Art. 112)"""
    if revoked and (not revoked_date or revoked_date <= date):
        return False
    if periods:
        return any(covers(start, end, date) for start, end in periods)
    return covers(issue_date, expiration_date, date)


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


def validity_domain(clause, today, warning_days):
    "Return the domain matching validity_state for the clause on state"
    _, operator, value = clause[:3]
    warning = today + dt.timedelta(days=warning_days or 0)
    not_revoked = ('revoked', '=', False)
    domains = {
        'revoked': [('revoked', '=', True)],
        'expired': [not_revoked, ('expiration_date', '<', today)],
        'expiring': [not_revoked,
            ('expiration_date', '>=', today),
            ('expiration_date', '<=', warning),
            ],
        'valid': [not_revoked, ['OR',
                ('expiration_date', '=', None),
                ('expiration_date', '>', warning),
                ]],
        }
    if operator in {'=', '!='}:
        states = {value}
    elif operator in {'in', 'not in'}:
        states = set(value or [])
    else:
        raise NotImplementedError(operator)
    if operator in {'!=', 'not in'}:
        states = set(domains) - states
    states = [s for s in domains if s in states]
    if not states:
        return [('id', '=', None)]
    return ['OR', *(domains[s] for s in states)]


class RegistrationPeriod(ModelMixin, ModelSQL, ModelView):
    __name__ = 'product.registration.period'
    __string__ = "Registration Validity Period"

    registration = fields.Many2One('product.registration', "Registration",
        required=True, ondelete='CASCADE')
    start_date = fields.Date("Start Date", required=True)
    end_date = fields.Date("End Date",
        domain=['OR',
            ('end_date', '=', None),
            ('end_date', '>=', Eval('start_date', None)),
            ])

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order.insert(0, ('start_date', 'ASC'))

    def covers(self, date):
        return covers(self.start_date, self.end_date, date)

    @classmethod
    def validate_fields(cls, periods, field_names):
        super().validate_fields(periods, field_names)
        cls.check_overlap(periods)

    @classmethod
    def check_overlap(cls, periods):
        registrations = {p.registration for p in periods}
        for registration in registrations:
            others = sorted(registration.periods, key=lambda p: p.start_date)
            for before, after in zip(others, others[1:], strict=False):
                if before.end_date is None or (
                        after.start_date <= before.end_date):
                    raise RegistrationPeriodError(gettext(
                            'qms_sales.msg_registration_period_overlap',
                            registration=registration.rec_name_for_message,
                            first_start=before.start_date,
                            first_end=before.end_date or '',
                            second_start=after.start_date))


class RegistrationRenewStart(ModelView):
    __name__ = 'product.registration.renew.start'
    __string__ = "Renew Registration"

    expiration_date = fields.Date("New Expiration Date", required=True)
    issue_date = fields.Date("New Issue Date",
        help="Leave empty if the renewed certificate keeps its issue date.")


class RegistrationRenew(WizardMixin, Wizard):
    __name__ = 'product.registration.renew'

    start = StateView('product.registration.renew.start',
        'qms_sales.registration_renew_start_view_form', [
            Button("Cancel", 'end', 'tryton-cancel'),
            Button("Renew", 'renew', 'tryton-ok', default=True),
            ])
    renew = StateTransition()

    def transition_renew(self):
        self.record.add_period(
            self.start.expiration_date, self.start.issue_date)
        return 'end'


class RegistrationRevision(RevisionMixin, ModelSQL, ModelView):
    __name__ = 'product.registration.revision'
    __string__ = "Device Registration Revision"
    _revision_model = 'product.registration'
    _revision_field = 'registration'

    registration = fields.Many2One('product.registration', "Registration")
    number = fields.Char("Number")
    kind = fields.Selection([
            ('registration', "Registration Certificate"),
            ('filing', "Filing"),
            ], "Kind", sort=False)
    device_class = fields.Selection(DEVICE_CLASSES, "Device Class", sort=False)
    category = fields.Many2One('qms.device.category', "Category")
    name = fields.Char("Device Name")
    issue_date = fields.Date("Issue Date")
    expiration_date = fields.Date("Expiration Date")
    revoked = fields.Boolean("Revoked")


class RegistrationTemplate(ModelMixin, ModelSQL):
    __name__ = 'product.registration-product.template'
    __string__ = "Device Registration - Product Template"

    registration = fields.Many2One('product.registration', "Registration",
        required=True, ondelete='CASCADE')
    template = fields.Many2One('product.template', "Template",
        required=True, ondelete='CASCADE')
