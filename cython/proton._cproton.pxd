# SPDX-License-Identifier: Apache-2.0
# Copyright (c) 2026 the cyproton authors
#
# The declarations of proton._cproton, one .pxd per fragment (as uvloop lays out its loop).
# Cython finds this file by the module's full name and reads it before _cproton.pyx, so whatever
# one fragment takes from another (a cdef class, its attributes and C methods, a cdef function)
# is declared here, ahead of every fragment, and the order the fragments are included in carries
# no dependency of its own. A fragment's private classes and functions stay in its .pyx;
# tests/test_fragments.py checks that every name used across fragments is declared in the .pxd
# of the fragment that defines it.

cimport cython

from libc.stdint cimport int8_t, int16_t, int32_t, int64_t, uint8_t, uint16_t, uint32_t, uint64_t
from libc.stdint cimport intptr_t
from libc.stdlib cimport free, malloc, realloc
from libc.string cimport memcpy, memmove, memset, strlen
from cpython.dict cimport PyDict_SetItem
from cpython.number cimport PyNumber_Index
from cpython.object cimport PyObject
from cpython.pystate cimport PyThreadState_GetDict


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


include "errors.pxd"
include "scan.pxd"
include "pools.pxd"
include "codec.pxd"
include "decode.pxd"
include "encode.pxd"
include "message.pxd"
include "wrapper.pxd"
include "engine.pxd"
include "bundle.pxd"
include "transport.pxd"
include "events.pxd"
include "handlers.pxd"
include "reactor.pxd"
