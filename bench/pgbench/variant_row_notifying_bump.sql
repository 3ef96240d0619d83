-- template: v2 (written against V2's invoker-rights functions; run.sh builds it from V1 + V2 as released)
-- Measurement only: per-row AFTER triggers (variant_row_after.sql) with the notifying bump.
\i variant_notifying_bump.sql
\i variant_row_after.sql
