# Gradient Explorer: one Streamlit server process on port 8501.
#   docker build -t gradient-explorer .
#   docker run --rm -p 8501:8501 gradient-explorer
# One process uses about one core; for more viewers run more containers (or
# deploy/run-cluster.sh, or deploy/k8s/) behind a proxy with cookie affinity.

# Pinned base: Python 3.12 (as on Streamlit Community Cloud), Debian 12 slim.
FROM python:3.12.12-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    MALLOC_ARENA_MAX=2
# MALLOC_ARENA_MAX: viewers' session threads share two malloc arenas, so the server returns
# to its pre-lecture size (explorer/memory.py does the same from inside the app).

# An unprivileged user with a fixed numeric id, so Kubernetes' runAsNonRoot can check it.
RUN groupadd --system --gid 10001 app \
 && useradd --system --uid 10001 --gid app --create-home --home-dir /home/app --shell /usr/sbin/nologin app

WORKDIR /app

# Runtime packages only (requirements.txt); the test tools in requirements-dev.txt stay out.
COPY requirements.txt ./
RUN python -m pip install --no-cache-dir -r requirements.txt

# The app, owned by root and read-only to the user that runs it. .streamlit/config.toml
# carries the public-link server settings (XSRF on, no development mode, no file watcher).
COPY streamlit_app.py ./
COPY explorer ./explorer
COPY .streamlit ./.streamlit

USER 10001:10001

EXPOSE 8501

# slim has no curl: ask the health endpoint with Python's standard library.
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
  CMD ["python", "-c", "import sys, urllib.request; sys.exit(0 if urllib.request.urlopen('http://127.0.0.1:8501/_stcore/health', timeout=4).read().strip() == b'ok' else 1)"]

CMD ["streamlit", "run", "streamlit_app.py", "--server.port", "8501", "--server.address", "0.0.0.0"]
