# SPDX-License-Identifier: Apache-2.0
# Copyright (c) 2026 the cyproton authors
# proton/object.h
from .c_types cimport pn_class_t, pn_handle_t, pn_record_t


cdef extern from "proton/object.h" nogil:
    ctypedef int pn_cid_t

    pn_class_t *pn_class_create(const char *name, void (*initialize)(void*), void (*finalize)(void*), void (*incref)(void*), void (*decref)(void*), int (*refcount)(void*))
    void *pn_class_new(const pn_class_t *clazz, size_t size)
    const char *pn_class_name(const pn_class_t *clazz)
    pn_cid_t pn_class_id(const pn_class_t *clazz)
    const pn_class_t *pn_class(void* obj)
    void *pn_incref(void *obj)
    int pn_decref(void *obj)
    int pn_refcount(void *obj)
    void pn_free(void *obj)
    char *pn_tostring(void *obj)
    pn_record_t *pn_record()
    void pn_record_def(pn_record_t *record, pn_handle_t key, const pn_class_t *clazz)
    bint pn_record_has(pn_record_t *record, pn_handle_t key)
    void *pn_record_get(pn_record_t *record, pn_handle_t key)
    void pn_record_set(pn_record_t *record, pn_handle_t key, void *value)
    void pn_record_clear(pn_record_t *record)
    const pn_class_t *PN_OBJECT
    const pn_class_t *PN_VOID
