# syntax=docker/dockerfile:1
#
# leakward in a container: a static (musl) binary on distroless/static, run as a non-root
# user, with the repository to scan mounted at /repo:
#
#   docker run --rm -v "$PWD:/repo" --user "$(id -u):$(id -g)" ghcr.io/OWNER/leakward scan
#
# (`--user` makes the files and the git repository yours inside the container too: git
# refuses a repository owned by another user.)
#
# `docker build .` compiles leakward from this checkout (stage `source`). The release
# workflow instead passes `--build-arg BINARY=release` and puts the release's own static
# binaries in dist/docker/<amd64|arm64>/leakward, so the image holds exactly the attested
# release binary and nothing is compiled twice.

ARG BINARY=source

FROM rust:1.95-alpine AS source
RUN apk add --no-cache musl-dev=~1
WORKDIR /src
COPY . .
RUN cargo build --release --locked \
    && install -D -m 0755 target/release/leakward /out/leakward

FROM scratch AS release
ARG TARGETARCH
COPY --chmod=0755 dist/docker/${TARGETARCH}/leakward /out/leakward

# hadolint ignore=DL3006
FROM ${BINARY} AS binary

FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=binary /out/leakward /usr/local/bin/leakward
USER 65532:65532
WORKDIR /repo
ENTRYPOINT ["/usr/local/bin/leakward"]
CMD ["scan", "."]
