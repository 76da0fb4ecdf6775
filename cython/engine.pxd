# SPDX-License-Identifier: Apache-2.0
# Copyright (c) 2026 the cyproton authors
#
# What engine.pyx gives the other fragments (included by proton._cproton.pxd).

cdef object opt_str(const char *s)

cdef bytes c_arg(object s)

cdef const char *c_ptr(bytes b)

cdef object cond_to_obj(pn_condition_t *cond)

cdef int obj_to_cond(object obj, pn_condition_t *cond) except -1

cdef object wrap_connection(pn_connection_t *c)

cdef object wrap_session(pn_session_t *s)

cdef object wrap_link(pn_link_t *l)

cdef object wrap_delivery(pn_delivery_t *d)

cdef object wrap_transport(pn_transport_t *t)

cdef object handler_of(pn_record_t *rec)

cdef class CEndpoint(CWrapper):
    cdef pn_condition_t *_local_cond(self) except? NULL
    cdef pn_condition_t *_remote_cond(self) except? NULL
    cdef int _write_condition(self) except -1

cdef class CLink(CEndpoint):
    cdef pn_record_t *_record(self) noexcept
    cdef inline pn_link_t *_l(self) except NULL:
        return <pn_link_t *>self._ptr()
    cdef pn_condition_t *_local_cond(self) except? NULL
    cdef pn_condition_t *_remote_cond(self) except? NULL
    cdef int _check(self, int err) except -1

cdef object send_message(CLink link, CMessage msg, object tag, bint want_delivery=*)

cdef class CDisposition:
    cdef pn_disposition_t *_impl
    # An engine reference to the delivery (not its Python wrapper: the wrapper caches this object, and
    # a Python reference back would make a cycle that keeps the delivery unsettled-but-alive until the
    # garbage collector runs, which stalls the engine's drain handling for the link).
    cdef pn_delivery_t *_delivery
    cdef readonly bint local
    # Values set on a local disposition are written to the engine by Delivery.update().
    cdef object _data, _annotations, _condition
    cdef pn_disposition_t *_d(self) except NULL
    cdef int _write(self) except -1

cdef object T_DispositionType_or_int(uint64_t code)

cdef class CDelivery(CWrapper):
    cdef object _local, _remote
    cdef pn_record_t *_record(self) noexcept
    cdef inline pn_delivery_t *_dl(self) except NULL:
        return <pn_delivery_t *>self._ptr()
