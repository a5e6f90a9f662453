/* hadirector --from-keepalived: the command (I/O around ka_reader and
 * ka_convert). */
#ifndef KA_MAIN_H
#define KA_MAIN_H

/* Whether ARGV asks for --from-keepalived. */
int ka_wanted(int argc, char **argv);
/* `hadirector [-t] --from-keepalived FILE [-o OUT] [--config-id ID]`:
 * returns the exit status. */
int ka_main(int argc, char **argv);

#endif
