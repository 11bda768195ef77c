"""Every view the QMS modules define or extend uses only widgets the web
client (sao, as bin/setup installs it) can draw: a list column sao has no
widget for stops the whole form that embeds it with a JavaScript error
(e.g. a DateTime field in a list needs widget="date" and/or "time")."""
import os
import re
import unittest

from lxml import etree

from trytond.pool import Pool
from trytond.tests.test_tryton import activate_module, with_transaction

ROOT = os.path.join(os.path.dirname(__file__), '..')
SAO = os.path.join(ROOT, 'var', 'sao', 'current', 'dist', 'tryton-sao.js')
MODULES = ['qms_sales', 'qms_trace', 'qms_aftersales']


def sao_widgets(parser):
    "The widget names of sao's view parser (Form, Tree)"
    with open(SAO, encoding='utf-8') as file:
        source = file.read()
    match = re.search(
        r'Sao\.View\.%sXMLViewParser\.WIDGETS = \{(.*?)\};' % parser,
        source, re.S)
    assert match, f"no {parser} widgets in {SAO}"
    return set(re.findall(r"'(\w+)':", match.group(1)))


class WebClientViewsTestCase(unittest.TestCase):
    "Test the web client can draw the QMS views"

    @classmethod
    def setUpClass(cls):
        activate_module(MODULES[-1])
        cls.widgets = {
            'form': sao_widgets('Form'),
            'tree': sao_widgets('Tree'),
            }

    @with_transaction()
    def test_view_widgets(self):
        "Test every field of the QMS views has a widget sao knows"
        pool = Pool()
        View = pool.get('ir.ui.view')
        views = View.search([
                ('module', 'in', MODULES),
                ('type', 'in', [None, 'form', 'tree']),
                ])
        self.assertTrue(views)
        problems = []
        for view in views:
            Model = pool.get(view.model)
            # an extension is checked in the view it extends
            base = view.inherit if view.inherit else view
            result = Model.fields_view_get(base.id, base.type)
            widgets = self.widgets[result['type']]
            for node in etree.fromstring(result['arch']).iter('field'):
                name = node.get('name')
                field = result['fields'].get(name, {})
                widget = node.get('widget', field.get('type'))
                if widget not in widgets:
                    problems.append(f"{view.module}: view {base.name} of "
                        f"{view.model}, field {name}: {result['type']} "
                        f"widget {widget!r} unknown to sao")
        if problems:
            self.fail('\n'.join(sorted(set(problems))))
