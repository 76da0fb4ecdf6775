# SPDX-License-Identifier: Apache-2.0
# Copyright (c) 2026 the cyproton authors
#
# A direct message encoder: Python fields to AMQP bytes in one pass into an EncodeBuffer (pools.pyx),
# without filling an engine message and data trees first. It produces exactly the bytes the
# engine's own message encoder produces (the same choice of compact forms, the same omitted
# trailing nulls in the header and properties lists, arrays written the engine's way: array32
# always, one constructor of the widest form for all the elements); the differential tests and
# the codec fuzzer compare both byte for byte. It does not depend on the engine's data tree, so
# it has no limit on the number of values (the tree holds at most 65535): whatever the decoder
# accepted encodes again. It gives up only on what it does not write itself (an array whose
# elements are not all of its type, described array elements, application-registered types),
# and the caller then falls back to the engine path.

# Returned by the value encoder when it meets something it leaves to the engine.
DEF GIVE_UP = 1


cdef int enc_utf8(EncodeBuffer b, object s, unsigned char small_code, unsigned char large_code) except -1:
    cdef Py_ssize_t n
    cdef const char *p = PyUnicode_AsUTF8AndSize(s, &n)
    return b.variable(small_code, large_code, p, n)


cdef int enc_binary(EncodeBuffer b, object v) except -1:
    cdef const unsigned char[::1] view
    if type(v) is bytes:
        return b.variable(FC_VBIN8, FC_VBIN32, PyBytes_AS_STRING(v), PyBytes_GET_SIZE(v))
    if isinstance(v, memoryview) and not (<memoryview>v).c_contiguous:
        v = (<memoryview>v).tobytes()
    view = v
    if view.shape[0] == 0:
        return b.variable(FC_VBIN8, FC_VBIN32, NULL, 0)
    return b.variable(FC_VBIN8, FC_VBIN32, <const char *>&view[0], view.shape[0])


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


cdef int value_type(object o):
    """The AMQP type put_value() (codec.pyx) gives the Python value ``o``; PN_INVALID for a type
    it leaves to an application-registered putter."""
    cdef type t = type(o)
    if t is str:
        return c_codec.PN_STRING
    if t is int:
        return c_codec.PN_LONG
    if o is None:
        return c_codec.PN_NULL
    if t is bool:
        return c_codec.PN_BOOL
    if t is float:
        return c_codec.PN_DOUBLE
    if t is bytes or t is bytearray or t is memoryview:
        return c_codec.PN_BINARY
    if t is T_symbol:
        return c_codec.PN_SYMBOL
    if t is dict or t is T_AnnotationDict or t is T_PropertyDict:
        return c_codec.PN_MAP
    if t is list or t is tuple or t is T_SymbolList:
        return c_codec.PN_LIST
    if t is T_Described:
        return c_codec.PN_DESCRIBED
    if t is T_Array:
        return c_codec.PN_ARRAY
    if t is T_ulong:
        return c_codec.PN_ULONG
    if t is T_uint:
        return c_codec.PN_UINT
    if t is T_int32:
        return c_codec.PN_INT
    if t is T_timestamp:
        return c_codec.PN_TIMESTAMP
    if t is T_UUID:
        return c_codec.PN_UUID
    if t is T_ubyte:
        return c_codec.PN_UBYTE
    if t is T_byte:
        return c_codec.PN_BYTE
    if t is T_ushort:
        return c_codec.PN_USHORT
    if t is T_short:
        return c_codec.PN_SHORT
    if t is T_float32:
        return c_codec.PN_FLOAT
    if t is T_char:
        return c_codec.PN_CHAR
    if t is T_decimal32:
        return c_codec.PN_DECIMAL32
    if t is T_decimal64:
        return c_codec.PN_DECIMAL64
    if t is T_decimal128:
        return c_codec.PN_DECIMAL128
    return c_codec.PN_INVALID


