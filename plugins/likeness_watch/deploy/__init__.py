"""Deployment helpers shared by docker-compose, ``make airflow`` and the stack test.

Derived from the code (hub registry, ``Settings``) so a new hub or setting reaches every
deployment without hand-copied lists.
"""
