# SPDX-License-Identifier: Apache-2.0
# Copyright (c) 2026 the cyproton authors
#
# The pn_* call-per-function API of the top-level ``cproton`` module, over this same compiled
# engine (one copy of the engine's globals: an object made here is the object proton sees).
#
# The contract is what python-qpid-proton 0.40's pure-Python layer imports from its own
# ``cproton`` (tests/conformance/cproton_inventory.json). Its values follow that layer's
# expectations, not cffi's types:
#   * an engine pointer is an _LLPointer (equal and hashed by address, never an int: the layer
#     tells pointers from numbers by type); NULL is None both ways; proton's own wrappers are
#     accepted wherever a pointer is;
#   * char* in: str (utf-8) or None, anything else is a TypeError; char* out: str or None;
#   * pn_bytes_t out: memoryview for binary values, str for text, always a copy (never a view
#     of engine memory that a later call could free);
#   * buffers in: any object with the buffer protocol.
# Nothing here checks the kind of engine object a pointer names (cffi's types would): passing a
# session where a link is expected, or a freed object, is as undefined as it is in C.
#
# Python objects held by the engine (record contexts, event contexts) go through LL_PYREF_CLASS,
# named "pn_pyref" because the reference layer looks event contexts up by that class name. It
# owns one Python reference per engine reference (as PYREF_CLASS in wrapper.pyx does) and counts
# them, which is what retained_count() reports. The record key is our own, distinct from the one
# the proton wrappers use for their attributes, so the two layers never share an attribute dict.
#
# The functions are collected into the dict _lowlevel at the end of this fragment and removed
# from the module namespace: proton._cproton's own surface (and its stub) stays as it was, and
# src/cproton.py publishes them.

cimport cython
from cpython.buffer cimport PyBUF_SIMPLE, PyBuffer_Release, PyObject_GetBuffer
from includes cimport c_version
from uuid import UUID as _UUID

cdef Py_ssize_t _ll_retained = 0


cdef void _ll_pyref_incref(void *obj) noexcept:
    global _ll_retained
    Py_INCREF(<object>obj)
    _ll_retained += 1


cdef void _ll_pyref_decref(void *obj) noexcept:
    global _ll_retained
    _ll_retained -= 1
    Py_DECREF(<object>obj)


# The engine calls these with the GIL held (see wrapper.pyx): the casts only satisfy the type.
cdef const pn_class_t *LL_PYREF_CLASS = c_object.pn_class_create(
    "pn_pyref", NULL, NULL, <_obj_fn>_ll_pyref_incref, <_obj_fn>_ll_pyref_decref, <_count_fn>_pyref_refcount)

cdef char _LL_CTX_KEY_ANCHOR = 0
cdef pn_handle_t LL_CTX_KEY = <pn_handle_t>&_LL_CTX_KEY_ANCHOR

_LL_NAMES_BEFORE = set(globals())


@cython.final
@cython.freelist(64)
cdef class _LLPointer:
    """An engine pointer as cproton hands it out: compares and hashes by address, like cffi's."""
    cdef void *p

    def __eq__(self, other):
        if isinstance(other, _LLPointer):
            return self.p == (<_LLPointer>other).p
        return NotImplemented

    def __hash__(self):
        return hash(<size_t>self.p)

    def __int__(self):
        return <size_t>self.p

    def __repr__(self):
        return "<cproton pointer 0x%x>" % <size_t>self.p


cdef void *_ll_in(object p) except? NULL:
    # Pointers come from this module (_LLPointer) or are proton's own wrappers; None is NULL.
    # Plain ints are refused, as cffi refuses them: the reference layer tells an engine pointer
    # from a number by its type (Data(capacity) against Data(pn_data_t*)).
    if type(p) is _LLPointer:
        return (<_LLPointer>p).p
    if p is None:
        return NULL
    if isinstance(p, CWrapper):
        return (<CWrapper>p)._impl
    raise TypeError("expected an engine pointer from cproton (or None), got %r" % (type(p),))


cdef object _ll_out(const void *p):
    if p == NULL:
        return None
    cdef _LLPointer out = _LLPointer.__new__(_LLPointer)
    out.p = <void *>p
    return out


cdef object _ll_cstr(object s):
    # Keeps the encoded bytes alive in the caller's local; None stays None (NULL).
    if s is None:
        return None
    if isinstance(s, str):
        return (<str>s).encode("utf-8")
    raise TypeError("expected str or None for a C string, got %r (%s)" % (s, type(s)))


cdef inline const char *_ll_chars(object b):
    return NULL if b is None else PyBytes_AS_STRING(b)


cdef inline object _ll_str(const char *s):
    if s == NULL:
        return None
    return s.decode("utf-8")


cdef object _ll_bytes_in(object py):
    if isinstance(py, bytes):
        return py
    if isinstance(py, (bytearray, memoryview)):
        return bytes(py)
    if isinstance(py, str):
        return (<str>py).encode("utf-8")
    raise TypeError("expected bytes, bytearray, memoryview or str, got %r" % (type(py),))


cdef inline c_types.pn_bytes_t _ll_pn_bytes(object b):
    cdef c_types.pn_bytes_t out
    out.size = PyBytes_GET_SIZE(b)
    out.start = PyBytes_AS_STRING(b)
    return out


cdef inline object _ll_text(c_types.pn_bytes_t b, str encoding="utf-8"):
    return b.start[:b.size].decode(encoding) if b.size else ""


cdef inline object _ll_binary(c_types.pn_bytes_t b):
    return memoryview(b.start[:b.size] if b.size else b"")


cdef object _ll_out_buffer(ssize_t n, bytearray buf):
    # The (code, data) pairs: data is cut to the produced length when the call succeeded.
    if n >= 0:
        del buf[n:]
    return n, buf


cdef char *_ll_writable(bytearray buf):
    return NULL if len(buf) == 0 else <char *>buf


# -- identity, NULL, Python objects held by the engine -----------------------------------------

def isnull(obj):
    """True for a NULL engine pointer (None)."""
    return obj is None or (type(obj) is _LLPointer and (<_LLPointer>obj).p == NULL)


def addressof(obj):
    """The address of an engine object as an int (equal for every handle on the same object).

    Besides this module's pointers it accepts proton's own wrappers (Connection, Session, Link,
    Delivery, Transport), which may also be passed to the ``pn_*`` functions directly.
    """
    return <size_t>_ll_in(obj)


def void2py(object void):
    """The Python object a void* context stands for, or None for NULL."""
    cdef void *p = _ll_in(void)
    if p == NULL:
        return None
    return <object>p


def retained_count():
    """How many references to Python objects the engine holds through this module now."""
    return _ll_retained


def pn_pyref_incref(obj):
    """Take one engine-held reference to obj (what the engine does when it stores it)."""
    _ll_pyref_incref(<void *>obj)


def pn_pyref_decref(obj):
    """Give back one reference taken by pn_pyref_incref()."""
    _ll_pyref_decref(<void *>obj)


def pn_record_def_py(record):
    c_object.pn_record_def(<pn_record_t *>_ll_in(record), LL_CTX_KEY, LL_PYREF_CLASS)


def pn_record_get_py(record):
    return _ll_ctx(<pn_record_t *>_ll_in(record))


def pn_record_set_py(record, value):
    # The record's class takes its own reference to the new value and drops the old one's.
    c_object.pn_record_set(<pn_record_t *>_ll_in(record), LL_CTX_KEY, NULL if value is None else <void *>value)


def pn_collector_put_pyref(collector, obj, etype):
    """Queue an event of type etype (an object with .number) whose context is the Python obj."""
    c_event.pn_collector_put(<pn_collector_t *>_ll_in(collector), LL_PYREF_CLASS, <void *>obj,
                             <c_event.pn_event_type_t><int>etype.number)


def pn_event_class_name(event):
    cdef const pn_class_t *cls = c_event.pn_event_class(<pn_event_t *>_ll_in(event))
    return None if cls == NULL else _ll_str(c_object.pn_class_name(cls))


def pn_cast_pn_connection(x):
    return x


def pn_cast_pn_session(x):
    return x


def pn_cast_pn_link(x):
    return x


def pn_cast_pn_delivery(x):
    return x


def pn_cast_pn_transport(x):
    return x


# -- tracers ------------------------------------------------------------------------------------

cdef object _ll_ctx(pn_record_t *record):
    cdef void *p = c_object.pn_record_get(record, LL_CTX_KEY) if record != NULL else NULL
    return None if p == NULL else <object>p


cdef void _ll_tracer(pn_transport_t *transport, const char *message) noexcept:
    # Called by the engine with the GIL held. A tracer's exception goes to sys.unraisablehook,
    # as one raised in any other callback from C would: the engine cannot take it.
    attrs = _ll_ctx(c_transport.pn_transport_attachments(transport))
    tracer = attrs.get("_tracer") if attrs is not None else None
    if tracer:
        tracer(_ll_out(transport), _ll_str(message))


def pn_transport_set_pytracer(transport, tracer):
    """Send the transport's trace lines to tracer(transport, line); kept in its record context."""
    cdef pn_transport_t *t = <pn_transport_t *>_ll_in(transport)
    attrs = _ll_ctx(c_transport.pn_transport_attachments(t))
    attrs["_tracer"] = tracer
    # The cast only declares it nogil-callable: the engine calls it with the GIL held (see wrapper.pyx).
    c_transport.pn_transport_set_tracer(t, <c_transport.pn_tracer_t>_ll_tracer)


def pn_transport_get_pytracer(transport):
    attrs = _ll_ctx(c_transport.pn_transport_attachments(<pn_transport_t *>_ll_in(transport)))
    return attrs.get("_tracer") if attrs is not None else None


# -- C strings in and out -----------------------------------------------------------------------
# Each setter keeps the encoded bytes in a local for the length of the C call; the engine copies.

def pn_condition_set_name(cond, name):
    b = _ll_cstr(name)
    return c_condition.pn_condition_set_name(<pn_condition_t *>_ll_in(cond), _ll_chars(b))


def pn_condition_set_description(cond, description):
    b = _ll_cstr(description)
    return c_condition.pn_condition_set_description(<pn_condition_t *>_ll_in(cond), _ll_chars(b))


