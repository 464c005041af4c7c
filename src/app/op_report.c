/*
 * op_report — placeholder until the report operations are moved here.
 */
#include "app/app.h"

const struct ch_op ch_ops_report[] = {
    {0},
};
