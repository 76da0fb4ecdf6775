# SPDX-License-Identifier: Apache-2.0
# Copyright (c) 2026 the cyproton authors
# Numbers of the AMQP 1.0 wire encoding (OASIS AMQP 1.0, part 1 "Types" and part 3 "Messaging"),
# named once for the direct encoder and decoder (encode.pyx, decode.pyx, scan.pyx, message.pyx).

# Format codes: the constructor byte before every encoded value (part 1, section 1.6).
cdef enum:
    FC_DESCRIBED = 0x00      # a descriptor and then the value follow
    FC_NULL = 0x40
    FC_TRUE = 0x41
    FC_FALSE = 0x42
    FC_UINT0 = 0x43
    FC_ULONG0 = 0x44
    FC_LIST0 = 0x45
    FC_UBYTE = 0x50
    FC_BYTE = 0x51
    FC_SMALLUINT = 0x52
    FC_SMALLULONG = 0x53
    FC_SMALLINT = 0x54
    FC_SMALLLONG = 0x55
    FC_BOOLEAN = 0x56
    FC_USHORT = 0x60
    FC_SHORT = 0x61
    FC_UINT = 0x70
    FC_INT = 0x71
    FC_FLOAT = 0x72
    FC_CHAR = 0x73
    FC_DECIMAL32 = 0x74
    FC_ULONG = 0x80
    FC_LONG = 0x81
    FC_DOUBLE = 0x82
    FC_TIMESTAMP = 0x83
    FC_DECIMAL64 = 0x84
    FC_DECIMAL128 = 0x94
    FC_UUID = 0x98
    FC_VBIN8 = 0xa0
    FC_STR8 = 0xa1
    FC_SYM8 = 0xa3
    FC_VBIN32 = 0xb0
    FC_STR32 = 0xb1
    FC_SYM32 = 0xb3
    FC_LIST8 = 0xc0
    FC_MAP8 = 0xc1
    FC_LIST32 = 0xd0
    FC_MAP32 = 0xd1
    FC_ARRAY8 = 0xe0
    FC_ARRAY32 = 0xf0

# Descriptors (amqp:...:list and friends, as ulong codes) of a message's sections (part 3, 3.2).
cdef enum:
    SEC_HEADER = 0x70
    SEC_DELIVERY_ANNOTATIONS = 0x71
    SEC_MESSAGE_ANNOTATIONS = 0x72
    SEC_PROPERTIES = 0x73
    SEC_APPLICATION_PROPERTIES = 0x74
    SEC_DATA = 0x75
    SEC_AMQP_SEQUENCE = 0x76
    SEC_AMQP_VALUE = 0x77
    SEC_FOOTER = 0x78

# Descriptors of the delivery states (part 3, 3.4 and 3.5).
cdef enum:
    DS_RECEIVED = 0x23
    DS_ACCEPTED = 0x24
    DS_REJECTED = 0x25
    DS_RELEASED = 0x26
    DS_MODIFIED = 0x27
