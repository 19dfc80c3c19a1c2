-- Which Parley cluster may write to this journal (io.parley.persistence.JournalOwner): one row,
-- held by one node of the owning cluster (its JournalOwnership singleton) and renewed before
-- expires_at. The database's clock decides expiry. See docs/PERSISTENCE.md#one-cluster-per-journal.
CREATE TABLE IF NOT EXISTS parley_journal_owner (
  id SMALLINT NOT NULL PRIMARY KEY,
  holder VARCHAR(255) NOT NULL,
  expires_at TIMESTAMP WITH TIME ZONE NOT NULL,
  version BIGINT NOT NULL
);
