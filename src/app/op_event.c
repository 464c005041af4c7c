/*
 * op_event — placeholder until the event operations are moved here.
 */
#include "app/app.h"

const struct ch_op ch_ops_event[] = {
    {0},
};
