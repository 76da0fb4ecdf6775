# SPDX-License-Identifier: Apache-2.0
# Copyright (c) 2026 the cyproton authors
#
# Python <-> AMQP values. Whole trees are converted by the two recursive functions
# put_value() and get_value(), which walk a pn_data_t in C; the public Data class only
# wraps them. The Python value classes (symbol, ulong, Described, ...) live in
# proton._data and reach us through the T_ slots of registry.pyx, so this file never imports
# proton._data (which imports us).

import uuid as _uuid_mod

cdef object T_UUID = _uuid_mod.UUID

# Depth guard: a nested value deeper than this is refused rather than overflowing the C stack.
DEF MAX_DEPTH = 1000


class InvalidUTF8Error(DataException, UnicodeDecodeError):
    """An AMQP string or symbol whose bytes are not valid UTF-8.

    A :class:`DataException`, as every decoding failure of the codec is, and a
    ``UnicodeDecodeError``, which is what python-qpid-proton lets through in this case.
    """

    def __str__(self):
        return "invalid UTF-8 in an AMQP string or symbol: " + UnicodeDecodeError.__str__(self)


class UnsupportedTypeError(KeyError, TypeError):
    """A Python value has no AMQP mapping.

    It is a ``KeyError`` for python-qpid-proton compatibility (its type table lookup raises
    ``KeyError``) and a ``TypeError`` because that is what it means.
    """

    def __str__(self):
        return str(self.args[0]) if self.args else ""


cdef int codec_bound() except -1:
    """After bind(): the offsets of AnnotationDict's slots the codec reads directly."""
    global _validation_fn_offset, _raise_on_error_offset
    if T_AnnotationDict is not None:
        _validation_fn_offset = slot_offset(T_AnnotationDict, "validation_fn")
        _raise_on_error_offset = slot_offset(T_AnnotationDict, "raise_on_error")
    return 0


cdef inline int data_check(pn_data_t *d, int code) except -1:
    if code < 0:
        if code == c_error.PN_OUT_OF_MEMORY and not _error_text(c_codec.pn_data_error(d)):
            # the engine says nothing when its tree is full: say it here
            raise error_for_code(code, "a data tree holds at most 65535 values", DataException)
        return check(code, c_codec.pn_data_error(d), DataException)
    return code


# ---------------------------------------------------------------------------------------------
# Python -> AMQP

cdef inline object as_integer(object v):
    """``v`` as an int, refusing floats and other non-integers as python-qpid-proton does (TypeError)."""
    if type(v) is int:
        return v
    return PyNumber_Index(v)


cdef inline uint32_t char_code(object c) except? 0xFFFFFFFF:
    if not isinstance(c, str) or len(<str>c) != 1:
        raise TypeError("an AMQP char is a str of length 1, not %r" % (c,))
    return ord(c)


cdef object char_value(uint32_t code):
    if code > 0x10FFFF or 0xD800 <= code <= 0xDFFF:
        raise DataException("[%d]: invalid char code point 0x%x" % (c_error.PN_ARG_ERR, code))
    return T_char(chr(code))


cdef object call_custom_putter(pn_data_t *d, object o):
    """A class added to Data.put_mappings by the application: call its putter on a Data view."""
    if T_Data is None:
        return None
    putter = T_Data.put_mappings.get(type(o))
    if putter is None:
        return None
    putter(wrap_data(d, None), o)
    return True

cdef inline int put_utf8(pn_data_t *d, object s, bint as_symbol) except -1:
    cdef Py_ssize_t n
    cdef const char *p = PyUnicode_AsUTF8AndSize(s, &n)
    if as_symbol:
        return data_check(d, c_codec.pn_data_put_symbol(d, c_types.pn_bytes(n, p)))
    return data_check(d, c_codec.pn_data_put_string(d, c_types.pn_bytes(n, p)))


cdef int put_binary_obj(pn_data_t *d, object b) except -1:
    cdef const unsigned char[::1] view
    if type(b) is bytes:
        return data_check(d, c_codec.pn_data_put_binary(
            d, c_types.pn_bytes(PyBytes_GET_SIZE(b), PyBytes_AS_STRING(b))))
    if isinstance(b, memoryview) and not (<memoryview>b).c_contiguous:
        b = (<memoryview>b).tobytes()
    view = b
    if view.shape[0] == 0:
        return data_check(d, c_codec.pn_data_put_binary(d, c_types.pn_bytes(0, b"")))
    return data_check(d, c_codec.pn_data_put_binary(d, c_types.pn_bytes(view.shape[0], <const char *>&view[0])))


cdef int put_uuid_obj(pn_data_t *d, object u) except -1:
    cdef c_types.pn_uuid_t raw
    cdef bytes b = u.bytes
    memcpy(raw.bytes, PyBytes_AS_STRING(b), 16)
    return data_check(d, c_codec.pn_data_put_uuid(d, raw))


cdef int put_decimal128_obj(pn_data_t *d, object v) except -1:
    cdef c_types.pn_decimal128_t raw
    cdef bytes b = bytes(v)
    if PyBytes_GET_SIZE(b) != 16:
        raise DataException("decimal128 needs exactly 16 bytes, got %d" % PyBytes_GET_SIZE(b))
    memcpy(raw.bytes, PyBytes_AS_STRING(b), 16)
    return data_check(d, c_codec.pn_data_put_decimal128(d, raw))


