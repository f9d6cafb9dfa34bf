# Likeness Watch on the official Airflow image, at the Airflow version pinned in pyproject.toml
# (tests/integration/test_compose.py keeps the two in step). No secrets, no default passwords:
# everything sensitive comes from .env at run time (see docker-compose.yml).
FROM apache/airflow:3.3.2-python3.11

# Data the stack writes outside object storage: the DuckDB warehouse, the alert outbox, the
# report. Created here, owned by the airflow user, so named volumes mounted on them inherit it.
USER root
RUN mkdir -p /var/lib/likeness-watch/warehouse /var/lib/likeness-watch/outbox /var/lib/likeness-watch/report \
    && chown -R airflow:0 /var/lib/likeness-watch
USER airflow

# The repository keeps its layout (dags/, plugins/, dbt_project/, config/ side by side) and the
# package is installed editable, as in `make install`: code that finds the dbt project relative to
# the package works unchanged, and the image runs exactly what the stack test runs.
WORKDIR /opt/likeness-watch
COPY --chown=airflow:0 pyproject.toml setup.py README.md ./
COPY --chown=airflow:0 plugins/ plugins/
COPY --chown=airflow:0 tools/ tools/
# Extras to install: `celery` for the product image (the provider and the Redis client, at the
# project's pins), so one image runs either executor. The compose `simulator` profile builds its
# own image with LW_EXTRAS=[demo], which adds the hub simulator (tools/hubsim, a dev tool).
ARG LW_EXTRAS="[celery]"
# Pinning apache-airflow to the image's own version stops pip from up- or downgrading Airflow
# while it resolves the project's dependencies (the official image's documented pattern).
RUN pip install --no-cache-dir "apache-airflow==${AIRFLOW_VERSION}" -e ".${LW_EXTRAS}"
# The rest of the repository (dags/, dbt_project/, config/, ...); .dockerignore keeps local
# data, virtualenvs, tests and .env out of the image.
COPY --chown=airflow:0 . .

ENV AIRFLOW__CORE__DAGS_FOLDER=/opt/likeness-watch/dags \
    AIRFLOW__CORE__LOAD_EXAMPLES=False \
    LW_WAREHOUSE=/var/lib/likeness-watch/warehouse/warehouse.duckdb \
    LW_STATE=/var/lib/likeness-watch/state/state.duckdb \
    LW_OUTBOX=/var/lib/likeness-watch/outbox \
    LW_REPORT_DIR=/var/lib/likeness-watch/report \
    LW_EVIDENCE_DIR=/var/lib/likeness-watch/evidence
