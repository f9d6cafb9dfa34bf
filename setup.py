"""The optional dependencies (everything else is in pyproject.toml).

They live here because one of them is the hub simulator, ``tools/hubsim`` in this repository: a
requirement can name a local directory only by an absolute ``file:`` URL, which a static
``[project.optional-dependencies]`` table cannot spell on every machine. The simulator is a tool, so
it comes with the ``dev`` and ``demo`` extras (as moto stands in for S3), never with the base install.
"""

from pathlib import Path

from setuptools import setup

# celery 5.7 no longer has what the provider (3.26.0) imports (celery.backends.database.retry): 5.6,
# with its kombu and the Redis client that kombu allows.
CELERY = [
    "apache-airflow-providers-celery==3.26.0",
    "celery[redis]==5.6.3",
    "kombu==5.6.2",
    "redis==6.4.0",
]
HUBSIM = f"likeness-watch-hubsim @ {(Path(__file__).resolve().parent / 'tools' / 'hubsim').as_uri()}"

setup(
    extras_require={
        # `likeness-watch demo` and `simulate`, and the compose `simulator` profile.
        "demo": [HUBSIM],
        # CeleryExecutor (the compose `celery` profile, `STACK_EXECUTOR=celery make test-stack`):
        # the provider for Airflow 3.3 and Celery with its Redis broker client. The product image
        # installs it too, so switching executors needs no rebuild.
        "celery": CELERY,
        "dev": [
            HUBSIM,
            *CELERY,
            "pytest==9.2.0",
            # `make test` runs the slow suite (crash matrix, fault sweep) with a worker per flow.
            "pytest-xdist==3.8.0",
            # A real S3 endpoint on 127.0.0.1 for tests (no network beyond loopback).
            "moto[server]==5.2.5",
            # Local SMTP receiver for e-mail alert tests.
            "aiosmtpd>=1.4,<2",
            # Airflow's metadata DB on PostgreSQL in `make test-stack` (the Airflow image has its own).
            "psycopg2-binary>=2.9,<3",
            "asyncpg>=0.29,<1",
            "ruff>=0.6",
        ],
    }
)