cdef int put_map(pn_data_t *d, object m, int depth) except -1:
    cdef Py_ssize_t pos = 0
    cdef PyObject *k
    cdef PyObject *v
    data_check(d, c_codec.pn_data_put_map(d))
    c_codec.pn_data_enter(d)
    try:
        if type(m) is dict or type(m) is T_AnnotationDict or type(m) is T_PropertyDict:
            # Exact dict types (and our dict subclasses, which do not override iteration): walk the
            # hash table directly. Nothing below runs Python code that could resize it.
            while PyDict_Next(m, &pos, &k, &v):
                put_value(d, <object>k, depth)
                put_value(d, <object>v, depth)
        else:
            for key, value in m.items():
                put_value(d, key, depth)
                put_value(d, value, depth)
    finally:
        c_codec.pn_data_exit(d)
    return 0


cdef int put_list(pn_data_t *d, object seq, int depth) except -1:
    data_check(d, c_codec.pn_data_put_list(d))
    c_codec.pn_data_enter(d)
    try:
        for item in seq:
            put_value(d, item, depth)
    finally:
        c_codec.pn_data_exit(d)
    return 0


cdef int put_described(pn_data_t *d, object desc, int depth) except -1:
    data_check(d, c_codec.pn_data_put_described(d))
    c_codec.pn_data_enter(d)
    try:
        put_value(d, desc.descriptor, depth)
        put_value(d, desc.value, depth)
    finally:
        c_codec.pn_data_exit(d)
    return 0


cdef int put_array(pn_data_t *d, object arr, int depth) except -1:
    cdef bint described = arr.descriptor != T_UNDESCRIBED
    cdef int element_type = arr.type
    if element_type < c_codec.PN_NULL or element_type > c_codec.PN_MAP:
        raise DataException("[%d]: invalid array element type %r" % (c_error.PN_ARG_ERR, arr.type))
    data_check(d, c_codec.pn_data_put_array(d, described, <c_codec.pn_type_t>element_type))
    c_codec.pn_data_enter(d)
    try:
        if described:
            put_value(d, arr.descriptor, depth)
        for item in arr.elements:
            put_value(d, item, depth)
    finally:
        c_codec.pn_data_exit(d)
    return 0


cdef int put_value(pn_data_t *d, object o, int depth) except -1:
    """Append the Python value ``o`` (and everything inside it) at the current position of ``d``."""
    cdef type t = type(o)
    if depth >= MAX_DEPTH:
        raise DataException("value nested more than %d levels deep" % MAX_DEPTH)
    # The common types first; exact type checks, as the mapping is by exact class.
    if t is str:
        return put_utf8(d, o, False)
    if t is int:
        return data_check(d, c_codec.pn_data_put_long(d, o))
    if t is dict:
        return put_map(d, o, depth + 1)
    if o is None:
        return data_check(d, c_codec.pn_data_put_null(d))
    if t is bool:
        return data_check(d, c_codec.pn_data_put_bool(d, o is True))
    if t is float:
        return data_check(d, c_codec.pn_data_put_double(d, o))
    if t is bytes:
        return put_binary_obj(d, o)
    if t is T_symbol:
        return put_utf8(d, o, True)
    if t is list or t is tuple or t is T_SymbolList:
        return put_list(d, o, depth + 1)
    if t is T_ulong:
        return data_check(d, c_codec.pn_data_put_ulong(d, o))
    if t is T_AnnotationDict or t is T_PropertyDict:
        return put_map(d, o, depth + 1)
    if t is T_Described:
        return put_described(d, o, depth + 1)
    if t is T_uint:
        return data_check(d, c_codec.pn_data_put_uint(d, o))
    if t is T_int32:
        return data_check(d, c_codec.pn_data_put_int(d, o))
    if t is T_timestamp:
        return data_check(d, c_codec.pn_data_put_timestamp(d, o))
    if t is T_UUID:
        return put_uuid_obj(d, o)
    if t is T_Array:
        return put_array(d, o, depth + 1)
    if t is T_ubyte:
        return data_check(d, c_codec.pn_data_put_ubyte(d, o))
    if t is T_ushort:
        return data_check(d, c_codec.pn_data_put_ushort(d, o))
    if t is T_byte:
        return data_check(d, c_codec.pn_data_put_byte(d, o))
    if t is T_short:
        return data_check(d, c_codec.pn_data_put_short(d, o))
    if t is T_float32:
        return data_check(d, c_codec.pn_data_put_float(d, o))
    if t is T_char:
        return data_check(d, c_codec.pn_data_put_char(d, char_code(o)))
    if t is T_decimal32:
        return data_check(d, c_codec.pn_data_put_decimal32(d, o))
    if t is T_decimal64:
        return data_check(d, c_codec.pn_data_put_decimal64(d, o))
    if t is T_decimal128:
        return put_decimal128_obj(d, o)
    if t is bytearray or t is memoryview:
        return put_binary_obj(d, o)
    if call_custom_putter(d, o) is not None:
        return 0
    raise UnsupportedTypeError("no AMQP type for Python value of type %s.%s: %.200r"
                               % (t.__module__, t.__qualname__, o))


