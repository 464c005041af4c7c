/*
 * op_funds — placeholder until the funds operations are moved here.
 */
#include "app/app.h"

const struct ch_op ch_ops_funds[] = {
    {0},
};