def pn_condition_get_name(cond):
    return _ll_str(c_condition.pn_condition_get_name(<pn_condition_t *>_ll_in(cond)))


def pn_condition_get_description(cond):
    return _ll_str(c_condition.pn_condition_get_description(<pn_condition_t *>_ll_in(cond)))


def pn_error_text(error):
    return _ll_str(c_error.pn_error_text(<pn_error_t *>_ll_in(error)))


def pn_event_type_name(number):
    return _ll_str(c_event.pn_event_type_name(<c_event.pn_event_type_t><int>number))


def pn_connection_get_container(connection):
    return _ll_str(c_connection.pn_connection_get_container(<pn_connection_t *>_ll_in(connection)))


def pn_connection_set_container(connection, name):
    b = _ll_cstr(name)
    c_connection.pn_connection_set_container(<pn_connection_t *>_ll_in(connection), _ll_chars(b))


def pn_connection_get_hostname(connection):
    return _ll_str(c_connection.pn_connection_get_hostname(<pn_connection_t *>_ll_in(connection)))


def pn_connection_set_hostname(connection, name):
    b = _ll_cstr(name)
    c_connection.pn_connection_set_hostname(<pn_connection_t *>_ll_in(connection), _ll_chars(b))


def pn_connection_get_user(connection):
    return _ll_str(c_connection.pn_connection_get_user(<pn_connection_t *>_ll_in(connection)))


def pn_connection_set_user(connection, name):
    b = _ll_cstr(name)
    c_connection.pn_connection_set_user(<pn_connection_t *>_ll_in(connection), _ll_chars(b))


def pn_connection_get_authorization(connection):
    return _ll_str(c_connection.pn_connection_get_authorization(<pn_connection_t *>_ll_in(connection)))


def pn_connection_set_authorization(connection, name):
    b = _ll_cstr(name)
    c_connection.pn_connection_set_authorization(<pn_connection_t *>_ll_in(connection), _ll_chars(b))


def pn_connection_set_password(connection, name):
    b = _ll_cstr(name)
    c_connection.pn_connection_set_password(<pn_connection_t *>_ll_in(connection), _ll_chars(b))


def pn_connection_remote_container(connection):
    return _ll_str(c_connection.pn_connection_remote_container(<pn_connection_t *>_ll_in(connection)))


def pn_connection_remote_hostname(connection):
    return _ll_str(c_connection.pn_connection_remote_hostname(<pn_connection_t *>_ll_in(connection)))


def pn_sender(session, name):
    b = _ll_cstr(name)
    return _ll_out(c_link.pn_sender(<pn_session_t *>_ll_in(session), _ll_chars(b)))


def pn_receiver(session, name):
    b = _ll_cstr(name)
    return _ll_out(c_link.pn_receiver(<pn_session_t *>_ll_in(session), _ll_chars(b)))


def pn_link_name(link):
    return _ll_str(c_link.pn_link_name(<pn_link_t *>_ll_in(link)))


def pn_terminus_get_address(terminus):
    return _ll_str(c_terminus.pn_terminus_get_address(<pn_terminus_t *>_ll_in(terminus)))


def pn_terminus_set_address(terminus, address):
    b = _ll_cstr(address)
    return c_terminus.pn_terminus_set_address(<pn_terminus_t *>_ll_in(terminus), _ll_chars(b))


def pn_transport_log(transport, message):
    b = _ll_cstr(message)
    c_transport.pn_transport_log(<pn_transport_t *>_ll_in(transport), _ll_chars(b))


def pn_transport_get_user(transport):
    return _ll_str(c_transport.pn_transport_get_user(<pn_transport_t *>_ll_in(transport)))


def pn_sasl_get_user(sasl):
    return _ll_str(c_sasl.pn_sasl_get_user(<pn_sasl_t *>_ll_in(sasl)))


def pn_sasl_get_authorization(sasl):
    return _ll_str(c_sasl.pn_sasl_get_authorization(<pn_sasl_t *>_ll_in(sasl)))


def pn_sasl_get_mech(sasl):
    return _ll_str(c_sasl.pn_sasl_get_mech(<pn_sasl_t *>_ll_in(sasl)))


def pn_sasl_allowed_mechs(sasl, mechs):
    b = _ll_cstr(mechs)
    c_sasl.pn_sasl_allowed_mechs(<pn_sasl_t *>_ll_in(sasl), _ll_chars(b))


def pn_sasl_config_name(sasl, name):
    b = _ll_cstr(name)
    c_sasl.pn_sasl_config_name(<pn_sasl_t *>_ll_in(sasl), _ll_chars(b))


def pn_sasl_config_path(sasl, path):
    b = _ll_cstr(path)
    c_sasl.pn_sasl_config_path(<pn_sasl_t *>_ll_in(sasl), _ll_chars(b))


def pn_ssl_domain_set_credentials(domain, cert_file, key_file, password):
    c, k, p = _ll_cstr(cert_file), _ll_cstr(key_file), _ll_cstr(password)
    return c_ssl.pn_ssl_domain_set_credentials(<pn_ssl_domain_t *>_ll_in(domain), _ll_chars(c), _ll_chars(k),
                                               _ll_chars(p))


def pn_ssl_domain_set_trusted_ca_db(domain, certificate_db):
    b = _ll_cstr(certificate_db)
    return c_ssl.pn_ssl_domain_set_trusted_ca_db(<pn_ssl_domain_t *>_ll_in(domain), _ll_chars(b))


def pn_ssl_domain_set_peer_authentication(domain, verify_mode, trusted_CAs):
    b = _ll_cstr(trusted_CAs)
    return c_ssl.pn_ssl_domain_set_peer_authentication(<pn_ssl_domain_t *>_ll_in(domain),
                                                       <c_ssl.pn_ssl_verify_mode_t><int>verify_mode, _ll_chars(b))


def pn_ssl_domain_set_protocols(domain, protocols):
    b = _ll_cstr(protocols)
    return c_ssl.pn_ssl_domain_set_protocols(<pn_ssl_domain_t *>_ll_in(domain), _ll_chars(b))


def pn_ssl_domain_set_ciphers(domain, ciphers):
    b = _ll_cstr(ciphers)
    return c_ssl.pn_ssl_domain_set_ciphers(<pn_ssl_domain_t *>_ll_in(domain), _ll_chars(b))


def pn_ssl_init(ssl, domain, session_id):
    b = _ll_cstr(session_id)
    c_ssl.pn_ssl_init(<pn_ssl_t *>_ll_in(ssl), <pn_ssl_domain_t *>_ll_in(domain), _ll_chars(b))


def pn_ssl_get_remote_subject_subfield(ssl, subfield_name):
    return _ll_str(c_ssl.pn_ssl_get_remote_subject_subfield(
        <pn_ssl_t *>_ll_in(ssl), <c_ssl.pn_ssl_cert_subject_subfield><int>subfield_name))


def pn_ssl_get_remote_subject(ssl):
    return _ll_str(c_ssl.pn_ssl_get_remote_subject(<pn_ssl_t *>_ll_in(ssl)))


def pn_ssl_set_peer_hostname(ssl, hostname):
    b = _ll_cstr(hostname)
    return c_ssl.pn_ssl_set_peer_hostname(<pn_ssl_t *>_ll_in(ssl), _ll_chars(b))


def pn_ssl_get_cipher_name(ssl, size):
    cdef bytearray buf = bytearray(size + 1)
    if c_ssl.pn_ssl_get_cipher_name(<pn_ssl_t *>_ll_in(ssl), <char *>buf, size):
        return _ll_str(<char *>buf)
    return None


def pn_ssl_get_protocol_name(ssl, size):
    cdef bytearray buf = bytearray(size + 1)
    if c_ssl.pn_ssl_get_protocol_name(<pn_ssl_t *>_ll_in(ssl), <char *>buf, size):
        return _ll_str(<char *>buf)
    return None


def pn_ssl_get_cert_fingerprint(ssl, fingerprint_len, hash_alg):
    cdef bytearray buf = bytearray(fingerprint_len + 1)
    if c_ssl.pn_ssl_get_cert_fingerprint(<pn_ssl_t *>_ll_in(ssl), <char *>buf, fingerprint_len,
                                         <c_ssl.pn_ssl_hash_alg><int>hash_alg) == 0:
        return _ll_str(<char *>buf)
    return None


def pn_ssl_get_peer_hostname(ssl, size):
    cdef bytearray buf = bytearray(size + 1)
    cdef size_t n = size
    cdef int r = c_ssl.pn_ssl_get_peer_hostname(<pn_ssl_t *>_ll_in(ssl), <char *>buf, &n)
    return r, (_ll_str(<char *>buf) if r == 0 else None)


# -- pn_bytes_t, buffers, uuid, decimal128 ------------------------------------------------------

def pn_data_lookup(data, name):
    b = _ll_cstr(name)
    return c_codec.pn_data_lookup(<pn_data_t *>_ll_in(data), _ll_chars(b))


def pn_data_put_binary(data, b):
    v = _ll_bytes_in(b)
    return c_codec.pn_data_put_binary(<pn_data_t *>_ll_in(data), _ll_pn_bytes(v))


def pn_data_put_string(data, s):
    v = s.encode("utf-8")
    return c_codec.pn_data_put_string(<pn_data_t *>_ll_in(data), _ll_pn_bytes(v))


def pn_data_put_symbol(data, s):
    v = s.encode("ascii")
    return c_codec.pn_data_put_symbol(<pn_data_t *>_ll_in(data), _ll_pn_bytes(v))


def pn_data_put_uuid(data, u):
    cdef c_types.pn_uuid_t raw
    cdef bytes v = u.bytes
    if len(v) != 16:
        raise ValueError("a UUID is 16 bytes")
    memcpy(raw.bytes, PyBytes_AS_STRING(v), 16)
    return c_codec.pn_data_put_uuid(<pn_data_t *>_ll_in(data), raw)


