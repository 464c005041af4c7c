/*
 * reference — loading the reference data compiled into the binary.
 *
 * data/regions/ (prefecture and counties, GB/T 2260) and
 * data/register/ (technologies, energy-saving measures, limits; not the
 * import headings, which headings.h reads from the binary) and
 * data/calendar/ (milestone calendars, one file per plan year),
 * data/acceptance/ (checklist, sampling, follow-up) and data/subsidy/
 * (subsidy policies, one per plan year, loaded as numbered versions) are
 * embedded at build time. Each database keeps the hash of every file it
 * loaded; ch_reference_sync loads the files that are new or changed, in one
 * transaction, so a database created by an older cleanheat picks up newer
 * reference data the next time it is opened.
 */
#ifndef CH_IO_REFERENCE_H
#define CH_IO_REFERENCE_H

typedef struct ch_ctx ch_ctx;

int ch_reference_sync(ch_ctx *ctx);

#endif
