# syntax=docker/dockerfile:1
# The trainer (CronJob: `train --publish`), with LightGBM's native library for `--engine native`. Build from the
# repository root:
#   docker build -f infra/docker/trainer.Dockerfile -t <ecr>/adrank-<env>/trainer:<tag> .
ARG NODE_IMAGE=node:20-bookworm-slim
ARG PYTHON_IMAGE=python:3.11-slim-bookworm
ARG LIGHTGBM_VERSION=4.7.0

FROM ${NODE_IMAGE} AS build
WORKDIR /repo
ENV CI=true NX_DAEMON=false NX_NO_CLOUD=true ONNXRUNTIME_NODE_INSTALL=skip
COPY package.json package-lock.json .npmrc ./
COPY libs ./libs
RUN npm ci --no-audit --no-fund
COPY . .
RUN npx nx run trainer:bundle

FROM ${NODE_IMAGE} AS deps
WORKDIR /app
ENV ONNXRUNTIME_NODE_INSTALL=skip
COPY --from=build /repo/package.json /repo/package-lock.json /repo/.npmrc ./
COPY --from=build /repo/libs ./libs
RUN npm ci --omit=dev --no-audit --no-fund && rm -rf node_modules/@adrank libs && npm cache clean --force

# lib_lightgbm.so from the official wheel (the library the parity suite checks against)
FROM ${PYTHON_IMAGE} AS lightgbm
ARG LIGHTGBM_VERSION
RUN pip install --no-cache-dir --target /opt/lgbm "lightgbm==${LIGHTGBM_VERSION}" \
  && cp /opt/lgbm/lightgbm/lib/lib_lightgbm.so /lib_lightgbm.so

FROM ${NODE_IMAGE}
RUN apt-get update && apt-get install -y --no-install-recommends libgomp1 && rm -rf /var/lib/apt/lists/*
ENV NODE_ENV=production LIGHTGBM_LIB=/opt/lightgbm/lib_lightgbm.so TRAINER_WORK_DIR=/work
WORKDIR /app
COPY --from=deps /app/node_modules ./node_modules
COPY --from=build /repo/dist/apps/trainer/main.js ./main.js
COPY --from=lightgbm /lib_lightgbm.so /opt/lightgbm/lib_lightgbm.so
RUN mkdir -p /work && chown 10001:10001 /work
USER 10001:10001
# a batch job: healthy while the process runs and the status file, once written, does not say "failed"
HEALTHCHECK --interval=60s --timeout=5s --start-period=60s --retries=2 \
  CMD ["node", "-e", "const f=(process.env.TRAINER_WORK_DIR||'/work')+'/status.json';const fs=require('fs');process.exit(fs.existsSync(f)&&JSON.parse(fs.readFileSync(f,'utf8')).status==='failed'?1:0)"]
ENTRYPOINT ["node", "main.js"]
CMD ["train", "--help"]