def pn_data_put_decimal128(data, d):
    cdef c_types.pn_decimal128_t raw
    v = bytes(d)
    if len(v) != 16:
        raise ValueError("a decimal128 is 16 bytes")
    memcpy(raw.bytes, PyBytes_AS_STRING(v), 16)
    return c_codec.pn_data_put_decimal128(<pn_data_t *>_ll_in(data), raw)


def pn_data_get_binary(data):
    return _ll_binary(c_codec.pn_data_get_binary(<pn_data_t *>_ll_in(data)))


def pn_data_get_string(data):
    return _ll_text(c_codec.pn_data_get_string(<pn_data_t *>_ll_in(data)))


def pn_data_get_symbol(data):
    return _ll_text(c_codec.pn_data_get_symbol(<pn_data_t *>_ll_in(data)), "ascii")


def pn_data_get_uuid(data):
    cdef c_types.pn_uuid_t raw = c_codec.pn_data_get_uuid(<pn_data_t *>_ll_in(data))
    return _UUID(bytes=raw.bytes[:16])


def pn_data_get_decimal128(data):
    cdef c_types.pn_decimal128_t raw = c_codec.pn_data_get_decimal128(<pn_data_t *>_ll_in(data))
    return raw.bytes[:16]


def pn_delivery(link, tag):
    v = _ll_bytes_in(tag)
    return _ll_out(c_delivery.pn_delivery(<pn_link_t *>_ll_in(link), _ll_pn_bytes(v)))


def pn_delivery_tag(delivery):
    return _ll_text(c_delivery.pn_delivery_tag(<pn_delivery_t *>_ll_in(delivery)))


def pn_message_get_user_id(message):
    cdef c_types.pn_bytes_t b = c_message.pn_message_get_user_id(<pn_message_t *>_ll_in(message))
    return b.start[:b.size] if b.size else b""


def pn_message_set_user_id(message, value):
    v = _ll_bytes_in(value)
    return c_message.pn_message_set_user_id(<pn_message_t *>_ll_in(message), _ll_pn_bytes(v))


cdef object _ll_msgid_out(c_codec.pn_msgid_t m):
    # The reference layer's mapping; signed ids (written by other bindings) count when non-negative.
    if m.type == c_codec.PN_ULONG:
        return m.u.as_ulong
    if m.type == c_codec.PN_BINARY:
        return _ll_binary(m.u.as_bytes)
    if m.type == c_codec.PN_STRING:
        return _ll_text(m.u.as_bytes)
    if m.type == c_codec.PN_UUID:
        return _UUID(bytes=m.u.as_uuid.bytes[:16])
    if m.type == c_codec.PN_INT:
        return m.u.as_int if m.u.as_int >= 0 else None
    if m.type == c_codec.PN_LONG:
        return m.u.as_long if m.u.as_long >= 0 else None
    return None


cdef object _ll_msgid_in(object py, c_codec.pn_msgid_t *m):
    # Fills m; returns the bytes object m points into (the caller keeps it for the C call).
    m.type = c_codec.PN_NULL
    if py is None:
        return None
    if isinstance(py, int):
        m.type = c_codec.PN_ULONG
        m.u.as_ulong = py
        return None
    if isinstance(py, str):
        v = (<str>py).encode("utf-8")
        m.type = c_codec.PN_STRING
        m.u.as_bytes = _ll_pn_bytes(v)
        return v
    if isinstance(py, bytes):
        m.type = c_codec.PN_BINARY
        m.u.as_bytes = _ll_pn_bytes(py)
        return py
    if isinstance(py, _UUID):
        raw = py.bytes
    elif isinstance(py, tuple) and len(py) == 2 and py[0] == c_codec.PN_UUID:
        raw = bytes(py[1])
    else:
        return None
    if len(raw) != 16:
        raise ValueError("a UUID is 16 bytes")
    m.type = c_codec.PN_UUID
    memcpy(m.u.as_uuid.bytes, PyBytes_AS_STRING(raw), 16)
    return raw


def pn_message_get_id(message):
    return _ll_msgid_out(c_message.pn_message_get_id(<pn_message_t *>_ll_in(message)))


def pn_message_set_id(message, value):
    cdef c_codec.pn_msgid_t m
    keep = _ll_msgid_in(value, &m)
    c_message.pn_message_set_id(<pn_message_t *>_ll_in(message), m)


def pn_message_get_correlation_id(message):
    return _ll_msgid_out(c_message.pn_message_get_correlation_id(<pn_message_t *>_ll_in(message)))


def pn_message_set_correlation_id(message, value):
    cdef c_codec.pn_msgid_t m
    keep = _ll_msgid_in(value, &m)
    c_message.pn_message_set_correlation_id(<pn_message_t *>_ll_in(message), m)


def pn_message_get_address(message):
    return _ll_str(c_message.pn_message_get_address(<pn_message_t *>_ll_in(message)))


def pn_message_set_address(message, value):
    b = _ll_cstr(value)
    return c_message.pn_message_set_address(<pn_message_t *>_ll_in(message), _ll_chars(b))


def pn_message_get_subject(message):
    return _ll_str(c_message.pn_message_get_subject(<pn_message_t *>_ll_in(message)))


def pn_message_set_subject(message, value):
    b = _ll_cstr(value)
    return c_message.pn_message_set_subject(<pn_message_t *>_ll_in(message), _ll_chars(b))


def pn_message_get_reply_to(message):
    return _ll_str(c_message.pn_message_get_reply_to(<pn_message_t *>_ll_in(message)))


def pn_message_set_reply_to(message, value):
    b = _ll_cstr(value)
    return c_message.pn_message_set_reply_to(<pn_message_t *>_ll_in(message), _ll_chars(b))


def pn_message_get_content_type(message):
    return _ll_str(c_message.pn_message_get_content_type(<pn_message_t *>_ll_in(message)))


def pn_message_set_content_type(message, value):
    b = _ll_cstr(value)
    return c_message.pn_message_set_content_type(<pn_message_t *>_ll_in(message), _ll_chars(b))


def pn_message_get_content_encoding(message):
    return _ll_str(c_message.pn_message_get_content_encoding(<pn_message_t *>_ll_in(message)))


def pn_message_set_content_encoding(message, value):
    b = _ll_cstr(value)
    return c_message.pn_message_set_content_encoding(<pn_message_t *>_ll_in(message), _ll_chars(b))


def pn_message_get_group_id(message):
    return _ll_str(c_message.pn_message_get_group_id(<pn_message_t *>_ll_in(message)))


def pn_message_set_group_id(message, value):
    b = _ll_cstr(value)
    return c_message.pn_message_set_group_id(<pn_message_t *>_ll_in(message), _ll_chars(b))


def pn_message_get_reply_to_group_id(message):
    return _ll_str(c_message.pn_message_get_reply_to_group_id(<pn_message_t *>_ll_in(message)))


def pn_message_set_reply_to_group_id(message, value):
    b = _ll_cstr(value)
    return c_message.pn_message_set_reply_to_group_id(<pn_message_t *>_ll_in(message), _ll_chars(b))


# -- (code, bytearray) calls and buffer pushes --------------------------------------------------

cdef class _LLBuffer:
    # Read-only view of any buffer-protocol object for one C call.
    cdef Py_buffer view
    cdef bint held

    def __cinit__(self, obj):
        PyObject_GetBuffer(obj, &self.view, PyBUF_SIMPLE)
        self.held = True

    def __dealloc__(self):
        if self.held:
            PyBuffer_Release(&self.view)


def pn_transport_peek(transport, size):
    buf = bytearray(size)
    return _ll_out_buffer(c_transport.pn_transport_peek(<pn_transport_t *>_ll_in(transport), _ll_writable(buf), size),
                          buf)


def pn_transport_push(transport, src):
    cdef _LLBuffer b = _LLBuffer(src)
    return c_transport.pn_transport_push(<pn_transport_t *>_ll_in(transport), <const char *>b.view.buf, b.view.len)


def pn_link_send(sender, buff):
    cdef _LLBuffer b = _LLBuffer(buff)
    return c_link.pn_link_send(<pn_link_t *>_ll_in(sender), <const char *>b.view.buf, b.view.len)


def pn_link_recv(receiver, limit):
    buf = bytearray(limit)
    return _ll_out_buffer(c_link.pn_link_recv(<pn_link_t *>_ll_in(receiver), _ll_writable(buf), limit), buf)


def pn_message_decode(msg, buff):
    cdef _LLBuffer b = _LLBuffer(buff)
    return c_message.pn_message_decode(<pn_message_t *>_ll_in(msg), <const char *>b.view.buf, b.view.len)


def pn_message_encode(msg, size):
    buf = bytearray(size)
    cdef size_t n = size
    cdef int err = c_message.pn_message_encode(<pn_message_t *>_ll_in(msg), _ll_writable(buf), &n)
    return _ll_out_buffer(err if err != 0 else <ssize_t>n, buf)


def pn_data_decode(data, buff):
    cdef _LLBuffer b = _LLBuffer(buff)
    return c_codec.pn_data_decode(<pn_data_t *>_ll_in(data), <const char *>b.view.buf, b.view.len)


def pn_data_encode(data, size):
    buf = bytearray(size)
    return _ll_out_buffer(c_codec.pn_data_encode(<pn_data_t *>_ll_in(data), _ll_writable(buf), size), buf)


def pn_data_format(data, size):
    buf = bytearray(size)
    cdef size_t n = size
    cdef int err = c_codec.pn_data_format(<pn_data_t *>_ll_in(data), _ll_writable(buf), &n)
    return _ll_out_buffer(err if err != 0 else <ssize_t>n, buf)


# -- pass-through calls (one per engine function, arguments as the header declares them) ---------

def pn_collector():
    return _ll_out(c_event.pn_collector())


def pn_collector_free(collector):
    c_event.pn_collector_free(<c_types.pn_collector_t *>_ll_in(collector))


def pn_collector_more(collector):
    return c_event.pn_collector_more(<c_types.pn_collector_t *>_ll_in(collector))


def pn_collector_peek(collector):
    return _ll_out(c_event.pn_collector_peek(<c_types.pn_collector_t *>_ll_in(collector)))


