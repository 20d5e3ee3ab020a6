# One image for every role: `docker run cronwatch start|front|back|migrate|summary`.
# Build stage: full dependencies to compile TypeScript, then drop the dev ones.
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json tsconfig.json ./
COPY src ./src
# `npm ci` runs the prepare script, which compiles src/ into dist/.
RUN npm ci && npm prune --omit=dev

FROM node:20-bookworm-slim
ENV NODE_ENV=production \
    PORT=8080 \
    LOG_FORMAT=json \
    CRONWATCH_DATA_DIR=/var/lib/cronwatch
RUN groupadd --system cronwatch \
 && useradd --system --gid cronwatch --home-dir /var/lib/cronwatch --shell /usr/sbin/nologin cronwatch \
 && mkdir -p /var/lib/cronwatch \
 && chown cronwatch:cronwatch /var/lib/cronwatch
WORKDIR /app
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY package.json ./
COPY bin ./bin
COPY migrations ./migrations
COPY public ./public
USER cronwatch
# Only used by `start` without DATABASE_URL (the embedded PostgreSQL); mount it to keep data.
VOLUME /var/lib/cronwatch
EXPOSE 8080
# /healthz: the database answers and a back instance ran recently. The `back` role serves
# no HTTP: give its containers `--no-healthcheck` (compose: healthcheck: disable: true).
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 8080) + '/healthz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
ENTRYPOINT ["node", "/app/bin/cronwatch.js"]
CMD ["start"]
