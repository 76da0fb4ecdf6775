# SPDX-License-Identifier: Apache-2.0
# Copyright (c) 2026 the cyproton authors
#
# A direct AMQP decoder: encoded bytes to Python values in one pass, without building an
# engine data tree first. Message.decode uses it for every section. Input reaching it has
# already passed scan_message() (scan.pyx), so every size and count is known to fit; the
# reads below still never go past ``end``.

cdef inline uint16_t rd16(const unsigned char *p) noexcept nogil:
    return (<uint16_t>p[0] << 8) | p[1]


cdef inline uint64_t rd64(const unsigned char *p) noexcept nogil:
    return (<uint64_t>be32(p) << 32) | be32(p + 4)


cdef inline int pn_type_of(unsigned char code) noexcept nogil:
    """The engine's type number for an AMQP format code (as Array.type reports it)."""
    if code == FC_NULL:
        return c_codec.PN_NULL
    if code == FC_TRUE or code == FC_FALSE or code == FC_BOOLEAN:
        return c_codec.PN_BOOL
    if code == FC_UBYTE:
        return c_codec.PN_UBYTE
    if code == FC_BYTE:
        return c_codec.PN_BYTE
    if code == FC_USHORT:
        return c_codec.PN_USHORT
    if code == FC_SHORT:
        return c_codec.PN_SHORT
    if code == FC_UINT0 or code == FC_SMALLUINT or code == FC_UINT:
        return c_codec.PN_UINT
    if code == FC_SMALLINT or code == FC_INT:
        return c_codec.PN_INT
    if code == FC_CHAR:
        return c_codec.PN_CHAR
    if code == FC_ULONG0 or code == FC_SMALLULONG or code == FC_ULONG:
        return c_codec.PN_ULONG
    if code == FC_SMALLLONG or code == FC_LONG:
        return c_codec.PN_LONG
    if code == FC_TIMESTAMP:
        return c_codec.PN_TIMESTAMP
    if code == FC_FLOAT:
        return c_codec.PN_FLOAT
    if code == FC_DOUBLE:
        return c_codec.PN_DOUBLE
    if code == FC_DECIMAL32:
        return c_codec.PN_DECIMAL32
    if code == FC_DECIMAL64:
        return c_codec.PN_DECIMAL64
    if code == FC_DECIMAL128:
        return c_codec.PN_DECIMAL128
    if code == FC_UUID:
        return c_codec.PN_UUID
    if code == FC_VBIN8 or code == FC_VBIN32:
        return c_codec.PN_BINARY
    if code == FC_STR8 or code == FC_STR32:
        return c_codec.PN_STRING
    if code == FC_SYM8 or code == FC_SYM32:
        return c_codec.PN_SYMBOL
    if code == FC_LIST0 or code == FC_LIST8 or code == FC_LIST32:
        return c_codec.PN_LIST
    if code == FC_MAP8 or code == FC_MAP32:
        return c_codec.PN_MAP
    if code == FC_ARRAY8 or code == FC_ARRAY32:
        return c_codec.PN_ARRAY
    return c_codec.PN_INVALID


