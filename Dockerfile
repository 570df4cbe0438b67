# syntax=docker/dockerfile:1
# One image holding every Klaxon executable. Each Compose service and Kubernetes Deployment
# picks its command (klaxon-gateway, klaxon-dedup, …); the default command prints klaxonctl's help.
#
#   docker build -t klaxon:dev .
#   docker run --rm klaxon:dev                       # klaxonctl --help
#   docker run --rm klaxon:dev klaxon-gateway --config /etc/klaxon/klaxon.yaml
#
# The build stage uses the official Swift image. `swift:6.3-bookworm` follows the tag scheme of
# the published swift:6.x-bookworm images but was not pulled when this file was written (no
# Docker engine here); if your registry lacks it, build with
#   docker build --build-arg SWIFT_IMAGE=swift:6.1-bookworm .
# The run stage must stay on the same Debian release (bookworm) as the build stage, because the
# binaries link Debian's C libraries by soname.
ARG SWIFT_IMAGE=swift:6.3-bookworm
ARG RUNTIME_IMAGE=debian:bookworm-slim

FROM ${SWIFT_IMAGE} AS build
# The -dev packages the system library targets find through pkg-config (see Package.swift).
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
      pkg-config librabbitmq-dev libhiredis-dev libcurl4-openssl-dev libmicrohttpd-dev \
      libssl-dev libyaml-dev libical-dev \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /src
# Manifest first, sources second: a source change does not invalidate the apt layer above.
COPY Package.swift ./
COPY Sources ./Sources
# Sources/Gateway/openapi.json links here: the document is compiled into the gateway.
COPY docs ./docs
COPY Tests ./Tests
# --static-swift-stdlib: the binaries need no Swift runtime .so files, only Debian's C libraries.
# Every executable product is built and copied, so a new one (klaxon-voice, …) needs no edit here.
# `install -s` strips symbols (measured: 71 MB -> 58 MB per binary; static Foundation is most of it).
RUN swift build -c release --static-swift-stdlib \
 && bin="$(swift build -c release --static-swift-stdlib --show-bin-path)" \
 && mkdir -p /out \
 && for f in "$bin"/klaxon*; do \
      if [ -f "$f" ] && [ -x "$f" ]; then install -s -m 0755 "$f" /out/; fi; \
    done \
 && ls -l /out \
 && test -x /out/klaxon-gateway && test -x /out/klaxonctl

FROM ${RUNTIME_IMAGE}
# Only the run-time C libraries the binaries link (ldd of a release build: these, plus libc,
# libstdc++ and libgcc_s that static Swift still needs), CA roots (SMTP/HTTPS/AMQPS over TLS)
# and zone data (integrations render times in their own time_zone).
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
      librabbitmq4 libhiredis0.14 libcurl4 libmicrohttpd12 libssl3 libyaml-0-2 libstdc++6 \
      ca-certificates tzdata \
 && rm -rf /var/lib/apt/lists/* \
 && groupadd --system --gid 10001 klaxon \
 && useradd --system --uid 10001 --gid 10001 --no-create-home --home-dir /nonexistent \
      --shell /usr/sbin/nologin klaxon
COPY --from=build /out/ /usr/local/bin/

# Nothing is written outside /tmp, so the root filesystem can be mounted read-only
# (Kubernetes: readOnlyRootFilesystem with an emptyDir at /tmp; Compose: read_only + tmpfs).
# Numeric user, so Kubernetes' runAsNonRoot can verify it without reading /etc/passwd.
USER 10001:10001
WORKDIR /tmp
# 8080: gateway (integrations, /healthz, /readyz, /metrics). 9090: workers' health and metrics.
EXPOSE 8080 9090
CMD ["klaxonctl", "--help"]