def pn_collector_pop(collector):
    return c_event.pn_collector_pop(<c_types.pn_collector_t *>_ll_in(collector))


def pn_collector_release(collector):
    c_event.pn_collector_release(<c_types.pn_collector_t *>_ll_in(collector))


def pn_condition_clear(condition):
    c_condition.pn_condition_clear(<c_condition.pn_condition_t *>_ll_in(condition))


def pn_condition_info(condition):
    return _ll_out(c_condition.pn_condition_info(<c_condition.pn_condition_t *>_ll_in(condition)))


def pn_condition_is_set(condition):
    return c_condition.pn_condition_is_set(<c_condition.pn_condition_t *>_ll_in(condition))


def pn_connection():
    return _ll_out(c_connection.pn_connection())


def pn_connection_attachments(connection):
    return _ll_out(c_connection.pn_connection_attachments(<c_types.pn_connection_t *>_ll_in(connection)))


def pn_connection_close(connection):
    c_connection.pn_connection_close(<c_types.pn_connection_t *>_ll_in(connection))


def pn_connection_collect(connection, collector):
    c_connection.pn_connection_collect(<c_types.pn_connection_t *>_ll_in(connection), <c_types.pn_collector_t *>_ll_in(collector))


def pn_connection_condition(connection):
    return _ll_out(c_connection.pn_connection_condition(<c_types.pn_connection_t *>_ll_in(connection)))


def pn_connection_desired_capabilities(connection):
    return _ll_out(c_connection.pn_connection_desired_capabilities(<c_types.pn_connection_t *>_ll_in(connection)))


def pn_connection_error(connection):
    return _ll_out(c_connection.pn_connection_error(<c_types.pn_connection_t *>_ll_in(connection)))


def pn_connection_offered_capabilities(connection):
    return _ll_out(c_connection.pn_connection_offered_capabilities(<c_types.pn_connection_t *>_ll_in(connection)))


def pn_connection_open(connection):
    c_connection.pn_connection_open(<c_types.pn_connection_t *>_ll_in(connection))


def pn_connection_properties(connection):
    return _ll_out(c_connection.pn_connection_properties(<c_types.pn_connection_t *>_ll_in(connection)))


def pn_connection_release(connection):
    c_connection.pn_connection_release(<c_types.pn_connection_t *>_ll_in(connection))


def pn_connection_remote_condition(connection):
    return _ll_out(c_connection.pn_connection_remote_condition(<c_types.pn_connection_t *>_ll_in(connection)))


def pn_connection_remote_desired_capabilities(connection):
    return _ll_out(c_connection.pn_connection_remote_desired_capabilities(<c_types.pn_connection_t *>_ll_in(connection)))


def pn_connection_remote_offered_capabilities(connection):
    return _ll_out(c_connection.pn_connection_remote_offered_capabilities(<c_types.pn_connection_t *>_ll_in(connection)))


def pn_connection_remote_properties(connection):
    return _ll_out(c_connection.pn_connection_remote_properties(<c_types.pn_connection_t *>_ll_in(connection)))


def pn_connection_state(connection):
    return c_connection.pn_connection_state(<c_types.pn_connection_t *>_ll_in(connection))


def pn_connection_transport(connection):
    return _ll_out(c_connection.pn_connection_transport(<c_types.pn_connection_t *>_ll_in(connection)))


def pn_data(capacity):
    return _ll_out(c_codec.pn_data(PyNumber_Index(capacity)))


def pn_data_clear(data):
    c_codec.pn_data_clear(<c_codec.pn_data_t *>_ll_in(data))


def pn_data_copy(data, src):
    return c_codec.pn_data_copy(<c_codec.pn_data_t *>_ll_in(data), <c_codec.pn_data_t *>_ll_in(src))


def pn_data_dump(data):
    c_codec.pn_data_dump(<c_codec.pn_data_t *>_ll_in(data))


def pn_data_encoded_size(data):
    return c_codec.pn_data_encoded_size(<c_codec.pn_data_t *>_ll_in(data))


def pn_data_enter(data):
    return c_codec.pn_data_enter(<c_codec.pn_data_t *>_ll_in(data))


def pn_data_error(data):
    return _ll_out(c_codec.pn_data_error(<c_codec.pn_data_t *>_ll_in(data)))


def pn_data_exit(data):
    return c_codec.pn_data_exit(<c_codec.pn_data_t *>_ll_in(data))


def pn_data_free(data):
    c_codec.pn_data_free(<c_codec.pn_data_t *>_ll_in(data))


def pn_data_get_array(data):
    return c_codec.pn_data_get_array(<c_codec.pn_data_t *>_ll_in(data))


def pn_data_get_array_type(data):
    return c_codec.pn_data_get_array_type(<c_codec.pn_data_t *>_ll_in(data))


def pn_data_get_bool(data):
    return c_codec.pn_data_get_bool(<c_codec.pn_data_t *>_ll_in(data))


def pn_data_get_byte(data):
    return c_codec.pn_data_get_byte(<c_codec.pn_data_t *>_ll_in(data))


def pn_data_get_char(data):
    return c_codec.pn_data_get_char(<c_codec.pn_data_t *>_ll_in(data))


def pn_data_get_decimal32(data):
    return c_codec.pn_data_get_decimal32(<c_codec.pn_data_t *>_ll_in(data))


def pn_data_get_decimal64(data):
    return c_codec.pn_data_get_decimal64(<c_codec.pn_data_t *>_ll_in(data))


def pn_data_get_double(data):
    return c_codec.pn_data_get_double(<c_codec.pn_data_t *>_ll_in(data))


def pn_data_get_float(data):
    return c_codec.pn_data_get_float(<c_codec.pn_data_t *>_ll_in(data))


def pn_data_get_int(data):
    return c_codec.pn_data_get_int(<c_codec.pn_data_t *>_ll_in(data))


def pn_data_get_list(data):
    return c_codec.pn_data_get_list(<c_codec.pn_data_t *>_ll_in(data))


def pn_data_get_long(data):
    return c_codec.pn_data_get_long(<c_codec.pn_data_t *>_ll_in(data))


def pn_data_get_map(data):
    return c_codec.pn_data_get_map(<c_codec.pn_data_t *>_ll_in(data))


def pn_data_get_short(data):
    return c_codec.pn_data_get_short(<c_codec.pn_data_t *>_ll_in(data))


def pn_data_get_timestamp(data):
    return c_codec.pn_data_get_timestamp(<c_codec.pn_data_t *>_ll_in(data))


def pn_data_get_ubyte(data):
    return c_codec.pn_data_get_ubyte(<c_codec.pn_data_t *>_ll_in(data))


def pn_data_get_uint(data):
    return c_codec.pn_data_get_uint(<c_codec.pn_data_t *>_ll_in(data))


def pn_data_get_ulong(data):
    return c_codec.pn_data_get_ulong(<c_codec.pn_data_t *>_ll_in(data))


def pn_data_get_ushort(data):
    return c_codec.pn_data_get_ushort(<c_codec.pn_data_t *>_ll_in(data))


def pn_data_is_array_described(data):
    return c_codec.pn_data_is_array_described(<c_codec.pn_data_t *>_ll_in(data))


def pn_data_is_described(data):
    return c_codec.pn_data_is_described(<c_codec.pn_data_t *>_ll_in(data))


def pn_data_is_null(data):
    return c_codec.pn_data_is_null(<c_codec.pn_data_t *>_ll_in(data))


def pn_data_narrow(data):
    c_codec.pn_data_narrow(<c_codec.pn_data_t *>_ll_in(data))


def pn_data_next(data):
    return c_codec.pn_data_next(<c_codec.pn_data_t *>_ll_in(data))


def pn_data_prev(data):
    return c_codec.pn_data_prev(<c_codec.pn_data_t *>_ll_in(data))


def pn_data_put_array(data, described, type):
    return c_codec.pn_data_put_array(<c_codec.pn_data_t *>_ll_in(data), described, <c_codec.pn_type_t><int>PyNumber_Index(type))


def pn_data_put_bool(data, b):
    return c_codec.pn_data_put_bool(<c_codec.pn_data_t *>_ll_in(data), b)


def pn_data_put_byte(data, b):
    return c_codec.pn_data_put_byte(<c_codec.pn_data_t *>_ll_in(data), PyNumber_Index(b))


def pn_data_put_char(data, c):
    return c_codec.pn_data_put_char(<c_codec.pn_data_t *>_ll_in(data), <c_types.pn_char_t>PyNumber_Index(c))


def pn_data_put_decimal32(data, d):
    return c_codec.pn_data_put_decimal32(<c_codec.pn_data_t *>_ll_in(data), <c_types.pn_decimal32_t>PyNumber_Index(d))


def pn_data_put_decimal64(data, d):
    return c_codec.pn_data_put_decimal64(<c_codec.pn_data_t *>_ll_in(data), <c_types.pn_decimal64_t>PyNumber_Index(d))


def pn_data_put_described(data):
    return c_codec.pn_data_put_described(<c_codec.pn_data_t *>_ll_in(data))


def pn_data_put_double(data, d):
    return c_codec.pn_data_put_double(<c_codec.pn_data_t *>_ll_in(data), d)


def pn_data_put_float(data, f):
    return c_codec.pn_data_put_float(<c_codec.pn_data_t *>_ll_in(data), f)


def pn_data_put_int(data, i):
    return c_codec.pn_data_put_int(<c_codec.pn_data_t *>_ll_in(data), PyNumber_Index(i))


def pn_data_put_list(data):
    return c_codec.pn_data_put_list(<c_codec.pn_data_t *>_ll_in(data))


def pn_data_put_long(data, l):
    return c_codec.pn_data_put_long(<c_codec.pn_data_t *>_ll_in(data), PyNumber_Index(l))


def pn_data_put_map(data):
    return c_codec.pn_data_put_map(<c_codec.pn_data_t *>_ll_in(data))


def pn_data_put_null(data):
    return c_codec.pn_data_put_null(<c_codec.pn_data_t *>_ll_in(data))


def pn_data_put_short(data, s):
    return c_codec.pn_data_put_short(<c_codec.pn_data_t *>_ll_in(data), PyNumber_Index(s))