cdef object read_body(const unsigned char *p, unsigned char code, Py_ssize_t *pos, Py_ssize_t end, int depth):
    """The value whose constructor ``code`` was read; its payload starts at ``pos[0]``."""
    cdef Py_ssize_t i = pos[0], size, count, n, k
    cdef float f
    cdef double dbl
    cdef uint32_t u32
    cdef uint64_t u64
    cdef unsigned char element
    cdef object descriptor, result
    cdef list items
    cdef dict mapping
    if depth > MAX_DEPTH:
        raise DataException("value nested more than %d levels deep" % MAX_DEPTH)
    # fixed width
    if code == FC_NULL:
        return None
    if code == FC_TRUE:
        return True
    if code == FC_FALSE:
        return False
    if code == FC_LIST0:
        return []
    if code == FC_UINT0:
        return new_int(T_uint, 0)
    if code == FC_ULONG0:
        return new_int(T_ulong, 0)
    if code == FC_SMALLULONG:
        pos[0] = i + 1
        return new_int(T_ulong, p[i])
    if code == FC_SMALLUINT:
        pos[0] = i + 1
        return new_int(T_uint, p[i])
    if code == FC_SMALLLONG:
        pos[0] = i + 1
        return <int8_t>p[i]
    if code == FC_SMALLINT:
        pos[0] = i + 1
        return new_int(T_int32, <int8_t>p[i])
    if code == FC_BOOLEAN:
        pos[0] = i + 1
        return p[i] != 0
    if code == FC_UBYTE:
        pos[0] = i + 1
        return new_int(T_ubyte, p[i])
    if code == FC_BYTE:
        pos[0] = i + 1
        return new_int(T_byte, <int8_t>p[i])
    if code == FC_USHORT:
        pos[0] = i + 2
        return new_int(T_ushort, rd16(p + i))
    if code == FC_SHORT:
        pos[0] = i + 2
        return new_int(T_short, <int16_t>rd16(p + i))
    if code == FC_UINT:
        pos[0] = i + 4
        return new_int(T_uint, be32(p + i))
    if code == FC_INT:
        pos[0] = i + 4
        return new_int(T_int32, <int32_t>be32(p + i))
    if code == FC_FLOAT:
        pos[0] = i + 4
        u32 = be32(p + i)
        memcpy(&f, &u32, 4)
        return T_float32(f)
    if code == FC_CHAR:
        pos[0] = i + 4
        return char_value(be32(p + i))
    if code == FC_DECIMAL32:
        pos[0] = i + 4
        return new_int(T_decimal32, be32(p + i))
    if code == FC_ULONG:
        pos[0] = i + 8
        return new_int(T_ulong, rd64(p + i))
    if code == FC_LONG:
        pos[0] = i + 8
        return <int64_t>rd64(p + i)
    if code == FC_DOUBLE:
        pos[0] = i + 8
        u64 = rd64(p + i)
        memcpy(&dbl, &u64, 8)
        return dbl
    if code == FC_TIMESTAMP:
        pos[0] = i + 8
        return new_int(T_timestamp, <int64_t>rd64(p + i))
    if code == FC_DECIMAL64:
        pos[0] = i + 8
        return new_int(T_decimal64, rd64(p + i))
    if code == FC_DECIMAL128:
        pos[0] = i + 16
        return T_decimal128(PyBytes_FromStringAndSize(<const char *>p + i, 16))
    if code == FC_UUID:
        pos[0] = i + 16
        return uuid_from_raw(<const char *>p + i)
    # variable width
    if code == FC_VBIN8 or code == FC_STR8 or code == FC_SYM8 or code == FC_VBIN32 or code == FC_STR32 or code == FC_SYM32:
        if code < FC_VBIN32:
            size = p[i]
            i += 1
        else:
            size = be32(p + i)
            i += 4
        pos[0] = i + size
        if code == FC_VBIN8 or code == FC_VBIN32:
            return PyBytes_FromStringAndSize(<const char *>p + i, size)
        if code == FC_SYM8 or code == FC_SYM32:
            return shared_name(<const char *>p + i, size, True)
        return utf8_text(<const char *>p + i, size)
    # compound and array: size, count, then the content
    if code == FC_LIST8 or code == FC_MAP8 or code == FC_ARRAY8:
        size = p[i]
        count = p[i + 1]
        i += 2
        n = i - 1 + size
    else:
        size = be32(p + i)
        count = be32(p + i + 4)
        i += 8
        n = i - 4 + size
    pos[0] = n
    if code == FC_LIST8 or code == FC_LIST32:
        items = []
        for k in range(count):
            items.append(read_value(p, &i, n, depth + 1))
        return items
    if code == FC_MAP8 or code == FC_MAP32:
        mapping = {}
        for k in range(0, count, 2):
            if i + 1 < n and p[i] == FC_STR8 and i + 2 + p[i + 1] <= n:     # a short string key
                key = shared_name(<const char *>p + i + 2, p[i + 1], False)
                i += 2 + p[i + 1]
            else:
                key = read_value(p, &i, n, depth + 1)
            map_set(mapping, key, read_value(p, &i, n, depth + 1))
        return mapping
    # arrays
    descriptor = T_UNDESCRIBED
    items = []
    if count == 0 and i >= n:
        return T_Array(descriptor, c_codec.PN_NULL)
    element = p[i]
    i += 1
    if element == FC_DESCRIBED:
        descriptor = read_value(p, &i, n, depth + 1)
        element = p[i]
        i += 1
    for k in range(count):
        items.append(read_body(p, element, &i, n, depth + 1))
    return T_Array(descriptor, pn_type_of(element), *items)


