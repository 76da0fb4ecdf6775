# SPDX-License-Identifier: Apache-2.0
# Copyright (c) 2026 the cyproton authors
# proton/logger.h
from libc.stdint cimport intptr_t, uint16_t


cdef extern from "proton/logger.h" nogil:
    ctypedef struct pn_logger_t

    ctypedef enum pn_log_subsystem_t:
        PN_SUBSYSTEM_NONE
        PN_SUBSYSTEM_MEMORY
        PN_SUBSYSTEM_IO
        PN_SUBSYSTEM_EVENT
        PN_SUBSYSTEM_AMQP
        PN_SUBSYSTEM_SSL
        PN_SUBSYSTEM_SASL
        PN_SUBSYSTEM_BINDING
        PN_SUBSYSTEM_ALL

    ctypedef enum pn_log_level_t:
        PN_LEVEL_NONE
        PN_LEVEL_CRITICAL
        PN_LEVEL_ERROR
        PN_LEVEL_WARNING
        PN_LEVEL_INFO
        PN_LEVEL_DEBUG
        PN_LEVEL_TRACE
        PN_LEVEL_FRAME
        PN_LEVEL_RAW
        PN_LEVEL_ALL

    ctypedef void (*pn_log_sink_t)(intptr_t sink_context, pn_log_subsystem_t subsystem, pn_log_level_t severity,
                                   const char *message)

    pn_logger_t *pn_default_logger()
    const char *pn_logger_level_name(pn_log_level_t level)
    const char *pn_logger_subsystem_name(pn_log_subsystem_t subsystem)
    void pn_logger_set_mask(pn_logger_t *logger, uint16_t subsystem, uint16_t level)
    void pn_logger_reset_mask(pn_logger_t *logger, uint16_t subsystem, uint16_t level)
    void pn_logger_set_log_sink(pn_logger_t *logger, pn_log_sink_t sink, intptr_t sink_context)
    pn_log_sink_t pn_logger_get_log_sink(pn_logger_t *logger)
    intptr_t pn_logger_get_log_sink_context(pn_logger_t *logger)
