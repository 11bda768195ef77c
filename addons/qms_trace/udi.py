# This file is part of the QMS modules for Tryton.
"""Interpretation of scanned UDI carriers (GS1) through biip.

Every input that is not a usable GS1 UDI raises UDIError with a message
saying what is wrong, never another exception."""
import dataclasses
import datetime as dt
import re

import biip
from biip.checksums import gs1_standard_check_digit
from biip.gs1_application_identifiers import GS1ApplicationIdentifier
from biip.gs1_element_strings import GS1ElementString

from trytond.i18n import gettext
from trytond.model import ModelView, fields
from trytond.modules.qms_sales.model import WizardMixin
from trytond.pool import Pool
from trytond.transaction import Transaction
from trytond.wizard import Button, StateTransition, StateView, Wizard

from .exceptions import ScanError, UDIError

GS = '\x1d'
MAX_LOT_LENGTH = 20


@dataclasses.dataclass(frozen=True)
class UDI:
    gtin: str
    lot: str | None = None
    serial: str | None = None
    production_date: dt.date | None = None
    expiry_date: dt.date | None = None
    raw: str = ''
    hri: str = ''


def parse(value):
    "Return the UDI read from value (str or bytes) or raise UDIError"
    raw = _decode(value)
    shown = _show(raw)
    if not raw.strip():
        raise UDIError(gettext('qms_trace.msg_udi_empty'))
    payload = raw.strip()
    if payload.startswith(']'):
        if len(payload) < 2:
            # biip fails with an IndexError on a symbology identifier cut
            # short
            raise UDIError(gettext(
                'qms_trace.msg_udi_unreadable', code=shown)) from None
        payload = payload[3:]
    bad = [c for c in payload if not c.isprintable() and c != GS]
    if bad:
        raise UDIError(gettext('qms_trace.msg_udi_invalid_character',
                code=shown, char='U+%04X' % ord(bad[0])))
    try:
        result = biip.parse(raw)
        if result.gs1_digital_link_uri is not None:
            elements = result.gs1_digital_link_uri.as_gs1_message(
                ).element_strings
        else:
            elements = _message_elements(result, payload, shown)
    except (biip.ParseError, ValueError):
        # ValueError: urllib's, on a link that is no URL
        raise UDIError(gettext(
                'qms_trace.msg_udi_unreadable', code=shown)) from None
    return _build(result, elements, raw, payload, shown)


def _message_elements(result, payload, shown):
    "Return the element strings of a scan that is not a Digital Link"
    if result.gs1_message is not None and result.gs1_message.element_strings:
        return result.gs1_message.element_strings
    elif payload.lower().startswith('http'):
        link_gtin = re.search(r'/01/([0-9]+)', payload)
        _raise_check_digit(
            link_gtin.group(1) if link_gtin else '', result.gtin_error, shown)
        raise UDIError(gettext('qms_trace.msg_udi_digital_link',
                code=shown,
                error=result.gs1_digital_link_uri_error or ''))
    elif result.gtin is not None:
        return []
    _raise_element_error(payload, shown)
    raise UDIError(gettext('qms_trace.msg_udi_unreadable', code=shown))


def _decode(value):
    if isinstance(value, (bytes, bytearray)):
        try:
            return bytes(value).decode('utf-8')
        except UnicodeDecodeError:
            raise UDIError(gettext('qms_trace.msg_udi_encoding')) from None
    if not isinstance(value, str):
        raise UDIError(gettext('qms_trace.msg_udi_empty'))
    return value


def _show(raw):
    "Printable form of raw for messages"
    text = ''.join(
        '<GS>' if c == GS else (c if c.isprintable() else '?') for c in raw)
    if len(text) > 80:
        text = text[:77] + '...'
    return text


def _raise_check_digit(digits, error, shown):
    "Raise the error of biip if digits are a GTIN with a wrong check digit"
    if (error and digits.isdigit() and len(digits) in {8, 12, 13, 14}
            and gs1_standard_check_digit(digits[:-1]) != digits[-1]):
        raise UDIError(gettext('qms_trace.msg_udi_check_digit',
                code=shown, error=error))


def _raise_element_error(payload, shown):
    "Walk the element strings with biip to find where the payload fails"
    rest, previous = payload, None
    while rest:
        try:
            element = GS1ElementString.extract(rest)
        except biip.ParseError:
            break
        previous = element
        rest = rest[len(element):].lstrip(GS)
    else:
        return
    if (previous is not None and previous.ai.ai in {'10', '21'}
            and len(previous.value) == MAX_LOT_LENGTH):
        raise UDIError(gettext('qms_trace.msg_udi_too_long',
                code=shown, ai=previous.ai.ai,
                value=previous.value + rest.split(GS)[0],
                max=MAX_LOT_LENGTH))
    if rest[:2].isdigit():
        try:
            GS1ApplicationIdentifier.extract(rest)
        except biip.ParseError:
            raise UDIError(gettext('qms_trace.msg_udi_unknown_ai',
                    code=shown, rest=_show(rest[:20]))) from None
        try:
            GS1ElementString.extract(rest)
        except biip.ParseError as exception:
            raise UDIError(gettext('qms_trace.msg_udi_invalid_element',
                    code=shown, error=str(exception))) from exception
    if previous is None:
        raise UDIError(gettext('qms_trace.msg_udi_not_gs1', code=shown))