cdef unsigned char element_code(int element_type) noexcept:
    """The one constructor the engine writes for all the elements of an array of ``element_type``:
    the widest form of the type, so that every element has the same width. 0 for described
    elements, which the direct encoder leaves to the engine."""
    if element_type == c_codec.PN_NULL:
        return FC_NULL
    if element_type == c_codec.PN_BOOL:
        return FC_BOOLEAN
    if element_type == c_codec.PN_UBYTE:
        return FC_UBYTE
    if element_type == c_codec.PN_BYTE:
        return FC_BYTE
    if element_type == c_codec.PN_USHORT:
        return FC_USHORT
    if element_type == c_codec.PN_SHORT:
        return FC_SHORT
    if element_type == c_codec.PN_UINT:
        return FC_UINT
    if element_type == c_codec.PN_INT:
        return FC_INT
    if element_type == c_codec.PN_CHAR:
        return FC_CHAR
    if element_type == c_codec.PN_FLOAT:
        return FC_FLOAT
    if element_type == c_codec.PN_DECIMAL32:
        return FC_DECIMAL32
    if element_type == c_codec.PN_ULONG:
        return FC_ULONG
    if element_type == c_codec.PN_LONG:
        return FC_LONG
    if element_type == c_codec.PN_DOUBLE:
        return FC_DOUBLE
    if element_type == c_codec.PN_TIMESTAMP:
        return FC_TIMESTAMP
    if element_type == c_codec.PN_DECIMAL64:
        return FC_DECIMAL64
    if element_type == c_codec.PN_DECIMAL128:
        return FC_DECIMAL128
    if element_type == c_codec.PN_UUID:
        return FC_UUID
    if element_type == c_codec.PN_BINARY:
        return FC_VBIN32
    if element_type == c_codec.PN_STRING:
        return FC_STR32
    if element_type == c_codec.PN_SYMBOL:
        return FC_SYM32
    if element_type == c_codec.PN_LIST:
        return FC_LIST32
    if element_type == c_codec.PN_MAP:
        return FC_MAP32
    if element_type == c_codec.PN_ARRAY:
        return FC_ARRAY32
    return 0


cdef int enc_decimal128(EncodeBuffer b, object o) except -1:
    cdef bytes raw = bytes(o)
    if PyBytes_GET_SIZE(raw) != 16:
        raise DataException("decimal128 needs exactly 16 bytes, got %d" % PyBytes_GET_SIZE(raw))
    return b.raw(PyBytes_AS_STRING(raw), 16)


cdef int enc_wide_bytes(EncodeBuffer b, object o) except -1:
    """A string, symbol or binary array element: four-byte size, then the bytes."""
    cdef Py_ssize_t n
    cdef const char *text
    cdef const unsigned char[::1] view
    if type(o) is str or type(o) is T_symbol:
        text = PyUnicode_AsUTF8AndSize(o, &n)
    elif type(o) is bytes:
        text = PyBytes_AS_STRING(o)
        n = PyBytes_GET_SIZE(o)
    else:
        if isinstance(o, memoryview) and not (<memoryview>o).c_contiguous:
            o = (<memoryview>o).tobytes()
        view = o
        n = view.shape[0]
        text = <const char *>&view[0] if n else NULL
    b.u32(<uint32_t>n)
    return b.raw(text, n)


cdef inline bint is_byte_string(int pn_type) noexcept:
    """Binary, string and symbol: an array of one takes elements of the others byte for byte."""
    return pn_type == c_codec.PN_BINARY or pn_type == c_codec.PN_STRING or pn_type == c_codec.PN_SYMBOL


cdef int enc_low_bytes(EncodeBuffer b, uint64_t v, int element_type) except -1:
    """The low 1, 2, 4 or 8 bytes of ``v``, as many as an integer of ``element_type`` takes."""
    if element_type == c_codec.PN_UBYTE or element_type == c_codec.PN_BYTE:
        return b.byte(<unsigned char>(v & 0xff))
    if element_type == c_codec.PN_USHORT or element_type == c_codec.PN_SHORT:
        return b.u16(<uint16_t>(v & 0xffff))
    if element_type == c_codec.PN_UINT or element_type == c_codec.PN_INT:
        return b.u32(<uint32_t>(v & 0xffffffffu))
    return b.u64(v)