# ---------------------------------------------------------------------------------------------
# AMQP -> Python

from cpython.dict cimport PyDict_Update


cdef extern from *:
    """
    #include <structmember.h>

    /* An instance of the int subclass cls holding value, made by int's own constructor without the
       attribute lookup and checks of a Python-level int.__new__(cls, value) call. */
    static PyObject *cyproton_new_int(PyObject *cls, PyObject *value) {
        PyObject *args = PyTuple_Pack(1, value);
        PyObject *result;
        if (args == NULL)
            return NULL;
        result = PyLong_Type.tp_new((PyTypeObject *)cls, args, NULL);
        Py_DECREF(args);
        return result;
    }

    /* Where instances of type keep the __slots__ member called name: its byte offset, or -1 when
       name is not a plain object slot of type. */
    static Py_ssize_t cyproton_slot_offset(PyObject *type, const char *name) {
        Py_ssize_t offset = -1;
        PyObject *descr = PyObject_GetAttrString(type, name);
        if (descr == NULL) {
            PyErr_Clear();
            return -1;
        }
        if (Py_TYPE(descr) == &PyMemberDescr_Type) {
            PyMemberDef *member = ((PyMemberDescrObject *)descr)->d_member;
            if (member->type == T_OBJECT_EX && !(member->flags & READONLY))
                offset = member->offset;
        }
        Py_DECREF(descr);
        return offset;
    }

    /* Store value in the object slot at offset, as the slot's descriptor would. */
    static void cyproton_set_slot(PyObject *obj, Py_ssize_t offset, PyObject *value) {
        PyObject **place = (PyObject **)((char *)obj + offset);
        PyObject *old = *place;
        Py_INCREF(value);
        *place = value;
        Py_XDECREF(old);
    }

    /* An empty instance of the dict subclass cls, made as dict() makes one. */
    static PyObject *cyproton_new_dict_of(PyObject *cls, PyObject *no_args) {
        return PyDict_Type.tp_new((PyTypeObject *)cls, no_args, NULL);
    }

    /* cls.__new__(cls) for a class known to be a type: its tp_new called directly, without the
       attribute lookup and argument checks of the Python-level call. */
    static PyObject *cyproton_new_instance(PyObject *cls, PyObject *no_args) {
        if (!PyType_Check(cls) || ((PyTypeObject *)cls)->tp_new == NULL) {
            PyErr_Format(PyExc_TypeError, "cannot make an instance of %R", cls);
            return NULL;
        }
        return ((PyTypeObject *)cls)->tp_new((PyTypeObject *)cls, no_args, NULL);
    }
    """
    object new_int "cyproton_new_int" (object cls, object value)
    Py_ssize_t slot_offset "cyproton_slot_offset" (object type, const char *name)
    void set_slot "cyproton_set_slot" (object obj, Py_ssize_t offset, object value)
    object new_dict_of "cyproton_new_dict_of" (object cls, object no_args)
    object _new_instance "cyproton_new_instance" (object cls, object no_args)


cdef tuple _NO_ARGS = ()


cdef inline object new_instance(object cls):
    return _new_instance(cls, _NO_ARGS)


# AnnotationDict keeps its key check and raise_on_error in two slots: where, in its instances
# (found when the value types are registered; -1 leaves setting them to setattr).
cdef Py_ssize_t _validation_fn_offset = -1
cdef Py_ssize_t _raise_on_error_offset = -1


cdef object _safe_unknown = _uuid_mod.SafeUUID.unknown


cdef object new_annotation_dict(object source):
    """An AnnotationDict (raise_on_error off) holding ``source``'s items, str keys made symbols.

    Built in C: the same result as ``AnnotationDict(source, raise_on_error=False)``."""
    cdef object result = new_dict_of(T_AnnotationDict, ())
    cdef Py_ssize_t pos = 0
    cdef PyObject *k
    cdef PyObject *v
    cdef object key
    cdef bint keys_ready = True
    if _validation_fn_offset >= 0 and _raise_on_error_offset >= 0:
        set_slot(result, _validation_fn_offset, T_annotation_key)
        set_slot(result, _raise_on_error_offset, False)
    else:
        result.validation_fn = T_annotation_key
        result.raise_on_error = False
    if type(source) is dict:
        # Decoded annotations have symbol (or ulong) keys already: one bulk copy then.
        while PyDict_Next(source, &pos, &k, &v):
            if type(<object>k) is not T_symbol and type(<object>k) is not T_ulong:
                keys_ready = False
                break
        if keys_ready:
            PyDict_Update(result, source)
            return result
        pos = 0
    if type(source) is dict or isinstance(source, dict):
        while PyDict_Next(source, &pos, &k, &v):
            key = <object>k
            if type(key) is str:
                key = T_symbol(key)
            elif isinstance(key, str) and type(key) is not T_symbol:
                key = T_symbol(key)
            PyDict_SetItem(result, key, <object>v)
    else:
        for key, value in source.items():
            if isinstance(key, str) and type(key) is not T_symbol:
                key = T_symbol(key)
            PyDict_SetItem(result, key, value)
    return result