def pn_data_put_timestamp(data, t):
    return c_codec.pn_data_put_timestamp(<c_codec.pn_data_t *>_ll_in(data), <c_types.pn_timestamp_t>PyNumber_Index(t))


def pn_data_put_ubyte(data, ub):
    return c_codec.pn_data_put_ubyte(<c_codec.pn_data_t *>_ll_in(data), PyNumber_Index(ub))


def pn_data_put_uint(data, ui):
    return c_codec.pn_data_put_uint(<c_codec.pn_data_t *>_ll_in(data), PyNumber_Index(ui))


def pn_data_put_ulong(data, ul):
    return c_codec.pn_data_put_ulong(<c_codec.pn_data_t *>_ll_in(data), PyNumber_Index(ul))


def pn_data_put_ushort(data, us):
    return c_codec.pn_data_put_ushort(<c_codec.pn_data_t *>_ll_in(data), PyNumber_Index(us))


def pn_data_rewind(data):
    c_codec.pn_data_rewind(<c_codec.pn_data_t *>_ll_in(data))


def pn_data_type(data):
    return c_codec.pn_data_type(<c_codec.pn_data_t *>_ll_in(data))


def pn_data_widen(data):
    c_codec.pn_data_widen(<c_codec.pn_data_t *>_ll_in(data))


def pn_decref(object):
    return c_object.pn_decref(<void *>_ll_in(object))


def pn_delivery_abort(delivery):
    c_delivery.pn_delivery_abort(<c_types.pn_delivery_t *>_ll_in(delivery))


def pn_delivery_aborted(delivery):
    return c_delivery.pn_delivery_aborted(<c_types.pn_delivery_t *>_ll_in(delivery))


def pn_delivery_attachments(delivery):
    return _ll_out(c_delivery.pn_delivery_attachments(<c_types.pn_delivery_t *>_ll_in(delivery)))


def pn_delivery_link(delivery):
    return _ll_out(c_delivery.pn_delivery_link(<c_types.pn_delivery_t *>_ll_in(delivery)))


def pn_delivery_local(delivery):
    return _ll_out(c_delivery.pn_delivery_local(<c_types.pn_delivery_t *>_ll_in(delivery)))


def pn_delivery_local_state(delivery):
    return c_delivery.pn_delivery_local_state(<c_types.pn_delivery_t *>_ll_in(delivery))


def pn_delivery_partial(delivery):
    return c_delivery.pn_delivery_partial(<c_types.pn_delivery_t *>_ll_in(delivery))


def pn_delivery_pending(delivery):
    return c_delivery.pn_delivery_pending(<c_types.pn_delivery_t *>_ll_in(delivery))


def pn_delivery_readable(delivery):
    return c_delivery.pn_delivery_readable(<c_types.pn_delivery_t *>_ll_in(delivery))


def pn_delivery_remote(delivery):
    return _ll_out(c_delivery.pn_delivery_remote(<c_types.pn_delivery_t *>_ll_in(delivery)))


def pn_delivery_remote_state(delivery):
    return c_delivery.pn_delivery_remote_state(<c_types.pn_delivery_t *>_ll_in(delivery))


def pn_delivery_settle(delivery):
    c_delivery.pn_delivery_settle(<c_types.pn_delivery_t *>_ll_in(delivery))


def pn_delivery_settled(delivery):
    return c_delivery.pn_delivery_settled(<c_types.pn_delivery_t *>_ll_in(delivery))


def pn_delivery_update(delivery, state):
    c_delivery.pn_delivery_update(<c_types.pn_delivery_t *>_ll_in(delivery), PyNumber_Index(state))


def pn_delivery_updated(delivery):
    return c_delivery.pn_delivery_updated(<c_types.pn_delivery_t *>_ll_in(delivery))


def pn_delivery_writable(delivery):
    return c_delivery.pn_delivery_writable(<c_types.pn_delivery_t *>_ll_in(delivery))


def pn_disposition_annotations(disposition):
    return _ll_out(c_disposition.pn_disposition_annotations(<c_disposition.pn_disposition_t *>_ll_in(disposition)))


def pn_disposition_condition(disposition):
    return _ll_out(c_disposition.pn_disposition_condition(<c_disposition.pn_disposition_t *>_ll_in(disposition)))


def pn_disposition_data(disposition):
    return _ll_out(c_disposition.pn_disposition_data(<c_disposition.pn_disposition_t *>_ll_in(disposition)))


def pn_disposition_get_section_number(disposition):
    return c_disposition.pn_disposition_get_section_number(<c_disposition.pn_disposition_t *>_ll_in(disposition))


def pn_disposition_get_section_offset(disposition):
    return c_disposition.pn_disposition_get_section_offset(<c_disposition.pn_disposition_t *>_ll_in(disposition))


def pn_disposition_is_failed(disposition):
    return c_disposition.pn_disposition_is_failed(<c_disposition.pn_disposition_t *>_ll_in(disposition))


def pn_disposition_is_undeliverable(disposition):
    return c_disposition.pn_disposition_is_undeliverable(<c_disposition.pn_disposition_t *>_ll_in(disposition))


def pn_disposition_set_failed(disposition, failed):
    c_disposition.pn_disposition_set_failed(<c_disposition.pn_disposition_t *>_ll_in(disposition), failed)


def pn_disposition_set_section_number(disposition, section_number):
    c_disposition.pn_disposition_set_section_number(<c_disposition.pn_disposition_t *>_ll_in(disposition), PyNumber_Index(section_number))


def pn_disposition_set_section_offset(disposition, section_offset):
    c_disposition.pn_disposition_set_section_offset(<c_disposition.pn_disposition_t *>_ll_in(disposition), PyNumber_Index(section_offset))


def pn_disposition_set_undeliverable(disposition, undeliverable):
    c_disposition.pn_disposition_set_undeliverable(<c_disposition.pn_disposition_t *>_ll_in(disposition), undeliverable)


def pn_disposition_type(disposition):
    return c_disposition.pn_disposition_type(<c_disposition.pn_disposition_t *>_ll_in(disposition))


def pn_error_code(error):
    return c_error.pn_error_code(<c_error.pn_error_t *>_ll_in(error))


def pn_event_connection(event):
    return _ll_out(c_event.pn_event_connection(<c_event.pn_event_t *>_ll_in(event)))


def pn_event_context(event):
    return _ll_out(c_event.pn_event_context(<c_event.pn_event_t *>_ll_in(event)))


def pn_event_delivery(event):
    return _ll_out(c_event.pn_event_delivery(<c_event.pn_event_t *>_ll_in(event)))


def pn_event_link(event):
    return _ll_out(c_event.pn_event_link(<c_event.pn_event_t *>_ll_in(event)))


def pn_event_session(event):
    return _ll_out(c_event.pn_event_session(<c_event.pn_event_t *>_ll_in(event)))


def pn_event_transport(event):
    return _ll_out(c_event.pn_event_transport(<c_event.pn_event_t *>_ll_in(event)))


def pn_event_type(event):
    return c_event.pn_event_type(<c_event.pn_event_t *>_ll_in(event))


def pn_incref(object):
    return _ll_out(c_object.pn_incref(<void *>_ll_in(object)))


def pn_link_advance(link):
    return c_link.pn_link_advance(<c_types.pn_link_t *>_ll_in(link))


def pn_link_attachments(link):
    return _ll_out(c_link.pn_link_attachments(<c_types.pn_link_t *>_ll_in(link)))


def pn_link_available(link):
    return c_link.pn_link_available(<c_types.pn_link_t *>_ll_in(link))


def pn_link_close(link):
    c_link.pn_link_close(<c_types.pn_link_t *>_ll_in(link))


def pn_link_condition(link):
    return _ll_out(c_link.pn_link_condition(<c_types.pn_link_t *>_ll_in(link)))


def pn_link_credit(link):
    return c_link.pn_link_credit(<c_types.pn_link_t *>_ll_in(link))


def pn_link_current(link):
    return _ll_out(c_link.pn_link_current(<c_types.pn_link_t *>_ll_in(link)))


def pn_link_detach(link):
    c_link.pn_link_detach(<c_types.pn_link_t *>_ll_in(link))


def pn_link_drain(receiver, credit):
    c_link.pn_link_drain(<c_types.pn_link_t *>_ll_in(receiver), PyNumber_Index(credit))


def pn_link_drained(link):
    return c_link.pn_link_drained(<c_types.pn_link_t *>_ll_in(link))


def pn_link_draining(receiver):
    return c_link.pn_link_draining(<c_types.pn_link_t *>_ll_in(receiver))


def pn_link_error(link):
    return _ll_out(c_link.pn_link_error(<c_types.pn_link_t *>_ll_in(link)))


def pn_link_flow(receiver, credit):
    c_link.pn_link_flow(<c_types.pn_link_t *>_ll_in(receiver), PyNumber_Index(credit))


def pn_link_free(link):
    c_link.pn_link_free(<c_types.pn_link_t *>_ll_in(link))


def pn_link_get_drain(link):
    return c_link.pn_link_get_drain(<c_types.pn_link_t *>_ll_in(link))


def pn_link_head(connection, state):
    return _ll_out(c_link.pn_link_head(<c_types.pn_connection_t *>_ll_in(connection), <c_types.pn_state_t>PyNumber_Index(state)))


def pn_link_is_receiver(link):
    return c_link.pn_link_is_receiver(<c_types.pn_link_t *>_ll_in(link))


def pn_link_is_sender(link):
    return c_link.pn_link_is_sender(<c_types.pn_link_t *>_ll_in(link))


def pn_link_max_message_size(link):
    return c_link.pn_link_max_message_size(<c_types.pn_link_t *>_ll_in(link))


def pn_link_next(link, state):
    return _ll_out(c_link.pn_link_next(<c_types.pn_link_t *>_ll_in(link), <c_types.pn_state_t>PyNumber_Index(state)))


def pn_link_offered(sender, credit):
    c_link.pn_link_offered(<c_types.pn_link_t *>_ll_in(sender), PyNumber_Index(credit))


def pn_link_open(link):
    c_link.pn_link_open(<c_types.pn_link_t *>_ll_in(link))


