/* Daemon-facing hooks of the vrrp module (see daemon/modules.h). */
#include "modules.h"

int vrrp_init(struct hd_daemon *d)
{
	return 0;
}

int vrrp_reload(struct hd_daemon *d, const struct hd_config *newcfg)
{
	return 0;
}

void vrrp_shutdown(struct hd_daemon *d)
{
}

void vrrp_free(struct hd_daemon *d)
{
}

void vrrp_status_json(struct hd_daemon *d, FILE *out)
{
	fputs("[]", out);
}

void vrrp_dump(struct hd_daemon *d)
{
}
