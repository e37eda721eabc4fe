# Portico: a static musl binary on an empty (scratch) image.
#   docker build -t portico .
#   docker run -p 8080:8080 -v portico-data:/data portico serve --demo

# ---- build: a statically linked, stripped x86_64-unknown-linux-musl binary ----
FROM rust:1.95-bookworm AS build
# musl-tools gives musl-gcc, which the C parts (bundled SQLite, ring) need.
RUN rustup target add x86_64-unknown-linux-musl \
 && apt-get update \
 && apt-get install -y --no-install-recommends musl-tools \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /src

# Dependencies first, against placeholder sources, so that changing Portico's
# own code, assets or migrations reuses this layer.
COPY Cargo.toml Cargo.lock ./
RUN mkdir src \
 && echo 'fn main() {}' > build.rs \
 && echo 'fn main() {}' > src/main.rs \
 && touch src/lib.rs \
 && cargo build --release --locked --target x86_64-unknown-linux-musl \
 && rm -rf build.rs src

# The real sources; touch them so cargo rebuilds Portico over the placeholders.
COPY build.rs ./
COPY assets ./assets
COPY migrations ./migrations
COPY src ./src
RUN touch build.rs src/main.rs src/lib.rs \
 && cargo build --release --locked --target x86_64-unknown-linux-musl \
 && mkdir -p /out/data \
 && cp target/x86_64-unknown-linux-musl/release/portico /out/portico \
 && strip /out/portico

# ---- runtime: only the binary and an empty /data owned by a non-root user ----
FROM scratch
LABEL org.opencontainers.image.title="portico" \
      org.opencontainers.image.licenses="AGPL-3.0-only"
COPY --from=build /out/portico /portico
COPY --from=build --chown=10001:10001 /out/data /data
USER 10001:10001
# scratch has no /tmp: SQLite puts its temporary files in the volume instead.
ENV PORTICO_BIND=0.0.0.0:8080 \
    PORTICO_DATA_DIR=/data \
    DATABASE_URL=sqlite:///data/portico.db \
    SQLITE_TMPDIR=/data
VOLUME /data
EXPOSE 8080
# `portico healthcheck` reads PORTICO_BIND and GETs /healthz on loopback.
HEALTHCHECK --interval=30s --timeout=5s --start-period=10s --retries=3 \
    CMD ["/portico", "healthcheck"]
ENTRYPOINT ["/portico"]
CMD ["serve"]