cdef int enc_element(EncodeBuffer b, object o, int element_type, int depth) except -1:
    """One element of an array of ``element_type``, without its constructor (written once for all);
    GIVE_UP when ``o`` is not of that type."""
    cdef Py_ssize_t start, count, pos = 0
    cdef PyObject *k
    cdef PyObject *v
    cdef double d
    cdef float f
    cdef uint32_t bits32
    cdef uint64_t bits64
    cdef bytes raw
    cdef int64_t iv
    cdef int given = value_type(o)
    if depth >= MAX_DEPTH:
        raise DataException("value nested more than %d levels deep" % MAX_DEPTH)
    if given != element_type:
        if given == c_codec.PN_LONG and c_codec.PN_UBYTE <= element_type <= c_codec.PN_TIMESTAMP \
                and element_type != c_codec.PN_CHAR:
            # a plain int in an array of another integer type: the engine stores it as a long and
            # writes the low bytes the array's type has room for; so does this
            iv = o
            return enc_low_bytes(b, <uint64_t>iv, element_type)
        if not (is_byte_string(given) and is_byte_string(element_type)):
            return GIVE_UP
    if element_type == c_codec.PN_NULL:
        return 0
    if element_type == c_codec.PN_BOOL:
        return b.byte(1 if o is True else 0)
    if element_type == c_codec.PN_UBYTE:
        return b.byte(<uint8_t>o)
    if element_type == c_codec.PN_BYTE:
        return b.byte(<unsigned char><int8_t>o)
    if element_type == c_codec.PN_USHORT:
        return b.u16(<uint16_t>o)
    if element_type == c_codec.PN_SHORT:
        return b.u16(<uint16_t><int16_t>o)
    if element_type == c_codec.PN_UINT or element_type == c_codec.PN_DECIMAL32:
        return b.u32(<uint32_t>o)
    if element_type == c_codec.PN_INT:
        return b.u32(<uint32_t><int32_t>o)
    if element_type == c_codec.PN_CHAR:
        return b.u32(char_code(o))
    if element_type == c_codec.PN_FLOAT:
        f = o
        memcpy(&bits32, &f, 4)
        return b.u32(bits32)
    if element_type == c_codec.PN_ULONG or element_type == c_codec.PN_DECIMAL64:
        return b.u64(<uint64_t>o)
    if element_type == c_codec.PN_LONG or element_type == c_codec.PN_TIMESTAMP:
        return b.u64(<uint64_t><int64_t>o)
    if element_type == c_codec.PN_DOUBLE:
        d = o
        memcpy(&bits64, &d, 8)
        return b.u64(bits64)
    if element_type == c_codec.PN_DECIMAL128:
        return enc_decimal128(b, o)
    if element_type == c_codec.PN_UUID:
        raw = o.bytes
        return b.raw(PyBytes_AS_STRING(raw), 16)
    if element_type == c_codec.PN_BINARY or element_type == c_codec.PN_STRING \
            or element_type == c_codec.PN_SYMBOL:
        return enc_wide_bytes(b, o)
    if element_type == c_codec.PN_ARRAY:
        return enc_array_body(b, o, depth + 1)
    # a list or map element: size and count (four bytes each, even when empty), then its values
    # with their own constructors
    start = b.size
    b.reserve(8)
    b.size += 8
    count = 0
    if element_type == c_codec.PN_LIST:
        for item in o:
            if enc_value(b, item, depth + 1) == GIVE_UP:
                return GIVE_UP
            count += 1
    else:
        while PyDict_Next(o, &pos, &k, &v):
            if enc_value(b, <object>k, depth + 1) == GIVE_UP or enc_value(b, <object>v, depth + 1) == GIVE_UP:
                return GIVE_UP
            count += 2
    b.put32(start, <uint32_t>(b.size - start - 4))
    b.put32(start + 4, <uint32_t>count)
    return 0