# -- shared names -------------------------------------------------------------------------------
# Symbols and map keys come from a small vocabulary (annotation keys, property names, content
# types, capabilities) that repeats from one message to the next. The decoders look them up here by
# their encoded bytes and hand out one shared, immutable Python object per name instead of
# decoding and building it again: a direct-mapped table, a name evicting whatever held its slot.

from cpython.ref cimport Py_XDECREF
from libc.string cimport memcmp

DEF NAME_SLOTS = 1024          # a power of two
DEF NAME_LONGEST = 48          # longer names are built every time

cdef struct NameSlot:
    PyObject *value            # owned: a str or a symbol; NULL while the slot is free
    uint32_t hash
    uint32_t size
    bint is_symbol
    char text[NAME_LONGEST]

cdef NameSlot _name_slots[NAME_SLOTS]


from cpython.exc cimport PyErr_Clear, PyErr_ExceptionMatches

cdef extern from *:
    """
    /* The str decoded from UTF-8, or NULL with the exception set (checked by utf8_text). */
    static PyObject *cyproton_utf8_or_null(const char *p, Py_ssize_t n) {
        return PyUnicode_DecodeUTF8(p, n, NULL);
    }
    #define cyproton_steal(o) (o)
    """
    PyObject *utf8_or_null "cyproton_utf8_or_null" (const char *p, Py_ssize_t n)
    object steal "cyproton_steal" (PyObject *o)


cdef int raise_invalid_utf8(const char *text, Py_ssize_t size) except -1:
    """Turn the pending UnicodeDecodeError into InvalidUTF8Error (other errors are left as they are)."""
    if not PyErr_ExceptionMatches(UnicodeDecodeError):
        return -1
    PyErr_Clear()
    try:
        PyBytes_FromStringAndSize(text, size).decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InvalidUTF8Error(exc.encoding, exc.object, exc.start, exc.end, exc.reason) from None
    raise InvalidUTF8Error("utf-8", b"", 0, 0, "invalid UTF-8")


# The error handler for text that is not valid UTF-8: NULL (InvalidUTF8Error) except while
# engine.pyx's data_to_obj converts a value that came from the peer, when it is "replace".
cdef const char *_text_errors = NULL


cdef inline object utf8_text(const char *text, Py_ssize_t size):
    """The str whose UTF-8 encoding is ``text[0:size]``; InvalidUTF8Error when it is not valid UTF-8
    (U+FFFD for the bad bytes while ``_text_errors`` is "replace")."""
    cdef PyObject *s
    if _text_errors != NULL:
        return PyUnicode_DecodeUTF8(text, size, _text_errors)
    s = utf8_or_null(text, size)
    if s == NULL:
        raise_invalid_utf8(text, size)
    return steal(s)


cdef object shared_name(const char *text, Py_ssize_t size, bint is_symbol):
    """The str (or symbol) whose UTF-8 encoding is ``text[0:size]``, shared when it is short."""
    cdef uint32_t h = 2166136261u + is_symbol
    cdef Py_ssize_t i
    cdef NameSlot *slot
    cdef PyObject *old
    cdef object value
    if size > NAME_LONGEST or _text_errors != NULL:     # a replaced text is never shared
        value = utf8_text(text, size)
        return T_symbol(value) if is_symbol else value
    for i in range(size):
        h = (h ^ <unsigned char>text[i]) * 16777619u
    slot = &_name_slots[h & (NAME_SLOTS - 1)]
    if (slot.value != NULL and slot.hash == h and slot.size == size and slot.is_symbol == is_symbol
            and memcmp(slot.text, text, size) == 0):
        return <object>slot.value
    value = utf8_text(text, size)
    if is_symbol:
        value = T_symbol(value)
    old = slot.value
    Py_INCREF(value)
    slot.value = <PyObject *>value
    slot.hash = h
    slot.size = <uint32_t>size
    slot.is_symbol = is_symbol
    memcpy(slot.text, text, size)
    Py_XDECREF(old)              # only once the slot is whole again
    return value


cdef inline object bytes_to_str(c_types.pn_bytes_t b):
    return utf8_text(b.start, b.size)


cdef inline object bytes_to_bytes(c_types.pn_bytes_t b):
    return PyBytes_FromStringAndSize(b.start, b.size)


cdef object _INT_ATTR = "int"
cdef object _IS_SAFE_ATTR = "is_safe"


cdef object uuid_from_raw(const char *raw):
    # uuid.UUID(bytes=...) validates its arguments in Python; build the (immutable) object directly,
    # setting its two slots the way object.__setattr__ would.
    u = new_instance(T_UUID)
    value = _PyLong_FromByteArray(<const unsigned char *>raw, 16, 0, 0)
    PyObject_GenericSetAttr(u, _INT_ATTR, <PyObject *>value)
    PyObject_GenericSetAttr(u, _IS_SAFE_ATTR, <PyObject *>_safe_unknown)
    return u


cdef extern from *:
    """
    #define cyproton_dict_set(d, k, v) PyDict_SetItem((d), (k), (v))
    """
    int dict_set "cyproton_dict_set" (object d, object k, object v)     # -1 with the exception set


