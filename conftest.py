# Collect Tryton doctest scenarios (tests/scenario_*.rst) as pytest items,
# with Tryton's own set-up, tear-down and output checker.
import doctest
import os
import unittest

import pytest


def pytest_collect_file(parent, file_path):
    if (file_path.suffix == '.rst'
            and file_path.name.startswith('scenario')
            and file_path.parent.name == 'tests'):
        return ScenarioFile.from_parent(parent, path=file_path)


class ScenarioFile(pytest.File):
    def collect(self):
        yield ScenarioItem.from_parent(self, name=self.path.name)


class ScenarioFailure(Exception):
    pass


def _drop_test_database():
    """Drop what an earlier test left of the PostgreSQL test database,
    forcing out its connections: a scenario's cache restore drops the
    database without closing this process's pool of it"""
    from trytond import backend
    from trytond.cache import Cache
    from trytond.pool import Pool
    from trytond.tests.test_tryton import DB_NAME
    from trytond.transaction import Transaction
    if backend.name != 'postgresql':
        return
    if database := backend.Database._databases[os.getpid()].get(DB_NAME):
        database.close()
    with Transaction().start(
            None, 0, close=True, autocommit=True) as transaction:
        transaction.connection.cursor().execute(
            'DROP DATABASE IF EXISTS "%s" WITH (FORCE)' % DB_NAME)
    backend.Database.clear_cache()
    Pool.stop(DB_NAME)
    Cache.drop(DB_NAME)


class ScenarioItem(pytest.Item):
    def runtest(self):
        _drop_test_database()
        from trytond import backend
        from trytond.tests.test_tryton import (
            STRIP_DECIMAL,
            doctest_checker,
            doctest_setup,
            doctest_teardown,
        )
        optionflags = (
            doctest.REPORT_ONLY_FIRST_FAILURE
            | doctest.ELLIPSIS
            | doctest.IGNORE_EXCEPTION_DETAIL)
        if backend.name == 'sqlite':
            optionflags |= STRIP_DECIMAL
        case = doctest.DocFileTest(
            str(self.path), module_relative=False,
            setUp=doctest_setup, tearDown=doctest_teardown,
            checker=doctest_checker, optionflags=optionflags,
            encoding='utf-8')
        result = unittest.TestResult()
        case.run(result)
        problems = result.errors + result.failures
        if problems:
            raise ScenarioFailure('\n'.join(tb for _, tb in problems))
        if not result.testsRun:
            raise ScenarioFailure("scenario did not run")

    def repr_failure(self, excinfo):
        if isinstance(excinfo.value, ScenarioFailure):
            return str(excinfo.value)
        return super().repr_failure(excinfo)

    def reportinfo(self):
        return self.path, 0, f"scenario: {self.name}"


def pytest_terminal_summary(terminalreporter):
    # the counts of the hostile suite (tests/test_hostile.py), if it ran
    import sys
    rpc = sys.modules.get('rpc')
    if not rpc or not rpc.SUMMARY:
        return
    terminalreporter.section('hostile suite')
    totals = {}
    for part, counts in rpc.SUMMARY.items():
        terminalreporter.write_line('%s: %s' % (part, ', '.join(
                    '%s %s' % (n, k) for k, n in sorted(counts.items()))
                or 'no problem'))
        for kind, number in counts.items():
            totals[kind] = totals.get(kind, 0) + number
    terminalreporter.write_line('bypasses found: %s, server errors found: %s'
        % (totals.get('bypass', 0), totals.get('server', 0)))
