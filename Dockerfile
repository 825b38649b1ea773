# One image for every mock; docker-compose.yml runs it once per service (`entra-harness serve <name>`).
FROM python:3.11-slim-bookworm
RUN apt-get update \
 && apt-get install -y --no-install-recommends xmlsec1 \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY requirements.lock pyproject.toml README.md ./
RUN pip install --no-cache-dir -r requirements.lock
COPY gallery ./gallery
COPY harness ./harness
COPY mock_idp ./mock_idp
COPY mock_sp ./mock_sp
COPY mock_scim ./mock_scim
RUN pip install --no-cache-dir --no-deps --no-build-isolation .
EXPOSE 443
HEALTHCHECK CMD python -c "import ssl,urllib.request; urllib.request.urlopen('https://127.0.0.1/healthz', context=ssl._create_unverified_context())"
