# SPDX-License-Identifier: Apache-2.0
# Copyright (c) 2026 the cyproton authors
#
# CMessage, the base of proton.Message. Every field lives in this object as a C value or a
# Python object, so reading and writing a field never crosses into the engine. Only
# encode() and decode() touch the engine: they fill (or read) a pn_message_t that the
# module keeps for the purpose (leased from pools.pyx), so a Message costs no engine allocation of
# its own.

from proton._exceptions import MessageException as _MessageException

cdef inline int msg_check(pn_message_t *m, int code) except -1:
    if code < 0:
        return check(code, c_message.pn_message_error(m), MessageException)
    return code


cdef extern from *:
    """
    /* Whether the str s holds a NUL character (a memchr over one-byte text, the common case). */
    static int cyproton_has_nul(PyObject *s) {
        Py_ssize_t n = PyUnicode_GET_LENGTH(s);
        if (PyUnicode_KIND(s) == PyUnicode_1BYTE_KIND)
            return memchr(PyUnicode_DATA(s), 0, (size_t)n) != NULL;
        return PyUnicode_FindChar(s, 0, 0, n, 1) >= 0;
    }
    """
    bint has_nul "cyproton_has_nul" (str s)


cdef inline object seconds_to_ms(object value):
    """Seconds (int or float) as whole milliseconds, truncated as int(value * 1000) truncates."""
    cdef double ms
    if type(value) is float:
        ms = <double>value * 1000.0
        if -9.0e15 < ms < 9.0e15:          # exact in a double, so the C truncation agrees with int()
            return <long long>ms
    return int(value * 1000)


cdef object optional_str(object value, str field):
    """Validate a string field: ``None`` or a str (subclasses become plain str)."""
    if value is None:
        return None
    if type(value) is str:
        s = value
    elif isinstance(value, str):
        s = str(value)
    else:
        raise TypeError("Message.%s must be a str or None, not %s" % (field, type(value).__name__))
    if has_nul(s):
        raise ValueError("Message.%s must not contain NUL characters" % field)
    return s


cdef object checked_msgid(object value, str field):
    """Validate a message-id: None, an unsigned int (< 2**64), str, bytes or uuid.UUID."""
    if value is None:
        return None
    if type(value) is str:
        return value
    if isinstance(value, int):
        if value < 0:
            raise OverflowError("Message.%s: can't convert negative number to unsigned" % field)
        if value > 0xFFFFFFFFFFFFFFFF:
            raise OverflowError("Message.%s: %d does not fit in an unsigned 64-bit integer" % (field, value))
        return int(value)
    if isinstance(value, str):
        return str(value)
    if isinstance(value, (bytes, bytearray, memoryview)):
        return bytes(value)
    if isinstance(value, T_UUID):
        return value
    raise TypeError("Message.%s must be an unsigned int, str, bytes or uuid.UUID, not %s"
                    % (field, type(value).__name__))


cdef int set_msgid(pn_message_t *m, object value, bint correlation) except -1:
    cdef c_codec.pn_msgid_t atom
    cdef Py_ssize_t n
    cdef const char *p
    cdef bytes raw
    if value is None:
        return 0
    if type(value) is int:
        atom.type = c_codec.PN_ULONG
        atom.u.as_ulong = value
    elif type(value) is str:
        p = PyUnicode_AsUTF8AndSize(value, &n)
        atom.type = c_codec.PN_STRING
        atom.u.as_bytes = c_types.pn_bytes(n, p)
    elif type(value) is bytes:
        atom.type = c_codec.PN_BINARY
        atom.u.as_bytes = c_types.pn_bytes(PyBytes_GET_SIZE(value), PyBytes_AS_STRING(value))
    else:
        raw = value.bytes
        atom.type = c_codec.PN_UUID
        memcpy(atom.u.as_uuid.bytes, PyBytes_AS_STRING(raw), 16)
    if correlation:
        return msg_check(m, c_message.pn_message_set_correlation_id(m, atom))
    return msg_check(m, c_message.pn_message_set_id(m, atom))


cdef object get_msgid(c_codec.pn_msgid_t atom):
    if atom.type == c_codec.PN_ULONG:
        return PyLong_FromUnsignedLongLong(atom.u.as_ulong)
    if atom.type == c_codec.PN_STRING:
        return bytes_to_str(atom.u.as_bytes)
    if atom.type == c_codec.PN_BINARY:
        return bytes_to_bytes(atom.u.as_bytes)
    if atom.type == c_codec.PN_UUID:
        return uuid_from_raw(atom.u.as_uuid.bytes)
    # Other integer kinds (some peers send int or long ids): keep non-negative values.
    if atom.type == c_codec.PN_INT and atom.u.as_int >= 0:
        return atom.u.as_int
    if atom.type == c_codec.PN_LONG and atom.u.as_long >= 0:
        return atom.u.as_long
    return None


