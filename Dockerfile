# Herald: one image for the Temporal worker and the Discord bot; the command picks the mode
# (`worker`, the default, or `bot`). TypeScript runs through tsx, so there is no build step.
# See docker-compose.yml for the servers it needs (DATABASE_URL, TEMPORAL_ADDRESS, SMTP_URL).
FROM node:22-bookworm-slim

ENV NODE_ENV=production \
    NPM_CONFIG_UPDATE_NOTIFIER=false \
    NPM_CONFIG_FUND=false \
    NPM_CONFIG_AUDIT=false

WORKDIR /app

# Dependencies first, so that a source change reuses this layer. tsx is a runtime dependency.
# The Temporal core bridge ships native builds for every platform (~150 MB); keep this one's only.
COPY package.json package-lock.json ./
RUN npm ci --omit=dev \
 && npm cache clean --force \
 && bridge=node_modules/@temporalio/core-bridge/releases \
 && target="$(uname -m)-unknown-linux-gnu" \
 && if [ -d "$bridge/$target" ]; then \
      find "$bridge" -mindepth 1 -maxdepth 1 ! -name "$target" -exec rm -rf {} +; \
    fi

COPY tsconfig.json ./
COPY migrations ./migrations
COPY templates ./templates
COPY src ./src

# The code stays root-owned and read-only; Herald runs as the image's unprivileged `node` user
# with a writable data directory (unused when every server is configured).
RUN mkdir -p /app/.data && chown node:node /app/.data
ENV HERALD_DATA_DIR=/app/.data
USER node

# Node itself is the main process (no npm or tsx CLI in between), so SIGTERM reaches Herald,
# which drains the worker before it exits.
ENTRYPOINT ["node", "--import", "tsx", "src/main.ts"]
CMD ["worker"]