cdef int enc_array_body(EncodeBuffer b, object arr, int depth) except -1:
    """An array after its 0xf0: size, count, the descriptor when it has one, the elements'
    constructor, then the elements."""
    cdef int element_type = arr.type
    cdef unsigned char code
    cdef Py_ssize_t start = b.size
    cdef object elements = arr.elements
    if element_type < c_codec.PN_NULL or element_type > c_codec.PN_MAP:
        raise DataException("[%d]: invalid array element type %r" % (c_error.PN_ARG_ERR, arr.type))
    code = element_code(element_type)
    if code == 0:
        return GIVE_UP
    b.reserve(8)
    b.size += 8
    if arr.descriptor != T_UNDESCRIBED:
        b.byte(FC_DESCRIBED)
        if enc_value(b, arr.descriptor, depth) == GIVE_UP:
            return GIVE_UP
    b.byte(code)
    for item in elements:
        if enc_element(b, item, element_type, depth) == GIVE_UP:
            return GIVE_UP
    b.put32(start, <uint32_t>(b.size - start - 4))
    b.put32(start + 4, <uint32_t>len(elements))
    return 0


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
        return enc_utf8(b, o, FC_STR8, FC_STR32)
    if t is int:
        iv = o
        if -128 <= iv <= 127:
            b.byte(FC_SMALLLONG)
            return b.byte(<unsigned char><int8_t>iv)
        b.byte(FC_LONG)
        return b.u64(<uint64_t>iv)
    if o is None:
        return b.byte(FC_NULL)
    if t is bool:
        return b.byte(FC_TRUE if o is True else FC_FALSE)
    if t is float:
        d = o
        memcpy(&bits64, &d, 8)
        b.byte(FC_DOUBLE)
        return b.u64(bits64)
    if t is bytes:
        return enc_binary(b, o)
    if t is T_symbol:
        return enc_utf8(b, o, FC_SYM8, FC_SYM32)
    if t is dict or t is T_AnnotationDict or t is T_PropertyDict:
        start = b.size
        enc_compound(b, FC_MAP32, 0)
        count = 0
        while PyDict_Next(o, &pos, &k, &v):
            if enc_value(b, <object>k, depth + 1) == GIVE_UP or enc_value(b, <object>v, depth + 1) == GIVE_UP:
                return GIVE_UP
            count += 2
        enc_close(b, start, count)
        return 0
    if t is list or t is tuple or t is T_SymbolList:
        if len(o) == 0:
            return b.byte(FC_LIST0)
        start = b.size
        enc_compound(b, FC_LIST32, 0)
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
            return b.byte(FC_ULONG0)
        if uv < 256:
            b.byte(FC_SMALLULONG)
            return b.byte(<unsigned char>uv)
        b.byte(FC_ULONG)
        return b.u64(uv)
    if t is T_uint:
        uv = <uint32_t>o
        if uv == 0:
            return b.byte(FC_UINT0)
        if uv < 256:
            b.byte(FC_SMALLUINT)
            return b.byte(<unsigned char>uv)
        b.byte(FC_UINT)
        return b.u32(<uint32_t>uv)
    if t is T_int32:
        iv = <int32_t>o
        if -128 <= iv <= 127:
            b.byte(FC_SMALLINT)
            return b.byte(<unsigned char><int8_t>iv)
        b.byte(FC_INT)
        return b.u32(<uint32_t><int32_t>iv)
    if t is T_timestamp:
        b.byte(FC_TIMESTAMP)
        return b.u64(<uint64_t><int64_t>o)
    if t is T_UUID:
        raw = o.bytes
        b.byte(FC_UUID)
        return b.raw(PyBytes_AS_STRING(raw), 16)
    if t is T_ubyte:
        b.byte(FC_UBYTE)
        return b.byte(<uint8_t>o)
    if t is T_byte:
        b.byte(FC_BYTE)
        return b.byte(<unsigned char><int8_t>o)
    if t is T_ushort:
        b.byte(FC_USHORT)
        return b.u16(<uint16_t>o)
    if t is T_short:
        b.byte(FC_SHORT)
        return b.u16(<uint16_t><int16_t>o)
    if t is T_float32:
        f = o
        memcpy(&bits32, &f, 4)
        b.byte(FC_FLOAT)
        return b.u32(bits32)
    if t is T_char:
        b.byte(FC_CHAR)
        return b.u32(char_code(o))
    if t is T_decimal32:
        b.byte(FC_DECIMAL32)
        return b.u32(<uint32_t>o)
    if t is T_decimal64:
        b.byte(FC_DECIMAL64)
        return b.u64(<uint64_t>o)
    if t is bytearray or t is memoryview:
        return enc_binary(b, o)
    if t is T_Described:
        b.byte(FC_DESCRIBED)
        if enc_value(b, o.descriptor, depth + 1) == GIVE_UP:
            return GIVE_UP
        return enc_value(b, o.value, depth + 1)
    if t is T_Array:
        b.byte(FC_ARRAY32)
        return enc_array_body(b, o, depth + 1)
    if t is T_decimal128:
        b.byte(FC_DECIMAL128)
        return enc_decimal128(b, o)
    return GIVE_UP


