# cython: language_level=3, embedsignature=True
# SPDX-License-Identifier: Apache-2.0
# Copyright (c) 2026 the cyproton authors
#
# The one compiled module, proton._cproton. Each fragment below is included, not imported, so
# the engine is linked once. What a fragment gives the others is declared in its own .pxd, which
# proton._cproton.pxd (this module's .pxd, named after the module's full name as Cython looks it
# up) includes ahead of all of them, so no fragment relies on the include order for a name.
# registry.pyx holds every object the Python layer binds (proton/_bind.py); the AMQP wire numbers
# are named in includes/amqp.pxd. The cimports are in proton._cproton.pxd as well.

cdef extern from *:
    """
    #ifndef CYPROTON_ENGINE_VERSION
    #define CYPROTON_ENGINE_VERSION "unknown"
    #define CYPROTON_TLS_IMPL "unknown"
    #define CYPROTON_SASL_IMPL "unknown"
    #define CYPROTON_DEBUG 0
    #endif
    """
    const char *CYPROTON_ENGINE_VERSION
    const char *CYPROTON_TLS_IMPL
    const char *CYPROTON_SASL_IMPL
    int CYPROTON_DEBUG

cdef extern from *:
    """
    /* The engine's one-time set-up (default logger from PN_TRACE_FRM/PN_TRACE_RAW/PN_LOG, memory
       accounting). Its library constructor lives in an object the static link does not pull in, so
       the module calls it once when it is imported. */
    void pn_init(void);
    """
    void pn_init()

pn_init()

include "errors.pyx"
include "registry.pyx"
include "scan.pyx"
include "pools.pyx"
include "codec.pyx"
include "decode.pyx"
include "encode.pyx"
include "message.pyx"
include "wrapper.pyx"
include "engine.pyx"
include "bundle.pyx"
include "transport.pyx"
include "events.pyx"
include "handlers.pyx"
include "reactor.pyx"
include "aio.pyx"
include "lowlevel.pyx"


def build_info():
    """What this build of the extension was compiled with."""
    return {
        "engine_version": CYPROTON_ENGINE_VERSION.decode(),
        "tls": CYPROTON_TLS_IMPL.decode(),
        "sasl": CYPROTON_SASL_IMPL.decode(),
        "debug": bool(CYPROTON_DEBUG),
        "sasl_plugin_dir": SASL_PLUGIN_DIR,
    }
