/*
 * op_acceptance — placeholder until the acceptance operations are moved here.
 */
#include "app/app.h"

const struct ch_op ch_ops_acceptance[] = {
    {0},
};
