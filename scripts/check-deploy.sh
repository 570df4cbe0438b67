#!/usr/bin/env bash
# Checks the deploy files: the Helm chart (lint, offline renders, Kubernetes schemas), the
# Compose file (Compose spec schema from ../shared), the Dockerfile, and their promises.
# Installs its Python tools once into var/deploy-venv (PyPI, pinned in
# Tests/deploy/requirements.txt); later runs need no network. No helm binary, no Docker, no
# cluster. Extra arguments go to pytest, e.g. scripts/check-deploy.sh -k compose
set -euo pipefail
cd "$(dirname "$0")/.."
venv=var/deploy-venv
requirements=Tests/deploy/requirements.txt
stamp=$venv/.requirements.sha256

if [ ! -x "$venv/bin/python" ]; then
  echo "check-deploy: creating $venv"
  python3 -m venv "$venv"
fi
want=$(sha256sum "$requirements" | cut -d' ' -f1)
if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
  echo "check-deploy: installing $(grep -Ev '^\s*(#|$)' "$requirements" | awk '{print $1}' | tr '\n' ' ')"
  "$venv/bin/python" -m pip install --quiet --requirement "$requirements"
  echo "$want" >"$stamp"
fi

shared_schema=../shared/schemas/compose-spec.json
[ -f "$shared_schema" ] || echo "check-deploy: warning: $shared_schema is missing; the Compose tests will fail" >&2

exec "$venv/bin/python" -m pytest -q -p no:cacheprovider Tests/deploy "$@"
