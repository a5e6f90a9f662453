#include "metrics.h"

#include <math.h>

void hd_metric_family(FILE *out, const char *name, const char *type, const char *help)
{
	fprintf(out, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

static void label_value(FILE *out, const char *v)
{
	for (; *v; v++) {
		if (*v == '\\' || *v == '"')
			fputc('\\', out);
		if (*v == '\n')
			fputs("\\n", out);
		else
			fputc(*v, out);
	}
}

void hd_metric_sample(FILE *out, const char *name, const char *const *labels, double value)
{
	fputs(name, out);
	if (labels && labels[0]) {
		fputc('{', out);
		for (size_t i = 0; labels[i] && labels[i + 1]; i += 2) {
			fprintf(out, "%s%s=\"", i ? "," : "", labels[i]);
			label_value(out, labels[i + 1]);
			fputc('"', out);
		}
		fputc('}', out);
	}
	if (isinf(value))
		fputs(value > 0 ? " +Inf\n" : " -Inf\n", out);
	else if (value == (double)(long long)value)
		fprintf(out, " %lld\n", (long long)value);
	else
		fprintf(out, " %.9g\n", value);
}
