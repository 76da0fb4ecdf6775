#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Copyright (c) 2026 the cyproton authors
#
# make_certs.sh DIR: throwaway TLS material for loopback tests, made with the openssl command line.
#   ca.crt/.key                 a test CA (RSA 2048, valid CERT_DAYS days, default 2)
#   server.crt/.key             CN=localhost; subjectAltName DNS:localhost, DNS:127.0.0.1, DNS:::1, IP:127.0.0.1,
#                               IP:::1 (proton's VERIFY_PEER_NAME compares DNS names and the CN, never IP SANs,
#                               so the addresses are DNS entries too)
#   server-chain.pem            server.crt + ca.crt
#   client.crt/.key             CN=testclient, signed by ca (TLS client authentication, SASL EXTERNAL)
#   otherca.crt/.key            a second CA, trusted by no one
#   client-untrusted.crt/.key   CN=intruder, signed by otherca (negative tests)
#   server.p12, client.p12      PKCS#12 (certificate, key and CA chain), password "changeit"
#   truststore.p12              PKCS#12 holding ca.crt only, password "changeit"
# Keys are unencrypted PEM. Starts no process (PID: none); delete DIR to clean up.
# Exit 77 (skip) if openssl is not installed.
set -euo pipefail
. "$(dirname "$0")/_common.sh"
DIR="${1:?usage: make_certs.sh DIR}"
DAYS="${CERT_DAYS:-2}"
need_cmd openssl openssl

t0=$(now)
mkdir -p "$DIR"
cd "$DIR"

mkca() { # name subject
    openssl req -x509 -newkey rsa:2048 -nodes -sha256 -days "$DAYS" -keyout "$1.key" -out "$1.crt" -subj "$2" \
        -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" 2>/dev/null
}
mkleaf() { # name subject ca extensions-file
    openssl req -new -newkey rsa:2048 -nodes -sha256 -keyout "$1.key" -out "$1.csr" -subj "$2" 2>/dev/null
    openssl x509 -req -in "$1.csr" -CA "$3.crt" -CAkey "$3.key" -CAcreateserial -days "$DAYS" -sha256 \
        -extfile "$4" -out "$1.crt" 2>/dev/null
    rm -f "$1.csr"
}

mkca ca "/O=cyproton-test/CN=cyproton Test CA"
mkca otherca "/O=cyproton-test/CN=Untrusted Test CA"
cat > server.ext <<'EOF'
basicConstraints=CA:FALSE
keyUsage=critical,digitalSignature,keyEncipherment
extendedKeyUsage=serverAuth
subjectAltName=DNS:localhost,DNS:127.0.0.1,DNS:::1,IP:127.0.0.1,IP:::1
EOF
cat > client.ext <<'EOF'
basicConstraints=CA:FALSE
keyUsage=critical,digitalSignature,keyEncipherment
extendedKeyUsage=clientAuth
EOF
mkleaf server "/O=cyproton-test/CN=localhost" ca server.ext
mkleaf client "/O=cyproton-test/CN=testclient" ca client.ext
mkleaf client-untrusted "/O=cyproton-test/CN=intruder" otherca client.ext
cat server.crt ca.crt > server-chain.pem

for name in server client; do
    openssl pkcs12 -export -in "$name.crt" -inkey "$name.key" -certfile ca.crt -name "$name" \
        -passout pass:changeit -out "$name.p12"
done
openssl pkcs12 -export -nokeys -in ca.crt -name ca -passout pass:changeit -out truststore.p12 2>/dev/null ||
    echo "$SCRIPT: note: this openssl cannot write a key-less PKCS#12; no truststore.p12" >&2
chmod 600 ./*.key
openssl verify -CAfile ca.crt server.crt client.crt >/dev/null
if openssl verify -CAfile ca.crt client-untrusted.crt >/dev/null 2>&1; then fail "client-untrusted.crt verifies"; fi

echo "$SCRIPT: wrote test certificates to $DIR in $(elapsed "$t0") s (no process started, PID: none)"
echo "  CA $DIR/ca.crt; server $DIR/server.crt (CN=localhost); client $DIR/client.crt (CN=testclient);"
echo "  untrusted client $DIR/client-untrusted.crt (other CA); PKCS#12: server.p12 client.p12 truststore.p12"
