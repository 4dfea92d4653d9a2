# The bot as a small, non-root container: `docker compose up` (see compose.yaml and the
# README's "Deploying" section). Catalogs are compiled and fonts fetched at build time.

# --- build: dependencies, compiled catalogs, the diary PDF's fonts ---------------------------
# Bytecode is compiled here: the running container's root filesystem is read-only.
FROM python:3.11-slim-bookworm AS build
ENV PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1 PYTHONDONTWRITEBYTECODE=1
RUN apt-get update -qq && rm -f /etc/apt/apt.conf.d/docker-clean
WORKDIR /app
COPY pyproject.toml ./
# Only the runtime dependencies, read from pyproject.toml: the app runs from /app.
RUN python -c "import tomllib; deps = tomllib.load(open('pyproject.toml', 'rb'))['project']['dependencies']; print(chr(10).join(deps))" > /tmp/requirements.txt \
 && python -m venv /venv \
 && /venv/bin/pip install --quiet -r /tmp/requirements.txt
COPY bot ./bot
COPY flows ./flows
COPY locales ./locales
COPY tools ./tools
RUN /venv/bin/python -m tools.catalogs compile \
 && /venv/bin/python -m tools.fonts \
 && rm -rf tools locales/messages.pot \
 && /venv/bin/python -m compileall -q bot flows \
 && /venv/bin/python -m pip uninstall --quiet --yes pip setuptools

# --- run ----------------------------------------------------------------------------------
FROM python:3.11-slim-bookworm
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PATH=/venv/bin:$PATH \
    BOT_DATA_DIR=/data BOT_WEBHOOK_LISTEN=0.0.0.0 BOT_WEBHOOK_PORT=8080
RUN useradd --system --uid 10001 --home-dir /nonexistent --shell /usr/sbin/nologin bot \
 && mkdir /data && chown bot /data && chmod 0700 /data
COPY --from=build /venv /venv
COPY --from=build /app /app
WORKDIR /app
USER 10001
VOLUME ["/data"]
EXPOSE 8080
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s \
  CMD ["python", "-c", "import os, sys, urllib.request; port = os.environ.get('BOT_WEBHOOK_PORT', '8080'); sys.exit(urllib.request.urlopen(f'http://127.0.0.1:{port}/healthz', timeout=4).status != 200)"]
ENTRYPOINT ["python", "-m", "bot"]
CMD ["webhook"]
