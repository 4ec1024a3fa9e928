/*
 * NAME
 *   plan_cmd - koppelctl plan: change a task's interval and next run
 */
#ifndef KOPPEL_CTL_PLAN_CMD_H
#define KOPPEL_CTL_PLAN_CMD_H

#include <stdbool.h>
#include <stdint.h>

#include "config.h"

/* plan_cmd - koppelctl plan PROFILE TASK [--interval I] [--next "YYYY-MM-DD HH:MM"]
 * (argv after "plan"); the exit status: 0, 1 when refused, 2 on a usage error */
int plan_cmd(const cfg_t *cfg, int argc, char **argv, bool as_json);

/* plan_cmd_task_name - a task's display name ("Importeren financieel") as
 * its name ("importeren-financieel"); new memory */
char *plan_cmd_task_name(const char *given);

/* plan_cmd_parse_time - local "YYYY-MM-DD HH:MM" to epoch seconds; -1 when wrong */
int64_t plan_cmd_parse_time(const char *text);

#endif
