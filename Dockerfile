# syntax=docker/dockerfile:1
# Multi-stage build: a static liudong binary on a slim Debian with tzdata (Asia/Shanghai) and a
# CJK font for the statistics chart; runs as a non-root user.
FROM golang:1.26-bookworm AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
RUN CGO_ENABLED=0 go build -trimpath -ldflags="-s -w" -o /out/liudong ./cmd/liudong

FROM debian:bookworm-slim
RUN apt-get update \
 && apt-get install -y --no-install-recommends ca-certificates tzdata fonts-wqy-microhei \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --system --uid 10001 --home /app --shell /usr/sbin/nologin liudong
WORKDIR /app
COPY --from=build /out/liudong /usr/local/bin/liudong
COPY configs/liudong.example.yaml /app/configs/liudong.yaml
COPY configs/dues.yaml /app/configs/dues.yaml
ENV TZ=Asia/Shanghai
USER liudong
EXPOSE 8080
ENTRYPOINT ["liudong"]
CMD ["serve"]