cdef object read_value(const unsigned char *p, Py_ssize_t *pos, Py_ssize_t end, int depth):
    """The complete value at ``pos[0]`` (advanced past it)."""
    cdef unsigned char code
    if pos[0] >= end:
        raise DataException("[%d]: truncated AMQP value" % c_error.PN_UNDERFLOW)
    code = p[pos[0]]
    pos[0] += 1
    if code == FC_DESCRIBED:
        descriptor = read_value(p, pos, end, depth + 1)
        value = read_value(p, pos, end, depth + 1)
        return T_Described(descriptor, value)
    return read_body(p, code, pos, end, depth)


cdef inline object msgid_value(object v):
    """A message-id field as the engine keeps it: ulong, uuid, binary or string (non-negative int and
    long ids, which some peers send, become ulong); anything else is dropped."""
    cdef object t = type(v)
    if t is T_ulong or t is T_int32:
        return int(v) if v >= 0 else None
    if t is int:
        return v if v >= 0 else None
    if t is str or t is bytes or t is T_UUID:
        return v
    return None


cdef inline object text_field(object v):
    """A string field that is not a plain string on the wire (rare): a str cut at a NUL, or None."""
    if v is None or not isinstance(v, str):
        return None
    if type(v) is not str:
        v = str(v)
    if has_nul(v):
        return v[:(<str>v).index("\0")]
    return v


from libc.string cimport memchr


cdef object read_text_field(const unsigned char *p, Py_ssize_t *pos, Py_ssize_t end, bint as_symbol):
    """A string field of the properties list (address, subject, ..., content type as a symbol): cut
    at its first NUL character, as the engine keeps these fields as C strings and python-qpid-proton
    reads them cut there; None when the field is null or not a string (then skipped)."""
    cdef unsigned char code = p[pos[0]]
    cdef Py_ssize_t i = pos[0] + 1, size
    cdef const void *nul
    if code == FC_STR8 or code == FC_SYM8:
        size = p[i]
        i += 1
    elif code == FC_STR32 or code == FC_SYM32:
        size = be32(p + i)
        i += 4
    else:
        value = read_value(p, pos, end, 1)
        if as_symbol:
            return symbol_field(value)
        return text_field(value)
    pos[0] = i + size
    nul = memchr(p + i, 0, size)
    if nul != NULL:
        size = <const unsigned char *>nul - (p + i)
    if as_symbol:
        return shared_name(<const char *>p + i, size, True)
    return utf8_text(<const char *>p + i, size)


