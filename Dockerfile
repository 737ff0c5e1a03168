# warday on the official Apache Airflow image: the project and its locked dependencies are
# installed at build time, as the airflow user, so a container starts with no network.
#
#   docker build -t warday-airflow:0.1.0 .
#
# Pinned: Airflow 3.3.2 on Python 3.11, the version uv.lock resolves.
ARG AIRFLOW_IMAGE=apache/airflow:3.3.2-python3.11

# ---------------------------------------------------------------- build: wheel + requirements
FROM ${AIRFLOW_IMAGE} AS build
USER airflow
WORKDIR /tmp/src
RUN pip install --no-cache-dir "uv==0.13.8"
COPY --chown=airflow:0 pyproject.toml uv.lock README.md ./
COPY --chown=airflow:0 warday ./warday
COPY --chown=airflow:0 ingest ./ingest
COPY --chown=airflow:0 transform ./transform
COPY --chown=airflow:0 store ./store
COPY --chown=airflow:0 sql ./sql
COPY --chown=airflow:0 dags ./dags
COPY --chown=airflow:0 seeds ./seeds
# Every dependency pinned with its hashes, exactly as locked; the project as a wheel.
RUN mkdir -p /tmp/dist \
 && python -m uv export --frozen --no-dev --no-emit-project --output-file /tmp/dist/requirements.txt \
 && python -m uv build --wheel --out-dir /tmp/dist

# ---------------------------------------------------------------- runtime
FROM ${AIRFLOW_IMAGE}
USER airflow
COPY --from=build --chown=airflow:0 /tmp/dist /tmp/dist
RUN pip install --no-cache-dir --require-hashes -r /tmp/dist/requirements.txt \
 && pip install --no-cache-dir --no-deps /tmp/dist/warday-*.whl \
 && rm -rf /tmp/dist
COPY --chown=airflow:0 dags/ /opt/airflow/dags/
ENV WARDAY_STATE_DIR=/opt/airflow/warday \
    AIRFLOW__CORE__LOAD_EXAMPLES=False
