/*
 * json.h: the little JSON the command language prints: one object per line,
 * built with fprintf plus these helpers for strings and hex.
 */
#ifndef PTI_JSON_H
#define PTI_JSON_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* Writes s as a JSON string literal, quotes included; NULL as null. */
void json_str(FILE *f, const char *s);
/* Writes "0x..." for an address. */
void json_addr(FILE *f, uint64_t addr);
/* Writes len bytes as a JSON string of lowercase hex digits. */
void json_hex(FILE *f, const void *buf, size_t len);

#endif
