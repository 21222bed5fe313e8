#!/bin/sh
# Registers Herald's namespace once the Temporal server answers (temporalio/server, unlike the old
# auto-setup image, creates none). Idempotent: an existing namespace is left as it is.
set -eu

NAMESPACE="${NAMESPACE:-default}"
RETENTION="${NAMESPACE_RETENTION:-72h}"
: "${TEMPORAL_ADDRESS:?}"

echo "Waiting for the Temporal server at ${TEMPORAL_ADDRESS}..."
attempt=0
until temporal operator cluster health --address "$TEMPORAL_ADDRESS" >/dev/null 2>&1; do
  attempt=$((attempt + 1))
  if [ "$attempt" -ge 60 ]; then
    echo "Temporal server at ${TEMPORAL_ADDRESS} did not become healthy" >&2
    exit 1
  fi
  sleep 2
done

if temporal operator namespace describe --namespace "$NAMESPACE" --address "$TEMPORAL_ADDRESS" >/dev/null 2>&1; then
  echo "Namespace '${NAMESPACE}' already exists"
else
  temporal operator namespace create --namespace "$NAMESPACE" --retention "$RETENTION" --address "$TEMPORAL_ADDRESS"
  echo "Namespace '${NAMESPACE}' created"
fi
