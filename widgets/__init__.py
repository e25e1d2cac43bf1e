"""Reusable Qt widgets of the reading station.

Widgets import ``core`` (its plain values) but never ``desktop`` and never open files or
databases: they show what they are given and emit signals carrying ``core`` dataclasses.
"""
