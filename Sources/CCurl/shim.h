#ifndef KLAXON_CCURL_SHIM_H
#define KLAXON_CCURL_SHIM_H
#include <curl/curl.h>

/* curl_easy_setopt / curl_easy_getinfo are variadic: one typed wrapper per argument kind. */
static inline CURLcode curlx_setopt_long(CURL *h, CURLoption o, long v) { return curl_easy_setopt(h, o, v); }
static inline CURLcode curlx_setopt_string(CURL *h, CURLoption o, const char *v) { return curl_easy_setopt(h, o, v); }
static inline CURLcode curlx_setopt_pointer(CURL *h, CURLoption o, void *v) { return curl_easy_setopt(h, o, v); }
static inline CURLcode curlx_setopt_slist(CURL *h, CURLoption o, struct curl_slist *v) { return curl_easy_setopt(h, o, v); }
static inline CURLcode curlx_setopt_offset(CURL *h, CURLoption o, curl_off_t v) { return curl_easy_setopt(h, o, v); }
typedef size_t (*curlx_io_callback)(char *buffer, size_t size, size_t nitems, void *userdata);
static inline CURLcode curlx_setopt_iofunc(CURL *h, CURLoption o, curlx_io_callback v) { return curl_easy_setopt(h, o, v); }
/* Debug callback (CURLOPT_DEBUGFUNCTION): how the SMTP client sees the server's reply lines. */
static inline CURLcode curlx_setopt_debugfunc(CURL *h, CURLoption o, curl_debug_callback v) { return curl_easy_setopt(h, o, v); }
static inline CURLcode curlx_getinfo_long(CURL *h, CURLINFO i, long *v) { return curl_easy_getinfo(h, i, v); }
#endif
