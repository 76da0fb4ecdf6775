# SPDX-License-Identifier: Apache-2.0
# Copyright (c) 2026 the cyproton authors
# proton/ssl.h
from .c_types cimport pn_transport_t


cdef extern from "proton/ssl.h" nogil:
    ctypedef struct pn_ssl_t
    ctypedef struct pn_ssl_domain_t

    ctypedef enum pn_ssl_mode_t:
        PN_SSL_MODE_CLIENT
        PN_SSL_MODE_SERVER

    ctypedef enum pn_ssl_resume_status_t:
        PN_SSL_RESUME_UNKNOWN
        PN_SSL_RESUME_NEW
        PN_SSL_RESUME_REUSED

    ctypedef enum pn_ssl_verify_mode_t:
        PN_SSL_VERIFY_NULL
        PN_SSL_VERIFY_PEER
        PN_SSL_ANONYMOUS_PEER
        PN_SSL_VERIFY_PEER_NAME

    ctypedef enum pn_ssl_cert_subject_subfield:
        PN_SSL_CERT_SUBJECT_COUNTRY_NAME
        PN_SSL_CERT_SUBJECT_STATE_OR_PROVINCE
        PN_SSL_CERT_SUBJECT_CITY_OR_LOCALITY
        PN_SSL_CERT_SUBJECT_ORGANIZATION_NAME
        PN_SSL_CERT_SUBJECT_ORGANIZATION_UNIT
        PN_SSL_CERT_SUBJECT_COMMON_NAME

    ctypedef enum pn_ssl_hash_alg:
        PN_SSL_SHA1
        PN_SSL_SHA256
        PN_SSL_SHA512
        PN_SSL_MD5

    bint pn_ssl_present()
    pn_ssl_domain_t *pn_ssl_domain(pn_ssl_mode_t mode)
    void pn_ssl_domain_free(pn_ssl_domain_t *domain)
    int pn_ssl_domain_set_credentials(pn_ssl_domain_t *domain, const char *credential_1, const char *credential_2, const char *password)
    int pn_ssl_domain_set_trusted_ca_db(pn_ssl_domain_t *domain, const char *certificate_db)
    int pn_ssl_domain_set_peer_authentication(pn_ssl_domain_t *domain, const pn_ssl_verify_mode_t mode, const char *trusted_CAs)
    int pn_ssl_domain_set_protocols(pn_ssl_domain_t *domain, const char *protocols)
    int pn_ssl_domain_set_ciphers(pn_ssl_domain_t *domain, const char *ciphers)
    int pn_ssl_domain_allow_unsecured_client(pn_ssl_domain_t *domain)
    pn_ssl_t *pn_ssl(pn_transport_t *transport)
    int pn_ssl_init(pn_ssl_t *ssl, pn_ssl_domain_t *domain, const char *session_id)
    bint pn_ssl_get_cipher_name(pn_ssl_t *ssl, char *buffer, size_t size)
    int pn_ssl_get_ssf(pn_ssl_t *ssl)
    bint pn_ssl_get_protocol_name(pn_ssl_t *ssl, char *buffer, size_t size)
    pn_ssl_resume_status_t pn_ssl_resume_status(pn_ssl_t *ssl)
    int pn_ssl_set_peer_hostname(pn_ssl_t *ssl, const char *hostname)
    int pn_ssl_get_peer_hostname(pn_ssl_t *ssl, char *hostname, size_t *bufsize)
    const char* pn_ssl_get_remote_subject(pn_ssl_t *ssl)
    int pn_ssl_get_cert_fingerprint(pn_ssl_t *ssl0, char *fingerprint, size_t fingerprint_length, pn_ssl_hash_alg hash_alg)
    const char* pn_ssl_get_remote_subject_subfield(pn_ssl_t *ssl0, pn_ssl_cert_subject_subfield field)