cdef inline object c_str(const char *s):
    if s == NULL:
        return None
    return PyUnicode_DecodeUTF8(s, strlen(s), NULL)


# The message's string fields the engine keeps as C strings (see set_cstr).
cdef enum CStrField:
    CS_ADDRESS
    CS_SUBJECT
    CS_REPLY_TO
    CS_CONTENT_TYPE
    CS_CONTENT_ENCODING
    CS_GROUP_ID
    CS_REPLY_TO_GROUP_ID


cdef int set_cstr(pn_message_t *m, object value, CStrField which) except -1:
    cdef const char *p
    cdef int rc
    if value is None:
        return 0
    p = PyUnicode_AsUTF8AndSize(value, NULL)
    if which == CS_ADDRESS:
        rc = c_message.pn_message_set_address(m, p)
    elif which == CS_SUBJECT:
        rc = c_message.pn_message_set_subject(m, p)
    elif which == CS_REPLY_TO:
        rc = c_message.pn_message_set_reply_to(m, p)
    elif which == CS_CONTENT_TYPE:
        rc = c_message.pn_message_set_content_type(m, p)
    elif which == CS_CONTENT_ENCODING:
        rc = c_message.pn_message_set_content_encoding(m, p)
    elif which == CS_GROUP_ID:
        rc = c_message.pn_message_set_group_id(m, p)
    else:
        rc = c_message.pn_message_set_reply_to_group_id(m, p)
    return msg_check(m, rc)


cdef int put_section(pn_data_t *d, object value) except -1:
    c_codec.pn_data_clear(d)
    if value is not None:
        put_value(d, value, 0)
    return 0


cdef object _NONE_SYMBOL = None


cdef inline object symbol_field(object v):
    """A content type or encoding as kept: a symbol (cut at a NUL, as text_field), or None."""
    if v is None:
        return None
    if not isinstance(v, str):
        return None
    if has_nul(<str>v):
        return T_symbol(v[:(<str>v).index("\0")])
    if type(v) is T_symbol:
        return v
    return T_symbol(v)


cdef inline object symbol_of(object text):
    """``text`` as a symbol (python-qpid-proton reads an unset content type as symbol('None'))."""
    global _NONE_SYMBOL
    if text is None:
        if _NONE_SYMBOL is None:
            _NONE_SYMBOL = T_symbol(None)
        return _NONE_SYMBOL
    if type(text) is T_symbol:
        return text
    return T_symbol(text)


cdef inline object annotation_map(object value):
    """Decoded delivery and message annotations come back as AnnotationDict, like python-qpid-proton."""
    if type(value) is dict:
        return new_annotation_dict(value)
    return value


cdef object get_section(pn_data_t *d):
    c_codec.pn_data_rewind(d)
    if c_codec.pn_data_next(d):
        return get_value(d, 0)
    return None


cdef object check_property_keys(object props):
    """Application-property keys must be strings: str subclasses other than symbol and char become
    plain str; anything else is refused with MessageException. Properties that are not a mapping
    fail on their missing ``keys()`` (AttributeError), as in python-qpid-proton."""
    cdef list renamed = None
    keys = props if type(props) is dict else props.keys()
    for key in keys:
        kt = type(key)
        if kt is str:
            continue
        if kt is T_symbol or kt is T_char or not isinstance(key, str):
            raise MessageException("Application property key is not string type: key=%s %s" % (key, kt))
        if renamed is None:
            renamed = []
        renamed.append(key)
    if renamed is not None:
        for key in renamed:
            props[str(key)] = props.pop(key)
    return props


# The fields Message(...) takes as keywords, numbered for CMessage._assign; MESSAGE_FIELD_NAMES names
# them in the same order (checked where the index below is built).
cdef enum MessageField:
    F_INFERRED = 0
    F_DURABLE
    F_PRIORITY
    F_TTL
    F_FIRST_ACQUIRER
    F_DELIVERY_COUNT
    F_ID
    F_CORRELATION_ID
    F_USER_ID
    F_ADDRESS
    F_SUBJECT
    F_REPLY_TO
    F_CONTENT_TYPE
    F_CONTENT_ENCODING
    F_EXPIRY_TIME
    F_CREATION_TIME
    F_GROUP_ID
    F_GROUP_SEQUENCE
    F_REPLY_TO_GROUP_ID
    F_INSTRUCTIONS
    F_ANNOTATIONS
    F_BODY
    F_PROPERTIES
    F_FOOTER
    F_COUNT

