# The worker's container image: `watt worker`, for ECS or Kubernetes (deploy/).
#
#   docker build -t watt .
#   docker run --rm -e WATT_QUEUE_URL=... -e DATA_LAKE_BUCKET=... -e WATT_PSEUDONYM_KEY=... watt
#
# Two stages: the release build on Debian 12 (the Rust image), then the binary alone on
# distroless's `cc` image for Debian 12: glibc, CA certificates, no shell, no package
# manager, user `nonroot` (65532). The binary needs nothing else: TLS is rustls with aws-lc,
# built in. (A static musl build would run on `scratch`; it needs the musl target and
# toolchain in the build stage.) The file is linted by hadolint (deploy/validate.sh).

# Pinned by tag; pin by digest in your registry mirror for reproducible builds.
FROM rust:1.95-bookworm AS build
WORKDIR /src
COPY Cargo.toml Cargo.lock ./
COPY core core
COPY native native
COPY wasm wasm
COPY bench bench
COPY data data
RUN cargo build --release --locked -p watt --bin watt \
    && install -m 0755 target/release/watt /watt

FROM gcr.io/distroless/cc-debian12:nonroot
COPY --from=build /watt /usr/local/bin/watt
USER 65532:65532
# ECS and Kubernetes send SIGTERM, then SIGKILL after their grace period (30 s by
# default): --stop-timeout must be shorter (deploy/ sets 25 s and a 60 s grace period).
STOPSIGNAL SIGTERM
ENTRYPOINT ["/usr/local/bin/watt", "worker"]
CMD ["--stop-timeout", "25"]
