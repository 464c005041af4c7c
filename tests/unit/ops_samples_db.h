/* Samples of the database operations for test_ops.c (see ops_samples_plan.h). */
SAMPLE("db.init", "")
SAMPLE("db.backup", "sample-backup.db")
SAMPLE("db.restore", "sample-backup.db")
SAMPLE("db.copy", "--to sample-copy.db")
SAMPLE("db.copy", "--from main.db --to sample-copy2.db")