cdef tuple MESSAGE_FIELD_NAMES = (
    "inferred", "durable", "priority", "ttl", "first_acquirer", "delivery_count", "id", "correlation_id",
    "user_id", "address", "subject", "reply_to", "content_type", "content_encoding", "expiry_time",
    "creation_time", "group_id", "group_sequence", "reply_to_group_id", "instructions", "annotations", "body",
    "properties", "footer",)
cdef dict MESSAGE_FIELD_INDEX = {name: i for i, name in enumerate(MESSAGE_FIELD_NAMES)}


# The keyword names a call passes are interned strings, the very objects that key the dict above:
# a table indexed by their address finds a field without hashing (a miss falls back to the dict).
DEF FIELD_SLOTS = 256
cdef PyObject *_field_names[FIELD_SLOTS]
cdef int _field_numbers[FIELD_SLOTS]


cdef inline Py_ssize_t field_slot(PyObject *name) noexcept:
    return (<size_t>name >> 4) & (FIELD_SLOTS - 1)


cdef int _index_field_names() except -1:
    cdef Py_ssize_t slot
    if len(MESSAGE_FIELD_NAMES) != F_COUNT:
        raise ImportError("MESSAGE_FIELD_NAMES and MessageField disagree")
    for name, number in MESSAGE_FIELD_INDEX.items():
        slot = field_slot(<PyObject *>name)
        if _field_names[slot] == NULL:
            _field_names[slot] = <PyObject *>name     # kept alive by MESSAGE_FIELD_INDEX
            _field_numbers[slot] = number
    return 0


_index_field_names()


cdef inline int field_number(PyObject *name) except -2:
    """The _assign number of the keyword ``name``, or -1 when it names no field."""
    cdef Py_ssize_t slot = field_slot(name)
    cdef PyObject *found
    if _field_names[slot] == name:
        return _field_numbers[slot]
    found = PyDict_GetItemWithError(MESSAGE_FIELD_INDEX, <object>name)
    if found == NULL:
        return -1
    return <int><object>found


