#!/usr/bin/env bash
# Makes a cluster's secrets in DIR, once (existing files are kept): cluster.pfx (a self-signed cluster
# certificate with its key, PKCS#12 without password: every Orleans link presents and pins it), admin.key
# (the admin credential, 256 bits) and fleet-keys (FLEET=KEY lines; given ones, else 'default' with a
# random key). Files are readable by their owner only. Used by compose/up.sh and for Kubernetes Secrets.
#   deploy/make-secrets.sh DIR [FLEET=KEY]...
set -euo pipefail
dir="${1:?usage: make-secrets.sh DIR [FLEET=KEY]...}"; shift
command -v openssl >/dev/null || { echo "make-secrets.sh: openssl is missing (apt-get install openssl)" >&2; exit 1; }
mkdir -p "$dir"
umask 077
if [ ! -f "$dir/cluster.pfx" ]; then
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 365 -subj "/CN=gatomesh-cluster" \
    -addext "subjectAltName=DNS:localhost,IP:127.0.0.1" -addext "extendedKeyUsage=serverAuth,clientAuth" \
    -keyout "$dir/cluster.key" -out "$dir/cluster.crt" 2>/dev/null
  openssl pkcs12 -export -inkey "$dir/cluster.key" -in "$dir/cluster.crt" -out "$dir/cluster.pfx" -passout pass: 2>/dev/null
  rm -f "$dir/cluster.key" "$dir/cluster.crt"
fi
[ -f "$dir/admin.key" ] || openssl rand -hex 32 >"$dir/admin.key"
if [ $# -gt 0 ]; then
  for pair in "$@"; do [[ "$pair" == ?*=?* ]] || { echo "make-secrets.sh: '$pair' is not FLEET=KEY" >&2; exit 2; }; done
  printf '%s\n' "$@" >"$dir/fleet-keys"
elif [ ! -f "$dir/fleet-keys" ]; then
  echo "default=$(openssl rand -hex 16)" >"$dir/fleet-keys"
fi
