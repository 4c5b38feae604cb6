"""Outcome and alliance measures: instrument definitions, exact scoring, change and risk items.

`definitions`, `scoring`, `change` and `wording` are pure Python and import nothing from Django,
so the rules can be checked, reused and benchmarked on their own.
"""
