/*
 * op_demo — placeholder until the demo operations are moved here.
 */
#include "app/app.h"

const struct ch_op ch_ops_demo[] = {
    {0},
};
