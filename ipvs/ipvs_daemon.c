/* Daemon-facing hooks of the ipvs module (see daemon/modules.h). */
#include "modules.h"

int ipvs_init(struct hd_daemon *d)
{
	return 0;
}

int ipvs_reload(struct hd_daemon *d, const struct hd_config *newcfg)
{
	return 0;
}

void ipvs_shutdown(struct hd_daemon *d)
{
}

void ipvs_free(struct hd_daemon *d)
{
}

void ipvs_status_json(struct hd_daemon *d, FILE *out)
{
	fputs("[]", out);
}

void ipvs_dump(struct hd_daemon *d)
{
}

void ipvs_reconcile(struct hd_daemon *d)
{
}
