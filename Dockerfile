# b2c-netboot: HTTP 8080, TFTP 69/udp, S3 gateway 9000. Data (SQLite, artifacts, master key) in /data.
FROM node:20-bookworm-slim AS build
RUN apt-get update && apt-get install -y --no-install-recommends python3 make g++ && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY package.json package-lock.json ./
COPY patches ./patches
RUN npm ci --no-audit --no-fund
COPY . .
RUN npm run build && npm prune --omit=dev

FROM node:20-bookworm-slim
# Debian's iPXE binaries (undionly.kpxe, ipxe.efi, snponly.efi) for PXE clients over TFTP.
RUN apt-get update && apt-get install -y --no-install-recommends ipxe && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY --from=build /app /app
ENV NETBOOT_DATA_DIR=/data NODE_ENV=production
VOLUME /data
EXPOSE 8080/tcp 69/udp 9000/tcp
HEALTHCHECK CMD node -e "fetch('http://127.0.0.1:8080/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
ENTRYPOINT ["node", "bin/b2c-netboot.mjs"]
CMD ["serve"]
