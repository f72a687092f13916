"""Kansrijk's own cases register and end their involvement: hooked into cases.hooks."""

from kansrijk.cases import hooks
from kansrijk.matches.services import case_closed_ended, case_signal_registered

if case_signal_registered not in hooks.SIGNAL_FILED:
    hooks.SIGNAL_FILED.append(case_signal_registered)
if case_closed_ended not in hooks.CASE_CLOSED:
    hooks.CASE_CLOSED.append(case_closed_ended)