def pn_link_properties(link):
    return _ll_out(c_link.pn_link_properties(<c_types.pn_link_t *>_ll_in(link)))


def pn_link_queued(link):
    return c_link.pn_link_queued(<c_types.pn_link_t *>_ll_in(link))


def pn_link_rcv_settle_mode(link):
    return c_link.pn_link_rcv_settle_mode(<c_types.pn_link_t *>_ll_in(link))


def pn_link_remote_condition(link):
    return _ll_out(c_link.pn_link_remote_condition(<c_types.pn_link_t *>_ll_in(link)))


def pn_link_remote_max_message_size(link):
    return c_link.pn_link_remote_max_message_size(<c_types.pn_link_t *>_ll_in(link))


def pn_link_remote_properties(link):
    return _ll_out(c_link.pn_link_remote_properties(<c_types.pn_link_t *>_ll_in(link)))


def pn_link_remote_rcv_settle_mode(link):
    return c_link.pn_link_remote_rcv_settle_mode(<c_types.pn_link_t *>_ll_in(link))


def pn_link_remote_snd_settle_mode(link):
    return c_link.pn_link_remote_snd_settle_mode(<c_types.pn_link_t *>_ll_in(link))


def pn_link_remote_source(link):
    return _ll_out(c_link.pn_link_remote_source(<c_types.pn_link_t *>_ll_in(link)))


def pn_link_remote_target(link):
    return _ll_out(c_link.pn_link_remote_target(<c_types.pn_link_t *>_ll_in(link)))


def pn_link_session(link):
    return _ll_out(c_link.pn_link_session(<c_types.pn_link_t *>_ll_in(link)))


def pn_link_set_drain(receiver, drain):
    c_link.pn_link_set_drain(<c_types.pn_link_t *>_ll_in(receiver), drain)


def pn_link_set_max_message_size(link, size):
    c_link.pn_link_set_max_message_size(<c_types.pn_link_t *>_ll_in(link), PyNumber_Index(size))


def pn_link_set_rcv_settle_mode(link, mode):
    c_link.pn_link_set_rcv_settle_mode(<c_types.pn_link_t *>_ll_in(link), <c_link.pn_rcv_settle_mode_t><int>PyNumber_Index(mode))


def pn_link_set_snd_settle_mode(link, mode):
    c_link.pn_link_set_snd_settle_mode(<c_types.pn_link_t *>_ll_in(link), <c_link.pn_snd_settle_mode_t><int>PyNumber_Index(mode))


def pn_link_snd_settle_mode(link):
    return c_link.pn_link_snd_settle_mode(<c_types.pn_link_t *>_ll_in(link))


def pn_link_source(link):
    return _ll_out(c_link.pn_link_source(<c_types.pn_link_t *>_ll_in(link)))


def pn_link_state(link):
    return c_link.pn_link_state(<c_types.pn_link_t *>_ll_in(link))


def pn_link_target(link):
    return _ll_out(c_link.pn_link_target(<c_types.pn_link_t *>_ll_in(link)))


def pn_link_unsettled(link):
    return c_link.pn_link_unsettled(<c_types.pn_link_t *>_ll_in(link))


def pn_message():
    return _ll_out(c_message.pn_message())


def pn_message_annotations(msg):
    return _ll_out(c_message.pn_message_annotations(<c_message.pn_message_t *>_ll_in(msg)))


def pn_message_body(msg):
    return _ll_out(c_message.pn_message_body(<c_message.pn_message_t *>_ll_in(msg)))


def pn_message_clear(msg):
    c_message.pn_message_clear(<c_message.pn_message_t *>_ll_in(msg))


def pn_message_error(msg):
    return _ll_out(c_message.pn_message_error(<c_message.pn_message_t *>_ll_in(msg)))


def pn_message_free(msg):
    c_message.pn_message_free(<c_message.pn_message_t *>_ll_in(msg))


def pn_message_get_creation_time(msg):
    return c_message.pn_message_get_creation_time(<c_message.pn_message_t *>_ll_in(msg))


def pn_message_get_delivery_count(msg):
    return c_message.pn_message_get_delivery_count(<c_message.pn_message_t *>_ll_in(msg))


def pn_message_get_expiry_time(msg):
    return c_message.pn_message_get_expiry_time(<c_message.pn_message_t *>_ll_in(msg))


def pn_message_get_group_sequence(msg):
    return c_message.pn_message_get_group_sequence(<c_message.pn_message_t *>_ll_in(msg))


def pn_message_get_priority(msg):
    return c_message.pn_message_get_priority(<c_message.pn_message_t *>_ll_in(msg))


def pn_message_get_ttl(msg):
    return c_message.pn_message_get_ttl(<c_message.pn_message_t *>_ll_in(msg))


def pn_message_instructions(msg):
    return _ll_out(c_message.pn_message_instructions(<c_message.pn_message_t *>_ll_in(msg)))


def pn_message_is_durable(msg):
    return c_message.pn_message_is_durable(<c_message.pn_message_t *>_ll_in(msg))


def pn_message_is_first_acquirer(msg):
    return c_message.pn_message_is_first_acquirer(<c_message.pn_message_t *>_ll_in(msg))


def pn_message_is_inferred(msg):
    return c_message.pn_message_is_inferred(<c_message.pn_message_t *>_ll_in(msg))


def pn_message_properties(msg):
    return _ll_out(c_message.pn_message_properties(<c_message.pn_message_t *>_ll_in(msg)))


def pn_message_set_creation_time(msg, time):
    return c_message.pn_message_set_creation_time(<c_message.pn_message_t *>_ll_in(msg), <c_types.pn_timestamp_t>PyNumber_Index(time))


def pn_message_set_delivery_count(msg, count):
    return c_message.pn_message_set_delivery_count(<c_message.pn_message_t *>_ll_in(msg), PyNumber_Index(count))


def pn_message_set_durable(msg, durable):
    return c_message.pn_message_set_durable(<c_message.pn_message_t *>_ll_in(msg), durable)


def pn_message_set_expiry_time(msg, time):
    return c_message.pn_message_set_expiry_time(<c_message.pn_message_t *>_ll_in(msg), <c_types.pn_timestamp_t>PyNumber_Index(time))


def pn_message_set_first_acquirer(msg, first):
    return c_message.pn_message_set_first_acquirer(<c_message.pn_message_t *>_ll_in(msg), first)


def pn_message_set_group_sequence(msg, n):
    return c_message.pn_message_set_group_sequence(<c_message.pn_message_t *>_ll_in(msg), <c_types.pn_sequence_t>PyNumber_Index(n))


def pn_message_set_inferred(msg, inferred):
    return c_message.pn_message_set_inferred(<c_message.pn_message_t *>_ll_in(msg), inferred)


def pn_message_set_priority(msg, priority):
    return c_message.pn_message_set_priority(<c_message.pn_message_t *>_ll_in(msg), PyNumber_Index(priority))


def pn_message_set_ttl(msg, ttl):
    return c_message.pn_message_set_ttl(<c_message.pn_message_t *>_ll_in(msg), <c_types.pn_millis_t>PyNumber_Index(ttl))


def pn_sasl(transport):
    return _ll_out(c_sasl.pn_sasl(<c_types.pn_transport_t *>_ll_in(transport)))


def pn_sasl_done(sasl, outcome):
    c_sasl.pn_sasl_done(<c_sasl.pn_sasl_t *>_ll_in(sasl), <c_sasl.pn_sasl_outcome_t><int>PyNumber_Index(outcome))


def pn_sasl_extended():
    return c_sasl.pn_sasl_extended()


def pn_sasl_get_allow_insecure_mechs(sasl):
    return c_sasl.pn_sasl_get_allow_insecure_mechs(<c_sasl.pn_sasl_t *>_ll_in(sasl))


def pn_sasl_outcome(sasl):
    return c_sasl.pn_sasl_outcome(<c_sasl.pn_sasl_t *>_ll_in(sasl))


def pn_sasl_set_allow_insecure_mechs(sasl, insecure):
    c_sasl.pn_sasl_set_allow_insecure_mechs(<c_sasl.pn_sasl_t *>_ll_in(sasl), insecure)


def pn_session(connection):
    return _ll_out(c_session.pn_session(<c_types.pn_connection_t *>_ll_in(connection)))


def pn_session_attachments(session):
    return _ll_out(c_session.pn_session_attachments(<c_types.pn_session_t *>_ll_in(session)))


def pn_session_close(session):
    c_session.pn_session_close(<c_types.pn_session_t *>_ll_in(session))


def pn_session_condition(session):
    return _ll_out(c_session.pn_session_condition(<c_types.pn_session_t *>_ll_in(session)))


def pn_session_connection(session):
    return _ll_out(c_session.pn_session_connection(<c_types.pn_session_t *>_ll_in(session)))


def pn_session_free(session):
    c_session.pn_session_free(<c_types.pn_session_t *>_ll_in(session))


def pn_session_get_incoming_capacity(session):
    return c_session.pn_session_get_incoming_capacity(<c_types.pn_session_t *>_ll_in(session))


def pn_session_get_outgoing_window(session):
    return c_session.pn_session_get_outgoing_window(<c_types.pn_session_t *>_ll_in(session))


def pn_session_head(connection, state):
    return _ll_out(c_session.pn_session_head(<c_types.pn_connection_t *>_ll_in(connection), <c_types.pn_state_t>PyNumber_Index(state)))


def pn_session_incoming_bytes(session):
    return c_session.pn_session_incoming_bytes(<c_types.pn_session_t *>_ll_in(session))


def pn_session_next(session, state):
    return _ll_out(c_session.pn_session_next(<c_types.pn_session_t *>_ll_in(session), <c_types.pn_state_t>PyNumber_Index(state)))


def pn_session_open(session):
    c_session.pn_session_open(<c_types.pn_session_t *>_ll_in(session))


def pn_session_outgoing_bytes(session):
    return c_session.pn_session_outgoing_bytes(<c_types.pn_session_t *>_ll_in(session))


