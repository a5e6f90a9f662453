/* Daemon-facing hooks of the healthcheck module (see daemon/modules.h). */
#include "modules.h"

int hc_init(struct hd_daemon *d)
{
	return 0;
}

int hc_reload(struct hd_daemon *d, const struct hd_config *newcfg)
{
	return 0;
}

void hc_shutdown(struct hd_daemon *d)
{
}

void hc_free(struct hd_daemon *d)
{
}

void hc_status_json(struct hd_daemon *d, FILE *out)
{
	fputs("[]", out);
}

void hc_dump(struct hd_daemon *d)
{
}
