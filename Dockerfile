# The echobot as a container: a static binary (no cgo) on a distroless base
# that holds CA certificates and time zones and runs as a non-root user.
#
#   docker build -t echobot .
#   docker compose -f deploy/compose.yaml up      # two replicas on Redis
#
# deploy/deploy_test.go checks this file and runs its go build here.

ARG GO_VERSION=1.26

FROM golang:${GO_VERSION}-bookworm AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
RUN CGO_ENABLED=0 go build -trimpath -ldflags="-s -w" -o /out/echobot ./examples/echobot

FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/echobot /echobot
# 65532, distroless's nonroot; never root.
USER nonroot:nonroot
ENV ADDR=:8080
EXPOSE 8080
# The image has no shell and no curl: the binary asks itself.
HEALTHCHECK --interval=10s --timeout=5s --start-period=10s --retries=3 CMD ["/echobot", "healthcheck"]
# Exec form, so that SIGTERM reaches the bot and it drains.
ENTRYPOINT ["/echobot"]