cdef int raise_bad_key(object key) except -1:
    """A decoded map key that cannot key a dict (a list, a map, a described value, an array)."""
    if not PyErr_ExceptionMatches(TypeError):
        return -1
    PyErr_Clear()
    raise DataException("[%d]: a %s cannot be a map key here (it is not hashable)"
                        % (c_error.PN_ARG_ERR, type(key).__name__))


cdef inline int map_set(dict m, object key, object value) except -1:
    """``m[key] = value`` for a decoded map, with DataException for an unhashable key."""
    if dict_set(m, key, value) < 0:
        return raise_bad_key(key)
    return 0


cdef object get_map(pn_data_t *d, int depth):
    cdef dict result = {}
    cdef c_types.pn_bytes_t b
    if c_codec.pn_data_enter(d):
        try:
            while c_codec.pn_data_next(d):
                if c_codec.pn_data_type(d) == c_codec.PN_STRING:
                    b = c_codec.pn_data_get_string(d)
                    key = shared_name(b.start, b.size, False)
                else:
                    key = get_value(d, depth)
                if c_codec.pn_data_next(d):
                    map_set(result, key, get_value(d, depth))
                else:
                    map_set(result, key, None)
        finally:
            c_codec.pn_data_exit(d)
    return result


cdef object get_list(pn_data_t *d, int depth):
    cdef list result = []
    if c_codec.pn_data_enter(d):
        try:
            while c_codec.pn_data_next(d):
                result.append(get_value(d, depth))
        finally:
            c_codec.pn_data_exit(d)
    return result


cdef object get_described(pn_data_t *d, int depth):
    descriptor = None
    value = None
    if c_codec.pn_data_enter(d):
        try:
            if c_codec.pn_data_next(d):
                descriptor = get_value(d, depth)
            if c_codec.pn_data_next(d):
                value = get_value(d, depth)
        finally:
            c_codec.pn_data_exit(d)
    return T_Described(descriptor, value)


cdef object get_array(pn_data_t *d, int depth):
    cdef bint described = c_codec.pn_data_is_array_described(d)
    cdef int element_type = c_codec.pn_data_get_array_type(d)
    cdef list elements = []
    descriptor = T_UNDESCRIBED
    if element_type == c_codec.PN_INVALID:
        return None
    if c_codec.pn_data_enter(d):
        try:
            if described and c_codec.pn_data_next(d):
                descriptor = get_value(d, depth)
            while c_codec.pn_data_next(d):
                elements.append(get_value(d, depth))
        finally:
            c_codec.pn_data_exit(d)
    return T_Array(descriptor, element_type, *elements)


cdef object get_value(pn_data_t *d, int depth):
    """The Python value of the current node of ``d`` (and everything inside it)."""
    cdef int t = c_codec.pn_data_type(d)
    cdef c_codec.pn_decimal128_t dec
    cdef c_codec.pn_uuid_t uu
    cdef c_types.pn_bytes_t b
    if depth >= MAX_DEPTH:
        raise DataException("value nested more than %d levels deep" % MAX_DEPTH)
    if t == c_codec.PN_STRING:
        return bytes_to_str(c_codec.pn_data_get_string(d))
    if t == c_codec.PN_LONG:
        return c_codec.pn_data_get_long(d)
    if t == c_codec.PN_SYMBOL:
        b = c_codec.pn_data_get_symbol(d)
        return shared_name(b.start, b.size, True)
    if t == c_codec.PN_MAP:
        return get_map(d, depth + 1)
    if t == c_codec.PN_NULL:
        return None
    if t == c_codec.PN_BINARY:
        return bytes_to_bytes(c_codec.pn_data_get_binary(d))
    if t == c_codec.PN_BOOL:
        return True if c_codec.pn_data_get_bool(d) else False
    if t == c_codec.PN_LIST:
        return get_list(d, depth + 1)
    if t == c_codec.PN_DOUBLE:
        return c_codec.pn_data_get_double(d)
    if t == c_codec.PN_ULONG:
        return new_int(T_ulong, c_codec.pn_data_get_ulong(d))
    if t == c_codec.PN_INT:
        return new_int(T_int32, c_codec.pn_data_get_int(d))
    if t == c_codec.PN_UINT:
        return new_int(T_uint, c_codec.pn_data_get_uint(d))
    if t == c_codec.PN_DESCRIBED:
        return get_described(d, depth + 1)
    if t == c_codec.PN_TIMESTAMP:
        return new_int(T_timestamp, c_codec.pn_data_get_timestamp(d))
    if t == c_codec.PN_UUID:
        uu = c_codec.pn_data_get_uuid(d)
        return uuid_from_raw(uu.bytes)
    if t == c_codec.PN_ARRAY:
        return get_array(d, depth + 1)
    if t == c_codec.PN_UBYTE:
        return new_int(T_ubyte, c_codec.pn_data_get_ubyte(d))
    if t == c_codec.PN_USHORT:
        return new_int(T_ushort, c_codec.pn_data_get_ushort(d))
    if t == c_codec.PN_BYTE:
        return new_int(T_byte, c_codec.pn_data_get_byte(d))
    if t == c_codec.PN_SHORT:
        return new_int(T_short, c_codec.pn_data_get_short(d))
    if t == c_codec.PN_FLOAT:
        return T_float32(c_codec.pn_data_get_float(d))
    if t == c_codec.PN_CHAR:
        return char_value(c_codec.pn_data_get_char(d))
    if t == c_codec.PN_DECIMAL32:
        return new_int(T_decimal32, c_codec.pn_data_get_decimal32(d))
    if t == c_codec.PN_DECIMAL64:
        return new_int(T_decimal64, c_codec.pn_data_get_decimal64(d))
    if t == c_codec.PN_DECIMAL128:
        dec = c_codec.pn_data_get_decimal128(d)
        return T_decimal128(PyBytes_FromStringAndSize(dec.bytes, 16))
    if t == c_codec.PN_INVALID:
        return None
    return T_UnmappedType(str(t)) if T_UnmappedType is not None else None


