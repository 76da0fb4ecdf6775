# SPDX-License-Identifier: Apache-2.0
# Copyright (c) 2026 the cyproton authors
#
# A structural checker for AMQP-encoded bytes. The engine's message decoder skips what it
# does not understand, so random or truncated bytes could otherwise come back as an empty
# message. Before handing bytes to the engine we walk them once here: every constructor
# must be a known format code and every size must fit inside its container. This is pure
# C over a byte buffer and costs a few nanoseconds per value.

DEF MAX_SCAN_DEPTH = 1000
# An array of constructor-only elements (null, true, uint0 ...) takes no bytes per element, so its
# count is not bounded by its size: 17 bytes could ask for four billion values, and arrays of such
# arrays multiply. Every other value takes at least a byte, so what a buffer expands to is bounded
# by its size plus these: one scan (a whole message, or one value) allows this many of them in all
# (the engine's own limit on the values one data tree holds) and refuses the buffer beyond.
DEF MAX_EMPTY_ELEMENTS = 65535


cdef inline uint32_t be32(const unsigned char *p) noexcept nogil:
    return (<uint32_t>p[0] << 24) | (<uint32_t>p[1] << 16) | (<uint32_t>p[2] << 8) | <uint32_t>p[3]


cdef Py_ssize_t fixed_width(unsigned char code) noexcept nogil:
    """Payload width of a fixed-width format code, -1 for a variable one, -2 when unknown."""
    if FC_NULL <= code <= FC_LIST0:
        return 0
    if FC_UBYTE <= code <= FC_BOOLEAN:
        return 1
    if code == FC_USHORT or code == FC_SHORT:
        return 2
    if FC_UINT <= code <= FC_DECIMAL32:
        return 4
    if FC_ULONG <= code <= FC_DECIMAL64:
        return 8
    if code == FC_DECIMAL128 or code == FC_UUID:
        return 16
    if code in (FC_VBIN8, FC_STR8, FC_SYM8, FC_VBIN32, FC_STR32, FC_SYM32, FC_LIST8, FC_MAP8, FC_LIST32, FC_MAP32, FC_ARRAY8, FC_ARRAY32):
        return -1
    return -2


# fixed_width() of every format code, looked up in the scanning loops.
cdef signed char _WIDTH[256]


cdef void _fill_widths() noexcept:
    cdef int code
    for code in range(256):
        _WIDTH[code] = <signed char>fixed_width(<unsigned char>code)


_fill_widths()


cdef inline Py_ssize_t scan_element(const unsigned char *p, Py_ssize_t pos, Py_ssize_t stop, int depth,
                                    Py_ssize_t *empty) noexcept nogil:
    """scan_value() for one element of a list or map, with the common leaves (fixed-width values and
    one-byte-size strings, symbols and binaries) stepped over in place."""
    cdef unsigned char code
    cdef signed char width
    if depth > MAX_SCAN_DEPTH:
        return -1
    if pos < stop:
        code = p[pos]
        width = _WIDTH[code]
        if width >= 0:
            pos += 1 + width
            return pos if pos <= stop else -1
        if width == -1 and (code == FC_VBIN8 or code == FC_STR8 or code == FC_SYM8):
            if pos + 2 > stop:
                return -1
            pos += 2 + p[pos + 1]
            return pos if pos <= stop else -1
    return scan_tree(p, pos, stop, depth, empty)


