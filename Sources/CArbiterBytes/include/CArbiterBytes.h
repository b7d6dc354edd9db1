// Byte classification sixteen bytes at a time, for the JSON scanner and writers
// (Sources/ArbiterCore/JSON). Header-only `static inline` functions: Swift's Clang importer
// emits them into the calling module, where they inline like Swift code. SSE2 is part of every
// x86-64 CPU, so no compiler flag is needed; elsewhere a portable loop gives the same masks.
#ifndef CARBITERBYTES_H
#define CARBITERBYTES_H

#include <stdint.h>
#if defined(__SSE2__)
#include <emmintrin.h>

/// 0xFF in each byte of `bytes` that must be escaped in a JSON string: a quote, a backslash or
/// a control character (below 0x20).
static inline __m128i arbiter_json_escape_bytes(__m128i bytes) {
    __m128i quote = _mm_cmpeq_epi8(bytes, _mm_set1_epi8('"'));
    __m128i backslash = _mm_cmpeq_epi8(bytes, _mm_set1_epi8('\\'));
    // Unsigned bytes below 0x20 are those the unsigned minimum with 0x1F leaves unchanged.
    __m128i control = _mm_cmpeq_epi8(_mm_min_epu8(bytes, _mm_set1_epi8(0x1F)), bytes);
    return _mm_or_si128(_mm_or_si128(quote, backslash), control);
}
#else
/// Bit i set when byte i of the sixteen at `p` must be escaped (or, with `non_ascii`, is 0x80
/// or more): the portable form of the SSE2 functions below.
static inline uint32_t arbiter_json_mask16_portable(const void *p, int non_ascii) {
    const uint8_t *bytes = (const uint8_t *)p;
    uint32_t mask = 0;
    for (int i = 0; i < 16; i++) {
        uint8_t b = bytes[i];
        if (b == '"' || b == '\\' || b < 0x20 || (non_ascii && b >= 0x80)) mask |= 1u << i;
    }
    return mask;
}
#endif

/// Bit i is set when byte i of the sixteen at `p` must be escaped in a JSON string:
/// a quote, a backslash or a control character (below 0x20).
static inline uint32_t arbiter_json_escape_mask16(const void *p) {
#if defined(__SSE2__)
    return (uint32_t)_mm_movemask_epi8(arbiter_json_escape_bytes(_mm_loadu_si128((const __m128i *)p)));
#else
    return arbiter_json_mask16_portable(p, 0);
#endif
}

/// Bit i is set when byte i of the sixteen at `p` ends a plain run of a JSON string for the
/// scanner: a quote, a backslash, a control character, or a byte of 0x80 or more (the start
/// of a non-ASCII character, which the scanner validates as UTF-8).
static inline uint32_t arbiter_json_special_mask16(const void *p) {
#if defined(__SSE2__)
    __m128i bytes = _mm_loadu_si128((const __m128i *)p);
    // The byte's own top bit flags 0x80 and above.
    return (uint32_t)_mm_movemask_epi8(_mm_or_si128(arbiter_json_escape_bytes(bytes), bytes));
#else
    return arbiter_json_mask16_portable(p, 1);
#endif
}

#endif