cdef object data_encode(pn_data_t *d):
    """Encode everything in ``d`` to a new bytes object.

    One encoder pass into the Data encode scratch (pools.pyx) for the usual small tree; a tree that
    does not fit, or finds the scratch out on lease, is measured first and encoded straight into its
    bytes object (two passes)."""
    cdef ssize_t size
    cdef size_t room
    cdef ThreadPools pools = thread_pools()
    cdef char *scratch = lease_data_scratch(pools, &room)
    cdef ssize_t n
    cdef bytes out
    if scratch != NULL:
        # Only C runs until the copy is made (a bytes object is not tracked by the collector, so
        # making one starts no collection): the lease is handed back before anything else.
        n = c_codec.pn_data_encode(d, scratch, room)
        if n >= 0:
            out = PyBytes_FromStringAndSize(scratch, n)
            release_data_scratch(pools)
            return out
        release_data_scratch(pools)
        if n != c_error.PN_OVERFLOW:
            data_check(d, <int>n)
        c_error.pn_error_clear(c_codec.pn_data_error(d))   # the scratch overflow is no error of the data
    size = c_codec.pn_data_encoded_size(d)
    if size < 0:
        data_check(d, <int>size)
    out = PyBytes_FromStringAndSize(NULL, size)
    n = c_codec.pn_data_encode(d, PyBytes_AS_STRING(out), size)
    if n < 0:
        data_check(d, <int>n)
    if n != size:
        return out[:n]
    return out


cdef object data_decode_one(pn_data_t *d, const unsigned char[::1] view):
    """Decode one value from ``view`` into ``d``; return the number of bytes consumed (the decoder
    runs no Python code, so the caller's buffer is read in place)."""
    if view.shape[0] == 0:
        raise DataException("[%d]: no data to decode" % c_error.PN_UNDERFLOW)
    return tree_decode(d, &view[0], view.shape[0])


# ---------------------------------------------------------------------------------------------
# The Data cursor API. Plain wrappers over pn_data_t, with the bulk converters above doing the
# real work for put_object/get_object and the container helpers.