cdef Py_ssize_t scan_body(const unsigned char *p, unsigned char code, Py_ssize_t pos, Py_ssize_t end,
                          int depth, Py_ssize_t *empty) noexcept nogil:
    """End offset of a value whose constructor ``code`` was already read (payload at ``pos``), or -1.
    ``empty`` counts down the constructor-only array elements the scan still allows."""
    cdef Py_ssize_t width = _WIDTH[code]
    cdef Py_ssize_t size, stop, count, i
    cdef unsigned char element
    if depth > MAX_SCAN_DEPTH or width == -2:
        return -1
    if width >= 0:
        return pos + width if pos + width <= end else -1
    # variable width: 0xa_/0xc_/0xe_ have one-byte sizes, 0xb_/0xd_/0xf_ four-byte sizes
    if (code >> 4) in (0xa, 0xc, 0xe):
        if pos + 1 > end:
            return -1
        size = p[pos]
        pos += 1
    else:
        if pos + 4 > end:
            return -1
        size = be32(p + pos)
        pos += 4
    stop = pos + size
    if size > end - pos:
        return -1
    if (code >> 4) in (0xa, 0xb):
        return stop
    # compound or array: a count comes first
    if code in (FC_LIST8, FC_MAP8, FC_ARRAY8):
        if pos + 1 > stop:
            return -1
        count = p[pos]
        pos += 1
    else:
        if pos + 4 > stop:
            return -1
        count = be32(p + pos)
        pos += 4
    if code == FC_MAP8 or code == FC_MAP32:
        if count % 2:
            return -1
    if code == FC_ARRAY8 or code == FC_ARRAY32:
        if count == 0 and pos == stop:
            return stop
        if pos >= stop:
            return -1
        element = p[pos]
        pos += 1
        if element == FC_DESCRIBED:
            pos = scan_tree(p, pos, stop, depth + 1, empty)
            if pos < 0 or pos >= stop:
                return -1
            element = p[pos]
            pos += 1
        width = _WIDTH[element]
        if width == -2:                                 # no such type (0x00 again included)
            return -1
        if width >= 0:                                  # fixed-width elements: no need to visit each
            if width * count != stop - pos or (count > 0 and depth + 1 > MAX_SCAN_DEPTH):
                return -1
            if width == 0:
                if count > empty[0]:
                    return -1
                empty[0] -= count
            return stop
        for i in range(count):
            pos = scan_body(p, element, pos, stop, depth + 1, empty)
            if pos < 0:
                return -1
        return stop if pos == stop else -1
    for i in range(count):
        pos = scan_element(p, pos, stop, depth + 1, empty)
        if pos < 0:
            return -1
    return stop if pos == stop else -1


cdef Py_ssize_t scan_tree(const unsigned char *p, Py_ssize_t pos, Py_ssize_t end, int depth,
                          Py_ssize_t *empty) noexcept nogil:
    """scan_value() within a larger scan, sharing its allowance of constructor-only elements."""
    cdef unsigned char code
    if depth > MAX_SCAN_DEPTH or pos >= end:
        return -1
    code = p[pos]
    if code == FC_DESCRIBED:
        pos = scan_tree(p, pos + 1, end, depth + 1, empty)      # the descriptor
        if pos < 0:
            return -1
        return scan_tree(p, pos, end, depth + 1, empty)         # the described value
    return scan_body(p, code, pos + 1, end, depth, empty)


cdef Py_ssize_t scan_value(const unsigned char *p, Py_ssize_t pos, Py_ssize_t end, int depth) noexcept nogil:
    """End offset of the complete value that starts at ``pos``, or -1 when it is malformed."""
    cdef Py_ssize_t empty = MAX_EMPTY_ELEMENTS
    return scan_tree(p, pos, end, depth, &empty)


# Section descriptors of a message (AMQP 1.0 part 3), numeric codes.


cdef int64_t section_code(const unsigned char *p, Py_ssize_t pos, Py_ssize_t end) noexcept nogil:
    """The numeric descriptor of the section starting at ``pos`` (after the 0x00), or -1 when symbolic/odd."""
    cdef unsigned char code = p[pos]
    cdef Py_ssize_t i
    cdef int64_t v = 0
    if code == FC_SMALLULONG and pos + 1 < end:
        return p[pos + 1]
    if code == FC_ULONG0:
        return 0
    if code == FC_ULONG and pos + 8 < end:
        for i in range(8):
            v = (v << 8) | p[pos + 1 + i]
        return v
    return -1


cdef int scan_message(const unsigned char *p, Py_ssize_t n, Py_ssize_t *footer_start,
                      Py_ssize_t *footer_end) noexcept nogil:
    """Check that ``p[0:n]`` is a sequence of complete described sections; locate the footer.

    Returns 0 when well formed, -1 otherwise. The footer's value (without its descriptor) is
    reported through ``footer_start``/``footer_end`` (both -1 when there is none).
    """
    cdef Py_ssize_t pos = 0, desc_end, value_end
    cdef Py_ssize_t empty = MAX_EMPTY_ELEMENTS          # for all the sections together
    footer_start[0] = -1
    footer_end[0] = -1
    if n <= 0:
        return -1
    while pos < n:
        if p[pos] != FC_DESCRIBED:
            return -1
        desc_end = scan_tree(p, pos + 1, n, 1, &empty)
        if desc_end < 0:
            return -1
        value_end = scan_tree(p, desc_end, n, 1, &empty)
        if value_end < 0:
            return -1
        if section_code(p, pos + 1, n) == SEC_FOOTER:
            footer_start[0] = desc_end
            footer_end[0] = value_end
        pos = value_end
    return 0


def _scan_value(data):
    """Test hook: the length of the first complete AMQP value in ``data``, or -1 when malformed."""
    cdef const unsigned char[::1] view = data
    if view.shape[0] == 0:
        return -1
    return scan_value(&view[0], 0, view.shape[0], 0)
