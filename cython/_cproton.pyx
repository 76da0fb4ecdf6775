# cython: language_level=3, embedsignature=True
# SPDX-License-Identifier: Apache-2.0
# Copyright (c) 2026 the cyproton authors
#
# The one compiled module, proton._cproton. Each fragment below is included, not imported,
# so the engine is linked once and every fragment sees the others' cdef functions. registry.pyx
# comes first: it declares every object the Python layer binds (proton/_bind.py), so no fragment
# depends on one included after it for those; the AMQP wire numbers are named in includes/amqp.pxd.

from libc.stdint cimport int8_t, int16_t, int32_t, int64_t, uint8_t, uint16_t, uint32_t, uint64_t
from libc.stdint cimport intptr_t
from libc.stdlib cimport free, malloc, realloc
from libc.string cimport memcpy, memmove, memset, strlen
from cpython.dict cimport PyDict_SetItem
from cpython.number cimport PyNumber_Index
from cpython.object cimport PyObject


from includes cimport (c_codec, c_condition, c_connection, c_delivery, c_disposition, c_error, c_event, c_link,
                      c_logger, c_message, c_object, c_sasl, c_session, c_ssl, c_terminus, c_transport, c_types,
                      system)
from includes.c_condition cimport pn_condition_t
from includes.c_disposition cimport pn_disposition_t
from includes.c_event cimport pn_event_t
from includes.c_sasl cimport pn_sasl_t
from includes.c_ssl cimport pn_ssl_domain_t, pn_ssl_t
from includes.c_terminus cimport pn_terminus_t
from includes.c_types cimport (pn_class_t, pn_collector_t, pn_connection_t, pn_delivery_t, pn_handle_t, pn_link_t,
                               pn_record_t, pn_session_t, pn_transport_t)
from includes.c_codec cimport pn_data_t
from includes.amqp cimport *
from includes.c_types cimport ssize_t
from includes.c_error cimport pn_error_t
from includes.c_message cimport pn_message_t
from includes.python cimport (PyBytes_AS_STRING, PyBytes_FromStringAndSize, PyBytes_GET_SIZE, PyDict_Next,
                              PyDict_GetItemWithError, PyLong_FromUnsignedLongLong, PyObject_GenericSetAttr, PyUnicode_AsUTF8AndSize,
                              PyUnicode_DecodeUTF8, _PyLong_FromByteArray)

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
include "transport.pyx"
include "bundle.pyx"
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
