/*
 * NAME
 *   log_cmd - koppelctl log: show, export and clear the information log
 */
#ifndef KOPPEL_CTL_LOG_CMD_H
#define KOPPEL_CTL_LOG_CMD_H

#include <stdbool.h>

#include "config.h"

/* log_cmd - koppelctl log [--profile P] [--extended] [--limit N]
 * [--export FILE.csv|FILE.xlsx] [--clear] (argv after "log");
 * the exit status: 0, 1 on failure, 2 on a usage error */
int log_cmd(const cfg_t *cfg, int argc, char **argv, bool as_json);

#endif
