# SPDX-License-Identifier: Apache-2.0
# Copyright (c) 2026 the cyproton authors
"""A cyproton.aio server for test_aio_security.py, in a process of its own: Cyrus SASL reads its
server configuration once per process, so a test process that already ran a SASL server could not
point another at a sasldb.

    python aio_sasl_server.py PORT CERT KEY SASL_DIR SASL_NAME MECHS

Prints ``READY``, then one JSON line per accepted connection: the authenticated ``user``.
"""

import asyncio
import json
import sys

from proton import SSLDomain

from cyproton import aio


async def main(port: str, cert: str, key: str, sasl_dir: str, sasl_name: str, mechs: str) -> None:
    domain = SSLDomain(SSLDomain.MODE_SERVER)
    domain.set_credentials(cert, key, None)
    server = await aio.listen(f"127.0.0.1:{port}", ssl_domain=domain, allowed_mechs=mechs,
                              sasl_config_path=sasl_dir, sasl_config_name=sasl_name, require_auth=True)
    print("READY", flush=True)
    async for conn in server:
        print(json.dumps({"user": conn.proton_connection.transport.user}), flush=True)


if __name__ == "__main__":
    asyncio.run(main(*sys.argv[1:7]))
