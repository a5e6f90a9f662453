# hadirector.conf(5): the configuration reference (kept complete by
# tests/config/man-coverage.sh).
dist_man_MANS += man/hadirector.conf.5
# hadirector-keepalived(5): what --from-keepalived does with each keyword.
dist_man_MANS += man/hadirector-keepalived.5
