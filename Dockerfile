# Herald: one image for the Temporal worker, the Discord bot and the web dashboard; the command
# picks the mode (`worker`, the default, `bot` or `web`). See docker-compose.yml for the servers it needs
# (DATABASE_URL, TEMPORAL_ADDRESS, SMTP_URL).

# Build: compile the TypeScript to dist/.
FROM node:22-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --ignore-scripts
COPY tsconfig.json tsconfig.build.json ./
COPY migrations ./migrations
COPY src ./src
RUN npm run build

# Run: production dependencies and the build only.
FROM node:22-bookworm-slim
ENV NODE_ENV=production \
    NPM_CONFIG_UPDATE_NOTIFIER=false \
    NPM_CONFIG_FUND=false \
    NPM_CONFIG_AUDIT=false
WORKDIR /app

# Dependencies first, so that a source change reuses this layer.
# The Temporal core bridge ships native builds for every platform (~150 MB); keep this one's only.
COPY package.json package-lock.json ./
RUN npm ci --omit=dev \
 && npm cache clean --force \
 && bridge=node_modules/@temporalio/core-bridge/releases \
 && target="$(uname -m)-unknown-linux-gnu" \
 && if [ -d "$bridge/$target" ]; then \
      find "$bridge" -mindepth 1 -maxdepth 1 ! -name "$target" -exec rm -rf {} +; \
    fi

COPY templates ./templates
COPY assets ./assets
COPY --from=build /app/dist ./dist

# The code stays root-owned and read-only; Herald runs as the image's unprivileged `node` user
# with a writable data directory (unused when every server is configured).
RUN mkdir -p /app/.data && chown node:node /app/.data
ENV HERALD_DATA_DIR=/app/.data
USER node

# Node itself is the main process (no npm in between), so SIGTERM reaches Herald, which drains
# the worker before it exits.
ENTRYPOINT ["node", "dist/src/main.js"]
CMD ["worker"]