# -- the header and properties lists, as the engine's message encoder writes them -------------

cdef class ListWriter:
    """A described list whose null fields are held back: they are written only when a non-null
    field follows, so trailing nulls are omitted (as the engine does for header and properties)."""


    cdef inline int field(self) except -1:
        while self.nulls:
            self.b.byte(FC_NULL)
            self.count += 1
            self.nulls -= 1
        self.count += 1
        return 0


cdef inline int section_start(EncodeBuffer b, unsigned char descriptor) except -1:
    b.reserve(3)
    b.data[b.size] = FC_DESCRIBED
    b.data[b.size + 1] = FC_SMALLULONG
    b.data[b.size + 2] = descriptor
    b.size += 3
    return 0


cdef int list_begin(EncodeBuffer b, ListWriter w) except -1:
    w.b = b
    w.count = 0
    w.nulls = 0
    w.start = b.size
    enc_compound(b, FC_LIST32, 0)       # written as list32; made compact by list_end when it fits
    return 0


cdef int list_end(ListWriter w) except -1:
    cdef EncodeBuffer b = w.b
    cdef Py_ssize_t content = b.size - (w.start + 9)
    if w.count == 0:
        b.size = w.start
        return b.byte(FC_LIST0)
    if content + 1 <= 255 and w.count <= 255:
        # compact form: list8 with a one-byte size and count
        b.data[w.start] = FC_LIST8
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
        return w.b.byte(FC_UINT0)
    if v < 256:
        w.b.byte(FC_SMALLUINT)
        return w.b.byte(<unsigned char>v)
    w.b.byte(FC_UINT)
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
    w.b.byte(FC_TIMESTAMP)
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
            return w.b.byte(FC_ULONG0)
        if u < 256:
            w.b.byte(FC_SMALLULONG)
            return w.b.byte(<unsigned char>u)
        w.b.byte(FC_ULONG)
        return w.b.u64(u)
    if type(v) is str:
        return enc_utf8(w.b, v, FC_STR8, FC_STR32)
    if type(v) is bytes:
        return w.b.variable(FC_VBIN8, FC_VBIN32, PyBytes_AS_STRING(v), PyBytes_GET_SIZE(v))
    raw = v.bytes
    w.b.byte(FC_UUID)
    return w.b.raw(PyBytes_AS_STRING(raw), 16)


cdef int enc_section(EncodeBuffer b, unsigned char descriptor, object value) except -1:
    """A data section (annotations, application properties, body): GIVE_UP leaves the whole
    message to the engine path."""
    section_start(b, descriptor)
    return enc_value(b, value, 0)
