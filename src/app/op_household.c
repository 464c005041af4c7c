/*
 * op_household — placeholder until the household operations are moved here.
 */
#include "app/app.h"

const struct ch_op ch_ops_household[] = {
    {0},
};
