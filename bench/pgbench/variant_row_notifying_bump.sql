-- Measurement only: per-row AFTER triggers (variant_row_after.sql) with the notifying bump.
\i variant_notifying_bump.sql
\i variant_row_after.sql
