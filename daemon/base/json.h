#ifndef HD_JSON_H
#define HD_JSON_H

#include <stdio.h>

/* Write S as a JSON string literal (quotes included); NULL gives null. */
void hd_json_str(FILE *out, const char *s);

#endif