def _build(result, elements, raw, payload, shown):
    values = {}
    for element in elements:
        ai = element.ai.ai
        if ai == '01':
            _raise_check_digit(element.value, element.gtin_error, shown)
            values['gtin'] = element.value
        elif ai in {'10', '21'}:
            if len(element.value) > MAX_LOT_LENGTH:
                raise UDIError(gettext('qms_trace.msg_udi_too_long',
                        code=shown, ai=ai, value=element.value,
                        max=MAX_LOT_LENGTH))
            values['lot' if ai == '10' else 'serial'] = element.value
        elif ai == '11':
            values['production_date'] = element.date
        elif ai == '17':
            values['expiry_date'] = element.date
    if 'gtin' not in values:
        if result.gtin is not None and not elements:
            values['gtin'] = result.gtin.as_gtin_14()
        else:
            _raise_check_digit(payload, result.gtin_error, shown)
            raise UDIError(gettext('qms_trace.msg_udi_no_gtin', code=shown))
    values['hri'] = ''.join(e.as_hri() for e in elements) or (
        '(01)' + values['gtin'])
    return UDI(raw=raw, **values)


SCAN_SHIPMENTS = {'stock.shipment.in', 'stock.shipment.out'}


class Scan(WizardMixin, Wizard):
    __name__ = 'qms.udi.scan'

    start = StateView('qms.udi.scan.start',
        'qms_trace.udi_scan_start_view_form', [
            Button("Close", 'end', 'tryton-close'),
            Button("Scan", 'scan', 'tryton-ok', default=True),
            ])
    scan = StateTransition()

    def default_start(self, fields):
        self.check_shipment()
        return {
            'shipment': str(self.record),
            'last': getattr(self.start, 'last', None),
            }

    def check_shipment(self):
        "Check the wizard runs on one shipment whose moves it fills"
        if (self.model is None
                or self.model.__name__ not in SCAN_SHIPMENTS
                or self.record is None):
            raise ScanError(gettext('qms_trace.msg_scan_no_shipment'))

    def transition_scan(self):
        self.check_shipment()
        udi = parse(self.start.code or '')
        product = self.get_product(udi.gtin)
        number = udi.serial or udi.lot
        if not number:
            raise ScanError(gettext(
                    'qms_trace.msg_scan_no_lot', code=_show(udi.raw)))
        lot = self.get_lot(product, number, udi)
        quantity = 1 if udi.serial else None
        move = self.fill_move(product, lot, udi, quantity)
        self.start.last = '%s: %s %s × %s' % (
            self.record.rec_name, product.rec_name, lot.number,
            move.quantity)
        self.start.code = None
        return 'start'

    def get_product(self, gtin):
        "Return the product with a GTIN or EAN identifier equal to gtin"
        pool = Pool()
        Product = pool.get('product.product')
        Identifier = pool.get('product.identifier')
        products = Product.search([
                ('identifiers', 'where', Identifier.gtin_domain(gtin)),
                ], limit=2)
        if not products:
            raise ScanError(gettext('qms_trace.msg_scan_no_product',
                    gtin=gtin))
        if len(products) > 1:
            raise ScanError(gettext('qms_trace.msg_scan_several_products',
                    gtin=gtin, products=', '.join(
                        p.rec_name for p in products)))
        return products[0]

    def get_lot(self, product, number, udi):
        pool = Pool()
        Lot = pool.get('stock.lot')
        lots = Lot.search([
                ('product', '=', product.id),
                ('number', '=', number),
                ], limit=1)
        if lots:
            lot, = lots
            if (udi.expiry_date and lot.expiration_date
                    and lot.expiration_date != udi.expiry_date):
                raise ScanError(gettext(
                        'qms_trace.msg_scan_lot_expiry_differs',
                        lot=lot.rec_name, product=product.rec_name,
                        recorded=lot.expiration_date,
                        scanned=udi.expiry_date))
        else:
            lot = Lot(product=product, number=number,
                expiration_date=None, production_date=None)
        if udi.expiry_date and not lot.expiration_date:
            lot.expiration_date = udi.expiry_date
        if udi.production_date and not lot.production_date:
            lot.production_date = udi.production_date
        lot.save()
        return lot

    def get_moves(self):
        shipment = self.record
        if shipment.__name__ == 'stock.shipment.in':
            moves = shipment.incoming_moves
        elif shipment.warehouse_storage != shipment.warehouse_output:
            moves = shipment.inventory_moves
        else:
            moves = shipment.outgoing_moves
        return [m for m in moves if m.state in {'draft', 'assigned'}]

    def fill_move(self, product, lot, udi, quantity=None):
        Move = Pool().get('stock.move')
        moves = [m for m in self.get_moves()
            if m.product == product and not m.lot]
        if not moves:
            raise ScanError(gettext('qms_trace.msg_scan_no_move',
                    shipment=self.record.rec_name,
                    product=product.rec_name))
        move = moves[0]
        values = {'lot': lot.id, 'udi': udi.hri}
        if quantity is not None and move.quantity > quantity:
            with Transaction().set_context(_stock_move_split=True):
                move, = Move.copy([move], default={'quantity': quantity})
            Move.write([moves[0]], {
                    'quantity': moves[0].quantity - quantity,
                    })
        Move.write([move], values)
        return move


class ScanStart(ModelView):
    __name__ = 'qms.udi.scan.start'
    __string__ = "Scan UDI"

    shipment = fields.Reference(
        "Shipment", [
            ('stock.shipment.in', "Supplier Shipment"),
            ('stock.shipment.out', "Customer Shipment"),
            ], readonly=True)
    code = fields.Char("Code",
        help="Scan the UDI barcode (GS1 DataMatrix, GS1-128 or "
        "GS1 Digital Link) of the device.")
    last = fields.Text("Last Scan", readonly=True)
