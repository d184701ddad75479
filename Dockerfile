# The portal's container: a thin wrapper over the tested bundle (`npm run package`, see
# scripts/package-smoke.ts). Build: docker build -t lab-results-portal .
# No secret is needed to build, and none is baked in: configuration comes from the
# environment at run time (docs/configuration.md).

# --- build: the whole project, its build, then the runtime folder dist/portal --------
FROM node:24-bookworm-slim AS build
WORKDIR /src
ENV NEXT_TELEMETRY_DISABLED=1
COPY package.json package-lock.json .npmrc .nvmrc ./
RUN npm ci --no-audit --no-fund
COPY . .
# The build must not hold secrets: it is made with sentinel values and scanned for them.
RUN npm run build:checked && npm run package

# --- runtime: Node 24, the bundle, a non-root user -----------------------------------
FROM node:24-bookworm-slim AS runtime
ENV NODE_ENV=production \
    NEXT_TELEMETRY_DISABLED=1 \
    PORT=3000
WORKDIR /app
COPY --from=build --chown=node:node /src/dist/portal ./
USER node
EXPOSE 3000
# Liveness only (touches no dependency); orchestrators use /api/health/ready for traffic.
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/api/health/live').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
# The front server in this process (no npm in front, so SIGTERM reaches it).
CMD ["node", "--max-old-space-size=384", "--max-semi-space-size=8", "scripts/serve.ts"]
