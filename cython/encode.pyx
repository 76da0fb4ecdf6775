# SPDX-License-Identifier: Apache-2.0
# Copyright (c) 2026 the cyproton authors
#
# A direct message encoder: Python fields to AMQP bytes in one pass into an EncodeBuffer (pools.pyx),
# without filling an engine message and data trees first. It produces exactly the bytes the
# engine's own message encoder produces (the same choice of compact forms, the same omitted
# trailing nulls in the header and properties lists); the differential tests compare both
# byte for byte. Values it does not handle itself (described values and arrays, whose engine
# encoding has peculiarities) make it give up, and the caller falls back to the engine path.

# Returned by the value encoder when it meets something it leaves to the engine.
DEF GIVE_UP = 1


cdef int enc_utf8(EncodeBuffer b, object s, unsigned char small_code, unsigned char large_code) except -1:
    cdef Py_ssize_t n
    cdef const char *p = PyUnicode_AsUTF8AndSize(s, &n)
    return b.variable(small_code, large_code, p, n)


cdef int enc_binary(EncodeBuffer b, object v) except -1:
    cdef const unsigned char[::1] view
    if type(v) is bytes:
        return b.variable(0xa0, 0xb0, PyBytes_AS_STRING(v), PyBytes_GET_SIZE(v))
    if isinstance(v, memoryview) and not (<memoryview>v).c_contiguous:
        v = (<memoryview>v).tobytes()
    view = v
    if view.shape[0] == 0:
        return b.variable(0xa0, 0xb0, NULL, 0)
    return b.variable(0xa0, 0xb0, <const char *>&view[0], view.shape[0])


cdef int enc_compound(EncodeBuffer b, unsigned char code, Py_ssize_t count) except -1:
    """Open a list32/map32: the code and room for size and count (filled by enc_close)."""
    b.reserve(9)
    b.data[b.size] = code
    b.size += 9
    return 0


cdef inline void enc_close(EncodeBuffer b, Py_ssize_t start, Py_ssize_t count) noexcept:
    # start: offset of the code byte; size counts the bytes after the size field
    b.put32(start + 1, <uint32_t>(b.size - start - 5))
    b.put32(start + 5, <uint32_t>count)


cdef int enc_value(EncodeBuffer b, object o, int depth) except -1:
    """Encode ``o`` as the engine's data encoder would; GIVE_UP for what it leaves to the engine."""
    cdef type t = type(o)
    cdef Py_ssize_t start, count, pos = 0
    cdef PyObject *k
    cdef PyObject *v
    cdef int64_t iv
    cdef uint64_t uv
    cdef double d
    cdef float f
    cdef uint32_t bits32
    cdef uint64_t bits64
    cdef bytes raw
    if depth >= MAX_DEPTH:
        raise DataException("value nested more than %d levels deep" % MAX_DEPTH)
    if t is str:
        return enc_utf8(b, o, 0xa1, 0xb1)
    if t is int:
        iv = o
        if -128 <= iv <= 127:
            b.byte(0x55)
            return b.byte(<unsigned char><int8_t>iv)
        b.byte(0x81)
        return b.u64(<uint64_t>iv)
    if o is None:
        return b.byte(0x40)
    if t is bool:
        return b.byte(0x41 if o is True else 0x42)
    if t is float:
        d = o
        memcpy(&bits64, &d, 8)
        b.byte(0x82)
        return b.u64(bits64)
    if t is bytes:
        return enc_binary(b, o)
    if t is T_symbol:
        return enc_utf8(b, o, 0xa3, 0xb3)
    if t is dict or t is T_AnnotationDict or t is T_PropertyDict:
        start = b.size
        enc_compound(b, 0xd1, 0)
        count = 0
        while PyDict_Next(o, &pos, &k, &v):
            if enc_value(b, <object>k, depth + 1) == GIVE_UP or enc_value(b, <object>v, depth + 1) == GIVE_UP:
                return GIVE_UP
            count += 2
        enc_close(b, start, count)
        return 0
    if t is list or t is tuple or t is T_SymbolList:
        if len(o) == 0:
            return b.byte(0x45)
        start = b.size
        enc_compound(b, 0xd0, 0)
        count = 0
        for item in o:
            if enc_value(b, item, depth + 1) == GIVE_UP:
                return GIVE_UP
            count += 1
        enc_close(b, start, count)
        return 0
    if t is T_ulong:
        uv = o
        if uv == 0:
            return b.byte(0x44)
        if uv < 256:
            b.byte(0x53)
            return b.byte(<unsigned char>uv)
        b.byte(0x80)
        return b.u64(uv)
    if t is T_uint:
        uv = <uint32_t>o
        if uv == 0:
            return b.byte(0x43)
        if uv < 256:
            b.byte(0x52)
            return b.byte(<unsigned char>uv)
        b.byte(0x70)
        return b.u32(<uint32_t>uv)
    if t is T_int32:
        iv = <int32_t>o
        if -128 <= iv <= 127:
            b.byte(0x54)
            return b.byte(<unsigned char><int8_t>iv)
        b.byte(0x71)
        return b.u32(<uint32_t><int32_t>iv)
    if t is T_timestamp:
        b.byte(0x83)
        return b.u64(<uint64_t><int64_t>o)
    if t is T_UUID:
        raw = o.bytes
        b.byte(0x98)
        return b.raw(PyBytes_AS_STRING(raw), 16)
    if t is T_ubyte:
        b.byte(0x50)
        return b.byte(<uint8_t>o)
    if t is T_byte:
        b.byte(0x51)
        return b.byte(<unsigned char><int8_t>o)
    if t is T_ushort:
        b.byte(0x60)
        return b.u16(<uint16_t>o)
    if t is T_short:
        b.byte(0x61)
        return b.u16(<uint16_t><int16_t>o)
    if t is T_float32:
        f = o
        memcpy(&bits32, &f, 4)
        b.byte(0x72)
        return b.u32(bits32)
    if t is T_char:
        b.byte(0x73)
        return b.u32(char_code(o))
    if t is T_decimal32:
        b.byte(0x74)
        return b.u32(<uint32_t>o)
    if t is T_decimal64:
        b.byte(0x84)
        return b.u64(<uint64_t>o)
    if t is bytearray or t is memoryview:
        return enc_binary(b, o)
    return GIVE_UP