cdef class CData:
    """A tree of AMQP values with a cursor; base of :class:`proton.Data`."""

    cdef pn_data_t *_impl
    cdef bint _owned
    cdef object _owner      # keeps alive whatever owns a borrowed pn_data_t

    def __cinit__(self, *args, **kwargs):
        self._impl = NULL
        self._owned = False

    def __init__(self, capacity=16):
        if self._impl != NULL:
            return
        if not isinstance(capacity, int):
            raise TypeError("Data(capacity): capacity must be an int, not %s" % type(capacity).__name__)
        if capacity < 0:
            raise ValueError("Data(capacity): capacity must not be negative")
        self._impl = take_tree(capacity)
        if self._impl == NULL:
            raise MemoryError()
        self._owned = True

    def __dealloc__(self):
        if self._owned and self._impl != NULL:
            give_back_tree(self._impl)
        self._impl = NULL

    cdef inline pn_data_t *_d(self) except NULL:
        if self._impl == NULL:
            raise DataException("Data object is not initialised")
        return self._impl

    cdef inline int _check(self, int code) except -1:
        return data_check(self._impl, code)

    # -- navigation --------------------------------------------------------------------------

    def clear(self):
        """Remove every node and reset the cursor."""
        c_codec.pn_data_clear(self._d())

    def rewind(self):
        """Move the cursor before the first node of the top level."""
        c_codec.pn_data_rewind(self._d())

    def next(self):
        """Advance to the next sibling; return its type, or ``None`` when there is none."""
        cdef pn_data_t *d = self._d()
        if c_codec.pn_data_next(d):
            return self._type_of(d)
        return None

    def prev(self):
        """Step back to the previous sibling; return its type, or ``None`` when there is none."""
        cdef pn_data_t *d = self._d()
        if c_codec.pn_data_prev(d):
            return self._type_of(d)
        return None

    def enter(self):
        """Descend into the current container node; ``next()`` then reaches its first child."""
        return c_codec.pn_data_enter(self._d())

    def exit(self):
        """Return to the parent of the current level."""
        return c_codec.pn_data_exit(self._d())

    def lookup(self, name):
        """Within a map, move to the value whose key equals ``name``; return whether one was found."""
        return c_codec.pn_data_lookup(self._d(), name.encode("utf-8"))

    def narrow(self):
        """Make the current level look like the top level until :meth:`widen`."""
        c_codec.pn_data_narrow(self._d())

    def widen(self):
        """Undo :meth:`narrow`."""
        c_codec.pn_data_widen(self._d())

    cdef object _type_of(self, pn_data_t *d):
        cdef int t = c_codec.pn_data_type(d)
        if t == c_codec.PN_INVALID:
            return None
        return t

    def type(self):
        """Type code of the current node, or ``None`` when the cursor is on no node."""
        return self._type_of(self._d())

    # -- encoding ----------------------------------------------------------------------------

    def encoded_size(self):
        """Number of bytes :meth:`encode` would produce."""
        cdef ssize_t n = c_codec.pn_data_encoded_size(self._d())
        if n < 0:
            self._check(<int>n)
        return n

    def encode(self):
        """The AMQP encoding of every top-level node, as bytes."""
        return data_encode(self._d())

    def decode(self, encoded):
        """Decode one value from ``encoded`` and append it; return the number of bytes consumed."""
        cdef pn_data_t *d = self._d()
        if type(encoded) is bytes:
            return tree_decode(d, <const unsigned char *>PyBytes_AS_STRING(encoded), PyBytes_GET_SIZE(encoded))
        if isinstance(encoded, str):
            raise TypeError("Data.decode() needs bytes, not str")
        return data_decode_one(d, encoded)

    def format(self):
        """A human-readable rendering of the nodes."""
        cdef size_t size = 1024
        cdef size_t used
        cdef bytes buf
        cdef int err
        while True:
            buf = PyBytes_FromStringAndSize(NULL, size)
            used = size
            err = c_codec.pn_data_format(self._d(), PyBytes_AS_STRING(buf), &used)
            # The engine may stop at the end of the buffer without saying so: a full buffer is retried.
            if err == c_error.PN_OVERFLOW or used + 1 >= size:
                size *= 4
                continue
            self._check(err)
            return buf[:used].decode("utf-8", "replace")

    def dump(self):
        """Print the internal node structure to standard output (debugging aid)."""
        c_codec.pn_data_dump(self._d())

    def copy(self, src):
        """Replace the contents with a copy of ``src`` (another Data)."""
        cdef CData other = <CData?>src
        self._check(c_codec.pn_data_copy(self._d(), other._d()))

    # -- containers --------------------------------------------------------------------------

    def put_list(self):
        """Append an empty list; :meth:`enter` it to add elements."""
        self._check(c_codec.pn_data_put_list(self._d()))

    def put_map(self):
        """Append an empty map; :meth:`enter` it to add alternating keys and values."""
        self._check(c_codec.pn_data_put_map(self._d()))

    def put_array(self, described, element_type):
        """Append an empty array of ``element_type``; a described array takes its descriptor first."""
        self._check(c_codec.pn_data_put_array(self._d(), bool(described), <c_codec.pn_type_t>element_type))

    def put_described(self):
        """Append an empty described value; :meth:`enter` it to add the descriptor then the value."""
        self._check(c_codec.pn_data_put_described(self._d()))

    def get_list(self):
        """Number of elements of the current list node (0 when it is not a list)."""
        return c_codec.pn_data_get_list(self._d())

    def get_map(self):
        """Number of keys plus values of the current map node (0 when it is not a map)."""
        return c_codec.pn_data_get_map(self._d())

    def get_array(self):
        """``(count, described, element_type)`` of the current array node."""
        cdef pn_data_t *d = self._d()
        cdef size_t count = c_codec.pn_data_get_array(d)
        cdef bint described = c_codec.pn_data_is_array_described(d)
        cdef int element_type = c_codec.pn_data_get_array_type(d)
        return count, described, (None if element_type == c_codec.PN_INVALID else element_type)

    def is_described(self):
        """Whether the current node is a described value."""
        return c_codec.pn_data_is_described(self._d())

    def is_null(self):
        """Whether the current node is null."""
        return c_codec.pn_data_is_null(self._d())

    # -- scalars: put ------------------------------------------------------------------------

    def put_null(self):
        self._check(c_codec.pn_data_put_null(self._d()))

    def put_bool(self, b):
        self._check(c_codec.pn_data_put_bool(self._d(), bool(b)))

    def put_ubyte(self, ub):
        self._check(c_codec.pn_data_put_ubyte(self._d(), as_integer(ub)))

    def put_byte(self, b):
        self._check(c_codec.pn_data_put_byte(self._d(), as_integer(b)))

    def put_ushort(self, us):
        self._check(c_codec.pn_data_put_ushort(self._d(), as_integer(us)))

    def put_short(self, s):
        self._check(c_codec.pn_data_put_short(self._d(), as_integer(s)))

    def put_uint(self, ui):
        self._check(c_codec.pn_data_put_uint(self._d(), as_integer(ui)))

    def put_int(self, i):
        self._check(c_codec.pn_data_put_int(self._d(), as_integer(i)))

    def put_char(self, c):
        self._check(c_codec.pn_data_put_char(self._d(), char_code(c)))

    def put_ulong(self, ul):
        self._check(c_codec.pn_data_put_ulong(self._d(), as_integer(ul)))

    def put_long(self, i64):
        self._check(c_codec.pn_data_put_long(self._d(), as_integer(i64)))

    def put_timestamp(self, t):
        self._check(c_codec.pn_data_put_timestamp(self._d(), as_integer(t)))

    def put_float(self, f):
        self._check(c_codec.pn_data_put_float(self._d(), f))

    def put_double(self, d):
        self._check(c_codec.pn_data_put_double(self._d(), d))

    def put_decimal32(self, d):
        self._check(c_codec.pn_data_put_decimal32(self._d(), as_integer(d)))

    def put_decimal64(self, d):
        self._check(c_codec.pn_data_put_decimal64(self._d(), as_integer(d)))

    def put_decimal128(self, d):
        put_decimal128_obj(self._d(), d)

    def put_uuid(self, u):
        put_uuid_obj(self._d(), u)

    def put_binary(self, b):
        put_binary_obj(self._d(), b)

    def put_memoryview(self, mv):
        put_binary_obj(self._d(), mv)

    def put_string(self, s):
        if not isinstance(s, str):
            raise TypeError("put_string needs str, not %s" % type(s).__name__)
        put_utf8(self._d(), s, False)

    def put_symbol(self, s):
        if not isinstance(s, str):
            raise TypeError("put_symbol needs str, not %s" % type(s).__name__)
        put_utf8(self._d(), s, True)

    # -- scalars: get ------------------------------------------------------------------------

    def get_bool(self):
        return True if c_codec.pn_data_get_bool(self._d()) else False

    def get_ubyte(self):
        return T_ubyte(c_codec.pn_data_get_ubyte(self._d()))

    def get_byte(self):
        return T_byte(c_codec.pn_data_get_byte(self._d()))

    def get_ushort(self):
        return T_ushort(c_codec.pn_data_get_ushort(self._d()))

    def get_short(self):
        return T_short(c_codec.pn_data_get_short(self._d()))

    def get_uint(self):
        return T_uint(c_codec.pn_data_get_uint(self._d()))

    def get_int(self):
        return T_int32(c_codec.pn_data_get_int(self._d()))

    def get_char(self):
        return char_value(c_codec.pn_data_get_char(self._d()))

    def get_ulong(self):
        return T_ulong(c_codec.pn_data_get_ulong(self._d()))

    def get_long(self):
        return c_codec.pn_data_get_long(self._d())

    def get_timestamp(self):
        return T_timestamp(c_codec.pn_data_get_timestamp(self._d()))

    def get_float(self):
        return T_float32(c_codec.pn_data_get_float(self._d()))

    def get_double(self):
        return c_codec.pn_data_get_double(self._d())

    def get_decimal32(self):
        return T_decimal32(c_codec.pn_data_get_decimal32(self._d()))

    def get_decimal64(self):
        return T_decimal64(c_codec.pn_data_get_decimal64(self._d()))

    def get_decimal128(self):
        cdef c_codec.pn_decimal128_t dec = c_codec.pn_data_get_decimal128(self._d())
        return T_decimal128(PyBytes_FromStringAndSize(dec.bytes, 16))

    def get_uuid(self):
        cdef pn_data_t *d = self._d()
        cdef c_codec.pn_uuid_t uu
        if c_codec.pn_data_type(d) != c_codec.PN_UUID:
            return None
        uu = c_codec.pn_data_get_uuid(d)
        return uuid_from_raw(uu.bytes)

    def get_binary(self):
        return bytes_to_bytes(c_codec.pn_data_get_binary(self._d()))

    def get_string(self):
        return bytes_to_str(c_codec.pn_data_get_string(self._d()))

    def get_symbol(self):
        return T_symbol(bytes_to_str(c_codec.pn_data_get_symbol(self._d())))

    # -- whole values ------------------------------------------------------------------------

    def put_object(self, obj):
        """Append any supported Python value, converting containers recursively."""
        put_value(self._d(), obj, 0)

    def get_object(self):
        """The Python value of the current node (``None`` when the cursor is on no node)."""
        return get_value(self._d(), 0)

    def put_dict(self, d):
        """Append a Python mapping as an AMQP map."""
        put_map(self._d(), d, 1)

    def get_dict(self):
        """The current map node as a dict."""
        return get_map(self._d(), 1)

    def put_sequence(self, s):
        """Append a Python sequence as an AMQP list."""
        put_list(self._d(), s, 1)

    def get_sequence(self):
        """The current list node as a list."""
        return get_list(self._d(), 1)

    def put_py_described(self, d):
        """Append a :class:`Described`."""
        put_described(self._d(), d, 1)

    def get_py_described(self):
        """The current described node as a :class:`Described`."""
        return get_described(self._d(), 1)

    def put_py_array(self, a):
        """Append an :class:`Array`."""
        put_array(self._d(), a, 1)

    def get_py_array(self):
        """The current array node as an :class:`Array` (``None`` when it is not an array)."""
        return get_array(self._d(), 1)


cdef object wrap_data(pn_data_t *d, object owner):
    """A Data view of a pn_data_t that ``owner`` keeps alive (not freed by the view)."""
    cdef CData obj = new_instance(T_Data)
    obj._impl = d
    obj._owned = False
    obj._owner = owner
    return obj