def pn_session_remote_condition(session):
    return _ll_out(c_session.pn_session_remote_condition(<c_types.pn_session_t *>_ll_in(session)))


def pn_session_set_incoming_capacity(session, capacity):
    c_session.pn_session_set_incoming_capacity(<c_types.pn_session_t *>_ll_in(session), PyNumber_Index(capacity))


def pn_session_set_outgoing_window(session, window):
    c_session.pn_session_set_outgoing_window(<c_types.pn_session_t *>_ll_in(session), PyNumber_Index(window))


def pn_session_state(session):
    return c_session.pn_session_state(<c_types.pn_session_t *>_ll_in(session))


def pn_ssl(transport):
    return _ll_out(c_ssl.pn_ssl(<c_types.pn_transport_t *>_ll_in(transport)))


def pn_ssl_domain(mode):
    return _ll_out(c_ssl.pn_ssl_domain(<c_ssl.pn_ssl_mode_t><int>PyNumber_Index(mode)))


def pn_ssl_domain_allow_unsecured_client(domain):
    return c_ssl.pn_ssl_domain_allow_unsecured_client(<c_ssl.pn_ssl_domain_t *>_ll_in(domain))


def pn_ssl_domain_free(domain):
    c_ssl.pn_ssl_domain_free(<c_ssl.pn_ssl_domain_t *>_ll_in(domain))


def pn_ssl_present():
    return c_ssl.pn_ssl_present()


def pn_ssl_resume_status(ssl):
    return c_ssl.pn_ssl_resume_status(<c_ssl.pn_ssl_t *>_ll_in(ssl))


def pn_terminus_capabilities(terminus):
    return _ll_out(c_terminus.pn_terminus_capabilities(<c_terminus.pn_terminus_t *>_ll_in(terminus)))


def pn_terminus_copy(terminus, src):
    return c_terminus.pn_terminus_copy(<c_terminus.pn_terminus_t *>_ll_in(terminus), <c_terminus.pn_terminus_t *>_ll_in(src))


def pn_terminus_filter(terminus):
    return _ll_out(c_terminus.pn_terminus_filter(<c_terminus.pn_terminus_t *>_ll_in(terminus)))


def pn_terminus_get_distribution_mode(terminus):
    return c_terminus.pn_terminus_get_distribution_mode(<c_terminus.pn_terminus_t *>_ll_in(terminus))


def pn_terminus_get_durability(terminus):
    return c_terminus.pn_terminus_get_durability(<c_terminus.pn_terminus_t *>_ll_in(terminus))


def pn_terminus_get_expiry_policy(terminus):
    return c_terminus.pn_terminus_get_expiry_policy(<c_terminus.pn_terminus_t *>_ll_in(terminus))


def pn_terminus_get_timeout(terminus):
    return c_terminus.pn_terminus_get_timeout(<c_terminus.pn_terminus_t *>_ll_in(terminus))


def pn_terminus_get_type(terminus):
    return c_terminus.pn_terminus_get_type(<c_terminus.pn_terminus_t *>_ll_in(terminus))


def pn_terminus_is_dynamic(terminus):
    return c_terminus.pn_terminus_is_dynamic(<c_terminus.pn_terminus_t *>_ll_in(terminus))


def pn_terminus_outcomes(terminus):
    return _ll_out(c_terminus.pn_terminus_outcomes(<c_terminus.pn_terminus_t *>_ll_in(terminus)))


def pn_terminus_properties(terminus):
    return _ll_out(c_terminus.pn_terminus_properties(<c_terminus.pn_terminus_t *>_ll_in(terminus)))


def pn_terminus_set_distribution_mode(terminus, mode):
    return c_terminus.pn_terminus_set_distribution_mode(<c_terminus.pn_terminus_t *>_ll_in(terminus), <c_terminus.pn_distribution_mode_t><int>PyNumber_Index(mode))


def pn_terminus_set_durability(terminus, durability):
    return c_terminus.pn_terminus_set_durability(<c_terminus.pn_terminus_t *>_ll_in(terminus), <c_terminus.pn_durability_t><int>PyNumber_Index(durability))


def pn_terminus_set_dynamic(terminus, dynamic):
    return c_terminus.pn_terminus_set_dynamic(<c_terminus.pn_terminus_t *>_ll_in(terminus), dynamic)


def pn_terminus_set_expiry_policy(terminus, policy):
    return c_terminus.pn_terminus_set_expiry_policy(<c_terminus.pn_terminus_t *>_ll_in(terminus), <c_terminus.pn_expiry_policy_t><int>PyNumber_Index(policy))


def pn_terminus_set_timeout(terminus, timeout):
    return c_terminus.pn_terminus_set_timeout(<c_terminus.pn_terminus_t *>_ll_in(terminus), <c_types.pn_seconds_t>PyNumber_Index(timeout))


def pn_terminus_set_type(terminus, type):
    return c_terminus.pn_terminus_set_type(<c_terminus.pn_terminus_t *>_ll_in(terminus), <c_terminus.pn_terminus_type_t><int>PyNumber_Index(type))


def pn_transport():
    return _ll_out(c_transport.pn_transport())


def pn_transport_attachments(transport):
    return _ll_out(c_transport.pn_transport_attachments(<c_types.pn_transport_t *>_ll_in(transport)))


def pn_transport_bind(transport, connection):
    return c_transport.pn_transport_bind(<c_types.pn_transport_t *>_ll_in(transport), <c_types.pn_connection_t *>_ll_in(connection))


def pn_transport_capacity(transport):
    return c_transport.pn_transport_capacity(<c_types.pn_transport_t *>_ll_in(transport))


def pn_transport_close_head(transport):
    return c_transport.pn_transport_close_head(<c_types.pn_transport_t *>_ll_in(transport))


def pn_transport_close_tail(transport):
    return c_transport.pn_transport_close_tail(<c_types.pn_transport_t *>_ll_in(transport))


def pn_transport_closed(transport):
    return c_transport.pn_transport_closed(<c_types.pn_transport_t *>_ll_in(transport))


def pn_transport_condition(transport):
    return _ll_out(c_transport.pn_transport_condition(<c_types.pn_transport_t *>_ll_in(transport)))


def pn_transport_connection(transport):
    return _ll_out(c_transport.pn_transport_connection(<c_types.pn_transport_t *>_ll_in(transport)))


def pn_transport_error(transport):
    return _ll_out(c_transport.pn_transport_error(<c_types.pn_transport_t *>_ll_in(transport)))


def pn_transport_get_channel_max(transport):
    return c_transport.pn_transport_get_channel_max(<c_types.pn_transport_t *>_ll_in(transport))


def pn_transport_get_frames_input(transport):
    return c_transport.pn_transport_get_frames_input(<c_types.pn_transport_t *>_ll_in(transport))


def pn_transport_get_frames_output(transport):
    return c_transport.pn_transport_get_frames_output(<c_types.pn_transport_t *>_ll_in(transport))


def pn_transport_get_idle_timeout(transport):
    return c_transport.pn_transport_get_idle_timeout(<c_types.pn_transport_t *>_ll_in(transport))


def pn_transport_get_max_frame(transport):
    return c_transport.pn_transport_get_max_frame(<c_types.pn_transport_t *>_ll_in(transport))


def pn_transport_get_remote_idle_timeout(transport):
    return c_transport.pn_transport_get_remote_idle_timeout(<c_types.pn_transport_t *>_ll_in(transport))


def pn_transport_get_remote_max_frame(transport):
    return c_transport.pn_transport_get_remote_max_frame(<c_types.pn_transport_t *>_ll_in(transport))


def pn_transport_is_authenticated(transport):
    return c_transport.pn_transport_is_authenticated(<c_types.pn_transport_t *>_ll_in(transport))


def pn_transport_is_encrypted(transport):
    return c_transport.pn_transport_is_encrypted(<c_types.pn_transport_t *>_ll_in(transport))


def pn_transport_pending(transport):
    return c_transport.pn_transport_pending(<c_types.pn_transport_t *>_ll_in(transport))


def pn_transport_pop(transport, size):
    c_transport.pn_transport_pop(<c_types.pn_transport_t *>_ll_in(transport), PyNumber_Index(size))


def pn_transport_remote_channel_max(transport):
    return c_transport.pn_transport_remote_channel_max(<c_types.pn_transport_t *>_ll_in(transport))


def pn_transport_require_auth(transport, required):
    c_transport.pn_transport_require_auth(<c_types.pn_transport_t *>_ll_in(transport), required)


def pn_transport_require_encryption(transport, required):
    c_transport.pn_transport_require_encryption(<c_types.pn_transport_t *>_ll_in(transport), required)


def pn_transport_set_channel_max(transport, channel_max):
    return c_transport.pn_transport_set_channel_max(<c_types.pn_transport_t *>_ll_in(transport), PyNumber_Index(channel_max))


def pn_transport_set_idle_timeout(transport, timeout):
    c_transport.pn_transport_set_idle_timeout(<c_types.pn_transport_t *>_ll_in(transport), <c_types.pn_millis_t>PyNumber_Index(timeout))


def pn_transport_set_max_frame(transport, size):
    c_transport.pn_transport_set_max_frame(<c_types.pn_transport_t *>_ll_in(transport), PyNumber_Index(size))


def pn_transport_set_server(transport):
    c_transport.pn_transport_set_server(<c_types.pn_transport_t *>_ll_in(transport))


def pn_transport_tick(transport, now):
    return c_transport.pn_transport_tick(<c_types.pn_transport_t *>_ll_in(transport), PyNumber_Index(now))


def pn_transport_trace(transport, trace):
    c_transport.pn_transport_trace(<c_types.pn_transport_t *>_ll_in(transport), <c_transport.pn_trace_t><int>PyNumber_Index(trace))


def pn_transport_unbind(transport):
    return c_transport.pn_transport_unbind(<c_types.pn_transport_t *>_ll_in(transport))


# -- constants ----------------------------------------------------------------------------------