# -- the header and properties lists, as the engine's message encoder writes them -------------

cdef class ListWriter:
    """A described list whose null fields are held back: they are written only when a non-null
    field follows, so trailing nulls are omitted (as the engine does for header and properties)."""

    cdef EncodeBuffer b
    cdef Py_ssize_t start
    cdef Py_ssize_t count
    cdef Py_ssize_t nulls

    cdef inline int field(self) except -1:
        while self.nulls:
            self.b.byte(0x40)
            self.count += 1
            self.nulls -= 1
        self.count += 1
        return 0


cdef inline int section_start(EncodeBuffer b, unsigned char descriptor) except -1:
    b.reserve(3)
    b.data[b.size] = 0x00
    b.data[b.size + 1] = 0x53
    b.data[b.size + 2] = descriptor
    b.size += 3
    return 0


cdef int list_begin(EncodeBuffer b, ListWriter w) except -1:
    w.b = b
    w.count = 0
    w.nulls = 0
    w.start = b.size
    enc_compound(b, 0xd0, 0)       # written as list32; made compact by list_end when it fits
    return 0


cdef int list_end(ListWriter w) except -1:
    cdef EncodeBuffer b = w.b
    cdef Py_ssize_t content = b.size - (w.start + 9)
    if w.count == 0:
        b.size = w.start
        return b.byte(0x45)
    if content + 1 <= 255 and w.count <= 255:
        # compact form: list8 with a one-byte size and count
        b.data[w.start] = 0xc0
        b.data[w.start + 1] = <unsigned char>(content + 1)
        b.data[w.start + 2] = <unsigned char>w.count
        memmove(b.data + w.start + 3, b.data + w.start + 9, content)
        b.size = w.start + 3 + content
    else:
        enc_close(b, w.start, w.count)
    return 0


cdef inline int opt_null(ListWriter w) except -1:
    w.nulls += 1
    return 0


cdef int opt_uint(ListWriter w, bint present, uint32_t v) except -1:
    if not present:
        return opt_null(w)
    w.field()
    if v == 0:
        return w.b.byte(0x43)
    if v < 256:
        w.b.byte(0x52)
        return w.b.byte(<unsigned char>v)
    w.b.byte(0x70)
    return w.b.u32(v)


cdef int opt_text(ListWriter w, object s, unsigned char small_code, unsigned char large_code) except -1:
    if s is None:
        return opt_null(w)
    w.field()
    return enc_utf8(w.b, s, small_code, large_code)


cdef int opt_timestamp(ListWriter w, int64_t t) except -1:
    if t == 0:
        return opt_null(w)
    w.field()
    w.b.byte(0x83)
    return w.b.u64(<uint64_t>t)


cdef int opt_msgid(ListWriter w, object v) except -1:
    cdef uint64_t u
    cdef bytes raw
    if v is None:
        return opt_null(w)
    w.field()
    if type(v) is int:
        u = v
        if u == 0:
            return w.b.byte(0x44)
        if u < 256:
            w.b.byte(0x53)
            return w.b.byte(<unsigned char>u)
        w.b.byte(0x80)
        return w.b.u64(u)
    if type(v) is str:
        return enc_utf8(w.b, v, 0xa1, 0xb1)
    if type(v) is bytes:
        return w.b.variable(0xa0, 0xb0, PyBytes_AS_STRING(v), PyBytes_GET_SIZE(v))
    raw = v.bytes
    w.b.byte(0x98)
    return w.b.raw(PyBytes_AS_STRING(raw), 16)


cdef int enc_section(EncodeBuffer b, unsigned char descriptor, object value) except -1:
    """A data section (annotations, application properties, body): GIVE_UP leaves the whole
    message to the engine path."""
    section_start(b, descriptor)
    return enc_value(b, value, 0)
