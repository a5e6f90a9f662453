/* Reload plans, the IPVS writes told with their fields
 * (reload_plan_diff.h): pure. */
#include "config.h"

#include <stdarg.h>
#include <string.h>

#include "reload_plan_diff.h"

const char *hd_plan_op_str(const struct ipvs_op *op, char *buf, size_t len)
{
	char k[96], dst[64];

	snprintf(buf, len, "%s %s%s%s", ipvs_op_kind_str(op->kind),
		 ipvs_svc_key_str(&op->svc->key, k, sizeof(k)), op->dest ? " -> " : "",
		 op->dest ? ipvs_dest_str(op->dest, dst, sizeof(dst)) : "");
	return buf;
}

struct out {
	char *buf;
	size_t len, off;
};

static void put(struct out *o, const char *fmt, ...)
{
	va_list ap;

	if (o->off >= o->len)
		return;
	if (o->off)
		o->buf[o->off++] = ' ';
	if (o->off >= o->len) {
		o->buf[o->len - 1] = '\0';
		return;
	}
	va_start(ap, fmt);
	int w = vsnprintf(o->buf + o->off, o->len - o->off, fmt, ap);
	va_end(ap);
	o->off = w < 0 ? o->len : o->off + (size_t)w;
}

/* An add sets every field (HAVE NULL); an edit those that differ. */
#define FIELD_U(name, fmt, want, have, member)                                                     \
	do {                                                                                       \
		if (!(have))                                                                       \
			put(&o, name "=" fmt, (want)->member);                                     \
		else if ((want)->member != (have)->member)                                         \
			put(&o, name "=" fmt "->" fmt, (have)->member, (want)->member);            \
	} while (0)

static void svc_fields(struct out *po, const struct ipvs_service *w, const struct ipvs_service *h)
{
	struct out o = *po;

	if (!h)
		put(&o, "scheduler=%s", w->sched);
	else if (strcmp(w->sched, h->sched))
		put(&o, "scheduler=%s->%s", h->sched, w->sched);
	FIELD_U("flags", "0x%x", w, h, flags);
	if (w->flags & IP_VS_SVC_F_PERSISTENT) { /* else the kernel ignores them */
		FIELD_U("persistence_timeout", "%u", w, h, timeout);
		FIELD_U("persistence_granularity", "%u", w, h, netmask);
	}
	*po = o;
}

static void dest_fields(struct out *po, const struct ipvs_dest *w, const struct ipvs_dest *h)
{
	struct out o = *po;

	if (!h)
		put(&o, "forward=%s", ipvs_fwd_str(w->fwd));
	else if (w->fwd != h->fwd)
		put(&o, "forward=%s->%s", ipvs_fwd_str(h->fwd), ipvs_fwd_str(w->fwd));
	FIELD_U("weight", "%d", w, h, weight);
	FIELD_U("uthreshold", "%u", w, h, u_threshold);
	FIELD_U("lthreshold", "%u", w, h, l_threshold);
	if ((w->fwd & IP_VS_CONN_F_FWD_MASK) == IP_VS_CONN_F_TUNNEL) {
		FIELD_U("tunnel_type", "%u", w, h, tun_type);
		FIELD_U("tunnel_port", "%u", w, h, tun_port);
		FIELD_U("tunnel_flags", "0x%x", w, h, tun_flags);
	}
	*po = o;
}

void hd_plan_op_fields(const struct ipvs_op *op, const struct ipvs_table *observed, char *buf,
		       size_t len)
{
	struct out o = {buf, len, 0};
	const struct ipvs_service *h = NULL;

	buf[0] = '\0';
	if (!len)
		return;
	switch (op->kind) {
	case IPVS_OP_ADD_SVC:
		svc_fields(&o, op->svc, NULL);
		break;
	case IPVS_OP_EDIT_SVC:
		h = ipvs_table_find(observed, &op->svc->key);
		svc_fields(&o, op->svc, h ? h : op->svc);
		break;
	case IPVS_OP_ADD_DEST:
		dest_fields(&o, op->dest, NULL);
		break;
	case IPVS_OP_EDIT_DEST:
		h = ipvs_table_find(observed, &op->svc->key);
		const struct ipvs_dest *hd = h ? ipvs_service_find_dest(h, op->dest) : NULL;
		dest_fields(&o, op->dest, hd ? hd : op->dest);
		break;
	case IPVS_OP_DEL_SVC:
	case IPVS_OP_DEL_DEST:
		break;
	}
}