PN_ACCEPTED = c_disposition.PN_ACCEPTED
PN_ARRAY = c_codec.PN_ARRAY
PN_BINARY = c_codec.PN_BINARY
PN_BOOL = c_codec.PN_BOOL
PN_BYTE = c_codec.PN_BYTE
PN_CHAR = c_codec.PN_CHAR
PN_CONFIGURATION = c_terminus.PN_CONFIGURATION
PN_CONNECTION_BOUND = c_event.PN_CONNECTION_BOUND
PN_CONNECTION_FINAL = c_event.PN_CONNECTION_FINAL
PN_CONNECTION_INIT = c_event.PN_CONNECTION_INIT
PN_CONNECTION_LOCAL_CLOSE = c_event.PN_CONNECTION_LOCAL_CLOSE
PN_CONNECTION_LOCAL_OPEN = c_event.PN_CONNECTION_LOCAL_OPEN
PN_CONNECTION_REMOTE_CLOSE = c_event.PN_CONNECTION_REMOTE_CLOSE
PN_CONNECTION_REMOTE_OPEN = c_event.PN_CONNECTION_REMOTE_OPEN
PN_CONNECTION_UNBOUND = c_event.PN_CONNECTION_UNBOUND
PN_COORDINATOR = c_terminus.PN_COORDINATOR
PN_DECIMAL128 = c_codec.PN_DECIMAL128
PN_DECIMAL32 = c_codec.PN_DECIMAL32
PN_DECIMAL64 = c_codec.PN_DECIMAL64
PN_DEFAULT_PRIORITY = c_message.PN_DEFAULT_PRIORITY
PN_DELIVERIES = c_terminus.PN_DELIVERIES
PN_DELIVERY = c_event.PN_DELIVERY
PN_DESCRIBED = c_codec.PN_DESCRIBED
PN_DIST_MODE_COPY = c_terminus.PN_DIST_MODE_COPY
PN_DIST_MODE_MOVE = c_terminus.PN_DIST_MODE_MOVE
PN_DIST_MODE_UNSPECIFIED = c_terminus.PN_DIST_MODE_UNSPECIFIED
PN_DOUBLE = c_codec.PN_DOUBLE
PN_EOS = c_error.PN_EOS
PN_EVENT_NONE = c_event.PN_EVENT_NONE
PN_EXPIRE_NEVER = c_terminus.PN_EXPIRE_NEVER
PN_EXPIRE_WITH_CONNECTION = c_terminus.PN_EXPIRE_WITH_CONNECTION
PN_EXPIRE_WITH_LINK = c_terminus.PN_EXPIRE_WITH_LINK
PN_EXPIRE_WITH_SESSION = c_terminus.PN_EXPIRE_WITH_SESSION
PN_FLOAT = c_codec.PN_FLOAT
PN_INT = c_codec.PN_INT
PN_INTR = c_error.PN_INTR
PN_LINK_FINAL = c_event.PN_LINK_FINAL
PN_LINK_FLOW = c_event.PN_LINK_FLOW
PN_LINK_INIT = c_event.PN_LINK_INIT
PN_LINK_LOCAL_CLOSE = c_event.PN_LINK_LOCAL_CLOSE
PN_LINK_LOCAL_DETACH = c_event.PN_LINK_LOCAL_DETACH
PN_LINK_LOCAL_OPEN = c_event.PN_LINK_LOCAL_OPEN
PN_LINK_REMOTE_CLOSE = c_event.PN_LINK_REMOTE_CLOSE
PN_LINK_REMOTE_DETACH = c_event.PN_LINK_REMOTE_DETACH
PN_LINK_REMOTE_OPEN = c_event.PN_LINK_REMOTE_OPEN
PN_LIST = c_codec.PN_LIST
PN_LOCAL_ACTIVE = c_connection.PN_LOCAL_ACTIVE
PN_LOCAL_CLOSED = c_connection.PN_LOCAL_CLOSED
PN_LOCAL_UNINIT = c_connection.PN_LOCAL_UNINIT
PN_LONG = c_codec.PN_LONG
PN_MAP = c_codec.PN_MAP
PN_MODIFIED = c_disposition.PN_MODIFIED
PN_NONDURABLE = c_terminus.PN_NONDURABLE
PN_NULL = c_codec.PN_NULL
PN_OVERFLOW = c_error.PN_OVERFLOW
PN_RCV_FIRST = c_link.PN_RCV_FIRST
PN_RCV_SECOND = c_link.PN_RCV_SECOND
PN_RECEIVED = c_disposition.PN_RECEIVED
PN_REJECTED = c_disposition.PN_REJECTED
PN_RELEASED = c_disposition.PN_RELEASED
PN_REMOTE_ACTIVE = c_connection.PN_REMOTE_ACTIVE
PN_REMOTE_CLOSED = c_connection.PN_REMOTE_CLOSED
PN_REMOTE_UNINIT = c_connection.PN_REMOTE_UNINIT
PN_SASL_AUTH = c_sasl.PN_SASL_AUTH
PN_SASL_NONE = c_sasl.PN_SASL_NONE
PN_SASL_OK = c_sasl.PN_SASL_OK
PN_SASL_PERM = c_sasl.PN_SASL_PERM
PN_SASL_SYS = c_sasl.PN_SASL_SYS
PN_SASL_TEMP = c_sasl.PN_SASL_TEMP
PN_SESSION_FINAL = c_event.PN_SESSION_FINAL
PN_SESSION_INIT = c_event.PN_SESSION_INIT
PN_SESSION_LOCAL_CLOSE = c_event.PN_SESSION_LOCAL_CLOSE
PN_SESSION_LOCAL_OPEN = c_event.PN_SESSION_LOCAL_OPEN
PN_SESSION_REMOTE_CLOSE = c_event.PN_SESSION_REMOTE_CLOSE
PN_SESSION_REMOTE_OPEN = c_event.PN_SESSION_REMOTE_OPEN
PN_SHORT = c_codec.PN_SHORT
PN_SND_MIXED = c_link.PN_SND_MIXED
PN_SND_SETTLED = c_link.PN_SND_SETTLED
PN_SND_UNSETTLED = c_link.PN_SND_UNSETTLED
PN_SOURCE = c_terminus.PN_SOURCE
PN_SSL_ANONYMOUS_PEER = c_ssl.PN_SSL_ANONYMOUS_PEER
PN_SSL_CERT_SUBJECT_CITY_OR_LOCALITY = c_ssl.PN_SSL_CERT_SUBJECT_CITY_OR_LOCALITY
PN_SSL_CERT_SUBJECT_COMMON_NAME = c_ssl.PN_SSL_CERT_SUBJECT_COMMON_NAME
PN_SSL_CERT_SUBJECT_COUNTRY_NAME = c_ssl.PN_SSL_CERT_SUBJECT_COUNTRY_NAME
PN_SSL_CERT_SUBJECT_ORGANIZATION_NAME = c_ssl.PN_SSL_CERT_SUBJECT_ORGANIZATION_NAME
PN_SSL_CERT_SUBJECT_ORGANIZATION_UNIT = c_ssl.PN_SSL_CERT_SUBJECT_ORGANIZATION_UNIT
PN_SSL_CERT_SUBJECT_STATE_OR_PROVINCE = c_ssl.PN_SSL_CERT_SUBJECT_STATE_OR_PROVINCE
PN_SSL_MD5 = c_ssl.PN_SSL_MD5
PN_SSL_MODE_CLIENT = c_ssl.PN_SSL_MODE_CLIENT
PN_SSL_MODE_SERVER = c_ssl.PN_SSL_MODE_SERVER
PN_SSL_RESUME_NEW = c_ssl.PN_SSL_RESUME_NEW
PN_SSL_RESUME_REUSED = c_ssl.PN_SSL_RESUME_REUSED
PN_SSL_RESUME_UNKNOWN = c_ssl.PN_SSL_RESUME_UNKNOWN
PN_SSL_SHA1 = c_ssl.PN_SSL_SHA1
PN_SSL_SHA256 = c_ssl.PN_SSL_SHA256
PN_SSL_SHA512 = c_ssl.PN_SSL_SHA512
PN_SSL_VERIFY_PEER = c_ssl.PN_SSL_VERIFY_PEER
PN_SSL_VERIFY_PEER_NAME = c_ssl.PN_SSL_VERIFY_PEER_NAME
PN_STRING = c_codec.PN_STRING
PN_SYMBOL = c_codec.PN_SYMBOL
PN_TARGET = c_terminus.PN_TARGET
PN_TIMEOUT = c_error.PN_TIMEOUT
PN_TIMER_TASK = c_event.PN_TIMER_TASK
PN_TIMESTAMP = c_codec.PN_TIMESTAMP
PN_TRACE_DRV = c_transport.PN_TRACE_DRV
PN_TRACE_FRM = c_transport.PN_TRACE_FRM
PN_TRACE_OFF = c_transport.PN_TRACE_OFF
PN_TRACE_RAW = c_transport.PN_TRACE_RAW
PN_TRANSPORT = c_event.PN_TRANSPORT
PN_TRANSPORT_CLOSED = c_event.PN_TRANSPORT_CLOSED
PN_TRANSPORT_ERROR = c_event.PN_TRANSPORT_ERROR
PN_TRANSPORT_HEAD_CLOSED = c_event.PN_TRANSPORT_HEAD_CLOSED
PN_TRANSPORT_TAIL_CLOSED = c_event.PN_TRANSPORT_TAIL_CLOSED
PN_UBYTE = c_codec.PN_UBYTE
PN_UINT = c_codec.PN_UINT
PN_ULONG = c_codec.PN_ULONG
PN_UNSPECIFIED = c_terminus.PN_UNSPECIFIED
PN_USHORT = c_codec.PN_USHORT
PN_UUID = c_codec.PN_UUID
PN_VERSION_MAJOR = c_version.PN_VERSION_MAJOR
PN_VERSION_MINOR = c_version.PN_VERSION_MINOR
PN_VERSION_POINT = c_version.PN_VERSION_POINT

# Move this fragment's public names out of the module namespace into _lowlevel (see the top).
_lowlevel = {_n: globals().pop(_n) for _n in sorted(set(globals()) - _LL_NAMES_BEFORE - {"_LL_NAMES_BEFORE"})
             if not _n.startswith("_")}
del _LL_NAMES_BEFORE