cdef object read_properties_map(const unsigned char *p, Py_ssize_t *pos, Py_ssize_t end):
    """The application-properties value: a map with string keys (AMQP 1.0 3.2.5 restricts them to
    strings, and Message.encode refuses others), else MessageException; null is None."""
    cdef unsigned char code = p[pos[0]]
    cdef Py_ssize_t i = pos[0] + 1, count, k, n, size
    cdef dict mapping
    if code == FC_NULL:
        pos[0] = i
        return None
    if code == FC_MAP8:
        count = p[i + 1]
        n = i + 1 + p[i]
        i += 2
    elif code == FC_MAP32:
        count = be32(p + i + 4)
        n = i + 4 + be32(p + i)
        i += 8
    else:
        raise MessageException("[%d]: application-properties must be a map (format code 0x%02x)"
                               % (c_error.PN_ARG_ERR, code))
    mapping = {}
    for k in range(0, count, 2):
        if p[i] == FC_STR8:
            size = p[i + 1]
            key = shared_name(<const char *>p + i + 2, size, False)
            i += 2 + size
        elif p[i] == FC_STR32:
            size = be32(p + i + 1)
            key = shared_name(<const char *>p + i + 5, size, False)
            i += 5 + size
        else:
            raise MessageException("[%d]: application-properties keys must be strings (format code 0x%02x)"
                                   % (c_error.PN_ARG_ERR, p[i]))
        map_set(mapping, key, read_value(p, &i, n, 2))
    pos[0] = n
    return mapping


# -- reading the header and properties lists field by field, without building Python lists -----

cdef Py_ssize_t list_open(const unsigned char *p, Py_ssize_t *pos, Py_ssize_t end, Py_ssize_t *count) except -2:
    """Enter the list at ``pos[0]``: return the offset where its content ends (pos[0] moves to the
    first element, ``count`` gets the element count); -1 when the value is not a list."""
    cdef unsigned char code = p[pos[0]]
    cdef Py_ssize_t i = pos[0] + 1
    if code == FC_LIST0:
        count[0] = 0
        pos[0] = i
        return i
    if code == FC_LIST8:
        count[0] = p[i + 1]
        pos[0] = i + 2
        return i + 1 + p[i]
    if code == FC_LIST32:
        count[0] = be32(p + i + 4)
        pos[0] = i + 8
        return i + 4 + be32(p + i)
    return -1


cdef bint read_uint_field(const unsigned char *p, Py_ssize_t *pos, Py_ssize_t end, uint64_t *out) except -1:
    """An unsigned integer (or boolean) field: True and ``out`` set when present, False for null or
    another type (then skipped)."""
    cdef unsigned char code = p[pos[0]]
    cdef Py_ssize_t i = pos[0] + 1
    if code == FC_NULL:
        pos[0] = i
        return False
    if code == FC_TRUE or code == FC_FALSE:
        out[0] = code == FC_TRUE
        pos[0] = i
        return True
    if code == FC_BOOLEAN or code == FC_UBYTE or code == FC_SMALLUINT or code == FC_SMALLULONG:
        out[0] = p[i]
        pos[0] = i + 1
        return True
    if code == FC_UINT0 or code == FC_ULONG0:
        out[0] = 0
        pos[0] = i
        return True
    if code == FC_USHORT:
        out[0] = rd16(p + i)
        pos[0] = i + 2
        return True
    if code == FC_UINT:
        out[0] = be32(p + i)
        pos[0] = i + 4
        return True
    if code == FC_ULONG or code == FC_TIMESTAMP:
        out[0] = rd64(p + i)
        pos[0] = i + 8
        return True
    pos[0] = scan_value(p, pos[0], end, 1)
    return False


# -- into an engine tree: Data.decode -----------------------------------------------------------
# Data.decode fills its pn_data_t from bytes with these rather than with the engine's decoder, which
# leaves its cursor inside a described value whose value is described (so the sibling after it is
# lost, or lands inside it) and reads arrays past their declared size. The bytes are checked by
# scan_value() first, as Message.decode's are, so sizes and counts below are known to fit.

cdef Py_ssize_t tree_value(pn_data_t *d, const unsigned char *p, Py_ssize_t pos, Py_ssize_t end) except -1:
    """Append the complete value at ``p[pos]`` to ``d``; return the offset just past it."""
    if p[pos] == FC_DESCRIBED:
        data_check(d, c_codec.pn_data_put_described(d))
        c_codec.pn_data_enter(d)
        pos = tree_value(d, p, pos + 1, end)
        pos = tree_value(d, p, pos, end)
        c_codec.pn_data_exit(d)
        return pos
    return tree_body(d, p, p[pos], pos + 1, end)


