# Portico: a static musl binary on an empty image.
#   docker build -t portico .
#   docker run -p 8080:8080 -v portico-data:/data portico serve --demo

FROM rust:1.95-bookworm AS build
RUN rustup target add x86_64-unknown-linux-musl \
 && apt-get update \
 && apt-get install -y --no-install-recommends musl-tools \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /src
# Dependencies first, so that changing Portico's own code reuses their layer.
COPY Cargo.toml Cargo.lock build.rs ./
COPY assets ./assets
COPY migrations ./migrations
RUN mkdir src && echo 'fn main() {}' > src/main.rs && touch src/lib.rs \
 && cargo build --release --locked --target x86_64-unknown-linux-musl \
 && rm -rf src
COPY src ./src
RUN touch src/main.rs src/lib.rs \
 && cargo build --release --locked --target x86_64-unknown-linux-musl \
 && strip target/x86_64-unknown-linux-musl/release/portico \
 && mkdir -p /out/data \
 && cp target/x86_64-unknown-linux-musl/release/portico /out/portico

FROM scratch
COPY --from=build /out/portico /portico
COPY --from=build --chown=10001:10001 /out/data /data
USER 10001:10001
ENV PORTICO_BIND=0.0.0.0:8080 \
    PORTICO_DATA_DIR=/data \
    DATABASE_URL=sqlite:///data/portico.db \
    SQLITE_TMPDIR=/data
VOLUME /data
EXPOSE 8080
HEALTHCHECK --interval=30s --timeout=5s --start-period=10s --retries=3 CMD ["/portico", "healthcheck"]
ENTRYPOINT ["/portico"]
CMD ["serve"]
