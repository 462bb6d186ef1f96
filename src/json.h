/*
 * json.h: the little JSON the command language prints: one object per line.
 *
 * struct json writes it: json_begin opens the object with its
 * {"cmd":"NAME" member, json_open/json_close nest objects and lists, the
 * json_put_* calls write one member (key) or one list element (key NULL),
 * and json_end closes whatever is still open and ends the line. The writer
 * places every comma, colon and bracket, so no command counts its members.
 * The FILE-level helpers below it write bare values.
 */
#ifndef PTI_JSON_H
#define PTI_JSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* Deepest nesting of objects and lists, the outer object included. */
#define JSON_DEPTH 8

struct json {
	FILE *f;
	int depth;			/* objects and lists open */
	char close[JSON_DEPTH];		/* '}' or ']' for each */
	bool more[JSON_DEPTH];		/* each already has a member */
};

/* Opens the line's object: {"cmd":"NAME", or a bare { with cmd NULL. */
void json_begin(struct json *j, FILE *f, const char *cmd);
/* Closes all that is open and writes the newline. */
void json_end(struct json *j);
/* Opens an object ('{') or a list ('['), as member key or element. */
void json_open(struct json *j, const char *key, char bracket);
/* Closes the innermost open object or list. */
void json_close(struct json *j);

/* One member ("key":value) or, with key NULL, one list element. */
void json_put_str(struct json *j, const char *key, const char *s);
void json_put_int(struct json *j, const char *key, long long v);
void json_put_uint(struct json *j, const char *key, uint64_t v);
void json_put_bool(struct json *j, const char *key, bool v);
void json_put_null(struct json *j, const char *key);
void json_put_addr(struct json *j, const char *key, uint64_t addr);
void json_put_hex(struct json *j, const char *key, const void *buf,
    size_t len);

/* Writes s as a JSON string literal, quotes included; NULL as null. */
void json_str(FILE *f, const char *s);
/* Writes "0x..." for an address. */
void json_addr(FILE *f, uint64_t addr);
/* Writes len bytes as a JSON string of lowercase hex digits. */
void json_hex(FILE *f, const void *buf, size_t len);

#endif