cdef Py_ssize_t tree_body(pn_data_t *d, const unsigned char *p, unsigned char code, Py_ssize_t i,
                          Py_ssize_t end) except -1:
    """Append the value whose constructor ``code`` was read (payload at ``p[i]``); return its end."""
    cdef Py_ssize_t size, count, n, k
    cdef float f
    cdef double dbl
    cdef uint32_t u32
    cdef uint64_t u64
    cdef unsigned char element
    cdef bint described
    cdef int element_type
    cdef c_codec.pn_decimal128_t dec
    cdef c_codec.pn_uuid_t uu
    if code == FC_NULL:
        data_check(d, c_codec.pn_data_put_null(d))
        return i
    if code == FC_TRUE or code == FC_FALSE:
        data_check(d, c_codec.pn_data_put_bool(d, code == FC_TRUE))
        return i
    if code == FC_BOOLEAN:
        data_check(d, c_codec.pn_data_put_bool(d, p[i] != 0))
        return i + 1
    if code == FC_UINT0:
        data_check(d, c_codec.pn_data_put_uint(d, 0))
        return i
    if code == FC_ULONG0:
        data_check(d, c_codec.pn_data_put_ulong(d, 0))
        return i
    if code == FC_LIST0:
        data_check(d, c_codec.pn_data_put_list(d))
        return i
    if code == FC_UBYTE:
        data_check(d, c_codec.pn_data_put_ubyte(d, p[i]))
        return i + 1
    if code == FC_BYTE:
        data_check(d, c_codec.pn_data_put_byte(d, <int8_t>p[i]))
        return i + 1
    if code == FC_SMALLUINT:
        data_check(d, c_codec.pn_data_put_uint(d, p[i]))
        return i + 1
    if code == FC_SMALLULONG:
        data_check(d, c_codec.pn_data_put_ulong(d, p[i]))
        return i + 1
    if code == FC_SMALLINT:
        data_check(d, c_codec.pn_data_put_int(d, <int8_t>p[i]))
        return i + 1
    if code == FC_SMALLLONG:
        data_check(d, c_codec.pn_data_put_long(d, <int8_t>p[i]))
        return i + 1
    if code == FC_USHORT:
        data_check(d, c_codec.pn_data_put_ushort(d, rd16(p + i)))
        return i + 2
    if code == FC_SHORT:
        data_check(d, c_codec.pn_data_put_short(d, <int16_t>rd16(p + i)))
        return i + 2
    if code == FC_UINT:
        data_check(d, c_codec.pn_data_put_uint(d, be32(p + i)))
        return i + 4
    if code == FC_INT:
        data_check(d, c_codec.pn_data_put_int(d, <int32_t>be32(p + i)))
        return i + 4
    if code == FC_FLOAT:
        u32 = be32(p + i)
        memcpy(&f, &u32, 4)
        data_check(d, c_codec.pn_data_put_float(d, f))
        return i + 4
    if code == FC_CHAR:
        data_check(d, c_codec.pn_data_put_char(d, be32(p + i)))
        return i + 4
    if code == FC_DECIMAL32:
        data_check(d, c_codec.pn_data_put_decimal32(d, be32(p + i)))
        return i + 4
    if code == FC_ULONG:
        data_check(d, c_codec.pn_data_put_ulong(d, rd64(p + i)))
        return i + 8
    if code == FC_LONG:
        data_check(d, c_codec.pn_data_put_long(d, <int64_t>rd64(p + i)))
        return i + 8
    if code == FC_DOUBLE:
        u64 = rd64(p + i)
        memcpy(&dbl, &u64, 8)
        data_check(d, c_codec.pn_data_put_double(d, dbl))
        return i + 8
    if code == FC_TIMESTAMP:
        data_check(d, c_codec.pn_data_put_timestamp(d, <int64_t>rd64(p + i)))
        return i + 8
    if code == FC_DECIMAL64:
        data_check(d, c_codec.pn_data_put_decimal64(d, rd64(p + i)))
        return i + 8
    if code == FC_DECIMAL128:
        memcpy(dec.bytes, p + i, 16)
        data_check(d, c_codec.pn_data_put_decimal128(d, dec))
        return i + 16
    if code == FC_UUID:
        memcpy(uu.bytes, p + i, 16)
        data_check(d, c_codec.pn_data_put_uuid(d, uu))
        return i + 16
    if code == FC_VBIN8 or code == FC_STR8 or code == FC_SYM8 or code == FC_VBIN32 or code == FC_STR32 or code == FC_SYM32:
        if code < FC_VBIN32:
            size = p[i]
            i += 1
        else:
            size = be32(p + i)
            i += 4
        if code == FC_VBIN8 or code == FC_VBIN32:
            data_check(d, c_codec.pn_data_put_binary(d, c_types.pn_bytes(size, <const char *>p + i)))
        elif code == FC_STR8 or code == FC_STR32:
            data_check(d, c_codec.pn_data_put_string(d, c_types.pn_bytes(size, <const char *>p + i)))
        else:
            data_check(d, c_codec.pn_data_put_symbol(d, c_types.pn_bytes(size, <const char *>p + i)))
        return i + size
    # compound and array: size, count, then the content (ending at n)
    if code == FC_LIST8 or code == FC_MAP8 or code == FC_ARRAY8:
        size = p[i]
        count = p[i + 1]
        i += 2
        n = i - 1 + size
    elif code == FC_LIST32 or code == FC_MAP32 or code == FC_ARRAY32:
        size = be32(p + i)
        count = be32(p + i + 4)
        i += 8
        n = i - 4 + size
    else:
        raise DataException("[%d]: unknown AMQP format code 0x%02x" % (c_error.PN_ARG_ERR, code))
    if code == FC_LIST8 or code == FC_LIST32 or code == FC_MAP8 or code == FC_MAP32:
        if code == FC_LIST8 or code == FC_LIST32:
            data_check(d, c_codec.pn_data_put_list(d))
        else:
            data_check(d, c_codec.pn_data_put_map(d))
        c_codec.pn_data_enter(d)
        for k in range(count):
            i = tree_value(d, p, i, n)
        c_codec.pn_data_exit(d)
        return n
    # arrays: [descriptor] element constructor, then the elements' payloads
    if count == 0 and i >= n:
        data_check(d, c_codec.pn_data_put_array(d, False, c_codec.PN_NULL))
        return n
    element = p[i]
    described = element == FC_DESCRIBED
    if described:
        k = scan_value(p, i + 1, n, 1)          # where the descriptor ends
        element = p[k]
    element_type = pn_type_of(element)
    if element_type == c_codec.PN_INVALID:
        raise DataException("[%d]: invalid array element constructor 0x%02x" % (c_error.PN_ARG_ERR, element))
    data_check(d, c_codec.pn_data_put_array(d, described, <c_codec.pn_type_t>element_type))
    c_codec.pn_data_enter(d)
    if described:
        tree_value(d, p, i + 1, n)
        i = k
    i += 1
    for k in range(count):
        i = tree_body(d, p, element, i, n)
    c_codec.pn_data_exit(d)
    return n


cdef Py_ssize_t tree_decode(pn_data_t *d, const unsigned char *p, Py_ssize_t n) except -1:
    """Data.decode: append the first value of ``p[0:n]`` to ``d``; return the bytes it took."""
    cdef Py_ssize_t stop
    if n <= 0:
        raise DataException("[%d]: no data to decode" % c_error.PN_UNDERFLOW)
    stop = scan_value(p, 0, n, 0)
    if stop < 0:
        raise DataException("[%d]: malformed AMQP encoding (%d bytes)" % (c_error.PN_ARG_ERR, n))
    tree_value(d, p, 0, stop)
    return stop
