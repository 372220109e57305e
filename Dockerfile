# Gatehouse as a container image: `docker build -t gatehouse .`
# Two stages: the build (native addons, TypeScript, the console) and a slim runtime holding only
# production dependencies and the built files, run as the unprivileged `node` user.
FROM node:20-bookworm-slim AS build
WORKDIR /app
# better-sqlite3 builds its native addon when no prebuilt one matches.
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 make g++ \
 && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json ./
COPY . .
# `npm ci` runs `prepare`, which builds dist/ and web/dist/; then the dev dependencies go.
RUN npm ci && npm prune --omit=dev

FROM node:20-bookworm-slim
ENV NODE_ENV=production \
    GATEHOUSE_HOST=0.0.0.0 \
    GATEHOUSE_PORT=8787
WORKDIR /app
COPY --from=build /app/package.json ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/bin ./bin
COPY --from=build /app/dist ./dist
COPY --from=build /app/web/dist ./web/dist
USER node
EXPOSE 8787
# Liveness only: readiness (/readyz) is the load balancer's to poll.
HEALTHCHECK --interval=10s --timeout=3s --start-period=20s \
  CMD ["node", "-e", "fetch('http://127.0.0.1:8787/healthz').then(r => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# Stop gracefully: SIGTERM drains (readiness first, calls in flight finish); give it time.
STOPSIGNAL SIGTERM
ENTRYPOINT ["node", "bin/gatehouse.js"]
CMD ["start"]
