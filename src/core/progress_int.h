/*
 * progress_int — the one statement of what recorded steps add to the
 * progress figures, for src/core/ only.
 *
 * CH_PROGRESS_CONTRIBUTIONS is the rule apply_contribution in event.c
 * follows, written as SQL: one row per contribution of a current event,
 * keyed by household. ch_progress_verify sums it per county and day to
 * check progress_daily; the county detail (county_progress.c) sums it per
 * township, village, contractor or technology, so both count exactly what
 * the dispatch counts.
 */
#ifndef CH_CORE_PROGRESS_INT_H
#define CH_CORE_PROGRESS_INT_H

/* Rows (household_id, plan_year, county_id, stage_no, day, n, es, area):
 * +1 at the stage a step forward reaches; for a withdrawal or a step back,
 * -1 (and the energy-saving figures) for every stage left, taken back from
 * what the latest current step into it added; +1 at 已退出 for a
 * withdrawal. The statement binds ?1 CH_STAGE_STARTED, ?2
 * CH_STAGE_SUBSIDIZED and ?3 CH_STAGE_WITHDRAWN. E_FILTER is SQL text
 * appended to the condition on each contributing event e (a string
 * literal, "" for every event), e.g. " AND e.household_id IN (...)". */
#define CH_PROGRESS_CONTRIBUTIONS(E_FILTER)                                                        \
	/* a step forward: +1 at the stage reached */                                              \
	"SELECT e.household_id, e.plan_year, e.county_id, e.stage_no, e.day, 1 AS n, e.es,"        \
	" e.es * e.es_area_centi AS area FROM event e"                                             \
	" WHERE e.superseded_by IS NULL AND e.stage_no BETWEEN ?1 AND ?2"                          \
	" AND e.stage_no > e.from_stage_no" E_FILTER                                               \
	/* a withdrawal or a step back: take back, for every stage left, what the     */         \
	/* latest current step into it added                                           */         \
	" UNION ALL"                                                                               \
	" SELECT f.household_id, f.plan_year, f.county_id, f.stage_no, e.day, -1, -f.es,"          \
	" -f.es * f.es_area_centi FROM event e JOIN event f ON f.household_id = e.household_id"   \
	" AND f.superseded_by IS NULL AND f.stage_no > f.from_stage_no AND f.stage_no <> ?3"       \
	" AND f.stage_no <= e.from_stage_no"                                                       \
	" AND f.stage_no >= CASE WHEN e.stage_no = ?3 THEN ?1 ELSE e.stage_no + 1 END"             \
	" AND f.id = (SELECT max(g.id) FROM event g WHERE g.household_id = f.household_id"        \
	"  AND g.stage_no = f.stage_no AND g.superseded_by IS NULL"                                \
	"  AND g.stage_no > g.from_stage_no"                                                       \
	"  AND (g.day < e.day OR (g.day = e.day AND g.id < e.id)))"                                \
	" WHERE e.superseded_by IS NULL AND (e.stage_no = ?3 OR e.stage_no < e.from_stage_no)"     \
	E_FILTER /* and a withdrawal's +1 at 已退出 */                                              \
	" UNION ALL"                                                                               \
	" SELECT e.household_id, e.plan_year, e.county_id, ?3, e.day, 1, e.es,"                    \
	" e.es * e.es_area_centi FROM event e WHERE e.superseded_by IS NULL AND e.stage_no = ?3"   \
	E_FILTER

#endif