cdef class CMessage:
    """Fields of an AMQP message; base of :class:`proton.Message`."""


    def __init__(self, *args, **kwargs):
        # *args rather than a named ``body``: Cython then hands over the caller's keywords as one
        # dict copy instead of re-inserting them one by one.
        cdef Py_ssize_t pos = 0
        cdef PyObject *k
        cdef PyObject *v
        cdef int number
        if args:
            if len(args) > 1:
                raise TypeError("Message() takes at most 1 positional argument (%d given)" % len(args))
            if kwargs and "body" in kwargs:
                raise TypeError("Message() got multiple values for argument 'body'")
            self.body = args[0]
        if not kwargs:
            return
        while PyDict_Next(kwargs, &pos, &k, &v):
            number = field_number(k)
            if number >= 0:
                self._assign(number, <object>v)
            else:
                getattr(self, <object>k)     # only existing attributes (AttributeError otherwise)
                setattr(self, <object>k, <object>v)

    cdef int _assign(self, int field, object value) except -1:
        """Set one field (by its index in MESSAGE_FIELD_INDEX), with the same checks as its setter."""
        if field == F_INFERRED:
            self._inferred = bool(value)
        elif field == F_DURABLE:
            self._durable = bool(value)
        elif field == F_PRIORITY:
            self._priority_x = <uint8_t>as_integer(value) ^ c_message.PN_DEFAULT_PRIORITY
        elif field == F_TTL:
            self._ttl = seconds_to_ms(value)
        elif field == F_FIRST_ACQUIRER:
            self._first_acquirer = bool(value)
        elif field == F_DELIVERY_COUNT:
            self._delivery_count = as_integer(value)
        elif field == F_ID:
            self._id = checked_msgid(value, "id")
        elif field == F_CORRELATION_ID:
            self._correlation_id = checked_msgid(value, "correlation_id")
        elif field == F_USER_ID:
            if value is None:
                self._user_id = None
            elif type(value) is bytes:
                self._user_id = value
            elif isinstance(value, str):
                self._user_id = value.encode("utf-8")
            elif isinstance(value, (bytes, bytearray, memoryview)):
                self._user_id = bytes(value)
            else:
                raise TypeError("Message.user_id must be bytes, not %s" % type(value).__name__)
        elif field == F_ADDRESS:
            self._address = optional_str(value, "address")
        elif field == F_SUBJECT:
            self._subject = optional_str(value, "subject")
        elif field == F_REPLY_TO:
            self._reply_to = optional_str(value, "reply_to")
        elif field == F_CONTENT_TYPE:
            self._content_type = optional_str(value, "content_type")
        elif field == F_CONTENT_ENCODING:
            self._content_encoding = optional_str(value, "content_encoding")
        elif field == F_EXPIRY_TIME:
            self._expiry_time = seconds_to_ms(value)
        elif field == F_CREATION_TIME:
            self._creation_time = seconds_to_ms(value)
        elif field == F_GROUP_ID:
            self._group_id = optional_str(value, "group_id")
        elif field == F_GROUP_SEQUENCE:
            self._group_sequence = as_integer(value)
        elif field == F_REPLY_TO_GROUP_ID:
            self._reply_to_group_id = optional_str(value, "reply_to_group_id")
        elif field == F_INSTRUCTIONS:
            self.instruction_dict = new_annotation_dict(value) if isinstance(value, dict) else value
        elif field == F_ANNOTATIONS:
            self.annotation_dict = new_annotation_dict(value) if isinstance(value, dict) else value
        elif field == F_BODY:
            self.body = value
        elif field == F_PROPERTIES:
            self.properties = value
        elif field == F_FOOTER:
            self.footer = value
        return 0

    cdef void _reset(self):
        self._inferred = self._durable = self._first_acquirer = False
        self._priority_x = 0
        self._ttl = self._delivery_count = self._group_sequence = 0
        self._expiry_time = self._creation_time = 0
        self._id = self._correlation_id = None
        self._user_id = None
        self._address = self._subject = self._reply_to = None
        self._content_type = self._content_encoding = None
        self._group_id = self._reply_to_group_id = None
        self.instruction_dict = self.annotation_dict = self.properties = self.body = None
        self.footer = None

    def clear(self):
        """Reset every field to its default."""
        self._reset()

    # -- header ------------------------------------------------------------------------------

    @property
    def inferred(self):
        """Whether a bytes or list body goes out as data or amqp-sequence sections rather than
        one amqp-value section; set by decode from the sections received."""
        return self._inferred

    @inferred.setter
    def inferred(self, value):
        self._assign(F_INFERRED, value)

    @property
    def durable(self):
        """Whether intermediaries must keep the message across restarts."""
        return self._durable

    @durable.setter
    def durable(self, value):
        self._assign(F_DURABLE, value)

    @property
    def priority(self):
        """Relative priority, 0 to 255 (AMQP's default is 4)."""
        return self._priority_x ^ c_message.PN_DEFAULT_PRIORITY

    @priority.setter
    def priority(self, value):
        self._assign(F_PRIORITY, value)

    @property
    def ttl(self):
        """Time to live in seconds (millisecond resolution; 0 means none)."""
        return self._ttl / 1000.0

    @ttl.setter
    def ttl(self, value):
        self._assign(F_TTL, value)

    @property
    def first_acquirer(self):
        """Whether no earlier acquirer has seen this message."""
        return self._first_acquirer

    @first_acquirer.setter
    def first_acquirer(self, value):
        self._assign(F_FIRST_ACQUIRER, value)

    @property
    def delivery_count(self):
        """How many earlier delivery attempts failed."""
        return self._delivery_count

    @delivery_count.setter
    def delivery_count(self, value):
        self._assign(F_DELIVERY_COUNT, value)

    # -- properties --------------------------------------------------------------------------

    @property
    def id(self):
        """The message-id: an unsigned int, str, bytes or uuid.UUID, or None."""
        return self._id

    @id.setter
    def id(self, value):
        self._assign(F_ID, value)

    @property
    def correlation_id(self):
        """The correlation-id: an unsigned int, str, bytes or uuid.UUID, or None."""
        return self._correlation_id

    @correlation_id.setter
    def correlation_id(self, value):
        self._assign(F_CORRELATION_ID, value)

    @property
    def user_id(self):
        """The identity of the user who produced the message, as bytes."""
        return b"" if self._user_id is None else self._user_id

    @user_id.setter
    def user_id(self, value):
        self._assign(F_USER_ID, value)

    @property
    def address(self):
        """The node the message is addressed to."""
        return self._address

    @address.setter
    def address(self, value):
        self._assign(F_ADDRESS, value)

    @property
    def subject(self):
        """A short summary of the message."""
        return self._subject

    @subject.setter
    def subject(self, value):
        self._assign(F_SUBJECT, value)

    @property
    def reply_to(self):
        """Where replies should be sent."""
        return self._reply_to

    @reply_to.setter
    def reply_to(self, value):
        self._assign(F_REPLY_TO, value)

    @property
    def content_type(self):
        """MIME type of the body, as a symbol (``symbol('None')`` when unset, as python-qpid-proton)."""
        if type(self._content_type) is str:
            self._content_type = T_symbol(self._content_type)   # made once, on the first read
        return symbol_of(self._content_type)

    @content_type.setter
    def content_type(self, value):
        self._assign(F_CONTENT_TYPE, value)

    @property
    def content_encoding(self):
        """Content encoding of the body, as a symbol (``symbol('None')`` when unset)."""
        if type(self._content_encoding) is str:
            self._content_encoding = T_symbol(self._content_encoding)
        return symbol_of(self._content_encoding)

    @content_encoding.setter
    def content_encoding(self, value):
        self._assign(F_CONTENT_ENCODING, value)

    @property
    def expiry_time(self):
        """Absolute expiry time, seconds since the epoch (millisecond resolution)."""
        return self._expiry_time / 1000.0

    @expiry_time.setter
    def expiry_time(self, value):
        self._assign(F_EXPIRY_TIME, value)

    @property
    def creation_time(self):
        """Creation time, seconds since the epoch (millisecond resolution)."""
        return self._creation_time / 1000.0

    @creation_time.setter
    def creation_time(self, value):
        self._assign(F_CREATION_TIME, value)

    @property
    def group_id(self):
        """The group the message belongs to."""
        return self._group_id

    @group_id.setter
    def group_id(self, value):
        self._assign(F_GROUP_ID, value)

    @property
    def group_sequence(self):
        """Position of the message within its group."""
        return self._group_sequence

    @group_sequence.setter
    def group_sequence(self, value):
        self._assign(F_GROUP_SEQUENCE, value)

    @property
    def reply_to_group_id(self):
        """The group replies should join."""
        return self._reply_to_group_id

    @reply_to_group_id.setter
    def reply_to_group_id(self, value):
        self._assign(F_REPLY_TO_GROUP_ID, value)

    # -- annotation maps ---------------------------------------------------------------------

    @property
    def instructions(self):
        """Delivery annotations: a dict with symbol or ulong keys (str keys become symbols)."""
        return self.instruction_dict

    @instructions.setter
    def instructions(self, value):
        self._assign(F_INSTRUCTIONS, value)

    @property
    def annotations(self):
        """Message annotations: a dict with symbol or ulong keys (str keys become symbols)."""
        return self.annotation_dict

    @annotations.setter
    def annotations(self, value):
        self._assign(F_ANNOTATIONS, value)

    # -- encoding ----------------------------------------------------------------------------

    cdef int _fill(self, pn_message_t *m) except -1:
        if self._inferred:
            c_message.pn_message_set_inferred(m, True)
        if self._durable:
            c_message.pn_message_set_durable(m, True)
        c_message.pn_message_set_priority(m, self._priority_x ^ c_message.PN_DEFAULT_PRIORITY)
        c_message.pn_message_set_ttl(m, self._ttl)
        if self._first_acquirer:
            c_message.pn_message_set_first_acquirer(m, True)
        c_message.pn_message_set_delivery_count(m, self._delivery_count)
        set_msgid(m, self._id, False)
        if self._user_id is not None:
            msg_check(m, c_message.pn_message_set_user_id(
                m, c_types.pn_bytes(PyBytes_GET_SIZE(self._user_id), PyBytes_AS_STRING(self._user_id))))
        set_cstr(m, self._address, CS_ADDRESS)
        set_cstr(m, self._subject, CS_SUBJECT)
        set_cstr(m, self._reply_to, CS_REPLY_TO)
        set_msgid(m, self._correlation_id, True)
        set_cstr(m, self._content_type, CS_CONTENT_TYPE)
        set_cstr(m, self._content_encoding, CS_CONTENT_ENCODING)
        c_message.pn_message_set_expiry_time(m, self._expiry_time)
        c_message.pn_message_set_creation_time(m, self._creation_time)
        set_cstr(m, self._group_id, CS_GROUP_ID)
        c_message.pn_message_set_group_sequence(m, self._group_sequence)
        set_cstr(m, self._reply_to_group_id, CS_REPLY_TO_GROUP_ID)
        if self.instruction_dict is not None:
            put_section(c_message.pn_message_instructions(m), self.instruction_dict)
        if self.annotation_dict is not None:
            put_section(c_message.pn_message_annotations(m), self.annotation_dict)
        if self.properties is not None:
            check_property_keys(self.properties)
            put_section(c_message.pn_message_properties(m), self.properties)
        if self.body is not None:
            put_section(c_message.pn_message_body(m), self.body)
        return 0

    cdef bytes _encode_footer(self):
        """The footer section through an engine data tree (for values the direct encoder leaves)."""
        cdef pn_data_t *tree = take_tree(16)
        if tree == NULL:
            raise MemoryError()
        try:
            data_check(tree, c_codec.pn_data_put_described(tree))
            c_codec.pn_data_enter(tree)
            data_check(tree, c_codec.pn_data_put_ulong(tree, SEC_FOOTER))
            put_value(tree, self.footer, 0)
            c_codec.pn_data_exit(tree)
            return data_encode(tree)
        finally:
            give_back_tree(tree)

    cdef int _encode_engine(self, EncodeBuffer b) except -1:
        """Encode through the engine's message encoder into ``b`` (which it may grow)."""
        cdef ThreadPools pools = thread_pools()
        cdef pn_message_t *m = lease_message(pools)
        cdef c_types.pn_rwbytes_t out
        cdef ssize_t n
        try:
            self._fill(m)
            out.start = <char *>b.data
            out.size = b.capacity
            n = c_message.pn_message_encode2(m, &out)
            # The engine grows the buffer with realloc (it is malloc'd): take back what it holds now.
            b.data = <unsigned char *>out.start
            b.capacity = out.size if out.start != NULL else 0
            if n < 0:
                b.size = 0
                msg_check(m, <int>n)
            b.size = n
        finally:
            release_message(pools, m)
        return 0

    cdef int _encode_direct(self, EncodeBuffer b) except -1:
        """Encode into ``b`` without the engine; GIVE_UP when a section needs the engine's encoder."""
        cdef ListWriter w = ListWriter()
        cdef Py_ssize_t desc_at, value_at
        cdef unsigned char first
        b.size = 0
        section_start(b, SEC_HEADER)
        list_begin(b, w)
        if self._durable:
            w.field()
            b.byte(FC_TRUE)
        else:
            opt_null(w)
        if self._priority_x != 0:
            w.field()
            b.byte(FC_UBYTE)
            b.byte(self._priority_x ^ c_message.PN_DEFAULT_PRIORITY)
        else:
            opt_null(w)
        opt_uint(w, self._ttl != 0, self._ttl)
        if self._first_acquirer:
            w.field()
            b.byte(FC_TRUE)
        else:
            opt_null(w)
        opt_uint(w, self._delivery_count != 0, self._delivery_count)
        list_end(w)
        if self.instruction_dict is not None and enc_section(b, SEC_DELIVERY_ANNOTATIONS, self.instruction_dict) == GIVE_UP:
            return GIVE_UP
        if self.annotation_dict is not None and enc_section(b, SEC_MESSAGE_ANNOTATIONS, self.annotation_dict) == GIVE_UP:
            return GIVE_UP
        section_start(b, SEC_PROPERTIES)
        list_begin(b, w)
        opt_msgid(w, self._id)
        if self._user_id is None:
            opt_null(w)
        else:
            w.field()
            b.variable(FC_VBIN8, FC_VBIN32, PyBytes_AS_STRING(self._user_id), PyBytes_GET_SIZE(self._user_id))
        opt_text(w, self._address, FC_STR8, FC_STR32)
        opt_text(w, self._subject, FC_STR8, FC_STR32)
        opt_text(w, self._reply_to, FC_STR8, FC_STR32)
        opt_msgid(w, self._correlation_id)
        opt_text(w, self._content_type, FC_SYM8, FC_SYM32)
        opt_text(w, self._content_encoding, FC_SYM8, FC_SYM32)
        opt_timestamp(w, self._expiry_time)
        opt_timestamp(w, self._creation_time)
        opt_text(w, self._group_id, FC_STR8, FC_STR32)
        opt_uint(w, self._group_id is not None or self._group_sequence != 0, self._group_sequence)
        opt_text(w, self._reply_to_group_id, FC_STR8, FC_STR32)
        list_end(w)
        if self.properties is not None:
            check_property_keys(self.properties)
            if enc_section(b, SEC_APPLICATION_PROPERTIES, self.properties) == GIVE_UP:
                return GIVE_UP
        if self.body is not None:
            section_start(b, SEC_AMQP_VALUE)
            desc_at = b.size - 1
            value_at = b.size
            if enc_value(b, self.body, 0) == GIVE_UP:
                return GIVE_UP
            if self._inferred:
                first = b.data[value_at]
                if first == FC_VBIN8 or first == FC_VBIN32:
                    b.data[desc_at] = SEC_DATA
                elif first == FC_LIST0 or first == FC_LIST8 or first == FC_LIST32:
                    b.data[desc_at] = SEC_AMQP_SEQUENCE
        return 0

    cdef int _encode_into(self, EncodeBuffer b) except -1:
        """The whole encoding of the message, footer included, into ``b.data[0:b.size]``: the caller
        holds ``b`` (leased, pools.pyx) until it has copied the bytes."""
        cdef Py_ssize_t footer_at
        if self._encode_direct(b) == GIVE_UP:
            self._encode_engine(b)
        footer_at = b.size
        if self.footer is not None and enc_section(b, SEC_FOOTER, self.footer) == GIVE_UP:
            b.size = footer_at
            footer = self._encode_footer()
            b.raw(PyBytes_AS_STRING(footer), PyBytes_GET_SIZE(footer))
        return 0

    cpdef bytes encode(self):
        """The AMQP encoding of the message, as bytes."""
        cdef EncodeBuffer b = lease_buffer(thread_pools().tx)
        try:
            self._encode_into(b)
            return PyBytes_FromStringAndSize(<const char *>b.data, b.size)
        finally:
            release_buffer(b)

    cdef int _read(self, pn_message_t *m) except -1:
        cdef c_types.pn_bytes_t uid
        self._inferred = c_message.pn_message_is_inferred(m)
        self._durable = c_message.pn_message_is_durable(m)
        self._priority_x = c_message.pn_message_get_priority(m) ^ c_message.PN_DEFAULT_PRIORITY
        self._ttl = c_message.pn_message_get_ttl(m)
        self._first_acquirer = c_message.pn_message_is_first_acquirer(m)
        self._delivery_count = c_message.pn_message_get_delivery_count(m)
        self._id = get_msgid(c_message.pn_message_get_id(m))
        uid = c_message.pn_message_get_user_id(m)
        self._user_id = None if uid.start == NULL else bytes_to_bytes(uid)
        self._address = c_str(c_message.pn_message_get_address(m))
        self._subject = c_str(c_message.pn_message_get_subject(m))
        self._reply_to = c_str(c_message.pn_message_get_reply_to(m))
        self._correlation_id = get_msgid(c_message.pn_message_get_correlation_id(m))
        self._content_type = symbol_field(c_str(c_message.pn_message_get_content_type(m)))
        self._content_encoding = symbol_field(c_str(c_message.pn_message_get_content_encoding(m)))
        self._expiry_time = c_message.pn_message_get_expiry_time(m)
        self._creation_time = c_message.pn_message_get_creation_time(m)
        self._group_id = c_str(c_message.pn_message_get_group_id(m))
        self._group_sequence = c_message.pn_message_get_group_sequence(m)
        self._reply_to_group_id = c_str(c_message.pn_message_get_reply_to_group_id(m))
        self.instruction_dict = annotation_map(get_section(c_message.pn_message_instructions(m)))
        self.annotation_dict = annotation_map(get_section(c_message.pn_message_annotations(m)))
        self.properties = get_section(c_message.pn_message_properties(m))
        self.body = get_section(c_message.pn_message_body(m))
        return 0

    cdef int _decode_raw(self, const unsigned char *p, Py_ssize_t n, bint fresh=False) except -1:
        """Decode the sections in ``p[0:n]`` straight into this message's fields (``fresh``: the message
        was just made, every field still at its default)."""
        cdef Py_ssize_t footer_start, footer_end
        if n == 0:
            raise MessageException("[%d]: no message data to decode" % c_error.PN_UNDERFLOW)
        if scan_message(p, n, &footer_start, &footer_end) < 0:
            raise MessageException("[%d]: malformed message encoding (%d bytes)" % (c_error.PN_ARG_ERR, n))
        if not fresh:      # a message just made has nothing to reset
            self._reset()
        try:
            self._read_sections(p, n)
        except (UnicodeDecodeError, ValueError, OverflowError, DataException) as exc:
            raise MessageException("[%d]: undecodable message content: %s" % (c_error.PN_ARG_ERR, exc)) from exc
        return 0

    cdef int _read_sections(self, const unsigned char *p, Py_ssize_t n) except -1:
        cdef Py_ssize_t pos = 0
        cdef int64_t code
        while pos < n:
            pos += 1                                    # the 0x00 of the described section
            code = section_code(p, pos, n)
            pos = scan_value(p, pos, n, 1)              # past the descriptor
            if code == SEC_HEADER:
                self._read_header(p, &pos, n)
                continue
            if code == SEC_PROPERTIES:
                self._read_properties(p, &pos, n)
                continue
            if code < SEC_HEADER or code > SEC_FOOTER:
                pos = scan_value(p, pos, n, 1)          # a section we do not know: skipped
                continue
            if code == SEC_APPLICATION_PROPERTIES:
                self.properties = read_properties_map(p, &pos, n)
                continue
            value = read_value(p, &pos, n, 1)
            if code == SEC_DELIVERY_ANNOTATIONS:
                self.instruction_dict = annotation_map(value)
            elif code == SEC_MESSAGE_ANNOTATIONS:
                self.annotation_dict = annotation_map(value)
            elif code == SEC_DATA or code == SEC_AMQP_SEQUENCE:
                self.body = value
                self._inferred = True
            elif code == SEC_AMQP_VALUE:
                self.body = value
                self._inferred = False
            else:
                self.footer = value
        return 0

    cdef int _read_header(self, const unsigned char *p, Py_ssize_t *pos, Py_ssize_t n) except -1:
        cdef Py_ssize_t count, k, stop
        cdef uint64_t v
        stop = list_open(p, pos, n, &count)
        if stop < 0:
            pos[0] = scan_value(p, pos[0], n, 1)
            return 0
        for k in range(count):
            present = read_uint_field(p, pos, stop, &v)
            if not present:
                continue
            if k == 0:
                self._durable = v != 0
            elif k == 1:
                if v <= 255:
                    self._priority_x = <uint8_t>v ^ c_message.PN_DEFAULT_PRIORITY
            elif k == 2:
                self._ttl = <uint32_t>v if v <= 0xFFFFFFFF else 0
            elif k == 3:
                self._first_acquirer = v != 0
            elif k == 4:
                self._delivery_count = <uint32_t>v if v <= 0xFFFFFFFF else 0
        pos[0] = stop
        return 0

    cdef int _read_properties(self, const unsigned char *p, Py_ssize_t *pos, Py_ssize_t n) except -1:
        cdef Py_ssize_t count, k, stop
        cdef uint64_t v
        stop = list_open(p, pos, n, &count)
        if stop < 0:
            pos[0] = scan_value(p, pos[0], n, 1)
            return 0
        for k in range(count):
            if k == 8 or k == 9 or k == 11:
                if read_uint_field(p, pos, stop, &v):
                    if k == 8:
                        self._expiry_time = <int64_t>v
                    elif k == 9:
                        self._creation_time = <int64_t>v
                    else:
                        self._group_sequence = <uint32_t>v
                continue
            if k == 2:
                self._address = read_text_field(p, pos, stop, False)
            elif k == 3:
                self._subject = read_text_field(p, pos, stop, False)
            elif k == 4:
                self._reply_to = read_text_field(p, pos, stop, False)
            elif k == 6:
                self._content_type = read_text_field(p, pos, stop, True)
            elif k == 7:
                self._content_encoding = read_text_field(p, pos, stop, True)
            elif k == 10:
                self._group_id = read_text_field(p, pos, stop, False)
            elif k == 12:
                self._reply_to_group_id = read_text_field(p, pos, stop, False)
            else:
                value = read_value(p, pos, stop, 1)
                if k == 0:
                    self._id = msgid_value(value)
                elif k == 1:
                    self._user_id = value if type(value) is bytes else None
                elif k == 5:
                    self._correlation_id = msgid_value(value)
        pos[0] = stop
        return 0

    cpdef decode(self, data):
        """Replace every field with those decoded from ``data`` (the bytes of one message)."""
        cdef const unsigned char[::1] view
        if type(data) is bytes:
            if PyBytes_GET_SIZE(data) == 0:
                raise MessageException("[%d]: no message data to decode" % c_error.PN_UNDERFLOW)
            self._decode_raw(<const unsigned char *>PyBytes_AS_STRING(data), PyBytes_GET_SIZE(data))
            return
        if isinstance(data, str):
            raise TypeError("Message.decode() needs bytes, not str")
        view = data
        if view.shape[0] == 0:
            raise MessageException("[%d]: no message data to decode" % c_error.PN_UNDERFLOW)
        # The decoder runs Python code, during which another thread could change a bytearray or a
        # writable view under it: it reads a copy of its own (pools.pyx, the rule).
        data = PyBytes_FromStringAndSize(<const char *>&view[0], view.shape[0])
        view = None
        self._decode_raw(<const unsigned char *>PyBytes_AS_STRING(data), PyBytes_GET_SIZE(data))

    def __repr__(self):
        parts = []
        for name in ("inferred", "address", "reply_to", "durable", "ttl", "priority", "first_acquirer",
                     "delivery_count", "id", "correlation_id", "user_id", "group_id", "group_sequence",
                     "reply_to_group_id", "instructions", "annotations", "properties", "body"):
            value = getattr(self, name)
            if value:
                parts.append("%s=%r" % (name, value))
        return "Message(%s)" % ", ".join(parts)


def _encode_with_engine(CMessage msg):
    """The message encoded by the engine's own encoder, footer included (tests compare it with the
    direct one)."""
    cdef EncodeBuffer b = EncodeBuffer()
    msg._encode_engine(b)
    encoded = PyBytes_FromStringAndSize(<const char *>b.data, b.size)
    if msg.footer is not None:
        encoded += msg._encode_footer()
    return encoded
