# One image for the three services; docker-compose.yml picks the command.
FROM node:20-bookworm-slim
WORKDIR /app
RUN npm install -g pnpm@12.21.0
COPY package.json pnpm-lock.yaml pnpm-workspace.yaml .npmrc tsconfig.base.json tsconfig.json ./
COPY ingest/package.json ingest/
COPY processor/package.json processor/
COPY dashboard/package.json dashboard/
COPY sql/package.json sql/
RUN pnpm install --frozen-lockfile --ignore-scripts
COPY . .
RUN pnpm build
ENV NODE_ENV=production
ENTRYPOINT ["node", "bin/tablero.mjs"]
