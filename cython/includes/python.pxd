# SPDX-License-Identifier: Apache-2.0
# Copyright (c) 2026 the cyproton authors
# CPython API that Cython's own declarations leave out.
from cpython.object cimport PyObject

cdef extern from "Python.h":
    const char *PyUnicode_AsUTF8AndSize(object unicode, Py_ssize_t *size) except NULL
    object PyUnicode_DecodeUTF8(const char *s, Py_ssize_t size, const char *errors)
    object PyBytes_FromStringAndSize(const char *v, Py_ssize_t len)
    char *PyBytes_AS_STRING(object o)
    Py_ssize_t PyBytes_GET_SIZE(object o)
    bint PyDict_Next(object p, Py_ssize_t *ppos, PyObject **pkey, PyObject **pvalue)
    object PyLong_FromUnsignedLongLong(unsigned long long v)
    object PyLong_FromLongLong(long long v)
    object _PyLong_FromByteArray(const unsigned char *bytes, size_t n, int little_endian, int is_signed)
    int PyObject_GenericSetAttr(object o, object name, PyObject *value) except -1
    PyObject *PyDict_GetItemWithError(object p, object key) except? NULL
